// Wire descriptions of the PartiQL operations. Internal to the wire codec.
#pragma once

#include "dynamo/wire/describe_batch.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DESCRIBE(ExecuteStatementRequest, "ExecuteStatementInput") {
  v("Statement", m.statement, kRequired);
  v("Parameters", m.parameters);
  v("ConsistentRead", m.consistent_read);
  v("NextToken", m.next_token);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
  v("Limit", m.limit);
  v("ReturnValuesOnConditionCheckFailure", m.return_values_on_condition_check_failure);
}

IT_WIRE_DESCRIBE(ExecuteStatementResponse, "ExecuteStatementOutput") {
  v("Items", m.items, kAlways);
  v("NextToken", m.next_token);
  v("ConsumedCapacity", m.consumed_capacity);
  v("LastEvaluatedKey", m.last_evaluated_key);
}

IT_WIRE_DESCRIBE(BatchStatementRequest, "BatchStatementRequest") {
  v("Statement", m.statement, kRequired);
  v("Parameters", m.parameters);
  v("ConsistentRead", m.consistent_read);
  v("ReturnValuesOnConditionCheckFailure", m.return_values_on_condition_check_failure);
}

IT_WIRE_DESCRIBE(BatchExecuteStatementRequest, "BatchExecuteStatementInput") {
  v("Statements", m.statements, kRequired);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
}

IT_WIRE_DESCRIBE(BatchStatementError, "BatchStatementError") {
  v("Code", m.code);
  v("Message", m.message);
  v("Item", m.item);
}

IT_WIRE_DESCRIBE(BatchStatementResponse, "BatchStatementResponse") {
  v("Error", m.error);
  v("TableName", m.table_name);
  v("Item", m.item);
}

IT_WIRE_DESCRIBE(BatchExecuteStatementResponse, "BatchExecuteStatementOutput") {
  v("Responses", m.responses, kAlways);
  v("ConsumedCapacity", m.consumed_capacity);
}

IT_WIRE_DESCRIBE(ParameterizedStatement, "ParameterizedStatement") {
  v("Statement", m.statement, kRequired);
  v("Parameters", m.parameters);
  v("ReturnValuesOnConditionCheckFailure", m.return_values_on_condition_check_failure);
}

IT_WIRE_DESCRIBE(ExecuteTransactionRequest, "ExecuteTransactionInput") {
  v("TransactStatements", m.transact_statements, kRequired);
  v("ClientRequestToken", m.client_request_token);
  v("ReturnConsumedCapacity", m.return_consumed_capacity);
}

IT_WIRE_DESCRIBE(ExecuteTransactionResponse, "ExecuteTransactionOutput") {
  v("Responses", m.responses);
  v("ConsumedCapacity", m.consumed_capacity);
}

}  // namespace issuetracker::dynamo::wire
