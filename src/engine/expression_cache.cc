// Parse entry points and ExpressionCache.
//
// Parsing is syntax (expression_parser.cc) followed by the checks that depend on the
// text alone: reserved words, list index range, function names and where each function
// may appear, and (updates) repeated sections. DynamoDB reports these before it looks at
// ExpressionAttributeNames / ExpressionAttributeValues, and since they depend only on the
// text their outcome is cached with the AST.
#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <variant>

#include "engine/expression_internal.h"

namespace issuetracker::engine {
namespace {

enum class Place : uint8_t {
  kCondition,  // a condition of its own: attribute_exists(a)
  kOperand,    // an operand of a comparison: size(a)
  kUpdate,     // a SET value: if_not_exists(a, :v)
};

struct FunctionInfo {
  std::string_view name;
  int arity;
  Place place;
};

// DynamoDB's functions; names are case-sensitive.
constexpr FunctionInfo kFunctions[] = {
    {"attribute_exists", 1, Place::kCondition}, {"attribute_not_exists", 1, Place::kCondition},
    {"attribute_type", 2, Place::kCondition},   {"begins_with", 2, Place::kCondition},
    {"contains", 2, Place::kCondition},         {"size", 1, Place::kOperand},
    {"if_not_exists", 2, Place::kUpdate},       {"list_append", 2, Place::kUpdate},
};

const FunctionInfo* FindFunction(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// Walks a parsed expression in written order and reports the first text-only problem.
class TextChecker {
 public:
  explicit TextChecker(std::string_view kind) : kind_(kind) {}

  Status CheckPath(const RawPath& path) const {
    for (const RawPathElement& e : path) {
      if (e.kind == RawPathElement::Kind::kIndex && e.index < 0) {
        return Invalid("List index is not within the allowable range; index: [" + e.text + "]");
      }
      if (e.kind == RawPathElement::Kind::kName && IsReservedWord(e.text)) {
        return Invalid("Attribute name is a reserved keyword; reserved keyword: " + e.text);
      }
    }
    return Status::Ok();
  }

  Status CheckCondition(const ConditionNode& node) const {
    if (node.kind == ConditionNode::Kind::kCall) {
      return CheckConditionCall(node.function, node.operands, Place::kCondition);
    }
    for (const ConditionNode& child : node.children) IT_RETURN_IF_ERROR(CheckCondition(child));
    for (const OperandAst& op : node.operands) IT_RETURN_IF_ERROR(CheckConditionOperand(op));
    return Status::Ok();
  }

  Status CheckUpdateOperand(const OperandAst& op) const {
    switch (op.kind) {
      case OperandAst::Kind::kPath:
        return CheckPath(op.path);
      case OperandAst::Kind::kValue:
        return Status::Ok();
      case OperandAst::Kind::kCall: {
        const FunctionInfo* f = FindFunction(op.name);
        if (f == nullptr) return Invalid("Invalid function name; function: " + op.name);
        if (f->place != Place::kUpdate) {
          return Invalid("The function is not allowed in an update expression; function: " +
                         op.name);
        }
        // The operand count of update functions is checked with the placeholders.
        break;
      }
      case OperandAst::Kind::kArith:
        break;
    }
    for (const OperandAst& arg : op.args) IT_RETURN_IF_ERROR(CheckUpdateOperand(arg));
    return Status::Ok();
  }

 private:
  Status Invalid(const std::string& message) const { return InvalidExpression(kind_, message); }

  Status CheckConditionOperand(const OperandAst& op) const {
    switch (op.kind) {
      case OperandAst::Kind::kPath:
        return CheckPath(op.path);
      case OperandAst::Kind::kCall:
        return CheckConditionCall(op.name, op.args, Place::kOperand);
      default:
        return Status::Ok();
    }
  }

  // `where` is kCondition for a function standing as a condition, kOperand for one
  // inside a comparison or another function.
  Status CheckConditionCall(const std::string& name, const std::vector<OperandAst>& args,
                            Place where) const {
    const FunctionInfo* f = FindFunction(name);
    if (f == nullptr) return Invalid("Invalid function name; function: " + name);
    if (f->place == Place::kUpdate) {
      return Invalid("The function is not allowed in a condition expression; function: " + name);
    }
    if (f->place != where) {
      return Invalid(
          "The function is not allowed to be used this way in an expression; function: " + name);
    }
    if (static_cast<size_t>(f->arity) != args.size()) {
      return Invalid(
          "Incorrect number of operands for operator or function; operator or function: " + name +
          ", number of operands: " + std::to_string(args.size()));
    }
    for (const OperandAst& arg : args) IT_RETURN_IF_ERROR(CheckConditionOperand(arg));
    return Status::Ok();
  }

  std::string_view kind_;
};

std::string_view SectionName(UpdateActionAst::Kind kind) {
  switch (kind) {
    case UpdateActionAst::Kind::kSet:
      return "SET";
    case UpdateActionAst::Kind::kRemove:
      return "REMOVE";
    case UpdateActionAst::Kind::kAdd:
      return "ADD";
    case UpdateActionAst::Kind::kDelete:
      return "DELETE";
  }
  return "";
}

// DynamoDB reads an update a section (SET, REMOVE, ADD, DELETE) at a time, in the order
// the sections first appear, and reports a repeated section after reading it.
Status CheckUpdateText(const UpdateAst& ast) {
  TextChecker checker("UpdateExpression");
  std::vector<UpdateActionAst::Kind> order;
  for (const UpdateActionAst& a : ast.actions) {
    if (std::find(order.begin(), order.end(), a.kind) == order.end()) order.push_back(a.kind);
  }
  for (UpdateActionAst::Kind kind : order) {
    int first_clause = -1;
    bool repeated = false;
    for (const UpdateActionAst& a : ast.actions) {
      if (a.kind != kind) continue;
      if (first_clause < 0) first_clause = a.clause;
      repeated = repeated || a.clause != first_clause;
      IT_RETURN_IF_ERROR(checker.CheckPath(a.path));
      if (kind == UpdateActionAst::Kind::kSet) {
        IT_RETURN_IF_ERROR(checker.CheckUpdateOperand(a.value));
      }
    }
    if (repeated) {
      return InvalidExpression("UpdateExpression", "The \"" + std::string(SectionName(kind)) +
                                                       "\" section can only be used once in an "
                                                       "update expression;");
    }
  }
  return Status::Ok();
}

// DynamoDB's checks before parsing: not empty, at most 4 KB.
Status CheckLength(std::string_view text, std::string_view kind) {
  if (text.empty()) return InvalidExpression(kind, "The expression can not be empty;");
  if (text.size() > kMaxExpressionBytes) {
    return InvalidExpression(
        kind, "Expression size has exceeded the maximum allowed size; expression size: " +
                  std::to_string(text.size()));
  }
  return Status::Ok();
}

}  // namespace

Status InvalidExpression(std::string_view kind, std::string_view message) {
  std::string text = "Invalid ";
  text.append(kind);
  text += ": ";
  text.append(message);
  return Status::Validation(text);
}

std::string_view CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "<>";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "";
}

int FunctionArity(std::string_view name) {
  const FunctionInfo* f = FindFunction(name);
  return f == nullptr ? -1 : f->arity;
}

Result<ConditionAst> ParseConditionText(std::string_view text, std::string_view kind) {
  IT_RETURN_IF_ERROR(CheckLength(text, kind));
  IT_ASSIGN_OR_RETURN(ConditionNode root, ParseConditionSyntax(text, kind));
  IT_RETURN_IF_ERROR(TextChecker(kind).CheckCondition(root));
  ConditionAst ast;
  ast.kind = std::string(kind);
  ast.root = std::move(root);
  return ast;
}

Result<UpdateAst> ParseUpdateText(std::string_view text) {
  IT_RETURN_IF_ERROR(CheckLength(text, "UpdateExpression"));
  IT_ASSIGN_OR_RETURN(UpdateAst ast, ParseUpdateSyntax(text));
  IT_RETURN_IF_ERROR(CheckUpdateText(ast));
  return ast;
}

Result<ProjectionAst> ParseProjectionText(std::string_view text) {
  IT_RETURN_IF_ERROR(CheckLength(text, "ProjectionExpression"));
  IT_ASSIGN_OR_RETURN(ProjectionAst ast, ParseProjectionSyntax(text));
  TextChecker checker("ProjectionExpression");
  for (const RawPath& path : ast.paths) IT_RETURN_IF_ERROR(checker.CheckPath(path));
  return ast;
}

// ---------------------------------------------------------------- ExpressionCache

struct ExpressionCache::Impl {
  using Entry = std::variant<std::shared_ptr<const ConditionAst>, std::shared_ptr<const UpdateAst>,
                             std::shared_ptr<const ProjectionAst>>;

