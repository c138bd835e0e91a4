// The PartiQL operations of the DynamoDB API as C++ types: ExecuteStatement,
// BatchExecuteStatement and ExecuteTransaction (field names as in the API Reference, in
// snake_case, like dynamo/types.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dynamo/types.h"

namespace issuetracker::dynamo {

struct ExecuteStatementRequest {
  std::string statement;
  std::vector<AttributeValue> parameters;
  bool consistent_read = false;
  std::optional<std::string> next_token;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  std::optional<int32_t> limit;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::kNone;
};
struct ExecuteStatementResponse {
  std::vector<Item> items;
  std::optional<std::string> next_token;
  std::optional<ConsumedCapacity> consumed_capacity;
  std::optional<Item> last_evaluated_key;
};

struct BatchStatementRequest {
  std::string statement;
  std::vector<AttributeValue> parameters;
  bool consistent_read = false;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::kNone;
};
struct BatchExecuteStatementRequest {
  std::vector<BatchStatementRequest> statements;  // 1..25
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};
// Code is one of ConditionalCheckFailed, DuplicateItem, ValidationError, ResourceNotFound,
// TransactionConflict, ProvisionedThroughputExceeded, ThrottlingError, InternalServerError,
// RequestLimitExceeded, ItemCollectionSizeLimitExceeded, AccessDenied.
struct BatchStatementError {
  std::string code;
  std::string message;
  std::optional<Item> item;
};
struct BatchStatementResponse {
  std::optional<BatchStatementError> error;
  std::optional<std::string> table_name;
  std::optional<Item> item;
};
struct BatchExecuteStatementResponse {
  std::vector<BatchStatementResponse> responses;  // one per statement, in order
  std::vector<ConsumedCapacity> consumed_capacity;
};

struct ParameterizedStatement {
  std::string statement;
  std::vector<AttributeValue> parameters;
  ReturnValuesOnConditionCheckFailure return_values_on_condition_check_failure =
      ReturnValuesOnConditionCheckFailure::kNone;
};
struct ExecuteTransactionRequest {
  std::vector<ParameterizedStatement> transact_statements;  // 1..100
  std::optional<std::string> client_request_token;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};
struct ExecuteTransactionResponse {
  std::vector<ItemResponse> responses;  // reads only: one per statement
  std::vector<ConsumedCapacity> consumed_capacity;
};

}  // namespace issuetracker::dynamo
