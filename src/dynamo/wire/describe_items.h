// Wire descriptions of the single-item operations, Query and Scan. Internal to the wire codec.
#pragma once

#include "dynamo/wire/describe_common.h"

namespace issuetracker::dynamo::wire {

// Legacy parameters (dynamo/legacy.h).
IT_WIRE_DESCRIBE(Condition, "Condition") {
  v("AttributeValueList", m.attribute_value_list);
  v("ComparisonOperator", m.comparison_operator, kRequired);
}

IT_WIRE_DESCRIBE(ExpectedAttributeValue, "ExpectedAttributeValue") {
  v("Value", m.value);
  v("Exists", m.exists);
  v("ComparisonOperator", m.comparison_operator);
  v("AttributeValueList", m.attribute_value_list);
}

IT_WIRE_DESCRIBE(AttributeValueUpdate, "AttributeValueUpdate") {
  v("Value", m.value);
  v("Action", m.action);
}

IT_WIRE_DESCRIBE(PutItemRequest, "PutItemInput") {
  v("TableName", m.table_name, kRequired);
  v("Item", m.item, kRequired);
  v("ConditionExpression", m.condition_expression);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("ExpressionAttributeValues", m.expression_attribute_values);
  v("ReturnValues", m.return_values);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
  v("ReturnItemCollectionMetrics", m.return_item_collection_metrics);
  v("ReturnValuesOnConditionCheckFailure", m.return_values_on_condition_check_failure);
  v("Expected", m.expected);
  v("ConditionalOperator", m.conditional_operator);
}

IT_WIRE_DESCRIBE(PutItemResponse, "PutItemOutput") {
  v("Attributes", m.attributes);
  v("ConsumedCapacity", m.consumed_capacity);
  v("ItemCollectionMetrics", m.item_collection_metrics);
}

IT_WIRE_DESCRIBE(GetItemRequest, "GetItemInput") {
  v("TableName", m.table_name, kRequired);
  v("Key", m.key, kRequired);
  v("ConsistentRead", m.consistent_read);
  v("ProjectionExpression", m.projection_expression);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
  v("AttributesToGet", m.attributes_to_get);
}

IT_WIRE_DESCRIBE(GetItemResponse, "GetItemOutput") {
  v("Item", m.item);
  v("ConsumedCapacity", m.consumed_capacity);
}

IT_WIRE_DESCRIBE(UpdateItemRequest, "UpdateItemInput") {
  v("TableName", m.table_name, kRequired);
  v("Key", m.key, kRequired);
  v("UpdateExpression", m.update_expression);
  v("ConditionExpression", m.condition_expression);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("ExpressionAttributeValues", m.expression_attribute_values);
  v("ReturnValues", m.return_values);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
  v("ReturnItemCollectionMetrics", m.return_item_collection_metrics);
  v("ReturnValuesOnConditionCheckFailure", m.return_values_on_condition_check_failure);
  v("AttributeUpdates", m.attribute_updates);
  v("Expected", m.expected);
  v("ConditionalOperator", m.conditional_operator);
}

IT_WIRE_DESCRIBE(UpdateItemResponse, "UpdateItemOutput") {
  v("Attributes", m.attributes);
  v("ConsumedCapacity", m.consumed_capacity);
  v("ItemCollectionMetrics", m.item_collection_metrics);
}

IT_WIRE_DESCRIBE(DeleteItemRequest, "DeleteItemInput") {
  v("TableName", m.table_name, kRequired);
  v("Key", m.key, kRequired);
  v("ConditionExpression", m.condition_expression);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("ExpressionAttributeValues", m.expression_attribute_values);
  v("ReturnValues", m.return_values);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
  v("ReturnItemCollectionMetrics", m.return_item_collection_metrics);
  v("ReturnValuesOnConditionCheckFailure", m.return_values_on_condition_check_failure);
  v("Expected", m.expected);
  v("ConditionalOperator", m.conditional_operator);
}

IT_WIRE_DESCRIBE(DeleteItemResponse, "DeleteItemOutput") {
  v("Attributes", m.attributes);
  v("ConsumedCapacity", m.consumed_capacity);
  v("ItemCollectionMetrics", m.item_collection_metrics);
}

IT_WIRE_DESCRIBE(QueryRequest, "QueryInput") {
  v("TableName", m.table_name, kRequired);
  v("IndexName", m.index_name);
  v("Select", m.select);
  v("Limit", m.limit);
  v("ConsistentRead", m.consistent_read);
  // ScanIndexForward defaults to true: written only when false.
  if constexpr (V::kDecoding) {
    v("ScanIndexForward", m.scan_index_forward);
  } else if (!m.scan_index_forward) {
    v("ScanIndexForward", m.scan_index_forward, kAlways);
  }
  v("ExclusiveStartKey", m.exclusive_start_key);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
  v("ProjectionExpression", m.projection_expression);
  v("FilterExpression", m.filter_expression);
  v("KeyConditionExpression", m.key_condition_expression);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("ExpressionAttributeValues", m.expression_attribute_values);
  v("AttributesToGet", m.attributes_to_get);
  v("KeyConditions", m.key_conditions);
  v("QueryFilter", m.query_filter);
  v("ConditionalOperator", m.conditional_operator);
}

IT_WIRE_DESCRIBE(QueryResponse, "QueryOutput") {
  v("Items", m.items, m.count_only ? kOptional : kAlways);
  v("Count", m.count, kAlways);
  v("ScannedCount", m.scanned_count, kAlways);
  v("LastEvaluatedKey", m.last_evaluated_key);
  v("ConsumedCapacity", m.consumed_capacity);
}

IT_WIRE_DESCRIBE(ScanRequest, "ScanInput") {
  v("TableName", m.table_name, kRequired);
  v("IndexName", m.index_name);
  v("Limit", m.limit);
  v("Select", m.select);
  v("ExclusiveStartKey", m.exclusive_start_key);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
  v("TotalSegments", m.total_segments);
  v("Segment", m.segment);
  v("ProjectionExpression", m.projection_expression);
  v("FilterExpression", m.filter_expression);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("ExpressionAttributeValues", m.expression_attribute_values);
  v("ConsistentRead", m.consistent_read);
  v("AttributesToGet", m.attributes_to_get);
  v("ScanFilter", m.scan_filter);
  v("ConditionalOperator", m.conditional_operator);
}

}  // namespace issuetracker::dynamo::wire
