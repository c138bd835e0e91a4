// ExpressionResolver: binds parsed expressions to one request's
// ExpressionAttributeNames and ExpressionAttributeValues.
//
// Besides substituting placeholders, this is where DynamoDB's static checks live: the
// checks that need the values' types but not the item (operand types of comparisons and
// functions, BETWEEN bounds, IN operand count, distinct operands, overlapping update
// and projection paths). DynamoDB rejects these at validation, before reading the item.
#include <optional>

#include "engine/expression_internal.h"

namespace issuetracker::engine {
namespace {

using dynamo::AttributeValue;
using dynamo::AttrType;

// The type lists DynamoDB prints in operand type messages.
constexpr std::string_view kAnyType = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}";
constexpr std::string_view kValidTypeNames = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}";

// ADD / DELETE messages spell types out.
std::string_view LongTypeName(AttrType t) {
  switch (t) {
    case AttrType::kS:
      return "STRING";
    case AttrType::kN:
      return "NUMBER";
    case AttrType::kB:
      return "BINARY";
    case AttrType::kBool:
      return "BOOLEAN";
    case AttrType::kNull:
      return "NULL";
    case AttrType::kM:
      return "MAP";
    case AttrType::kL:
      return "LIST";
    case AttrType::kSS:
      return "STRING_SET";
    case AttrType::kNS:
      return "NUMBER_SET";
    case AttrType::kBS:
      return "BINARY_SET";
  }
  return "";
}

bool IsScalar(AttrType t) { return t == AttrType::kS || t == AttrType::kN || t == AttrType::kB; }

// A BETWEEN bound as DynamoDB's (Java) message prints it.
std::string BoundText(const AttributeValue& v) {
  std::string out = "AttributeValue: {";
  out.append(dynamo::TypeName(v.type()));
  out += ':';
  switch (v.type()) {
    case AttrType::kS:
      out += v.s();
      break;
    case AttrType::kN:
      out += v.n().ToString();
      break;
    case AttrType::kB: {
      std::string n = std::to_string(v.b().size());
      out += "java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]";
      break;
    }
    default:
      out += v.DebugString();
      break;
  }
  return out + "}";
}

