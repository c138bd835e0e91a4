// DynamoDB expressions: ConditionExpression / FilterExpression, KeyConditionExpression,
// UpdateExpression and ProjectionExpression.
//
// Three explicit steps, as in ScyllaDB Alternator:
//   1. Parse: text -> AST with `#name` and `:value` placeholders unresolved. Pure function
//      of the text, so parsed ASTs are cached (ExpressionCache).
//   2. Resolve: substitute ExpressionAttributeNames, bind ExpressionAttributeValues, check
//      operand types that are known statically, and record which placeholders were used,
//      so that a request can be rejected for unused ones as DynamoDB does
//      (ExpressionResolver::CheckAllUsed).
//   3. Evaluate: against an item (conditions, filters), or apply (updates, projections).
//
// Every error is a ValidationException with DynamoDB's message text, e.g.
// "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"a = = b\"",
// "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
// "Attribute name is a reserved keyword; reserved keyword: status".
#pragma once

#include <boost/container/flat_set.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "dynamo/attribute_value.h"
#include "dynamo/types.h"

namespace issuetracker::engine {

// One step of a document path: a map key or a list index. `a.b[2].c` is
// {name "a"}, {name "b"}, {index 2}, {name "c"}.
struct PathElement {
  std::string name;
  int32_t index = -1;  // >= 0 for a list index, then `name` is empty
  bool is_index() const { return index >= 0; }
  bool operator==(const PathElement&) const = default;
};
using Path = std::vector<PathElement>;

// "a.b[2].c", for messages.
std::string PathToString(const Path& path);

// Opaque parsed forms (defined in expression_internal.h).
struct ConditionAst;
struct UpdateAst;
struct ProjectionAst;

// Resolved forms, bound to one request's names and values. They refer to the request's
// ExpressionValues and must not outlive them.
class Condition;
class Update;

struct ProjectionTree;  // defined in expression_internal.h

// A resolved ProjectionExpression.
struct ProjectionPaths {
  std::vector<Path> paths;
  // The paths as a tree, built once by ResolveProjection so that ApplyProjection does not
  // rebuild it per item. When null (paths filled in by hand), ApplyProjection builds it.
  std::shared_ptr<const ProjectionTree> tree;
};

// A resolved KeyConditionExpression: equality on the partition key and an optional
// condition on the sort key. Attribute names are resolved; ResolveKeyCondition's
// overload taking the key schema checks them against it.
struct KeyCondition {
  enum class Op : uint8_t { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };
  struct Range {
    std::string attribute;
    Op op = Op::kEq;
    dynamo::AttributeValue value;
    dynamo::AttributeValue value2;  // BETWEEN's upper bound
  };
  std::string hash_attribute;
  dynamo::AttributeValue hash_value;
  std::optional<Range> range;
};

// Parses expression text; thread-safe cache of parsed ASTs (bounded; cheap to share).
class ExpressionCache {
 public:
  explicit ExpressionCache(size_t capacity = 4096);
  ~ExpressionCache();
  ExpressionCache(const ExpressionCache&) = delete;
  ExpressionCache& operator=(const ExpressionCache&) = delete;

  // `kind` names the request parameter in error messages ("ConditionExpression",
  // "FilterExpression", "KeyConditionExpression").
  Result<std::shared_ptr<const ConditionAst>> ParseCondition(std::string_view text,
                                                             std::string_view kind);
  Result<std::shared_ptr<const UpdateAst>> ParseUpdate(std::string_view text);
  Result<std::shared_ptr<const ProjectionAst>> ParseProjection(std::string_view text);

  // Cache statistics, for tests.
  size_t hits() const;
  size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Resolves the ASTs of one request against its ExpressionAttributeNames and
// ExpressionAttributeValues and tracks which of them were used.
// Not thread-safe; one per request.
class ExpressionResolver {
 public:
  // `names` and `values` must outlive the resolver and everything it resolves.
  ExpressionResolver(const dynamo::ExpressionNames& names, const dynamo::ExpressionValues& values);
  // Temporaries would dangle: the resolver keeps references.
  ExpressionResolver(dynamo::ExpressionNames&&, const dynamo::ExpressionValues&) = delete;
  ExpressionResolver(const dynamo::ExpressionNames&, dynamo::ExpressionValues&&) = delete;
  ExpressionResolver(dynamo::ExpressionNames&&, dynamo::ExpressionValues&&) = delete;
  ~ExpressionResolver();

