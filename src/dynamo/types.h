// The DynamoDB API as C++ types: request and response structs for the control plane
// (tables, indexes, tags) and the data plane (items, queries, batches, transactions).
//
// Field names follow the DynamoDB API Reference in snake_case; optional fields are
// std::optional (absent on the wire) or empty containers. Enumerations parse from and
// print to their wire names in wire_names.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dynamo/attribute_value.h"

namespace issuetracker::dynamo {

// ---------------------------------------------------------------- control plane types

enum class KeyType : uint8_t { kHash, kRange };
enum class ScalarType : uint8_t { kS, kN, kB };
enum class ProjectionType : uint8_t { kAll, kKeysOnly, kInclude };
enum class BillingMode : uint8_t { kProvisioned, kPayPerRequest };
enum class TableStatus : uint8_t {
  kCreating,
  kUpdating,
  kDeleting,
  kActive,
  kArchiving,
  kArchived
};
enum class IndexStatus : uint8_t { kCreating, kUpdating, kDeleting, kActive };
enum class TableClass : uint8_t { kStandard, kStandardInfrequentAccess };
enum class StreamViewType : uint8_t { kKeysOnly, kNewImage, kOldImage, kNewAndOldImages };
enum class SseType : uint8_t { kAes256, kKms };

struct KeySchemaElement {
  std::string attribute_name;
  KeyType key_type = KeyType::kHash;
  bool operator==(const KeySchemaElement&) const = default;
};

struct AttributeDefinition {
  std::string attribute_name;
  ScalarType attribute_type = ScalarType::kS;
  bool operator==(const AttributeDefinition&) const = default;
};

struct Projection {
  ProjectionType projection_type = ProjectionType::kAll;
  std::vector<std::string> non_key_attributes;  // INCLUDE only
  bool operator==(const Projection&) const = default;
};

struct ProvisionedThroughput {
  int64_t read_capacity_units = 0;
  int64_t write_capacity_units = 0;
  bool operator==(const ProvisionedThroughput&) const = default;
};

// A table's or GSI's throughput as DescribeTable shows it: on-demand tables show zeros, and
// nothing here decreases throughput, so NumberOfDecreasesToday is always 0.
struct ProvisionedThroughputDescription : ProvisionedThroughput {
  int64_t number_of_decreases_today = 0;
  ProvisionedThroughputDescription() = default;
  ProvisionedThroughputDescription(const ProvisionedThroughput& t) : ProvisionedThroughput(t) {}
  bool operator==(const ProvisionedThroughputDescription&) const = default;
};

struct GlobalSecondaryIndex {
  std::string index_name;
  std::vector<KeySchemaElement> key_schema;
  Projection projection;
  std::optional<ProvisionedThroughput> provisioned_throughput;
};

// A local secondary index: the table's partition key with another sort key.
struct LocalSecondaryIndex {
  std::string index_name;
  std::vector<KeySchemaElement> key_schema;
  Projection projection;
};

struct SseSpecification {
  std::optional<bool> enabled;
  std::optional<SseType> sse_type;
  std::optional<std::string> kms_master_key_id;
};

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

struct StreamSpecification {
  bool stream_enabled = false;
  std::optional<StreamViewType> stream_view_type;
};

struct CreateTableRequest {
  std::string table_name;
  std::vector<AttributeDefinition> attribute_definitions;
  std::vector<KeySchemaElement> key_schema;
  std::vector<GlobalSecondaryIndex> global_secondary_indexes;
  std::optional<BillingMode> billing_mode;  // absent means PROVISIONED, as in DynamoDB
  std::optional<ProvisionedThroughput> provisioned_throughput;
  std::optional<SseSpecification> sse_specification;
  std::optional<StreamSpecification> stream_specification;
  std::optional<TableClass> table_class;
  std::optional<bool> deletion_protection_enabled;
  std::vector<Tag> tags;
  std::vector<LocalSecondaryIndex> local_secondary_indexes;
};

struct GlobalSecondaryIndexDescription {
  std::string index_name;
  std::vector<KeySchemaElement> key_schema;
  Projection projection;
  IndexStatus index_status = IndexStatus::kActive;
  bool backfilling = false;
  std::optional<ProvisionedThroughputDescription> provisioned_throughput;
  int64_t index_size_bytes = 0;
  int64_t item_count = 0;
  std::string index_arn;
};

struct LocalSecondaryIndexDescription {
  std::string index_name;
  std::vector<KeySchemaElement> key_schema;
  Projection projection;
  int64_t index_size_bytes = 0;
  int64_t item_count = 0;
  std::string index_arn;
};

struct BillingModeSummary {
  BillingMode billing_mode = BillingMode::kProvisioned;
  double last_update_to_pay_per_request_date_time = 0;  // seconds since epoch
};

struct SseDescription {
  std::string status;  // ENABLED
  SseType sse_type = SseType::kKms;
  std::string kms_master_key_arn;
};

struct TableClassSummary {
  TableClass table_class = TableClass::kStandard;
  std::optional<double> last_update_date_time;  // set once UpdateTable changed the class
};

struct TableDescription {
  std::string table_name;
  std::string table_id;
  std::string table_arn;
  TableStatus table_status = TableStatus::kActive;
  double creation_date_time = 0;  // seconds since epoch, as on the wire; 0 (absent) in
                                  // DeleteTable's abbreviated description
  std::vector<AttributeDefinition> attribute_definitions;
  std::vector<KeySchemaElement> key_schema;
  std::vector<GlobalSecondaryIndexDescription> global_secondary_indexes;
  std::optional<BillingModeSummary> billing_mode_summary;
  ProvisionedThroughputDescription provisioned_throughput;
  std::optional<SseDescription> sse_description;  // absent: encrypted with an AWS owned key
  std::optional<StreamSpecification> stream_specification;
  std::optional<std::string> latest_stream_arn;
  std::optional<std::string> latest_stream_label;
  std::optional<TableClassSummary> table_class_summary;  // absent unless a class was given
  bool deletion_protection_enabled = false;
  int64_t item_count = 0;
  int64_t table_size_bytes = 0;
  std::vector<LocalSecondaryIndexDescription> local_secondary_indexes;
};

struct CreateTableResponse {
  TableDescription table_description;
};

struct DescribeTableRequest {
  std::string table_name;
};
struct DescribeTableResponse {
  TableDescription table;
};

struct ListTablesRequest {
  std::optional<std::string> exclusive_start_table_name;
  std::optional<int32_t> limit;  // 1..100, default 100
};
struct ListTablesResponse {
  std::vector<std::string> table_names;
  std::optional<std::string> last_evaluated_table_name;
};

struct DeleteTableRequest {
  std::string table_name;
};
struct DeleteTableResponse {
  TableDescription table_description;
};

struct CreateGlobalSecondaryIndexAction {
  std::string index_name;
  std::vector<KeySchemaElement> key_schema;
  Projection projection;
  std::optional<ProvisionedThroughput> provisioned_throughput;
};
struct DeleteGlobalSecondaryIndexAction {
  std::string index_name;
};
struct UpdateGlobalSecondaryIndexAction {
  std::string index_name;
  ProvisionedThroughput provisioned_throughput;
};
// Exactly one member is set.
struct GlobalSecondaryIndexUpdate {
  std::optional<CreateGlobalSecondaryIndexAction> create;
  std::optional<DeleteGlobalSecondaryIndexAction> delete_index;
  std::optional<UpdateGlobalSecondaryIndexAction> update;
};

struct UpdateTableRequest {
  std::string table_name;
  std::vector<AttributeDefinition> attribute_definitions;
  std::vector<GlobalSecondaryIndexUpdate> global_secondary_index_updates;
  std::optional<BillingMode> billing_mode;
  std::optional<ProvisionedThroughput> provisioned_throughput;
  std::optional<SseSpecification> sse_specification;
  std::optional<StreamSpecification> stream_specification;
  std::optional<TableClass> table_class;
  std::optional<bool> deletion_protection_enabled;
};
struct UpdateTableResponse {
  TableDescription table_description;
};

struct TagResourceRequest {
  std::string resource_arn;
  std::vector<Tag> tags;
};
struct UntagResourceRequest {
  std::string resource_arn;
  std::vector<std::string> tag_keys;
};
struct ListTagsOfResourceRequest {
  std::string resource_arn;
  std::optional<std::string> next_token;
};
struct ListTagsOfResourceResponse {
  std::vector<Tag> tags;
  std::optional<std::string> next_token;
};

// ------------------------------------------------------------------- data plane types

enum class ReturnValue : uint8_t { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };
enum class ReturnConsumedCapacity : uint8_t { kNone, kTotal, kIndexes };
enum class ReturnItemCollectionMetrics : uint8_t { kNone, kSize };
enum class ReturnValuesOnConditionCheckFailure : uint8_t { kNone, kAllOld };
enum class Select : uint8_t {
  kAllAttributes,
  kAllProjectedAttributes,
  kSpecificAttributes,
  kCount
};

using ExpressionNames = std::map<std::string, std::string>;      // "#n" -> name
using ExpressionValues = std::map<std::string, AttributeValue>;  // ":v" -> value

// Legacy (pre-expression) parameters, still accepted by DynamoDB; dynamo/legacy.h
// validates them and rewrites them into the equivalent expressions.
// Enumerator order is the order DynamoDB lists the names in its enum errors.
enum class ComparisonOperator : uint8_t {
  kIn,
  kNull,
  kBetween,
  kLt,
  kNotContains,
  kEq,
  kGt,
  kNotNull,
  kNe,
  kLe,
  kBeginsWith,
  kGe,
  kContains
};
enum class ConditionalOperator : uint8_t { kAnd, kOr };
enum class AttributeAction : uint8_t { kAdd, kPut, kDelete };

// One entry of KeyConditions, QueryFilter or ScanFilter.
struct Condition {
  ComparisonOperator comparison_operator = ComparisonOperator::kEq;
  std::vector<AttributeValue> attribute_value_list;
};
// One entry of Expected. Presence matters: each member is set only when the request
// carries it.
struct ExpectedAttributeValue {
  std::optional<AttributeValue> value;
  std::optional<bool> exists;
  std::optional<ComparisonOperator> comparison_operator;
  std::optional<std::vector<AttributeValue>> attribute_value_list;
};
// One entry of AttributeUpdates; action absent means PUT.
struct AttributeValueUpdate {
  std::optional<AttributeValue> value;
  std::optional<AttributeAction> action;
};
using AttributeNames = std::vector<std::string>;  // AttributesToGet
using Conditions = std::map<std::string, Condition>;
using ExpectedMap = std::map<std::string, ExpectedAttributeValue>;

struct Capacity {
  double capacity_units = 0;
  double read_capacity_units = 0;
  double write_capacity_units = 0;
};

struct ConsumedCapacity {
  std::string table_name;
  double capacity_units = 0;
  double read_capacity_units = 0;
  double write_capacity_units = 0;
  // Filled for ReturnConsumedCapacity INDEXES only.
  std::optional<Capacity> table;
  std::map<std::string, Capacity> local_secondary_indexes;
  std::map<std::string, Capacity> global_secondary_indexes;
};

// The size of the item collection (one partition key's items and their entries in the
// local secondary indexes) a write touched; tables with local secondary indexes only.
struct ItemCollectionMetrics {
  Item item_collection_key;                    // the partition key
  std::vector<double> size_estimate_range_gb;  // [lower, upper]
};

struct PutItemRequest {
  std::string table_name;
  Item item;
  std::optional<std::string> condition_expression;
  ExpressionNames expression_attribute_names;
  ExpressionValues expression_attribute_values;
  ReturnValue return_values = ReturnValue::kNone;  // NONE or ALL_OLD
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  ReturnItemCollectionMetrics return_item_collection_metrics = ReturnItemCollectionMetrics::kNone;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::kNone;
  // Legacy parameters (dynamo/legacy.h).
  ExpectedMap expected;
  std::optional<ConditionalOperator> conditional_operator;
};
struct PutItemResponse {
  std::optional<Item> attributes;
  std::optional<ConsumedCapacity> consumed_capacity;
  std::optional<ItemCollectionMetrics> item_collection_metrics;
};

struct GetItemRequest {
  std::string table_name;
  Item key;
  bool consistent_read = false;
  std::optional<std::string> projection_expression;
  ExpressionNames expression_attribute_names;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  // Legacy parameter (dynamo/legacy.h).
  std::optional<AttributeNames> attributes_to_get;
};
struct GetItemResponse {
  std::optional<Item> item;
  std::optional<ConsumedCapacity> consumed_capacity;
};

struct UpdateItemRequest {
  std::string table_name;
  Item key;
  std::optional<std::string> update_expression;
  std::optional<std::string> condition_expression;
  ExpressionNames expression_attribute_names;
  ExpressionValues expression_attribute_values;
  ReturnValue return_values = ReturnValue::kNone;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  ReturnItemCollectionMetrics return_item_collection_metrics = ReturnItemCollectionMetrics::kNone;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::kNone;
  // Legacy parameters (dynamo/legacy.h).
  std::map<std::string, AttributeValueUpdate> attribute_updates;
  ExpectedMap expected;
  std::optional<ConditionalOperator> conditional_operator;
};
struct UpdateItemResponse {
  std::optional<Item> attributes;
  std::optional<ConsumedCapacity> consumed_capacity;
  std::optional<ItemCollectionMetrics> item_collection_metrics;
};

struct DeleteItemRequest {
  std::string table_name;
  Item key;
  std::optional<std::string> condition_expression;
  ExpressionNames expression_attribute_names;
  ExpressionValues expression_attribute_values;
  ReturnValue return_values = ReturnValue::kNone;  // NONE or ALL_OLD
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  ReturnItemCollectionMetrics return_item_collection_metrics = ReturnItemCollectionMetrics::kNone;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::kNone;
  // Legacy parameters (dynamo/legacy.h).
  ExpectedMap expected;
  std::optional<ConditionalOperator> conditional_operator;
};
struct DeleteItemResponse {
  std::optional<Item> attributes;
  std::optional<ConsumedCapacity> consumed_capacity;
  std::optional<ItemCollectionMetrics> item_collection_metrics;
};

struct QueryRequest {
  std::string table_name;
  std::optional<std::string> index_name;
  std::optional<std::string> key_condition_expression;
  std::optional<std::string> filter_expression;
  std::optional<std::string> projection_expression;
  ExpressionNames expression_attribute_names;
  ExpressionValues expression_attribute_values;
  std::optional<Select> select;
  bool scan_index_forward = true;
  std::optional<int32_t> limit;
  std::optional<Item> exclusive_start_key;
  bool consistent_read = false;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  // Legacy parameters (dynamo/legacy.h).
  std::optional<AttributeNames> attributes_to_get;
  Conditions key_conditions;
  Conditions query_filter;
  std::optional<ConditionalOperator> conditional_operator;
};
struct QueryResponse {
  std::vector<Item> items;
  int32_t count = 0;          // items after the filter
  int32_t scanned_count = 0;  // items read before the filter
  std::optional<Item> last_evaluated_key;
  std::optional<ConsumedCapacity> consumed_capacity;
  // Select COUNT was asked: the wire answer has no "Items" member, as DynamoDB's has none
  // (set by the wire codec's dispatch; the backends leave it false).
  bool count_only = false;
};

struct ScanRequest {
  std::string table_name;
  std::optional<std::string> index_name;
  std::optional<std::string> filter_expression;
  std::optional<std::string> projection_expression;
  ExpressionNames expression_attribute_names;
  ExpressionValues expression_attribute_values;
  std::optional<Select> select;
  std::optional<int32_t> limit;
  std::optional<Item> exclusive_start_key;
  std::optional<int32_t> segment;
  std::optional<int32_t> total_segments;
  bool consistent_read = false;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  // Legacy parameters (dynamo/legacy.h).
  std::optional<AttributeNames> attributes_to_get;
  Conditions scan_filter;
  std::optional<ConditionalOperator> conditional_operator;
};
using ScanResponse = QueryResponse;

struct KeysAndAttributes {
  std::vector<Item> keys;
  bool consistent_read = false;
  std::optional<std::string> projection_expression;
  ExpressionNames expression_attribute_names;
  // Legacy parameter (dynamo/legacy.h).
  std::optional<AttributeNames> attributes_to_get;
};
struct BatchGetItemRequest {
  std::map<std::string, KeysAndAttributes> request_items;  // table name -> keys
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};
struct BatchGetItemResponse {
  std::map<std::string, std::vector<Item>> responses;
  std::map<std::string, KeysAndAttributes> unprocessed_keys;
  std::vector<ConsumedCapacity> consumed_capacity;
};

// Exactly one of put_item / delete_key is set.
struct WriteRequest {
  std::optional<Item> put_item;
  std::optional<Item> delete_key;
};
struct BatchWriteItemRequest {
  std::map<std::string, std::vector<WriteRequest>> request_items;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  ReturnItemCollectionMetrics return_item_collection_metrics = ReturnItemCollectionMetrics::kNone;
};
struct BatchWriteItemResponse {
  std::map<std::string, std::vector<WriteRequest>> unprocessed_items;
  std::vector<ConsumedCapacity> consumed_capacity;
  std::map<std::string, std::vector<ItemCollectionMetrics>> item_collection_metrics;
};

// One action of TransactWriteItems; exactly one of the four is set.
struct TransactConditionCheck {
  std::string table_name;
  Item key;
  std::string condition_expression;
  ExpressionNames expression_attribute_names;
  ExpressionValues expression_attribute_values;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::kNone;
};
struct TransactPut {
  std::string table_name;
  Item item;
  std::optional<std::string> condition_expression;
  ExpressionNames expression_attribute_names;
  ExpressionValues expression_attribute_values;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::kNone;
};
struct TransactDelete {
  std::string table_name;
  Item key;
  std::optional<std::string> condition_expression;
  ExpressionNames expression_attribute_names;
  ExpressionValues expression_attribute_values;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::kNone;
};
struct TransactUpdate {
  std::string table_name;
  Item key;
  std::string update_expression;
  std::optional<std::string> condition_expression;
  ExpressionNames expression_attribute_names;
  ExpressionValues expression_attribute_values;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::kNone;
};
struct TransactWriteItem {
  std::optional<TransactConditionCheck> condition_check;
  std::optional<TransactPut> put;
  std::optional<TransactDelete> delete_item;
  std::optional<TransactUpdate> update;
};
struct TransactWriteItemsRequest {
  std::vector<TransactWriteItem> transact_items;
  std::optional<std::string> client_request_token;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  ReturnItemCollectionMetrics return_item_collection_metrics = ReturnItemCollectionMetrics::kNone;
};
struct TransactWriteItemsResponse {
  std::vector<ConsumedCapacity> consumed_capacity;
  std::map<std::string, std::vector<ItemCollectionMetrics>> item_collection_metrics;
};

struct TransactGet {
  std::string table_name;
  Item key;
  std::optional<std::string> projection_expression;
  ExpressionNames expression_attribute_names;
};
struct TransactGetItemsRequest {
  std::vector<TransactGet> transact_items;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};
struct ItemResponse {
  std::optional<Item> item;
};
struct TransactGetItemsResponse {
  std::vector<ItemResponse> responses;
  std::vector<ConsumedCapacity> consumed_capacity;
};

// ------------------------------------------------ continuous backups (point-in-time recovery)

enum class ContinuousBackupsStatus : uint8_t { kEnabled, kDisabled };
enum class PointInTimeRecoveryStatus : uint8_t { kEnabled, kDisabled };

struct PointInTimeRecoveryDescription {
  PointInTimeRecoveryStatus point_in_time_recovery_status = PointInTimeRecoveryStatus::kDisabled;
  std::optional<double> earliest_restorable_date_time;  // seconds since epoch
  std::optional<double> latest_restorable_date_time;
  std::optional<int32_t> recovery_period_in_days;
};
struct ContinuousBackupsDescription {
  ContinuousBackupsStatus continuous_backups_status = ContinuousBackupsStatus::kEnabled;
  PointInTimeRecoveryDescription point_in_time_recovery_description;
};

struct UpdateContinuousBackupsRequest {
  std::string table_name;
  bool point_in_time_recovery_enabled = false;
  std::optional<int32_t> recovery_period_in_days;  // 1..35, default 35
};
struct UpdateContinuousBackupsResponse {
  ContinuousBackupsDescription continuous_backups_description;
};
struct DescribeContinuousBackupsRequest {
  std::string table_name;
};
struct DescribeContinuousBackupsResponse {
  ContinuousBackupsDescription continuous_backups_description;
};

// ------------------------------------------------------------------------ time to live

enum class TimeToLiveStatus : uint8_t { kEnabling, kDisabling, kEnabled, kDisabled };

struct TimeToLiveSpecification {
  std::string attribute_name;
  bool enabled = false;
};
struct UpdateTimeToLiveRequest {
  std::string table_name;
  TimeToLiveSpecification time_to_live_specification;
};
struct UpdateTimeToLiveResponse {
  TimeToLiveSpecification time_to_live_specification;
};
struct DescribeTimeToLiveRequest {
  std::string table_name;
};
struct TimeToLiveDescription {
  std::optional<TimeToLiveStatus> time_to_live_status;
  std::optional<std::string> attribute_name;
};
struct DescribeTimeToLiveResponse {
  TimeToLiveDescription time_to_live_description;
};

// ------------------------------------------------------------------ limits, endpoints

struct DescribeLimitsRequest {};
struct DescribeLimitsResponse {
  int64_t account_max_read_capacity_units = 0;
  int64_t account_max_write_capacity_units = 0;
  int64_t table_max_read_capacity_units = 0;
  int64_t table_max_write_capacity_units = 0;
};
struct DescribeEndpointsRequest {};
struct Endpoint {
  std::string address;
  int64_t cache_period_in_minutes = 0;
};
struct DescribeEndpointsResponse {
  std::vector<Endpoint> endpoints;
};

// One entry of TransactionCanceledException's CancellationReasons, in action order.
// Code is "None" for actions that did not cause the cancellation, else
// "ConditionalCheckFailed", "ValidationError", "TransactionConflict", ...
struct CancellationReason {
  std::string code = "None";
  std::optional<std::string> message;
  std::optional<Item> item;  // with ReturnValuesOnConditionCheckFailure ALL_OLD
};

// Detail attached to a Status with Code::kTransactionCanceled.
struct TransactionCanceledDetail : StatusDetail {
  std::vector<CancellationReason> reasons;
};

// Detail attached to a ConditionalCheckFailed status when the request asked for
// ReturnValuesOnConditionCheckFailure ALL_OLD and the item existed.
struct ConditionalCheckFailedDetail : StatusDetail {
  Item item;
};

}  // namespace issuetracker::dynamo
