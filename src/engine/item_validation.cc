// Key encoding and DynamoDB's validation of keys and items.
#include "engine/item_validation.h"

#include "dynamo/wire_names.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"

namespace issuetracker::engine {

using dynamo::AttributeValue;
using dynamo::AttrType;
using dynamo::Item;

namespace {

constexpr size_t kMaxHashKeyBytes = kMaxKeyValueBytes;
constexpr size_t kMaxRangeKeyBytes = 1024;

Status KeyMismatch() {
  return Status::Validation("The provided key element does not match the schema");
}

size_t KeyBytes(const AttributeValue& v) {
  return v.is(AttrType::kS) ? v.s().size() : v.is(AttrType::kB) ? v.b().size() : 0;
}

bool IsEmptyKeyValue(const AttributeValue& v) {
  return (v.is(AttrType::kS) && v.s().empty()) || (v.is(AttrType::kB) && v.b().empty());
}

std::string EmptyKeyMessage(const AttributeValue& v, std::string_view attr) {
  // DynamoDB's wording here is "are not valid." (not InvalidParameter's "were invalid:").
  return std::string("One or more parameter values are not valid. ") +
         "The AttributeValue for a key attribute cannot contain an empty " +
         (v.is(AttrType::kS) ? "string" : "binary") + " value. Key: " + std::string(attr);
}

Status CheckKeySize(const AttributeValue& v, bool is_hash) {
  if (is_hash && KeyBytes(v) > kMaxHashKeyBytes) {
    return dynamo::InvalidParameter(
        "Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
  if (!is_hash && KeyBytes(v) > kMaxRangeKeyBytes) {
    return dynamo::InvalidParameter(
        "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
  return Status::Ok();
}

// Validates one key attribute of a Key parameter.
Status CheckKeyParamAttr(const Item& key, const KeyAttr& attr, bool is_hash) {
  auto it = key.find(attr.name);
  if (it == key.end() || it->second.type() != dynamo::ToAttrType(attr.type)) return KeyMismatch();
  if (IsEmptyKeyValue(it->second))
    return Status::Validation(EmptyKeyMessage(it->second, attr.name));
  return CheckKeySize(it->second, is_hash);
}

// Validates one key attribute of a whole item.
Status CheckItemKeyAttr(const Item& item, const KeyAttr& attr, bool is_hash) {
  auto it = item.find(attr.name);
  if (it == item.end())
    return dynamo::InvalidParameter("Missing the key " + attr.name + " in the item");
  if (it->second.type() != dynamo::ToAttrType(attr.type)) {
    return dynamo::InvalidParameter("Type mismatch for key " + attr.name +
                                    " expected: " + std::string(dynamo::ToWire(attr.type)) +
                                    " actual: " + std::string(dynamo::TypeName(it->second.type())));
  }
  if (IsEmptyKeyValue(it->second))
    return Status::Validation(EmptyKeyMessage(it->second, attr.name));
  return CheckKeySize(it->second, is_hash);
}

// Validates an item's value for an index key attribute (absent is fine: sparse index).
Status CheckIndexKeyAttr(const Item& item, const IndexDesc& index, const KeyAttr& attr,
                         bool is_hash) {
  auto it = item.find(attr.name);
  if (it == item.end()) return Status::Ok();
  if (it->second.type() != dynamo::ToAttrType(attr.type)) {
    return dynamo::InvalidParameter("Type mismatch for Index Key " + attr.name +
                                    " Expected: " + std::string(dynamo::ToWire(attr.type)) +
                                    " Actual: " + std::string(dynamo::TypeName(it->second.type())) +
                                    " IndexName: " + index.name);
  }
  if (IsEmptyKeyValue(it->second)) {
    return Status::Validation(
        "One or more parameter values are not valid. A value specified for a secondary index key "
        "is "
        "not supported. The AttributeValue for a key attribute cannot contain an empty " +
        std::string(it->second.is(AttrType::kS) ? "string" : "binary") +
        " value. IndexName: " + index.name + ", IndexKey: " + attr.name);
  }
  return CheckKeySize(it->second, is_hash);
}

}  // namespace

std::string BaseKeyOf(const TableDesc& t, const Item& item) {
  const AttributeValue& hash = item.find(t.hash.name)->second;
  const AttributeValue* range = t.range ? &item.find(t.range->name)->second : nullptr;
  std::string key;
  key.reserve(kHashPrefixSize + KeyValueSizeHint(hash) + (range ? KeyValueSizeHint(*range) : 0));
  AppendPartitionPrefix(t.id, kBaseIndexId, hash, &key);
  if (range) AppendKeyValue(*range, &key);
  return key;
}

std::optional<std::string> IndexKeyOf(const TableDesc& t, const IndexDesc& index,
                                      const Item& item) {
  // Values no write may give an index key (empty, too long) can only be in items written
  // before the index was added: the backfill leaves those out, as DynamoDB does, and so
  // does every later change of such an item.
  auto hash = item.find(index.hash.name);
  if (hash == item.end() || hash->second.type() != dynamo::ToAttrType(index.hash.type) ||
      IsEmptyKeyValue(hash->second) || KeyBytes(hash->second) > kMaxHashKeyBytes)
    return std::nullopt;
  const AttributeValue* range = nullptr;
  if (index.range) {
    auto it = item.find(index.range->name);
    if (it == item.end() || it->second.type() != dynamo::ToAttrType(index.range->type) ||
        IsEmptyKeyValue(it->second) || KeyBytes(it->second) > kMaxRangeKeyBytes)
      return std::nullopt;
    range = &it->second;
  }
  const AttributeValue& base_hash = item.find(t.hash.name)->second;
  const AttributeValue* base_range = t.range ? &item.find(t.range->name)->second : nullptr;
  std::string key;
  key.reserve(kHashPrefixSize + KeyValueSizeHint(hash->second) +
              (range ? KeyValueSizeHint(*range) : 0) + KeyValueSizeHint(base_hash) +
              (base_range ? KeyValueSizeHint(*base_range) : 0));
  AppendPartitionPrefix(t.id, index.id, hash->second, &key);
  if (range) AppendKeyValue(*range, &key);
  AppendKeyValue(base_hash, &key);
  if (base_range) AppendKeyValue(*base_range, &key);
  return key;
}

Item ProjectForIndex(const TableDesc& t, const IndexDesc& index, const Item& item) {
  if (index.projection.projection_type == dynamo::ProjectionType::kAll) return item;
  Item out;
  for (const auto& [name, value] : item) {
    if (index.Projects(name, t)) out.emplace_hint(out.end(), name, value);
  }
  return out;
}

Result<std::string> EncodeKeyParam(const TableDesc& t, const Item& key) {
  if (key.size() != (t.range ? 2u : 1u)) return KeyMismatch();
  IT_RETURN_IF_ERROR(CheckKeyParamAttr(key, t.hash, true));
  if (t.range) IT_RETURN_IF_ERROR(CheckKeyParamAttr(key, *t.range, false));
  return BaseKeyOf(t, key);
}

Status ValidateItemForWrite(const TableDesc& t, const Item& item, std::string_view size_message) {
  IT_RETURN_IF_ERROR(CheckItemKeyAttr(item, t.hash, true));
  if (t.range) IT_RETURN_IF_ERROR(CheckItemKeyAttr(item, *t.range, false));
  for (const IndexDesc& index : t.indexes) {
    IT_RETURN_IF_ERROR(CheckIndexKeyAttr(item, index, index.hash, true));
    if (index.range) IT_RETURN_IF_ERROR(CheckIndexKeyAttr(item, index, *index.range, false));
  }
  IT_RETURN_IF_ERROR(dynamo::ValidateItem(item));
  if (dynamo::ItemSize(item) > kMaxItemSize) return Status::Validation(size_message);
  return Status::Ok();
}

Item KeyOf(const TableDesc& t, const IndexDesc* index, const Item& item) {
  Item key;
  auto copy = [&](const std::string& name) {
    auto it = item.find(name);
    if (it != item.end()) key.emplace(name, it->second);
  };
  copy(t.hash.name);
  if (t.range) copy(t.range->name);
  if (index) {
    copy(index->hash.name);
    if (index->range) copy(index->range->name);
  }
  return key;
}

Status CheckExpressionMapsUsed(bool has_expression, const dynamo::ExpressionNames& names,
                               const dynamo::ExpressionValues& values) {
  if (has_expression) return Status::Ok();
  if (!values.empty())
    return Status::Validation(
        "ExpressionAttributeValues can only be specified when using expressions");
  if (!names.empty())
    return Status::Validation(
        "ExpressionAttributeNames can only be specified when using expressions");
  return Status::Ok();
}

}  // namespace issuetracker::engine
