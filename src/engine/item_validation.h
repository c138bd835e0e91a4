// DynamoDB's rules for keys and items, and the keys and projections derived from an item
// (item_validation.cc).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "dynamo/attribute_value.h"
#include "dynamo/types.h"
#include "engine/catalog.h"

namespace issuetracker::engine {

// Maximum item size, 400 KB.
constexpr size_t kMaxItemSize = 400 * 1024;

// The encoded base key of a validated item.
std::string BaseKeyOf(const TableDesc& t, const dynamo::Item& item);
// The encoded entry key of `item` in `index`, or nullopt when the item lacks an index key
// attribute (sparse index) or holds one no write could give it (an empty or oversized value
// in an item written before the index was added: left out of it, as DynamoDB does).
std::optional<std::string> IndexKeyOf(const TableDesc& t, const IndexDesc& index,
                                      const dynamo::Item& item);
// The attributes of `item` that `index` stores.
dynamo::Item ProjectForIndex(const TableDesc& t, const IndexDesc& index, const dynamo::Item& item);
// Validates a Key parameter (exactly the table's key attributes, right types, sizes) and
// returns the encoded base key.
Result<std::string> EncodeKeyParam(const TableDesc& t, const dynamo::Item& key);
// Validates a whole item for writing: key attributes, index key types, set validity,
// the 400 KB limit. `size_message` names the limit in the error (PutItem and UpdateItem
// word it differently).
Status ValidateItemForWrite(const TableDesc& t, const dynamo::Item& item,
                            std::string_view size_message);
// The key attributes of `item` (table keys, plus the index keys when `index` is given).
dynamo::Item KeyOf(const TableDesc& t, const IndexDesc* index, const dynamo::Item& item);
// Rejects ExpressionAttributeNames/Values given to a request that has no expression.
Status CheckExpressionMapsUsed(bool has_expression, const dynamo::ExpressionNames& names,
                               const dynamo::ExpressionValues& values);

}  // namespace issuetracker::engine