// The type of an operand known before reading the item: a value's type, N for size().
std::optional<AttrType> StaticType(const ROperand& op) {
  switch (op.kind) {
    case ROperand::Kind::kValue:
      return op.value->type();
    case ROperand::Kind::kSize:
      return AttrType::kN;
    case ROperand::Kind::kPath:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<AttrType> StaticType(const RValue& v) {
  if (v.kind == RValue::Kind::kValue) return v.value->type();
  return std::nullopt;
}

// Binds the placeholders of one expression, recording the ones it uses.
class Binder {
 public:
  Binder(ExpressionResolver& resolver, std::string_view kind) : resolver_(resolver), kind_(kind) {}

  Status Invalid(std::string_view message) const { return InvalidExpression(kind_, message); }

  Status TypeProblem(std::string_view op, std::string_view type) const {
    std::string m = "Incorrect operand type for operator or function; operator or function: ";
    m.append(op);
    m += ", operand type: ";
    m.append(type);
    return Invalid(m);
  }

  // Substitutes #placeholders; fails on an undefined one.
  Status ResolveNames(const RawPath& raw, Path* out) {
    out->clear();
    out->reserve(raw.size());
    for (const RawPathElement& e : raw) {
      PathElement step;
      if (e.kind == RawPathElement::Kind::kIndex) {
        step.index = static_cast<int32_t>(e.index);
      } else if (e.kind == RawPathElement::Kind::kName) {
        step.name = e.text;
      } else {
        const auto& names = ResolverAccess::names(resolver_);
        auto it = names.find(e.text);
        if (it == names.end()) {
          return Invalid(
              "An expression attribute name used in the document path is not defined; "
              "attribute name: " +
              e.text);
        }
        ResolverAccess::used_names(resolver_).insert(e.text);
        IT_RETURN_IF_ERROR(dynamo::CheckAttributeName(it->second));
        step.name = it->second;
      }
      out->push_back(std::move(step));
    }
    return Status::Ok();
  }

  Status BindPath(const RawPath& raw, Path* out) {
    IT_RETURN_IF_ERROR(ResolveNames(raw, out));
    if (raw.size() > kMaxPathDepth) {
      return Invalid("The document path has too many nesting levels; nesting levels: " +
                     std::to_string(raw.size()));
    }
    return Status::Ok();
  }

  Status BindValue(const std::string& name, const AttributeValue** out) {
    const auto& values = ResolverAccess::values(resolver_);
    auto it = values.find(name);
    if (it == values.end()) {
      return Invalid(
          "An expression attribute value used in expression is not defined; attribute value: " +
          name);
    }
    // Values are validated as item values are (no empty sets, no duplicates, nesting), in
    // DynamoDB's words for this parameter.
    if (ResolverAccess::used_values(resolver_).insert(name).second) {
      if (Status s = dynamo::ValidateValue(it->second); !s.ok()) {
        return Status::Validation("ExpressionAttributeValues contains invalid value: " +
                                  s.message() + " for key " + name);
      }
    }
    *out = &it->second;
    return Status::Ok();
  }

  // DynamoDB rejects `a = a`, `contains(a, a)`, ...: the first operand, when a path,
  // must differ from the others.
  Status Distinct(std::string_view op, const std::vector<ROperand>& ops) const {
    if (ops.empty() || ops[0].kind != ROperand::Kind::kPath) return Status::Ok();
    for (size_t i = 1; i < ops.size(); ++i) {
      if (ops[i].kind == ROperand::Kind::kPath && ops[i].path == ops[0].path) {
        std::string m =
            "The first operand must be distinct from the remaining operands for this operator "
            "or function; operator: ";
        m.append(op);
        return Invalid(m + ", first operand: " + PathListString(ops[0].path));
      }
    }
    return Status::Ok();
  }

  Result<RCondition> BindCondition(const ConditionNode& node);
  Status BindOperand(const OperandAst& op, ROperand* out);
  Status BindSetValue(const OperandAst& op, RValue* out);
  Status CheckValueNames(const OperandAst& op);

 private:
  Status BindComparison(const ConditionNode& node, RCondition* out);
  Status BindBetween(RCondition* out);
  Status BindFunction(const std::string& name, RCondition* out);
  Status BindUpdateCall(const OperandAst& op, RValue* out);

  ExpressionResolver& resolver_;
  std::string_view kind_;
};

Result<RCondition> Binder::BindCondition(const ConditionNode& node) {
  RCondition out;
  switch (node.kind) {
    case ConditionNode::Kind::kAnd:
    case ConditionNode::Kind::kOr: {
      out.kind =
          node.kind == ConditionNode::Kind::kAnd ? RCondition::Kind::kAnd : RCondition::Kind::kOr;
      for (const ConditionNode& c : node.children) {
        IT_ASSIGN_OR_RETURN(RCondition child, BindCondition(c));
        if (child.kind != out.kind) {
          out.children.push_back(std::move(child));
          continue;
        }
        // Flatten `a AND b AND c` into one node: cheaper to evaluate.
        for (RCondition& g : child.children) out.children.push_back(std::move(g));
      }
      return out;
    }
    case ConditionNode::Kind::kNot: {
      out.kind = RCondition::Kind::kNot;
      IT_ASSIGN_OR_RETURN(RCondition child, BindCondition(node.children[0]));
      out.children.push_back(std::move(child));
      return out;
    }
    default:
      break;
  }
  out.operands.resize(node.operands.size());
  for (size_t i = 0; i < node.operands.size(); ++i) {
    IT_RETURN_IF_ERROR(BindOperand(node.operands[i], &out.operands[i]));
  }
  if (node.kind == ConditionNode::Kind::kCall) {
    IT_RETURN_IF_ERROR(BindFunction(node.function, &out));
  } else {
    IT_RETURN_IF_ERROR(BindComparison(node, &out));
  }
  return out;
}

Status Binder::BindComparison(const ConditionNode& node, RCondition* out) {
  if (node.kind == ConditionNode::Kind::kBetween) return BindBetween(out);
  if (node.kind == ConditionNode::Kind::kIn) {
    out->kind = RCondition::Kind::kIn;
    size_t n = out->operands.size() - 1;
    if (n > kMaxInOperands) {
      return Invalid("The IN operator is provided with too many operands; number of operands: " +
                     std::to_string(n));
    }
    return Distinct("IN", out->operands);
  }
  out->kind = RCondition::Kind::kCompare;
  out->op = node.op;
  IT_RETURN_IF_ERROR(Distinct(CompareOpText(node.op), out->operands));
  if (node.op == CompareOp::kEq || node.op == CompareOp::kNe) return Status::Ok();
  // Ordering is defined for S, N and B only; DynamoDB rejects other literal types.
  for (const ROperand& op : out->operands) {
    std::optional<AttrType> t = StaticType(op);
    if (t && !IsScalar(*t)) return TypeProblem(CompareOpText(node.op), dynamo::TypeName(*t));
  }
  return Status::Ok();
}

Status Binder::BindBetween(RCondition* out) {
  out->kind = RCondition::Kind::kBetween;
  IT_RETURN_IF_ERROR(Distinct("BETWEEN", out->operands));
  for (const ROperand& op : out->operands) {
    std::optional<AttrType> t = StaticType(op);
    if (t && !IsScalar(*t)) return TypeProblem("BETWEEN", dynamo::TypeName(*t));
  }
  const ROperand& lo = out->operands[1];
  const ROperand& hi = out->operands[2];
  if (lo.kind != ROperand::Kind::kValue || hi.kind != ROperand::Kind::kValue) {
    return Status::Ok();
  }
  std::string bounds = "; lower bound operand: " + BoundText(*lo.value) +
                       ", upper bound operand: " + BoundText(*hi.value);
  if (lo.value->type() != hi.value->type()) {
    return Invalid("The BETWEEN operator requires same data type for lower and upper bounds" +
                   bounds);
  }
  int order = 0;
  if (OrderValues(*lo.value, *hi.value, &order) && order > 0) {
    return Invalid(
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound" +
        bounds);
  }
  return Status::Ok();
}

// A function used as a condition; its operands are bound already.
Status Binder::BindFunction(const std::string& name, RCondition* out) {
  std::vector<ROperand>& ops = out->operands;
  // attribute_type's first operand may be a value too (DynamoDB accepts it, though its
  // documentation asks for a path).
  if (name == "attribute_exists" || name == "attribute_not_exists") {
    if (ops[0].kind != ROperand::Kind::kPath) {
      return Invalid("Operator or function requires a document path; operator or function: " +
                     name);
    }
  }
  IT_RETURN_IF_ERROR(Distinct(name, ops));
  if (name == "attribute_exists") {
    out->kind = RCondition::Kind::kExists;
  } else if (name == "attribute_not_exists") {
    out->kind = RCondition::Kind::kNotExists;
  } else if (name == "contains") {
    out->kind = RCondition::Kind::kContains;
  } else if (name == "begins_with") {
    out->kind = RCondition::Kind::kBeginsWith;
    for (const ROperand& op : ops) {
      std::optional<AttrType> t = StaticType(op);
      if (t && *t != AttrType::kS && *t != AttrType::kB) {
        return TypeProblem(name, dynamo::TypeName(*t));
      }
    }
  } else {  // attribute_type
    out->kind = RCondition::Kind::kType;
    const ROperand& type = ops[1];
    if (type.kind != ROperand::Kind::kValue) {
      return TypeProblem(name, type.kind == ROperand::Kind::kSize ? "N" : kAnyType);
    }
    if (!type.value->is(AttrType::kS))
      return TypeProblem(name, dynamo::TypeName(type.value->type()));
    if (!dynamo::ParseTypeName(type.value->s(), &out->type)) {
      return Invalid("Invalid attribute type name found; type: " + type.value->s() +
                     ", valid types: " + std::string(kValidTypeNames));
    }
  }
  return Status::Ok();
}

Status Binder::BindOperand(const OperandAst& op, ROperand* out) {
  switch (op.kind) {
    case OperandAst::Kind::kPath:
      out->kind = ROperand::Kind::kPath;
      return BindPath(op.path, &out->path);
    case OperandAst::Kind::kValue:
      out->kind = ROperand::Kind::kValue;
      return BindValue(op.name, &out->value);
    case OperandAst::Kind::kCall: {
      // The text checks admit only size() here.
      ROperand arg;
      IT_RETURN_IF_ERROR(BindOperand(op.args[0], &arg));
      std::optional<AttrType> t = StaticType(arg);
      if (t && (*t == AttrType::kN || *t == AttrType::kBool || *t == AttrType::kNull)) {
        return TypeProblem("size", dynamo::TypeName(*t));
      }
      out->kind = ROperand::Kind::kSize;
      out->path = std::move(arg.path);
      out->value = arg.value;
      return Status::Ok();
    }
    case OperandAst::Kind::kArith:
      break;  // not produced by the condition grammar
  }
  return Invalid("Syntax error");
}

Status Binder::CheckValueNames(const OperandAst& op) {
  if (op.kind == OperandAst::Kind::kPath) {
    Path ignored;
    return ResolveNames(op.path, &ignored);
  }
  for (const OperandAst& arg : op.args) IT_RETURN_IF_ERROR(CheckValueNames(arg));
  return Status::Ok();
}

Status Binder::BindSetValue(const OperandAst& op, RValue* out) {
  switch (op.kind) {
    case OperandAst::Kind::kPath:
      out->kind = RValue::Kind::kPath;
      return BindPath(op.path, &out->path);
    case OperandAst::Kind::kValue:
      out->kind = RValue::Kind::kValue;
      return BindValue(op.name, &out->value);
    case OperandAst::Kind::kCall:
      return BindUpdateCall(op, out);
    case OperandAst::Kind::kArith: {
      out->kind = op.name == "+" ? RValue::Kind::kPlus : RValue::Kind::kMinus;
      out->args.resize(2);
      for (size_t i = 0; i < 2; ++i) IT_RETURN_IF_ERROR(BindSetValue(op.args[i], &out->args[i]));
      for (const RValue& arg : out->args) {
        std::optional<AttrType> t = StaticType(arg);
        if (t && *t != AttrType::kN) return TypeProblem(op.name, dynamo::TypeName(*t));
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status Binder::BindUpdateCall(const OperandAst& op, RValue* out) {
  int arity = FunctionArity(op.name);
  if (arity < 0 || static_cast<size_t>(arity) != op.args.size()) {
    return Invalid("Incorrect number of operands for operator or function; operator or function: " +
                   op.name + ", number of operands: " + std::to_string(op.args.size()));
  }
  out->args.resize(op.args.size());
  for (size_t i = 0; i < op.args.size(); ++i) {
    IT_RETURN_IF_ERROR(BindSetValue(op.args[i], &out->args[i]));
  }
  if (op.name == "if_not_exists") {
    out->kind = RValue::Kind::kIfNotExists;
    if (out->args[0].kind != RValue::Kind::kPath) {
      return Invalid("Operator or function requires a document path; operator or function: " +
                     op.name);
    }
    if (out->args[1].kind == RValue::Kind::kPath && out->args[1].path == out->args[0].path) {
      return Invalid(
          "The first operand must be distinct from the remaining operands for this operator or "
          "function; operator: if_not_exists, first operand: " +
          PathListString(out->args[0].path));
    }
    return Status::Ok();
  }
  out->kind = RValue::Kind::kListAppend;
  for (const RValue& arg : out->args) {
    if (arg.kind == RValue::Kind::kListAppend) {  // DynamoDB refuses list_append in list_append
      return Invalid(
          "The function is not allowed to be used this way in an expression; function: " + op.name);
    }
    std::optional<AttrType> t = StaticType(arg);
    if (t && *t != AttrType::kL) return TypeProblem(op.name, dynamo::TypeName(*t));
  }
  return Status::Ok();
}

// How two paths of one update or projection relate.
enum class PathRelation : uint8_t { kIndependent, kOverlap, kConflict };

PathRelation Relate(const Path& a, const Path& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t k = 0; k < n; ++k) {
    if (a[k].is_index() != b[k].is_index()) return PathRelation::kConflict;
    if (!(a[k] == b[k])) return PathRelation::kIndependent;
  }
  return PathRelation::kOverlap;
}

// DynamoDB rejects an update or projection whose paths are the same or nested
// (overlap), or that use one attribute both as a map and as a list (conflict). An
// overlap anywhere is reported before a conflict.
Status CheckOverlaps(std::string_view kind, const std::vector<const Path*>& paths) {
  std::optional<std::pair<size_t, size_t>> conflict;
  for (size_t j = 1; j < paths.size(); ++j) {
    for (size_t i = 0; i < j; ++i) {
      PathRelation r = Relate(*paths[i], *paths[j]);
      if (r == PathRelation::kOverlap) {
        return InvalidExpression(
            kind,
            "Two document paths overlap with each other; must remove or rewrite one of these "
            "paths; path one: " +
                PathListString(*paths[i]) + ", path two: " + PathListString(*paths[j]));
      }
      if (r == PathRelation::kConflict && !conflict) conflict.emplace(i, j);
    }
  }
  if (!conflict) return Status::Ok();
  return InvalidExpression(
      kind,
      "Two document paths conflict with each other; must remove or rewrite one of these paths; "
      "path one: " +
          PathListString(*paths[conflict->first]) +
          ", path two: " + PathListString(*paths[conflict->second]));
}

// ADD takes a number or a set, DELETE a set.
Status CheckAddDeleteOperand(UpdateActionAst::Kind kind, const AttributeValue& v) {
  AttrType t = v.type();
  bool is_set = t == AttrType::kSS || t == AttrType::kNS || t == AttrType::kBS;
  bool is_add = kind == UpdateActionAst::Kind::kAdd;
  if (is_set || (is_add && t == AttrType::kN)) return Status::Ok();
  std::string op = is_add ? "ADD" : "DELETE";
  return InvalidExpression("UpdateExpression",
                           "Incorrect operand type for operator or function; operator: " + op +
                               ", operand type: " + std::string(LongTypeName(t)) +
                               ", typeSet: ALLOWED_FOR_" + op + "_OPERAND");
}

}  // namespace

namespace {

void AppendIndex(std::string* out, int32_t index) {
  out->push_back('[');
  out->append(std::to_string(index));
  out->push_back(']');
}

}  // namespace

std::string PathToString(const Path& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i].is_index()) {
      AppendIndex(&out, path[i].index);
    } else {
      if (i > 0) out += '.';
      out += path[i].name;
    }
  }
  return out;
}

std::string PathListString(const Path& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.size(); ++i) {
    if (i > 0) out += ", ";
    if (path[i].is_index()) {
      AppendIndex(&out, path[i].index);
    } else {
      out += path[i].name;
    }
  }
  return out + "]";
}

