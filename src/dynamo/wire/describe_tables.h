// Wire descriptions of the control-plane messages: tables, indexes and tags. Internal to the wire
// codec.
#pragma once

#include "dynamo/wire/describe_common.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DESCRIBE(CreateTableRequest, "CreateTableInput") {
  v("AttributeDefinitions", m.attribute_definitions, kRequired);
  v("TableName", m.table_name, kRequired);
  v("KeySchema", m.key_schema, kRequired);
  v("GlobalSecondaryIndexes", m.global_secondary_indexes);
  v("LocalSecondaryIndexes", m.local_secondary_indexes);
  v("BillingMode", m.billing_mode);
  v("ProvisionedThroughput", m.provisioned_throughput);
  v("StreamSpecification", m.stream_specification);
  v("SSESpecification", m.sse_specification);
  v("Tags", m.tags);
  v("TableClass", m.table_class);
  v("DeletionProtectionEnabled", m.deletion_protection_enabled);
}

IT_WIRE_DESCRIBE(CreateTableResponse, "CreateTableOutput") {
  v("TableDescription", m.table_description, kAlways);
}

IT_WIRE_DESCRIBE(DescribeTableRequest, "DescribeTableInput") {
  v("TableName", m.table_name, kRequired);
}

IT_WIRE_DESCRIBE(DescribeTableResponse, "DescribeTableOutput") { v("Table", m.table, kAlways); }

IT_WIRE_DESCRIBE(ListTablesRequest, "ListTablesInput") {
  v("ExclusiveStartTableName", m.exclusive_start_table_name);
  v("Limit", m.limit);
}

IT_WIRE_DESCRIBE(ListTablesResponse, "ListTablesOutput") {
  v("TableNames", m.table_names, kAlways);
  v("LastEvaluatedTableName", m.last_evaluated_table_name);
}

IT_WIRE_DESCRIBE(DeleteTableRequest, "DeleteTableInput") {
  v("TableName", m.table_name, kRequired);
}

IT_WIRE_DESCRIBE(DeleteTableResponse, "DeleteTableOutput") {
  v("TableDescription", m.table_description, kAlways);
}

IT_WIRE_DESCRIBE(CreateGlobalSecondaryIndexAction, "CreateGlobalSecondaryIndexAction") {
  v("IndexName", m.index_name, kRequired);
  v("KeySchema", m.key_schema, kRequired);
  v("Projection", m.projection, kRequired);
  v("ProvisionedThroughput", m.provisioned_throughput);
}

IT_WIRE_DESCRIBE(DeleteGlobalSecondaryIndexAction, "DeleteGlobalSecondaryIndexAction") {
  v("IndexName", m.index_name, kRequired);
}

IT_WIRE_DESCRIBE(UpdateGlobalSecondaryIndexAction, "UpdateGlobalSecondaryIndexAction") {
  v("IndexName", m.index_name, kRequired);
  v("ProvisionedThroughput", m.provisioned_throughput, kRequired);
}

IT_WIRE_DESCRIBE(GlobalSecondaryIndexUpdate, "GlobalSecondaryIndexUpdate") {
  v("Update", m.update);
  v("Create", m.create);
  v("Delete", m.delete_index);
}

IT_WIRE_DESCRIBE(UpdateTableRequest, "UpdateTableInput") {
  v("AttributeDefinitions", m.attribute_definitions);
  v("TableName", m.table_name, kRequired);
  v("BillingMode", m.billing_mode);
  v("ProvisionedThroughput", m.provisioned_throughput);
  v("GlobalSecondaryIndexUpdates", m.global_secondary_index_updates);
  v("StreamSpecification", m.stream_specification);
  v("SSESpecification", m.sse_specification);
  v("TableClass", m.table_class);
  v("DeletionProtectionEnabled", m.deletion_protection_enabled);
}

IT_WIRE_DESCRIBE(UpdateTableResponse, "UpdateTableOutput") {
  v("TableDescription", m.table_description, kAlways);
}

IT_WIRE_DESCRIBE(TagResourceRequest, "TagResourceInput") {
  v("ResourceArn", m.resource_arn, kRequired);
  v("Tags", m.tags, kRequired);
}

IT_WIRE_DESCRIBE(UntagResourceRequest, "UntagResourceInput") {
  v("ResourceArn", m.resource_arn, kRequired);
  v("TagKeys", m.tag_keys, kRequired);
}

IT_WIRE_DESCRIBE(ListTagsOfResourceRequest, "ListTagsOfResourceInput") {
  v("ResourceArn", m.resource_arn, kRequired);
  v("NextToken", m.next_token);
}

IT_WIRE_DESCRIBE(ListTagsOfResourceResponse, "ListTagsOfResourceOutput") {
  v("Tags", m.tags, kAlways);
  v("NextToken", m.next_token);
}

IT_WIRE_DESCRIBE(TimeToLiveSpecification, "TimeToLiveSpecification") {
  v("AttributeName", m.attribute_name, kRequired);
  v("Enabled", m.enabled, kRequired);
}

IT_WIRE_DESCRIBE(UpdateTimeToLiveRequest, "UpdateTimeToLiveInput") {
  v("TableName", m.table_name, kRequired);
  v("TimeToLiveSpecification", m.time_to_live_specification, kRequired);
}

IT_WIRE_DESCRIBE(UpdateTimeToLiveResponse, "UpdateTimeToLiveOutput") {
  v("TimeToLiveSpecification", m.time_to_live_specification, kAlways);
}

IT_WIRE_DESCRIBE(DescribeTimeToLiveRequest, "DescribeTimeToLiveInput") {
  v("TableName", m.table_name, kRequired);
}

IT_WIRE_DESCRIBE(TimeToLiveDescription, "TimeToLiveDescription") {
  v("TimeToLiveStatus", m.time_to_live_status);
  v("AttributeName", m.attribute_name);
}

IT_WIRE_DESCRIBE(DescribeTimeToLiveResponse, "DescribeTimeToLiveOutput") {
  v("TimeToLiveDescription", m.time_to_live_description, kAlways);
}

IT_WIRE_DESCRIBE(DescribeLimitsRequest, "DescribeLimitsInput") {
  (void)v;
  (void)m;
}

IT_WIRE_DESCRIBE(DescribeLimitsResponse, "DescribeLimitsOutput") {
  v("AccountMaxReadCapacityUnits", m.account_max_read_capacity_units, kAlways);
  v("AccountMaxWriteCapacityUnits", m.account_max_write_capacity_units, kAlways);
  v("TableMaxReadCapacityUnits", m.table_max_read_capacity_units, kAlways);
  v("TableMaxWriteCapacityUnits", m.table_max_write_capacity_units, kAlways);
}

IT_WIRE_DESCRIBE(DescribeEndpointsRequest, "DescribeEndpointsRequest") {
  (void)v;
  (void)m;
}

IT_WIRE_DESCRIBE(Endpoint, "Endpoint") {
  v("Address", m.address, kRequired);
  v("CachePeriodInMinutes", m.cache_period_in_minutes, kRequired);
}

IT_WIRE_DESCRIBE(DescribeEndpointsResponse, "DescribeEndpointsResponse") {
  v("Endpoints", m.endpoints, kRequired);
}

}  // namespace issuetracker::dynamo::wire