  explicit Impl(size_t cap) : capacity(cap) {}

  // Looks `key` up; counts a hit when found.
  template <typename T>
  std::shared_ptr<const T> Find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = entries.find(key);
    if (it == entries.end()) return nullptr;
    const auto* found = std::get_if<std::shared_ptr<const T>>(&it->second);
    if (found == nullptr) return nullptr;
    ++hits;
    return *found;
  }

  // Inserts, evicting the oldest entries beyond capacity (simple FIFO: parsing is cheap
  // enough that a smarter policy would not pay for its bookkeeping).
  void Insert(std::string key, Entry entry) {
    if (capacity == 0) return;
    std::lock_guard<std::mutex> lock(mu);
    if (!entries.emplace(key, std::move(entry)).second) return;
    order.push_back(std::move(key));
    while (entries.size() > capacity) {
      entries.erase(order.front());
      order.pop_front();
    }
  }

  const size_t capacity;
  mutable std::mutex mu;
  std::unordered_map<std::string, Entry> entries;  // guarded by mu
  std::deque<std::string> order;                   // insertion order; guarded by mu
  size_t hits = 0;                                 // guarded by mu
};

namespace {

std::string CacheKey(char tag, std::string_view kind, std::string_view text) {
  std::string key;
  key.reserve(kind.size() + text.size() + 3);
  key += tag;
  key.append(kind);
  key += '\0';
  key.append(text);
  return key;
}

}  // namespace