Result<RCondition> BindConditionAst(ExpressionResolver& resolver, const ConditionAst& ast) {
  return Binder(resolver, ast.kind).BindCondition(ast.root);
}

ExpressionResolver::ExpressionResolver(const dynamo::ExpressionNames& names,
                                       const dynamo::ExpressionValues& values)
    : names_(names), values_(values) {}

ExpressionResolver::~ExpressionResolver() = default;

Result<std::unique_ptr<Condition>> ExpressionResolver::ResolveCondition(const ConditionAst& ast) {
  IT_ASSIGN_OR_RETURN(RCondition root, BindConditionAst(*this, ast));
  return std::unique_ptr<Condition>(std::make_unique<ConditionImpl>(std::move(root)));
}

Result<ProjectionPaths> ExpressionResolver::ResolveProjection(const ProjectionAst& ast) {
  Binder binder(*this, "ProjectionExpression");
  ProjectionPaths out;
  out.paths.resize(ast.paths.size());
  std::vector<const Path*> paths;
  for (size_t i = 0; i < ast.paths.size(); ++i) {
    IT_RETURN_IF_ERROR(binder.BindPath(ast.paths[i], &out.paths[i]));
    paths.push_back(&out.paths[i]);
  }
  IT_RETURN_IF_ERROR(CheckOverlaps("ProjectionExpression", paths));
  out.tree = BuildProjectionTree(out.paths);
  return out;
}

