// PartiQL over any dynamo::Backend: ExecuteStatement, BatchExecuteStatement and
// ExecuteTransaction, each statement parsed (partiql/parser.h) and mapped onto the
// backend's own operations, so that it has their semantics and errors:
//   SELECT  -> Query when the WHERE clause holds an equality on the partition key (a sort
//              key condition joins the key condition, the rest becomes the filter), else
//              Scan with the WHERE clause as filter; projection list -> ProjectionExpression;
//              Limit, ConsistentRead; NextToken carries the LastEvaluatedKey.
//   INSERT  -> PutItem on condition that no item has the key; an existing item is
//              DuplicateItemException "Duplicate primary key exists in table".
//   UPDATE  -> UpdateItem of the item whose full key the WHERE clause gives by equalities, on
//              condition that it exists and the other WHERE conditions hold
//              (ConditionalCheckFailedException otherwise); set_add/set_delete -> ADD/DELETE.
//   DELETE  -> DeleteItem likewise (the other WHERE conditions become its condition).
// BatchExecuteStatement runs up to 25 statements, all reads (SELECT with the full key) or all
// writes, reporting each statement's error in its response. ExecuteTransaction runs up to
// 100 statements as one TransactWriteItems (INSERT, UPDATE, DELETE, EXISTS(SELECT ...) as a
// condition check) or one TransactGetItems (SELECTs with the full key), with its
// cancellation reasons (DuplicateItem for an INSERT of an existing key).
//
// Thread-safety: as thread-safe as the backend.
#pragma once

#include "common/result.h"
#include "dynamo/backend.h"

namespace issuetracker::dynamo::partiql {

Result<ExecuteStatementResponse> ExecuteStatement(Backend& backend,
                                                  const ExecuteStatementRequest& request);
Result<BatchExecuteStatementResponse> BatchExecuteStatement(
    Backend& backend, const BatchExecuteStatementRequest& request);
Result<ExecuteTransactionResponse> ExecuteTransaction(Backend& backend,
                                                      const ExecuteTransactionRequest& request);

// The NextToken of a page that ended at `key`, and back (ValidationException for a token
// that is not one of ours).
std::string EncodeNextToken(const Item& key);
Result<Item> DecodeNextToken(std::string_view token);

}  // namespace issuetracker::dynamo::partiql