  Result<std::unique_ptr<Condition>> ResolveCondition(const ConditionAst& ast);
  Result<std::unique_ptr<Update>> ResolveUpdate(const UpdateAst& ast);
  Result<ProjectionPaths> ResolveProjection(const ProjectionAst& ast);
  // Interprets a parsed condition as a KeyConditionExpression: `pk = :v`, optionally
  // AND-ed with one of `sk = | < | <= | > | >= :v`, `sk BETWEEN :a AND :b`,
  // `begins_with(sk, :v)` (either order of the two conjuncts, parentheses allowed).
  // Which conjunct is the partition key is guessed from the operators (the equality,
  // the first one when both are equalities); prefer the overload below, which knows.
  Result<KeyCondition> ResolveKeyCondition(const ConditionAst& ast);
  // Same, bound to the key schema of the table or index queried (`range_key` empty when
  // there is none), with DynamoDB's messages for conditions that do not fit it: "Query
  // condition missed key schema element: <name>", "Query key condition not supported".
  Result<KeyCondition> ResolveKeyCondition(const ConditionAst& ast, std::string_view hash_key,
                                           std::string_view range_key);

  // After every expression of the request is resolved: ValidationException when a name or
  // value was supplied but never used ("Value provided in ExpressionAttributeValues unused
  // in expressions: keys: {:v}", "Value provided in ExpressionAttributeNames unused in
  // expressions: keys: {#n}").
  Status CheckAllUsed() const;

 private:
  const dynamo::ExpressionNames& names_;
  const dynamo::ExpressionValues& values_;
  // Flat sets: a request uses a handful of placeholders, so one allocation each.
  boost::container::flat_set<std::string> used_names_;
  boost::container::flat_set<std::string> used_values_;
  friend struct ResolverAccess;
};

// A resolved condition or filter.
class Condition {
 public:
  virtual ~Condition() = default;
  // True when the item satisfies the condition. `item` is nullptr when the item does not
  // exist (then only attribute_not_exists-style checks can hold, as in DynamoDB).
  // Const and free of shared state: safe to call from several threads at once.
  virtual bool Evaluate(const dynamo::Item* item) const = 0;
  // The top-level attribute names the condition reads (each once, in first-use order);
  // Query uses it to reject filters on key attributes, as DynamoDB does.
  virtual std::vector<std::string> TopLevelAttributes() const = 0;
};

// A resolved UpdateExpression.
class Update {
 public:
  virtual ~Update() = default;
  // Applies SET / REMOVE / ADD / DELETE to `item` in place (`item` starts empty for a new
  // item). ValidationException on a type mismatch or an invalid document path, with
  // DynamoDB's message ("The document path provided in the update expression is invalid
  // for update", "An operand in the update expression has an incorrect data type", ...).
  virtual Status Apply(dynamo::Item* item) const = 0;
  // The paths the update writes or removes, in expression order (for UPDATED_OLD /
  // UPDATED_NEW and for rejecting updates of key attributes).
  virtual const std::vector<Path>& Paths() const = 0;
  // True when every action is a REMOVE or a DELETE: such an update of a missing item does
  // nothing (DynamoDB neither creates the item nor checks the paths).
  virtual bool OnlyRemoves() const = 0;
};

// Returns only the attributes of `item` named by `projection`. Nested paths keep their
// enclosing maps and lists, as DynamoDB returns them: selected list elements come back
// compacted in index order, and maps or lists with nothing selected are left out.
dynamo::Item ApplyProjection(const dynamo::Item& item, const ProjectionPaths& projection);

// True when `word` is one of DynamoDB's reserved words (case-insensitive).
bool IsReservedWord(std::string_view word);

}  // namespace issuetracker::engine
