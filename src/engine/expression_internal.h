// Internals of the expression module (expression.h): the parsed ASTs, the resolved forms
// and the helpers shared by the parser, resolver and evaluators. Not for use outside
// src/engine/expression_*.cc and their tests.
//
// Parsed ASTs are immutable once built and shared between threads through
// ExpressionCache; resolved forms belong to one request.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "dynamo/attribute_value.h"
#include "engine/expression.h"

namespace issuetracker::engine {

// ---------------------------------------------------------------- limits (DynamoDB's)

// Expression strings are limited to 4 KB (DynamoDB Developer Guide, "Expression
// parameters" constraints).
inline constexpr size_t kMaxExpressionBytes = 4096;
// A document path may nest at most 32 levels.
inline constexpr size_t kMaxPathDepth = 32;
// IN takes at most 100 operands on its right-hand side.
inline constexpr size_t kMaxInOperands = 100;
// Our own bound on syntactic nesting (parentheses, NOT chains), so that a 4 KB
// expression cannot exhaust the stack of the recursive-descent parser. DynamoDB documents
// no nesting limit but at most 300 operators per expression: `a<b` with 149 nested
// `or (a<b ...)` (299 operators) parses, as in DynamoDB.
inline constexpr int kMaxSyntaxNesting = 600;

// ---------------------------------------------------------------- parsed forms

// One step of a document path as written: a plain name, a `#placeholder` or an index.
struct RawPathElement {
  enum class Kind : uint8_t { kName, kPlaceholder, kIndex };
  Kind kind = Kind::kName;
  std::string text;   // the name, "#placeholder" or the index digits as written
  int64_t index = 0;  // kIndex: the value, or -1 when it does not fit in int32
};
using RawPath = std::vector<RawPathElement>;

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view CompareOpText(CompareOp op);

// An operand: a path, a `:value`, a function call, or (updates only) `a + b` / `a - b`.
struct OperandAst {
  enum class Kind : uint8_t { kPath, kValue, kCall, kArith };
  Kind kind = Kind::kPath;
  RawPath path;                  // kPath
  std::string name;              // kValue ":v", kCall function name, kArith "+" or "-"
  std::vector<OperandAst> args;  // kCall arguments, kArith the two sides
  bool parenthesized = false;    // written inside (...)
};

// A node of a condition tree. kCall is a function used as a condition
// (attribute_exists(a), begins_with(a, :v), ...).
struct ConditionNode {
  enum class Kind : uint8_t { kCompare, kBetween, kIn, kCall, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  CompareOp op = CompareOp::kEq;        // kCompare
  std::string function;                 // kCall
  std::vector<OperandAst> operands;     // compare 2, between 3, in 1 + n, call: arguments
  std::vector<ConditionNode> children;  // and / or: 2 or more, not: 1
  bool parenthesized = false;
};

struct ConditionAst {
  std::string kind;  // "ConditionExpression", "FilterExpression", "KeyConditionExpression"
  ConditionNode root;
};

struct UpdateActionAst {
  enum class Kind : uint8_t { kSet, kRemove, kAdd, kDelete };
  Kind kind = Kind::kSet;
  int clause = 0;  // index of the SET/REMOVE/ADD/DELETE clause it was written in
  RawPath path;
  OperandAst value;  // SET: the value; ADD / DELETE: the `:value`; REMOVE: unused
};

struct UpdateAst {
  std::vector<UpdateActionAst> actions;  // in written order
  int clause_count = 0;
};

struct ProjectionAst {
  std::vector<RawPath> paths;
};

// ---------------------------------------------------------------- helpers

// "Invalid <kind>: <message>" as a ValidationException.
Status InvalidExpression(std::string_view kind, std::string_view message);

// The grammar alone (expression_parser.cc): syntax errors and redundant parentheses.
Result<ConditionNode> ParseConditionSyntax(std::string_view text, std::string_view kind);
Result<UpdateAst> ParseUpdateSyntax(std::string_view text);
Result<ProjectionAst> ParseProjectionSyntax(std::string_view text);

// Parses `text` with DynamoDB's checks, in its order: not empty, at most 4 KB, syntax,
// then the checks that depend on the text alone (reserved words, list index range,
// function names and placement, repeated update sections), which DynamoDB reports
// before it looks at placeholders. `kind` names the request parameter in messages.
// Implemented in expression_cache.cc.
Result<ConditionAst> ParseConditionText(std::string_view text, std::string_view kind);
Result<UpdateAst> ParseUpdateText(std::string_view text);
Result<ProjectionAst> ParseProjectionText(std::string_view text);

// The number of operands of a DynamoDB function, or -1 when `name` is not one.
int FunctionArity(std::string_view name);

// "[a, b, [2]]": DynamoDB's rendering of a path in overlap and operand messages.
std::string PathListString(const Path& path);

// The value at `path` in `item`, or nullptr when any step is missing or of the wrong
// type (a name step needs a map, an index step a list).
const dynamo::AttributeValue* LookupPath(const dynamo::Item& item, const Path& path);
// The same for the first `length` steps of `path`.
const dynamo::AttributeValue* LookupPathPrefix(const dynamo::Item& item, const Path& path,
                                               size_t length);
dynamo::AttributeValue* LookupPathMutable(dynamo::Item& item, const Path& path, size_t length);

// The three-way order of two scalar values of the same type (S, N or B), or false when
// they cannot be ordered (different types, or not scalars).
bool OrderValues(const dynamo::AttributeValue& a, const dynamo::AttributeValue& b, int* order);

// ---------------------------------------------------------------- resolved forms

// A condition operand bound to a request.
struct ROperand {
  enum class Kind : uint8_t { kPath, kValue, kSize };
  Kind kind = Kind::kPath;
  Path path;  // kPath; kSize of a path
  // kValue; kSize of a literal (size(:v)). Owned by the request's ExpressionValues.
  const dynamo::AttributeValue* value = nullptr;
};

struct RCondition {
  enum class Kind : uint8_t {
    kCompare,
    kBetween,
    kIn,
    kExists,
    kNotExists,
    kType,
    kBeginsWith,
    kContains,
    kAnd,  // n-ary
    kOr,   // n-ary
    kNot,
  };
  Kind kind = Kind::kCompare;
  CompareOp op = CompareOp::kEq;
  dynamo::AttrType type = dynamo::AttrType::kS;  // kType
  std::vector<ROperand> operands;
  std::vector<RCondition> children;
};

class ConditionImpl final : public Condition {
 public:
  explicit ConditionImpl(RCondition root) : root_(std::move(root)) {}
  bool Evaluate(const dynamo::Item* item) const override;
  std::vector<std::string> TopLevelAttributes() const override;
  const RCondition& root() const { return root_; }

