// The PartiQL statements DynamoDB supports, parsed into a small syntax tree:
//   SELECT * | path, ... FROM "table"["."index"] [WHERE condition]
//   INSERT INTO "table" VALUE {'attr': value, ...}
//   UPDATE "table" SET path = value [, ...] [REMOVE path [, ...]] ... WHERE condition
//          [RETURNING ALL OLD * | MODIFIED OLD * | ALL NEW * | MODIFIED NEW *]
//   DELETE FROM "table" WHERE condition [RETURNING ALL OLD *]
//   EXISTS(SELECT * FROM "table" WHERE condition)   (ExecuteTransaction only)
// Identifiers are bare (a, b_1) or double-quoted ("my-table", with "" for a quote);
// literals are 'strings' ('' for a quote), numbers, TRUE/FALSE, NULL, MISSING, lists
// [v, ...], maps {'k': v, ...} and sets <<v, ...>>; `?` takes the next parameter.
// Conditions: = <> != < <= > >=, BETWEEN x AND y, IN [..] / IN (..), IS [NOT] MISSING,
// IS [NOT] NULL, AND, OR, NOT, parentheses, and the functions begins_with, contains,
// attribute_exists, attribute_not_exists, attribute_type, size. SET values may use + and -,
// list_append, if_not_exists, set_add and set_delete.
//
// Errors (ValidationException): "Statement wasn't well formed, can't be processed: <why>"
// for syntax errors ("Expected data manipulation" when the statement starts with no DML
// keyword); "Number of parameters in request and statement don't match." when `?` and the
// parameters disagree.
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "dynamo/attribute_value.h"
#include "dynamo/types.h"

namespace issuetracker::dynamo::partiql {

// One step of a document path: an attribute or map key, or a list index.
struct PathStep {
  std::string name;
  int64_t index = -1;  // >= 0: a list index step
  bool operator==(const PathStep&) const = default;
};
using Path = std::vector<PathStep>;

// An expression node: a condition or a value.
struct Node {
  enum class Kind : uint8_t {
    kPath,       // path
    kValue,      // value (a literal or a parameter)
    kAnd,        // children[0] AND children[1]
    kOr,         // children[0] OR children[1]
    kNot,        // NOT children[0]
    kCompare,    // children[0] op children[1]; op is = <> < <= > >=
    kArith,      // children[0] op children[1]; op is + or -
    kBetween,    // children[0] BETWEEN children[1] AND children[2]
    kIn,         // children[0] IN (children[1..])
    kCall,       // op(children...)
    kIsMissing,  // children[0] IS MISSING (negated: IS NOT MISSING)
    kIsNull,     // children[0] IS NULL (negated: IS NOT NULL)
  };
  Kind kind = Kind::kValue;
  std::string op;
  bool negated = false;
  Path path;
  AttributeValue value;
  std::vector<Node> children;
};

// One key of ORDER BY: an attribute name and its direction.
struct OrderKey {
  std::string attribute;
  bool descending = false;
};
struct SelectStatement {
  std::vector<Path> projection;  // empty: *
  std::string table;
  std::optional<std::string> index;
  std::optional<Node> where;
  std::vector<OrderKey> order_by;
};
struct InsertStatement {
  std::string table;
  Item item;
};
struct SetAction {
  Path path;
  Node value;
};
struct UpdateStatement {
  std::string table;
  std::vector<SetAction> sets;
  std::vector<Path> removes;
  Node where;
  ReturnValue returning = ReturnValue::kNone;
};
struct DeleteStatement {
  std::string table;
  Node where;
  ReturnValue returning = ReturnValue::kNone;
};
struct ExistsStatement {
  SelectStatement select;
};
using Statement = std::variant<SelectStatement, InsertStatement, UpdateStatement, DeleteStatement,
                               ExistsStatement>;

// Parses one statement, binding its `?` to `parameters` in order.
Result<Statement> Parse(std::string_view text, const std::vector<AttributeValue>& parameters);

}  // namespace issuetracker::dynamo::partiql