// DynamoDB's order: the #names of the updated paths, overlaps between them, then, from
// the last action back to the first, the #names of the values and then the values,
// operand counts and operand types.
Result<std::unique_ptr<Update>> ExpressionResolver::ResolveUpdate(const UpdateAst& ast) {
  Binder binder(*this, "UpdateExpression");
  std::vector<RAction> actions(ast.actions.size());
  std::vector<const Path*> paths;
  for (size_t i = 0; i < ast.actions.size(); ++i) {
    actions[i].kind = ast.actions[i].kind;
    actions[i].clause = ast.actions[i].clause;
    IT_RETURN_IF_ERROR(binder.ResolveNames(ast.actions[i].path, &actions[i].path));
    paths.push_back(&actions[i].path);
  }
  IT_RETURN_IF_ERROR(CheckOverlaps("UpdateExpression", paths));
  for (size_t i = ast.actions.size(); i-- > 0;) {
    if (ast.actions[i].kind == UpdateActionAst::Kind::kSet) {
      IT_RETURN_IF_ERROR(binder.CheckValueNames(ast.actions[i].value));
    }
  }
  for (size_t i = ast.actions.size(); i-- > 0;) {
    const UpdateActionAst& a = ast.actions[i];
    IT_RETURN_IF_ERROR(binder.BindPath(a.path, &actions[i].path));
    if (a.kind == UpdateActionAst::Kind::kSet) {
      IT_RETURN_IF_ERROR(binder.BindSetValue(a.value, &actions[i].value));
    } else if (a.kind != UpdateActionAst::Kind::kRemove) {
      actions[i].value.kind = RValue::Kind::kValue;
      IT_RETURN_IF_ERROR(binder.BindValue(a.value.name, &actions[i].value.value));
      IT_RETURN_IF_ERROR(CheckAddDeleteOperand(a.kind, *actions[i].value.value));
    }
  }
  return std::unique_ptr<Update>(
      std::make_unique<UpdateImpl>(std::move(actions), ast.clause_count));
}

namespace {

std::string UnusedKeys(std::string_view what, const std::vector<std::string>& keys) {
  std::string m = "Value provided in ";
  m.append(what);
  m += " unused in expressions: keys: {";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) m += ", ";
    m += keys[i];
  }
  return m + "}";
}

}  // namespace

Status ExpressionResolver::CheckAllUsed() const {
  std::vector<std::string> unused;
  for (const auto& [key, name] : names_) {
    if (used_names_.count(key) == 0) unused.push_back(key);
  }
  if (!unused.empty()) return Status::Validation(UnusedKeys("ExpressionAttributeNames", unused));
  for (const auto& [key, value] : values_) {
    if (used_values_.count(key) == 0) unused.push_back(key);
  }
  if (!unused.empty()) return Status::Validation(UnusedKeys("ExpressionAttributeValues", unused));
  return Status::Ok();
}

}  // namespace issuetracker::engine
