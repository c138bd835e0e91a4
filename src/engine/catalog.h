// The engine's table catalog: descriptors of tables and their indexes.
//
// A TableDesc is immutable once published; changing a table (UpdateTable, tags) builds a
// new descriptor and swaps it in. Descriptors persist as JSON in the catalog column
// family under "t/<table name>" (format in docs/storage-format.md).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "dynamo/types.h"

namespace boost::json {
class object;
}

namespace issuetracker::engine {

// One key attribute of a table or index.
struct KeyAttr {
  std::string name;
  dynamo::ScalarType type = dynamo::ScalarType::kS;
};

struct IndexDesc {
  uint8_t id = 0;  // 1..255; unique among the table's live indexes
  std::string name;
  KeyAttr hash;
  std::optional<KeyAttr> range;
  dynamo::Projection projection;
  std::optional<dynamo::ProvisionedThroughput> throughput;
  dynamo::IndexStatus status = dynamo::IndexStatus::kActive;
  bool backfilling = false;
  // A local secondary index: the table's partition key, created with the table, part of
  // the partition's item collection; strongly consistent reads allowed.
  bool local = false;

  // Whether `attr` is stored in this index's entries: keys of the index and of the table
  // always, others by projection.
  bool Projects(std::string_view attr, const struct TableDesc& table) const;
};

struct TableDesc {
  uint32_t id = 0;  // numeric id, the prefix of every stored key; never reused
  std::string name;
  std::string uuid;  // TableId in DescribeTable
  KeyAttr hash;
  std::optional<KeyAttr> range;
  std::vector<dynamo::AttributeDefinition> attribute_definitions;
  std::vector<IndexDesc> indexes;
  uint8_t next_index_id = 1;  // index ids are never reused within a table
  dynamo::BillingMode billing_mode = dynamo::BillingMode::kProvisioned;
  double last_update_to_pay_per_request = 0;
  dynamo::ProvisionedThroughput throughput;
  std::optional<dynamo::SseSpecification> sse;
  std::optional<dynamo::StreamSpecification> stream;  // set while a stream is enabled
  std::string stream_label;
  int64_t stream_start_micros = 0;  // first change stamp the current stream may return
  // The last disabled stream, still readable (DISABLED) until its records are trimmed.
  struct PastStream {
    std::string label;
    dynamo::StreamViewType view = dynamo::StreamViewType::kKeysOnly;
    int64_t start_micros = 0;
    int64_t end_micros = 0;
  };
  std::optional<PastStream> previous_stream;
  dynamo::TableClass table_class = dynamo::TableClass::kStandard;
  // Whether a TableClass was ever given (DescribeTable shows TableClassSummary only then),
  // and when UpdateTable last gave one (seconds since epoch; 0: never).
  bool table_class_set = false;
  double table_class_updated = 0;
  bool deletion_protection = false;
  std::vector<dynamo::Tag> tags;
  double creation_time = 0;  // seconds since epoch
  // Point-in-time recovery (continuous backups).
  bool pitr_enabled = false;
  int32_t pitr_recovery_days = 35;
  int64_t pitr_enabled_since_micros = 0;
  // Time to live: the attribute holding expiry times (epoch seconds), while enabled.
  std::optional<std::string> ttl_attribute;

  bool HasLocalIndexes() const;
  const IndexDesc* FindIndex(std::string_view index_name) const;
  bool IsKeyAttribute(std::string_view attr) const;
};

// Validates a CreateTable request as DynamoDB does (ValidationException with DynamoDB's
// messages: names, key schema, attribute definitions, indexes, billing, limits).
Status ValidateCreateTable(const dynamo::CreateTableRequest& request);
// Key attribute names (in attribute definitions and key schemas) and projected attribute
// names are 1 to 255 bytes: ValidationException in DynamoDB's constraint form otherwise.
inline constexpr size_t kMaxKeyAttributeNameBytes = 255;
Status CheckKeyAttributeNames(
    const std::vector<dynamo::AttributeDefinition>& defs,
    const std::vector<const std::vector<dynamo::KeySchemaElement>*>& schemas,
    const std::vector<const dynamo::Projection*>& projections);
// Checks one key schema (a table's or an index's) against the attribute definitions: one
// or two elements, HASH first, every key attribute defined ("Some index key attributes are
// not defined in AttributeDefinitions. Keys: [...], AttributeDefinitions: [...]").
Status ValidateKeySchema(const std::vector<dynamo::KeySchemaElement>& schema,
                         const std::vector<dynamo::AttributeDefinition>& defs);

// Validates a table name ("[a-zA-Z0-9_.-]+", 3..255 characters).
Status ValidateTableName(std::string_view name, std::string_view field = "tableName");

// Builds the descriptor of a validated CreateTable request.
TableDesc DescFromCreateRequest(const dynamo::CreateTableRequest& request, uint32_t id,
                                std::string uuid, double now_seconds);

// Serialises / parses the persisted JSON form. persisted: field names are stable.
std::string SerializeTableDesc(const TableDesc& desc);
Result<TableDesc> ParseTableDesc(std::string_view json);

// Corruption naming the first field of the JSON object `o` that is not in `fields`: a
// stored record holds exactly the fields its writer writes, so another one (a later
// format's, or damage) is refused rather than silently dropped. `what` names the object.
Status CheckOnlyFields(const boost::json::object& o, std::initializer_list<std::string_view> fields,
                       std::string_view what);

// Whether `seconds` is a time as the engine stores one: finite and not negative. (A JSON
// number too large for a double parses as infinity, which serialises as no JSON number.)
bool IsStoredSeconds(double seconds);

}  // namespace issuetracker::engine
