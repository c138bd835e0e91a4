#include "engine/catalog.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <set>

#include "dynamo/wire_names.h"
#include "engine/change_log.h"

namespace issuetracker::engine {

namespace json = boost::json;
using dynamo::AttributeDefinition;
using dynamo::KeySchemaElement;
using dynamo::KeyType;

namespace {

constexpr size_t kMaxGsis = 20;
constexpr size_t kMaxLsis = 5;
constexpr size_t kMaxProjectedAttributes = 100;

bool ValidNameChars(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

}  // namespace

Status ValidateKeySchema(const std::vector<KeySchemaElement>& schema,
                         const std::vector<AttributeDefinition>& defs) {
  if (schema.empty() || schema.size() > 2) {
    return Status::Validation(
        "1 validation error detected: Value at 'keySchema' failed to satisfy constraint: Member "
        "must have length less than or equal to 2 and greater than or equal to 1");
  }
  std::vector<std::string> keys, def_names;
  for (const auto& k : schema) keys.push_back(k.attribute_name);
  for (const auto& d : defs) def_names.push_back(d.attribute_name);
  for (const auto& k : keys) {
    if (std::find(def_names.begin(), def_names.end(), k) == def_names.end()) {
      return dynamo::InvalidParameter(
          "Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
          JoinNames(keys) + "], AttributeDefinitions: [" + JoinNames(def_names) + "]");
    }
  }
  if (schema.size() == 2 && schema[0].attribute_name == schema[1].attribute_name) {
    return Status::Validation(
        "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (schema[0].key_type != KeyType::kHash) {
    return Status::Validation(
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (schema.size() == 2 && schema[1].key_type != KeyType::kRange) {
    return Status::Validation(
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  return Status::Ok();
}

namespace {

Status ValidateIndexName(std::string_view name) {
  if (name.size() < 3 || name.size() > 255 || !ValidNameChars(name)) {
    return Status::Validation("1 validation error detected: Value '" + std::string(name) +
                              "' at 'indexName' failed to satisfy constraint: Member must satisfy "
                              "regular expression pattern: [a-zA-Z0-9_.-]+ and have length "
                              "between 3 and 255");
  }
  return Status::Ok();
}

Status ValidateProjection(const dynamo::Projection& p) {
  if (p.projection_type != dynamo::ProjectionType::kInclude && !p.non_key_attributes.empty()) {
    return dynamo::InvalidParameter("ProjectionType is " +
                                    std::string(dynamo::ToWire(p.projection_type)) +
                                    ", but NonKeyAttributes is specified");
  }
  if (p.projection_type == dynamo::ProjectionType::kInclude && p.non_key_attributes.empty())
    return dynamo::InvalidParameter(
        "ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
  std::set<std::string> seen(p.non_key_attributes.begin(), p.non_key_attributes.end());
  if (seen.size() != p.non_key_attributes.size()) {
    return dynamo::InvalidParameter("Duplicate attribute in NonKeyAttributes of a projection");
  }
  return Status::Ok();
}

Status ValidateThroughput(const dynamo::ProvisionedThroughput& t) {
  if (t.read_capacity_units < 1) {
    return Status::Validation("Given value " + std::to_string(t.read_capacity_units) +
                              " for ReadCapacityUnits is out of bounds");
  }
  if (t.write_capacity_units < 1) {
    return Status::Validation("Given value " + std::to_string(t.write_capacity_units) +
                              " for WriteCapacityUnits is out of bounds");
  }
  return Status::Ok();
}

Status ValidateGsis(const dynamo::CreateTableRequest& r, bool pay_per_request) {
  if (r.global_secondary_indexes.size() > kMaxGsis) {
    return dynamo::InvalidParameter("GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }
  std::set<std::string> names;
  size_t projected = 0;
  for (const auto& gsi : r.global_secondary_indexes) {
    IT_RETURN_IF_ERROR(ValidateIndexName(gsi.index_name));
    IT_RETURN_IF_ERROR(ValidateKeySchema(gsi.key_schema, r.attribute_definitions));
    IT_RETURN_IF_ERROR(ValidateProjection(gsi.projection));
    projected += gsi.projection.non_key_attributes.size();
    if (pay_per_request && gsi.provisioned_throughput) {
      return dynamo::InvalidParameter("ProvisionedThroughput should not be specified for index: " +
                                      gsi.index_name + " when BillingMode is PAY_PER_REQUEST");
    }
    if (!pay_per_request) {
      if (!gsi.provisioned_throughput) {
        return dynamo::InvalidParameter("ProvisionedThroughput must be specified for index: " +
                                        gsi.index_name);
      }
      IT_RETURN_IF_ERROR(ValidateThroughput(*gsi.provisioned_throughput));
    }
    if (!names.insert(gsi.index_name).second)
      return dynamo::InvalidParameter("Duplicate index name: " + gsi.index_name);
  }
  if (projected > kMaxProjectedAttributes) {
    return dynamo::InvalidParameter(
        "Number of projected attributes in all indexes exceeds limit of 100");
  }
  return Status::Ok();
}

// Local secondary indexes: the table's partition key and a sort key of their own.
Status ValidateLsis(const dynamo::CreateTableRequest& r) {
  if (r.local_secondary_indexes.empty()) return Status::Ok();
  if (r.local_secondary_indexes.size() > kMaxLsis) {
    return dynamo::InvalidParameter("Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  }
  if (r.key_schema.size() < 2) {
    return dynamo::InvalidParameter(
        "Table KeySchema does not have a range key, which is required when specifying a "
        "LocalSecondaryIndex");
  }
  std::set<std::string> names;
  for (const auto& g : r.global_secondary_indexes) names.insert(g.index_name);
  size_t projected = 0;
  for (const auto& g : r.global_secondary_indexes)
    projected += g.projection.non_key_attributes.size();
  for (const auto& lsi : r.local_secondary_indexes) {
    IT_RETURN_IF_ERROR(ValidateIndexName(lsi.index_name));
    IT_RETURN_IF_ERROR(ValidateKeySchema(lsi.key_schema, r.attribute_definitions));
    if (lsi.key_schema.size() != 2) {
      return dynamo::InvalidParameter("Index KeySchema does not have a range key for index: " +
                                      lsi.index_name);
    }
    if (lsi.key_schema[0].attribute_name != r.key_schema[0].attribute_name) {
      return dynamo::InvalidParameter(
          "Index KeySchema does not have the same leading hash key as table KeySchema "
          "for index: " +
          lsi.index_name + ". index hash key: " + lsi.key_schema[0].attribute_name +
          ", table hash key: " + r.key_schema[0].attribute_name);
    }
    IT_RETURN_IF_ERROR(ValidateProjection(lsi.projection));
    projected += lsi.projection.non_key_attributes.size();
    if (!names.insert(lsi.index_name).second)
      return dynamo::InvalidParameter("Duplicate index name: " + lsi.index_name);
  }
  if (projected > kMaxProjectedAttributes) {
    return dynamo::InvalidParameter(
        "Number of projected attributes in all indexes exceeds limit of 100");
  }
  return Status::Ok();
}

KeyAttr KeyAttrFor(const KeySchemaElement& k, const std::vector<AttributeDefinition>& defs) {
  KeyAttr attr{k.attribute_name, dynamo::ScalarType::kS};
  for (const auto& d : defs) {
    if (d.attribute_name == k.attribute_name) attr.type = d.attribute_type;
  }
  return attr;
}

}  // namespace

bool IndexDesc::Projects(std::string_view attr, const TableDesc& table) const {
  if (projection.projection_type == dynamo::ProjectionType::kAll) return true;
  if (attr == hash.name || (range && attr == range->name) || table.IsKeyAttribute(attr))
    return true;
  if (projection.projection_type == dynamo::ProjectionType::kKeysOnly) return false;
  return std::find(projection.non_key_attributes.begin(), projection.non_key_attributes.end(),
                   attr) != projection.non_key_attributes.end();
}

const IndexDesc* TableDesc::FindIndex(std::string_view index_name) const {
  for (const auto& index : indexes) {
    if (index.name == index_name) return &index;
  }
  return nullptr;
}

bool TableDesc::HasLocalIndexes() const {
  return std::any_of(indexes.begin(), indexes.end(), [](const IndexDesc& i) { return i.local; });
}

bool TableDesc::IsKeyAttribute(std::string_view attr) const {
  return attr == hash.name || (range && attr == range->name);
}

Status ValidateTableName(std::string_view name, std::string_view field) {
  if (name.size() < 3 || name.size() > 255) {
    return Status::Validation(
        "TableName must be at least 3 characters long and at most 255 characters long");
  }
  if (!ValidNameChars(name)) {
    return Status::Validation("1 validation error detected: Value '" + std::string(name) +
                              "' at '" + std::string(field) +
                              "' failed to satisfy constraint: Member must satisfy regular "
                              "expression pattern: [a-zA-Z0-9_.-]+");
  }
  return Status::Ok();
}

Status CheckKeyAttributeNames(const std::vector<AttributeDefinition>& defs,
                              const std::vector<const std::vector<KeySchemaElement>*>& schemas,
                              const std::vector<const dynamo::Projection*>& projections) {
  auto check = [](const std::string& name, const std::string& path) -> Status {
    if (name.empty() || name.size() > kMaxKeyAttributeNameBytes) {
      return Status::Validation(
          "1 validation error detected: Value '" + name + "' at '" + path +
          "' failed to satisfy constraint: Member must have length " +
          (name.empty() ? std::string("greater than or equal to 1")
                        : "less than or equal to " + std::to_string(kMaxKeyAttributeNameBytes)));
    }
    return Status::Ok();
  };
  for (size_t i = 0; i < defs.size(); ++i) {
    IT_RETURN_IF_ERROR(
        check(defs[i].attribute_name,
              "attributeDefinitions." + std::to_string(i + 1) + ".member.attributeName"));
  }
  for (const auto* schema : schemas) {
    for (size_t i = 0; i < schema->size(); ++i) {
      IT_RETURN_IF_ERROR(check((*schema)[i].attribute_name,
                               "keySchema." + std::to_string(i + 1) + ".member.attributeName"));
    }
  }
  for (const dynamo::Projection* p : projections) {
    for (size_t i = 0; i < p->non_key_attributes.size(); ++i) {
      IT_RETURN_IF_ERROR(check(p->non_key_attributes[i],
                               "projection.nonKeyAttributes." + std::to_string(i + 1) + ".member"));
    }
  }
  return Status::Ok();
}

Status ValidateCreateTable(const dynamo::CreateTableRequest& r) {
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  {  // name lengths first: DynamoDB reports them before any inconsistency
    std::vector<const std::vector<KeySchemaElement>*> schemas = {&r.key_schema};
    std::vector<const dynamo::Projection*> projections;
    for (const auto& g : r.global_secondary_indexes) {
      schemas.push_back(&g.key_schema);
      projections.push_back(&g.projection);
    }
    for (const auto& l : r.local_secondary_indexes) {
      schemas.push_back(&l.key_schema);
      projections.push_back(&l.projection);
    }
    IT_RETURN_IF_ERROR(CheckKeyAttributeNames(r.attribute_definitions, schemas, projections));
  }
  const bool ppr = r.billing_mode == dynamo::BillingMode::kPayPerRequest;
  if (ppr && r.provisioned_throughput) {
    return dynamo::InvalidParameter(
        "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
        "PAY_PER_REQUEST");
  }
  if (!ppr) {
    if (!r.provisioned_throughput) {
      return dynamo::InvalidParameter(
          "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is "
          "PROVISIONED");
    }
    IT_RETURN_IF_ERROR(ValidateThroughput(*r.provisioned_throughput));
  }
  std::set<std::string> defined;
  for (const auto& d : r.attribute_definitions) {
    if (!defined.insert(d.attribute_name).second) {
      return dynamo::InvalidParameter("Duplicate AttributeName in AttributeDefinitions: " +
                                      d.attribute_name);
    }
  }
  IT_RETURN_IF_ERROR(ValidateKeySchema(r.key_schema, r.attribute_definitions));
  IT_RETURN_IF_ERROR(ValidateGsis(r, ppr));
  IT_RETURN_IF_ERROR(ValidateLsis(r));
  // Every definition must be used by some key schema, and vice versa.
  std::set<std::string> used;
  for (const auto& k : r.key_schema) used.insert(k.attribute_name);
  for (const auto& g : r.global_secondary_indexes) {
    for (const auto& k : g.key_schema) used.insert(k.attribute_name);
  }
  for (const auto& l : r.local_secondary_indexes) {
    for (const auto& k : l.key_schema) used.insert(k.attribute_name);
  }
  if (used != defined) {
    return dynamo::InvalidParameter(
        "Number of attributes in KeySchema does not exactly match number of attributes defined in "
        "AttributeDefinitions");
  }
  if (r.stream_specification && r.stream_specification->stream_enabled &&
      !r.stream_specification->stream_view_type) {
    return Status::Validation(
        "One or more parameter values were invalid: StreamViewType must be specified when "
        "StreamEnabled is true");
  }
  if (r.stream_specification && !r.stream_specification->stream_enabled &&
      r.stream_specification->stream_view_type) {
    return Status::Validation(
        "One or more parameter values were invalid: StreamViewType cannot be specified when "
        "StreamEnabled is false");
  }
  if (r.tags.size() > 50) return Status::Validation("Too many tags: at most 50 tags per resource");
  return Status::Ok();
}

TableDesc DescFromCreateRequest(const dynamo::CreateTableRequest& r, uint32_t id, std::string uuid,
                                double now_seconds) {
  TableDesc d;
  d.id = id;
  d.name = r.table_name;
  d.uuid = std::move(uuid);
  d.attribute_definitions = r.attribute_definitions;
  d.hash = KeyAttrFor(r.key_schema[0], r.attribute_definitions);
  if (r.key_schema.size() > 1) d.range = KeyAttrFor(r.key_schema[1], r.attribute_definitions);
  uint8_t next_index_id = 1;
  for (const auto& g : r.global_secondary_indexes) {
    IndexDesc index;
    index.id = next_index_id++;
    index.name = g.index_name;
    index.hash = KeyAttrFor(g.key_schema[0], r.attribute_definitions);
    if (g.key_schema.size() > 1) index.range = KeyAttrFor(g.key_schema[1], r.attribute_definitions);
    index.projection = g.projection;
    index.throughput = g.provisioned_throughput;
    d.indexes.push_back(std::move(index));
  }
  for (const auto& l : r.local_secondary_indexes) {
    IndexDesc index;
    index.id = next_index_id++;
    index.name = l.index_name;
    index.hash = KeyAttrFor(l.key_schema[0], r.attribute_definitions);
    index.range = KeyAttrFor(l.key_schema[1], r.attribute_definitions);
    index.projection = l.projection;
    index.local = true;
    d.indexes.push_back(std::move(index));
  }
  d.next_index_id = next_index_id;
  d.billing_mode = r.billing_mode.value_or(dynamo::BillingMode::kProvisioned);
  if (d.billing_mode == dynamo::BillingMode::kPayPerRequest)
    d.last_update_to_pay_per_request = now_seconds;
  if (r.provisioned_throughput) d.throughput = *r.provisioned_throughput;
  d.sse = r.sse_specification;
  if (r.stream_specification && r.stream_specification->stream_enabled)
    d.stream = r.stream_specification;
  d.table_class = r.table_class.value_or(dynamo::TableClass::kStandard);
  d.table_class_set = r.table_class.has_value();
  d.deletion_protection = r.deletion_protection_enabled.value_or(false);
  d.tags = r.tags;
  d.creation_time = now_seconds;
  return d;
}

// ------------------------------------------------------------------------ persistence

namespace {

json::object KeyAttrToJson(const KeyAttr& k) {
  return {{"name", k.name}, {"type", dynamo::ToWire(k.type)}};
}

// A descriptor holds exactly the fields SerializeTableDesc writes.
Status OnlyFields(const json::object& o, std::initializer_list<std::string_view> fields,
                  std::string_view what) {
  return CheckOnlyFields(o, fields, std::string(what) + " of table descriptor");
}

template <typename E>
Status EnumFromJson(const json::value& v, E* out) {
  if (!v.is_string() || !dynamo::FromWire(std::string_view(v.as_string()), out)) {
    return Status::Corruption("bad enum in table descriptor");
  }
  return Status::Ok();
}

Status KeyAttrFromJson(const json::value& v, KeyAttr* k) {
  if (!v.is_object()) return Status::Corruption("bad key attribute");
  IT_RETURN_IF_ERROR(OnlyFields(v.as_object(), {"name", "type"}, "a key attribute"));
  k->name = std::string(v.at("name").as_string());
  return EnumFromJson(v.at("type"), &k->type);
}

json::object ThroughputToJson(const dynamo::ProvisionedThroughput& t) {
  return {{"read", t.read_capacity_units}, {"write", t.write_capacity_units}};
}

Status ThroughputFromJson(const json::value& v, dynamo::ProvisionedThroughput* t) {
  IT_RETURN_IF_ERROR(OnlyFields(v.as_object(), {"read", "write"}, "a throughput"));
  *t = {v.at("read").to_number<int64_t>(), v.at("write").to_number<int64_t>()};
  return Status::Ok();
}

json::object IndexToJson(const IndexDesc& index) {
  json::object o{{"id", index.id},
                 {"name", index.name},
                 {"hash", KeyAttrToJson(index.hash)},
                 {"projection", dynamo::ToWire(index.projection.projection_type)},
                 {"status", dynamo::ToWire(index.status)},
                 {"backfilling", index.backfilling}};
  if (index.range) o["range"] = KeyAttrToJson(*index.range);
  json::array attrs;
  for (const auto& a : index.projection.non_key_attributes) attrs.emplace_back(a);
  o["non_key_attributes"] = std::move(attrs);
  if (index.throughput) o["throughput"] = ThroughputToJson(*index.throughput);
  if (index.local) o["local"] = true;
  return o;
}

Status IndexFromJson(const json::object& o, IndexDesc* index) {
  IT_RETURN_IF_ERROR(OnlyFields(o,
                                {"id", "name", "hash", "range", "projection", "status",
                                 "backfilling", "non_key_attributes", "throughput", "local"},
                                "an index"));
  const int id = o.at("id").to_number<int>();
  if (id < 1 || id > 254) return Status::Corruption("bad index id in table descriptor");
  index->id = static_cast<uint8_t>(id);
  index->name = std::string(o.at("name").as_string());
  IT_RETURN_IF_ERROR(KeyAttrFromJson(o.at("hash"), &index->hash));
  if (o.contains("range")) {
    index->range.emplace();
    IT_RETURN_IF_ERROR(KeyAttrFromJson(o.at("range"), &*index->range));
  }
  IT_RETURN_IF_ERROR(EnumFromJson(o.at("projection"), &index->projection.projection_type));
  IT_RETURN_IF_ERROR(EnumFromJson(o.at("status"), &index->status));
  index->backfilling = o.at("backfilling").as_bool();
  for (const auto& a : o.at("non_key_attributes").as_array()) {
    index->projection.non_key_attributes.emplace_back(a.as_string());
  }
  if (o.contains("throughput")) {
    index->throughput.emplace();
    IT_RETURN_IF_ERROR(ThroughputFromJson(o.at("throughput"), &*index->throughput));
  }
  if (o.contains("local")) index->local = o.at("local").as_bool();
  return Status::Ok();
}

json::object SettingsToJson(const TableDesc& d) {
  json::object o;
  if (d.sse) {
    json::object sse;
    if (d.sse->enabled) sse["enabled"] = *d.sse->enabled;
    if (d.sse->sse_type) sse["type"] = dynamo::ToWire(*d.sse->sse_type);
    if (d.sse->kms_master_key_id) sse["kms_key"] = *d.sse->kms_master_key_id;
    o["sse"] = std::move(sse);
  }
  if (d.stream) {
    o["stream_view_type"] =
        dynamo::ToWire(d.stream->stream_view_type.value_or(dynamo::StreamViewType::kKeysOnly));
    o["stream_label"] = d.stream_label;
    o["stream_start_micros"] = d.stream_start_micros;
  }
  if (d.previous_stream) {
    o["previous_stream"] = json::object{{"label", d.previous_stream->label},
                                        {"view", dynamo::ToWire(d.previous_stream->view)},
                                        {"start_micros", d.previous_stream->start_micros},
                                        {"end_micros", d.previous_stream->end_micros}};
  }
  if (d.ttl_attribute) o["ttl_attribute"] = *d.ttl_attribute;
  json::array tags;
  for (const auto& t : d.tags) tags.push_back(json::object{{"key", t.key}, {"value", t.value}});
  o["tags"] = std::move(tags);
  return o;
}

Status SettingsFromJson(const json::object& o, TableDesc* d) {
  IT_RETURN_IF_ERROR(OnlyFields(o,
                                {"sse", "stream_view_type", "stream_label", "stream_start_micros",
                                 "previous_stream", "ttl_attribute", "tags"},
                                "the settings"));
  if (o.contains("sse")) {
    const auto& sse = o.at("sse").as_object();
    IT_RETURN_IF_ERROR(OnlyFields(sse, {"enabled", "type", "kms_key"}, "the SSE settings"));
    d->sse.emplace();
    if (sse.contains("enabled")) d->sse->enabled = sse.at("enabled").as_bool();
    if (sse.contains("type")) {
      d->sse->sse_type.emplace();
      IT_RETURN_IF_ERROR(EnumFromJson(sse.at("type"), &*d->sse->sse_type));
    }
    if (sse.contains("kms_key"))
      d->sse->kms_master_key_id = std::string(sse.at("kms_key").as_string());
  }
  if (o.contains("stream_view_type")) {
    d->stream.emplace();
    d->stream->stream_enabled = true;
    d->stream->stream_view_type.emplace();
    IT_RETURN_IF_ERROR(EnumFromJson(o.at("stream_view_type"), &*d->stream->stream_view_type));
    d->stream_label = std::string(o.at("stream_label").as_string());
    d->stream_start_micros = o.at("stream_start_micros").to_number<int64_t>();
  }
  if (o.contains("previous_stream")) {
    const auto& p = o.at("previous_stream").as_object();
    IT_RETURN_IF_ERROR(
        OnlyFields(p, {"label", "view", "start_micros", "end_micros"}, "the previous stream"));
    TableDesc::PastStream past;
    past.label = std::string(p.at("label").as_string());
    IT_RETURN_IF_ERROR(EnumFromJson(p.at("view"), &past.view));
    past.start_micros = p.at("start_micros").to_number<int64_t>();
    past.end_micros = p.at("end_micros").to_number<int64_t>();
    d->previous_stream = past;
  }
  if (o.contains("ttl_attribute"))
    d->ttl_attribute = std::string(o.at("ttl_attribute").as_string());
  for (const auto& t : o.at("tags").as_array()) {
    IT_RETURN_IF_ERROR(OnlyFields(t.as_object(), {"key", "value"}, "a tag"));
    d->tags.push_back(
        {std::string(t.at("key").as_string()), std::string(t.at("value").as_string())});
  }
  return Status::Ok();
}

bool ValidKeyAttrs(const KeyAttr& hash, const std::optional<KeyAttr>& range) {
  return !hash.name.empty() && (!range || (!range->name.empty() && range->name != hash.name));
}

// What every descriptor the engine writes satisfies, beyond its JSON shape: the ids the
// engine builds keys from are in range and unique, names are valid and unique, values
// are in their ranges. A descriptor that fails is corruption.
Status CheckStoredDesc(const TableDesc& d) {
  auto bad = [](std::string_view what) {
    return Status::Corruption("bad table descriptor: " + std::string(what));
  };
  if (d.id == 0) return bad("table id");
  if (d.name.size() < 3 || d.name.size() > 255 || !ValidNameChars(d.name)) return bad("name");
  if (d.uuid.empty()) return bad("uuid");
  if (!ValidKeyAttrs(d.hash, d.range)) return bad("key schema");
  for (size_t i = 0; i < d.indexes.size(); ++i) {
    const IndexDesc& index = d.indexes[i];
    if (index.id >= d.next_index_id) return bad("index id not below the next index id");
    if (index.name.size() < 3 || index.name.size() > 255 || !ValidNameChars(index.name))
      return bad("index name");
    if (!ValidKeyAttrs(index.hash, index.range)) return bad("index key schema");
    if (index.backfilling && index.status != dynamo::IndexStatus::kCreating)
      return bad("backfilling index not CREATING");
    if (index.projection.projection_type != dynamo::ProjectionType::kInclude &&
        !index.projection.non_key_attributes.empty())
      return bad("non-key attributes of a projection that is not INCLUDE");
    for (size_t j = 0; j < i; ++j) {
      if (d.indexes[j].id == index.id || d.indexes[j].name == index.name)
        return bad("duplicate index");
    }
    if (index.throughput &&
        (index.throughput->read_capacity_units < 0 || index.throughput->write_capacity_units < 0))
      return bad("index throughput");
  }
  if (d.throughput.read_capacity_units < 0 || d.throughput.write_capacity_units < 0)
    return bad("throughput");
  if (!IsStoredSeconds(d.creation_time) || !IsStoredSeconds(d.last_update_to_pay_per_request) ||
      !IsStoredSeconds(d.table_class_updated))
    return bad("times");
  if (d.pitr_recovery_days < 1 || d.pitr_recovery_days > 35 || d.pitr_enabled_since_micros < 0)
    return bad("point-in-time recovery settings");
  if (d.stream && (!IsStreamLabel(d.stream_label) || d.stream_start_micros < 0))
    return bad("stream");
  if (d.previous_stream &&
      (!IsStreamLabel(d.previous_stream->label) || d.previous_stream->start_micros < 0 ||
       d.previous_stream->end_micros < d.previous_stream->start_micros))
    return bad("previous stream");
  return Status::Ok();
}

}  // namespace

Status CheckOnlyFields(const json::object& o, std::initializer_list<std::string_view> fields,
                       std::string_view what) {
  for (const auto& entry : o) {
    if (std::find(fields.begin(), fields.end(), entry.key()) == fields.end()) {
      return Status::Corruption("unknown field '" + std::string(entry.key()) + "' in " +
                                std::string(what));
    }
  }
  return Status::Ok();
}

bool IsStoredSeconds(double seconds) { return std::isfinite(seconds) && seconds >= 0; }

std::string SerializeTableDesc(const TableDesc& d) {
  json::object o{{"format", 1},
                 {"id", d.id},
                 {"name", d.name},
                 {"uuid", d.uuid},
                 {"next_index_id", d.next_index_id},
                 {"hash", KeyAttrToJson(d.hash)},
                 {"billing_mode", dynamo::ToWire(d.billing_mode)},
                 {"last_update_to_pay_per_request", d.last_update_to_pay_per_request},
                 {"throughput", ThroughputToJson(d.throughput)},
                 {"table_class", dynamo::ToWire(d.table_class)},
                 {"deletion_protection", d.deletion_protection},
                 {"creation_time", d.creation_time},
                 {"pitr_enabled", d.pitr_enabled},
                 {"pitr_recovery_days", d.pitr_recovery_days},
                 {"pitr_enabled_since_micros", d.pitr_enabled_since_micros},
                 {"settings", SettingsToJson(d)}};
  if (d.range) o["range"] = KeyAttrToJson(*d.range);
  if (d.table_class_set) o["table_class_set"] = true;
  if (d.table_class_updated != 0) o["table_class_updated"] = d.table_class_updated;
  json::array defs;
  for (const auto& a : d.attribute_definitions) {
    defs.push_back(
        json::object{{"name", a.attribute_name}, {"type", dynamo::ToWire(a.attribute_type)}});
  }
  o["attribute_definitions"] = std::move(defs);
  json::array indexes;
  for (const auto& index : d.indexes) indexes.push_back(IndexToJson(index));
  o["indexes"] = std::move(indexes);
  return json::serialize(o);
}

Result<TableDesc> ParseTableDesc(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::Corruption("table descriptor is not a JSON object");
  try {
    const auto& o = v.as_object();
    if (o.at("format").to_number<int>() != 1)
      return Status::Corruption("unknown table descriptor format");
    IT_RETURN_IF_ERROR(OnlyFields(o,
                                  {"format",
                                   "id",
                                   "name",
                                   "uuid",
                                   "next_index_id",
                                   "hash",
                                   "range",
                                   "attribute_definitions",
                                   "indexes",
                                   "billing_mode",
                                   "last_update_to_pay_per_request",
                                   "throughput",
                                   "table_class",
                                   "deletion_protection",
                                   "creation_time",
                                   "pitr_enabled",
                                   "pitr_recovery_days",
                                   "pitr_enabled_since_micros",
                                   "settings",
                                   "table_class_set",
                                   "table_class_updated"},
                                  "the table"));
    TableDesc d;
    d.id = o.at("id").to_number<uint32_t>();
    d.name = std::string(o.at("name").as_string());
    d.uuid = std::string(o.at("uuid").as_string());
    const int next_index_id = o.at("next_index_id").to_number<int>();
    if (next_index_id < 1 || next_index_id > 255)
      return Status::Corruption("bad next index id in table descriptor");
    d.next_index_id = static_cast<uint8_t>(next_index_id);
    IT_RETURN_IF_ERROR(KeyAttrFromJson(o.at("hash"), &d.hash));
    if (o.contains("range")) {
      d.range.emplace();
      IT_RETURN_IF_ERROR(KeyAttrFromJson(o.at("range"), &*d.range));
    }
    for (const auto& a : o.at("attribute_definitions").as_array()) {
      IT_RETURN_IF_ERROR(OnlyFields(a.as_object(), {"name", "type"}, "an attribute definition"));
      AttributeDefinition def;
      def.attribute_name = std::string(a.at("name").as_string());
      IT_RETURN_IF_ERROR(EnumFromJson(a.at("type"), &def.attribute_type));
      d.attribute_definitions.push_back(std::move(def));
    }
    for (const auto& i : o.at("indexes").as_array()) {
      IndexDesc index;
      IT_RETURN_IF_ERROR(IndexFromJson(i.as_object(), &index));
      d.indexes.push_back(std::move(index));
    }
    IT_RETURN_IF_ERROR(EnumFromJson(o.at("billing_mode"), &d.billing_mode));
    d.last_update_to_pay_per_request = o.at("last_update_to_pay_per_request").to_number<double>();
    IT_RETURN_IF_ERROR(ThroughputFromJson(o.at("throughput"), &d.throughput));
    IT_RETURN_IF_ERROR(EnumFromJson(o.at("table_class"), &d.table_class));
    // Absent in descriptors written before they existed.
    if (o.contains("table_class_set")) d.table_class_set = o.at("table_class_set").as_bool();
    if (o.contains("table_class_updated"))
      d.table_class_updated = o.at("table_class_updated").to_number<double>();
    d.deletion_protection = o.at("deletion_protection").as_bool();
    d.creation_time = o.at("creation_time").to_number<double>();
    d.pitr_enabled = o.at("pitr_enabled").as_bool();
    d.pitr_recovery_days = o.at("pitr_recovery_days").to_number<int32_t>();
    d.pitr_enabled_since_micros = o.at("pitr_enabled_since_micros").to_number<int64_t>();
    IT_RETURN_IF_ERROR(SettingsFromJson(o.at("settings").as_object(), &d));
    IT_RETURN_IF_ERROR(CheckStoredDesc(d));
    return d;
  } catch (const std::exception& e) {
    // Boost.JSON's accessors throw on a missing field or a wrong type; a descriptor we
    // wrote never does, so this is corruption.
    return Status::Corruption(std::string("malformed table descriptor: ") + e.what());
  }
}

}  // namespace issuetracker::engine
