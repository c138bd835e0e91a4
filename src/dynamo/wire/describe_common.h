// Wire descriptions of the structures several operations share (key schemas, indexes,
// table descriptions, consumed capacity). Internal to the wire codec.
//
// Member names and which members are required follow the DynamoDB API Reference.
#pragma once

#include "dynamo/wire/visitors.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DESCRIBE(KeySchemaElement, "KeySchemaElement") {
  v("AttributeName", m.attribute_name, kRequired);
  v("KeyType", m.key_type, kRequired);
}

IT_WIRE_DESCRIBE(AttributeDefinition, "AttributeDefinition") {
  v("AttributeName", m.attribute_name, kRequired);
  v("AttributeType", m.attribute_type, kRequired);
}

IT_WIRE_DESCRIBE(Projection, "Projection") {
  // Optional in the API Reference, refused when missing by DynamoDB (C++ callers get ALL).
  if constexpr (V::kDecoding) {
    v.ExpectPresent("ProjectionType",
                    "One or more parameter values were invalid: Unknown ProjectionType: null");
  }
  v("ProjectionType", m.projection_type, kAlways);
  v("NonKeyAttributes", m.non_key_attributes);
}

IT_WIRE_DESCRIBE(ProvisionedThroughput, "ProvisionedThroughput") {
  v("ReadCapacityUnits", m.read_capacity_units, kRequired);
  v("WriteCapacityUnits", m.write_capacity_units, kRequired);
}

IT_WIRE_DESCRIBE(ProvisionedThroughputDescription, "ProvisionedThroughputDescription") {
  v("NumberOfDecreasesToday", m.number_of_decreases_today, kAlways);
  v("ReadCapacityUnits", m.read_capacity_units, kAlways);
  v("WriteCapacityUnits", m.write_capacity_units, kAlways);
}

IT_WIRE_DESCRIBE(GlobalSecondaryIndex, "GlobalSecondaryIndex") {
  v("IndexName", m.index_name, kRequired);
  v("KeySchema", m.key_schema, kRequired);
  v("Projection", m.projection, kRequired);
  v("ProvisionedThroughput", m.provisioned_throughput);
}

IT_WIRE_DESCRIBE(LocalSecondaryIndex, "LocalSecondaryIndex") {
  v("IndexName", m.index_name, kRequired);
  v("KeySchema", m.key_schema, kRequired);
  v("Projection", m.projection, kRequired);
}

IT_WIRE_DESCRIBE(LocalSecondaryIndexDescription, "LocalSecondaryIndexDescription") {
  v("IndexName", m.index_name, kAlways);
  v("KeySchema", m.key_schema, kAlways);
  v("Projection", m.projection, kAlways);
  v("IndexSizeBytes", m.index_size_bytes, kAlways);
  v("ItemCount", m.item_count, kAlways);
  v("IndexArn", m.index_arn);
}

IT_WIRE_DESCRIBE(ItemCollectionMetrics, "ItemCollectionMetrics") {
  v("ItemCollectionKey", m.item_collection_key, kAlways);
  v("SizeEstimateRangeGB", m.size_estimate_range_gb, kAlways);
}

IT_WIRE_DESCRIBE(SseSpecification, "SSESpecification") {
  v("Enabled", m.enabled);
  v("SSEType", m.sse_type);
  v("KMSMasterKeyId", m.kms_master_key_id);
}

IT_WIRE_DESCRIBE(Tag, "Tag") {
  v("Key", m.key, kRequired);
  v("Value", m.value, kRequired);
}

IT_WIRE_DESCRIBE(StreamSpecification, "StreamSpecification") {
  v("StreamEnabled", m.stream_enabled, kRequired);
  v("StreamViewType", m.stream_view_type);
}

IT_WIRE_DESCRIBE(GlobalSecondaryIndexDescription, "GlobalSecondaryIndexDescription") {
  v("IndexName", m.index_name, kAlways);
  v("KeySchema", m.key_schema, kAlways);
  v("Projection", m.projection, kAlways);
  v("IndexStatus", m.index_status, kAlways);
  v("Backfilling", m.backfilling);
  v("ProvisionedThroughput", m.provisioned_throughput);
  v("IndexSizeBytes", m.index_size_bytes, kAlways);
  v("ItemCount", m.item_count, kAlways);
  v("IndexArn", m.index_arn);
}

IT_WIRE_DESCRIBE(BillingModeSummary, "BillingModeSummary") {
  v("BillingMode", m.billing_mode, kAlways);
  v("LastUpdateToPayPerRequestDateTime", m.last_update_to_pay_per_request_date_time);
}

IT_WIRE_DESCRIBE(SseDescription, "SSEDescription") {
  v("Status", m.status);
  v("SSEType", m.sse_type, kAlways);
  v("KMSMasterKeyArn", m.kms_master_key_arn);
}

IT_WIRE_DESCRIBE(TableClassSummary, "TableClassSummary") {
  v("TableClass", m.table_class, kAlways);
  v("LastUpdateDateTime", m.last_update_date_time);
}

IT_WIRE_DESCRIBE(TableDescription, "TableDescription") {
  v("AttributeDefinitions", m.attribute_definitions);
  v("TableName", m.table_name);
  v("KeySchema", m.key_schema);
  v("TableStatus", m.table_status, kAlways);
  v("CreationDateTime", m.creation_date_time);
  v("ProvisionedThroughput", m.provisioned_throughput, kAlways);
  v("TableSizeBytes", m.table_size_bytes, kAlways);
  v("ItemCount", m.item_count, kAlways);
  v("TableArn", m.table_arn);
  v("TableId", m.table_id);
  v("BillingModeSummary", m.billing_mode_summary);
  v("GlobalSecondaryIndexes", m.global_secondary_indexes);
  v("LocalSecondaryIndexes", m.local_secondary_indexes);
  v("StreamSpecification", m.stream_specification);
  v("LatestStreamLabel", m.latest_stream_label);
  v("LatestStreamArn", m.latest_stream_arn);
  v("SSEDescription", m.sse_description);
  v("TableClassSummary", m.table_class_summary);
  v("DeletionProtectionEnabled", m.deletion_protection_enabled, kAlways);
}

IT_WIRE_DESCRIBE(Capacity, "Capacity") {
  v("CapacityUnits", m.capacity_units, kAlways);
  v("ReadCapacityUnits", m.read_capacity_units);
  v("WriteCapacityUnits", m.write_capacity_units);
}

IT_WIRE_DESCRIBE(ConsumedCapacity, "ConsumedCapacity") {
  v("TableName", m.table_name);
  v("CapacityUnits", m.capacity_units, kAlways);
  v("ReadCapacityUnits", m.read_capacity_units);
  v("WriteCapacityUnits", m.write_capacity_units);
  v("Table", m.table);
  v("LocalSecondaryIndexes", m.local_secondary_indexes);
  v("GlobalSecondaryIndexes", m.global_secondary_indexes);
}

// The restore overrides, flattened into both restore requests.
template <typename V, typename M>
void DescribeOverrides(V& v, M& m) {
  v("BillingModeOverride", m.billing_mode_override);
  v("GlobalSecondaryIndexOverride", m.global_secondary_index_override);
  v("ProvisionedThroughputOverride", m.provisioned_throughput_override);
  v("SSESpecificationOverride", m.sse_specification_override);
  v("LocalSecondaryIndexOverride", m.local_secondary_index_override);
}

}  // namespace issuetracker::dynamo::wire