 private:
  RCondition root_;
};

// The value side of a SET action.
struct RValue {
  enum class Kind : uint8_t { kPath, kValue, kIfNotExists, kListAppend, kPlus, kMinus };
  Kind kind = Kind::kValue;
  Path path;                                      // kPath
  const dynamo::AttributeValue* value = nullptr;  // kValue
  std::vector<RValue> args;                       // functions and arithmetic
};

struct RAction {
  UpdateActionAst::Kind kind = UpdateActionAst::Kind::kSet;
  int clause = 0;
  Path path;
  RValue value;  // SET: the value; ADD / DELETE: kValue
};

class UpdateImpl final : public Update {
 public:
  UpdateImpl(std::vector<RAction> actions, int clause_count);
  Status Apply(dynamo::Item* item) const override;
  const std::vector<Path>& Paths() const override { return paths_; }
  bool OnlyRemoves() const override {
    for (const RAction& a : actions_) {
      if (a.kind != UpdateActionAst::Kind::kRemove && a.kind != UpdateActionAst::Kind::kDelete)
        return false;
    }
    return !actions_.empty();
  }

 private:
  std::vector<RAction> actions_;
  int clause_count_;
  std::vector<Path> paths_;
};

// Binds a parsed condition to the resolver's names and values, with DynamoDB's static
// checks (expression_resolve.cc).
Result<RCondition> BindConditionAst(ExpressionResolver& resolver, const ConditionAst& ast);

// A projection as a tree of paths, built once per resolved ProjectionExpression.
struct ProjectionTree {
  // Children are kept in parallel vectors: a std::pair of an incomplete Node would not
  // compile everywhere.
  struct Node {
    bool leaf = false;
    std::vector<std::string> names;   // sorted
    std::vector<Node> name_children;  // name_children[i] is under names[i]
    std::vector<int32_t> indexes;     // sorted
    std::vector<Node> index_children;
  };
  Node root;
  bool top_level_only = true;  // every path is a single name
};
std::shared_ptr<const ProjectionTree> BuildProjectionTree(const std::vector<Path>& paths);

// Grants the resolver's .cc files access to its private state.
struct ResolverAccess {
  static const dynamo::ExpressionNames& names(const ExpressionResolver& r) { return r.names_; }
  static const dynamo::ExpressionValues& values(const ExpressionResolver& r) { return r.values_; }
  static boost::container::flat_set<std::string>& used_names(ExpressionResolver& r) {
    return r.used_names_;
  }
  static boost::container::flat_set<std::string>& used_values(ExpressionResolver& r) {
    return r.used_values_;
  }
};

}  // namespace issuetracker::engine
