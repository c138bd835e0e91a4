// Wire descriptions of the batch and transaction operations. Internal to the wire codec.
#pragma once

#include "dynamo/wire/describe_common.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DESCRIBE(KeysAndAttributes, "KeysAndAttributes") {
  v("Keys", m.keys, kRequired);
  v("ConsistentRead", m.consistent_read);
  v("ProjectionExpression", m.projection_expression);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("AttributesToGet", m.attributes_to_get);
}

IT_WIRE_DESCRIBE(BatchGetItemRequest, "BatchGetItemInput") {
  v("RequestItems", m.request_items, kRequired);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
}

IT_WIRE_DESCRIBE(BatchGetItemResponse, "BatchGetItemOutput") {
  v("Responses", m.responses, kAlways);
  v("UnprocessedKeys", m.unprocessed_keys, kAlways);
  v("ConsumedCapacity", m.consumed_capacity);
}

// {"PutRequest": {"Item": {...}}} or {"DeleteRequest": {"Key": {...}}}.
IT_WIRE_DESCRIBE(WriteRequest, "WriteRequest") {
  v.Object("PutRequest", m.put_item.has_value(), kOptional,
           [&m](auto& sub) { sub("Item", m.put_item, kRequired); });
  v.Object("DeleteRequest", m.delete_key.has_value(), kOptional,
           [&m](auto& sub) { sub("Key", m.delete_key, kRequired); });
}

IT_WIRE_DESCRIBE(BatchWriteItemRequest, "BatchWriteItemInput") {
  v("RequestItems", m.request_items, kRequired);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
  v("ReturnItemCollectionMetrics", m.return_item_collection_metrics);
}

IT_WIRE_DESCRIBE(BatchWriteItemResponse, "BatchWriteItemOutput") {
  v("UnprocessedItems", m.unprocessed_items, kAlways);
  v("ConsumedCapacity", m.consumed_capacity);
  v("ItemCollectionMetrics", m.item_collection_metrics);
}

IT_WIRE_DESCRIBE(TransactConditionCheck, "ConditionCheck") {
  v("Key", m.key, kRequired);
  v("TableName", m.table_name, kRequired);
  v("ConditionExpression", m.condition_expression, kRequired);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("ExpressionAttributeValues", m.expression_attribute_values);
  v("ReturnValuesOnConditionCheckFailure", m.return_values_on_condition_check_failure);
}

IT_WIRE_DESCRIBE(TransactPut, "Put") {
  v("Item", m.item, kRequired);
  v("TableName", m.table_name, kRequired);
  v("ConditionExpression", m.condition_expression);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("ExpressionAttributeValues", m.expression_attribute_values);
  v("ReturnValuesOnConditionCheckFailure", m.return_values_on_condition_check_failure);
}

IT_WIRE_DESCRIBE(TransactDelete, "Delete") {
  v("Key", m.key, kRequired);
  v("TableName", m.table_name, kRequired);
  v("ConditionExpression", m.condition_expression);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("ExpressionAttributeValues", m.expression_attribute_values);
  v("ReturnValuesOnConditionCheckFailure", m.return_values_on_condition_check_failure);
}

IT_WIRE_DESCRIBE(TransactUpdate, "Update") {
  v("Key", m.key, kRequired);
  v("UpdateExpression", m.update_expression, kRequired);
  v("TableName", m.table_name, kRequired);
  v("ConditionExpression", m.condition_expression);
  v("ExpressionAttributeNames", m.expression_attribute_names);
  v("ExpressionAttributeValues", m.expression_attribute_values);
  v("ReturnValuesOnConditionCheckFailure", m.return_values_on_condition_check_failure);
}

IT_WIRE_DESCRIBE(TransactWriteItem, "TransactWriteItem") {
  v("ConditionCheck", m.condition_check);
  v("Put", m.put);
  v("Delete", m.delete_item);
  v("Update", m.update);
}

IT_WIRE_DESCRIBE(TransactWriteItemsRequest, "TransactWriteItemsInput") {
  v("TransactItems", m.transact_items, kRequired);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
  v("ReturnItemCollectionMetrics", m.return_item_collection_metrics);
  v("ClientRequestToken", m.client_request_token);
}

IT_WIRE_DESCRIBE(TransactWriteItemsResponse, "TransactWriteItemsOutput") {
  v("ConsumedCapacity", m.consumed_capacity);
  v("ItemCollectionMetrics", m.item_collection_metrics);
}

// One TransactGetItem: {"Get": {...}}.
IT_WIRE_DESCRIBE(TransactGet, "TransactGetItem") {
  v.Object("Get", true, kRequired, [&m](auto& sub) {
    sub("Key", m.key, kRequired);
    sub("TableName", m.table_name, kRequired);
    sub("ProjectionExpression", m.projection_expression);
    sub("ExpressionAttributeNames", m.expression_attribute_names);
  });
}

IT_WIRE_DESCRIBE(TransactGetItemsRequest, "TransactGetItemsInput") {
  v("TransactItems", m.transact_items, kRequired);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
}

IT_WIRE_DESCRIBE(ItemResponse, "ItemResponse") { v("Item", m.item); }

IT_WIRE_DESCRIBE(TransactGetItemsResponse, "TransactGetItemsOutput") {
  v("ConsumedCapacity", m.consumed_capacity);
  v("Responses", m.responses);
}

}  // namespace issuetracker::dynamo::wire
