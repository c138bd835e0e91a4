// PartiQL syntax trees rendered as DynamoDB expressions (with placeholders for every name
// and value), and the WHERE-clause analysis the executor needs. Internal to dynamo/partiql.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "dynamo/partiql/parser.h"
#include "dynamo/types.h"

namespace issuetracker::dynamo::partiql {

// Builds expression text and its ExpressionAttributeNames/Values.
class Renderer {
 public:
  // "#p0.#p1[2]".
  std::string PathText(const Path& path);
  // ":v0" bound to `value`.
  std::string Value(const AttributeValue& value);
  // A condition or a value as expression text; ValidationException for what DynamoDB's
  // expressions cannot say (an unknown function, IS MISSING on a value, ...).
  Result<std::string> Render(const Node& node);
  // Conditions ANDed.
  Result<std::string> RenderAll(const std::vector<const Node*>& conditions);

  ExpressionNames names;
  ExpressionValues values;

 private:
  std::string Name(const std::string& name);
  std::map<std::string, std::string> by_name_;
};

// The operands of the top-level ANDs of `where`.
std::vector<const Node*> Conjuncts(const Node& where);

// The value `node` compares attribute `name` to when it is `name = value` (either side).
std::optional<AttributeValue> EqualityOn(const Node& node, const std::string& name);

// Whether `node` is a condition a key condition can hold on sort key `name`: a comparison,
// BETWEEN or begins_with between the attribute and values.
bool IsSortKeyCondition(const Node& node, const std::string& name);

// Whether `node` reads attribute `name` (a path starting with it) anywhere.
bool Mentions(const Node& node, const std::string& name);

}  // namespace issuetracker::dynamo::partiql