ExpressionCache::ExpressionCache(size_t capacity) : impl_(std::make_unique<Impl>(capacity)) {}
ExpressionCache::~ExpressionCache() = default;

Result<std::shared_ptr<const ConditionAst>> ExpressionCache::ParseCondition(std::string_view text,
                                                                            std::string_view kind) {
  std::string key = CacheKey('C', kind, text);
  if (auto found = impl_->Find<ConditionAst>(key)) return found;
  IT_ASSIGN_OR_RETURN(ConditionAst ast, ParseConditionText(text, kind));
  auto shared = std::make_shared<const ConditionAst>(std::move(ast));
  impl_->Insert(std::move(key), shared);
  return shared;
}

Result<std::shared_ptr<const UpdateAst>> ExpressionCache::ParseUpdate(std::string_view text) {
  std::string key = CacheKey('U', "", text);
  if (auto found = impl_->Find<UpdateAst>(key)) return found;
  IT_ASSIGN_OR_RETURN(UpdateAst ast, ParseUpdateText(text));
  auto shared = std::make_shared<const UpdateAst>(std::move(ast));
  impl_->Insert(std::move(key), shared);
  return shared;
}

Result<std::shared_ptr<const ProjectionAst>> ExpressionCache::ParseProjection(
    std::string_view text) {
  std::string key = CacheKey('P', "", text);
  if (auto found = impl_->Find<ProjectionAst>(key)) return found;
  IT_ASSIGN_OR_RETURN(ProjectionAst ast, ParseProjectionText(text));
  auto shared = std::make_shared<const ProjectionAst>(std::move(ast));
  impl_->Insert(std::move(key), shared);
  return shared;
}

size_t ExpressionCache::hits() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->hits;
}

size_t ExpressionCache::size() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->entries.size();
}

}  // namespace issuetracker::engine
