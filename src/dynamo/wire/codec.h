// The DynamoDB JSON protocol (awsJson1_0), shared by the HTTP client backend and the
// DynamoDB-compatible endpoint: every request and response of dynamo::Backend to and from
// its wire JSON, the operations' X-Amz-Target names, and errors.
//
// A request is `POST /` with `Content-Type: application/x-amz-json-1.0` and
// `X-Amz-Target: DynamoDB_20120810.<Operation>` (`DynamoDBStreams_20120810.<Operation>` for
// the Streams operations); its body is the request's JSON; a success is HTTP 200 with the
// response's JSON; an error is HTTP 4xx/5xx with {"__type": "<namespace>#<Error>",
// "message": "..."} (EncodeError / DecodeError).
//
// Encoding writes members the way DynamoDB and the SDKs do: members left at their default
// (an unset optional, an empty list, false, NONE) are omitted; AttributeValues are written
// exactly as DynamoDB writes them (numbers as strings, binary as base64). Decoding accepts
// what DynamoDB accepts and rejects the rest with DynamoDB's errors: SerializationException
// for malformed JSON or a member of the wrong type ("NUMBER_VALUE cannot be converted to
// String"), ValidationException for missing required members and unknown enumeration
// values ("1 validation error detected: Value null at 'tableName' failed to satisfy
// constraint: Member must not be null"), or an invalid AttributeValue. Unknown members are
// ignored, as DynamoDB ignores them. Decoding checks the wire format only: limits and
// semantics (table-name patterns, expression syntax, empty sets) are the backend's.
//
// Thread-safety: stateless functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "dynamo/backup_types.h"
#include "dynamo/statement_types.h"
#include "dynamo/types.h"

namespace issuetracker::dynamo::wire {

inline constexpr std::string_view kContentType = "application/x-amz-json-1.0";

// ------------------------------------------------------------------------- operations

// Every operation of dynamo::Backend. persisted (in metrics and logs): do not reorder.
enum class Operation : uint8_t {
  kCreateTable,
  kDescribeTable,
  kListTables,
  kDeleteTable,
  kUpdateTable,
  kTagResource,
  kUntagResource,
  kListTagsOfResource,
  kPutItem,
  kGetItem,
  kUpdateItem,
  kDeleteItem,
  kQuery,
  kScan,
  kBatchGetItem,
  kBatchWriteItem,
  kTransactWriteItems,
  kTransactGetItems,
  kUpdateContinuousBackups,
  kDescribeContinuousBackups,
  kRestoreTableToPointInTime,
  kCreateBackup,
  kDescribeBackup,
  kListBackups,
  kDeleteBackup,
  kRestoreTableFromBackup,
  kListStreams,
  kDescribeStream,
  kGetShardIterator,
  kGetRecords,
  kExecuteStatement,
  kBatchExecuteStatement,
  kExecuteTransaction,
  kUpdateTimeToLive,
  kDescribeTimeToLive,
  kDescribeLimits,
  kDescribeEndpoints,
};
inline constexpr size_t kOperationCount = 37;

// "PutItem".
std::string_view OperationName(Operation op);
// Whether the operation belongs to DynamoDB Streams (a DynamoDBStreams_20120810 target).
bool IsStreamsOperation(Operation op);
// The X-Amz-Target header value: "DynamoDB_20120810.PutItem",
// "DynamoDBStreams_20120810.GetRecords".
std::string_view Target(Operation op);
// Parses an X-Amz-Target value. UnknownOperationException when it names no operation of
// ours (DynamoDB answers an unknown target so); for an operation of DynamoDB's API that we
// do not implement (UnsupportedOperations) the message names it as unsupported.
Result<Operation> ParseTarget(std::string_view target);
// The operations of DynamoDB's API (DynamoDB_20120810) that no backend here implements
// (global tables, exports and imports, Kinesis destinations, contributor insights, resource
// policies, ...), as listed in docs/compatibility.md.
std::span<const std::string_view> UnsupportedOperations();

// ------------------------------------------------------------------ requests, responses

// Every message the codec reads and writes. ScanResponse is QueryResponse. TagResource and
// UntagResource answer an empty object ("{}").
#define IT_WIRE_MESSAGE_TYPES(X)       \
  X(CreateTableRequest)                \
  X(CreateTableResponse)               \
  X(DescribeTableRequest)              \
  X(DescribeTableResponse)             \
  X(ListTablesRequest)                 \
  X(ListTablesResponse)                \
  X(DeleteTableRequest)                \
  X(DeleteTableResponse)               \
  X(UpdateTableRequest)                \
  X(UpdateTableResponse)               \
  X(TagResourceRequest)                \
  X(UntagResourceRequest)              \
  X(ListTagsOfResourceRequest)         \
  X(ListTagsOfResourceResponse)        \
  X(PutItemRequest)                    \
  X(PutItemResponse)                   \
  X(GetItemRequest)                    \
  X(GetItemResponse)                   \
  X(UpdateItemRequest)                 \
  X(UpdateItemResponse)                \
  X(DeleteItemRequest)                 \
  X(DeleteItemResponse)                \
  X(QueryRequest)                      \
  X(QueryResponse)                     \
  X(ScanRequest)                       \
  X(BatchGetItemRequest)               \
  X(BatchGetItemResponse)              \
  X(BatchWriteItemRequest)             \
  X(BatchWriteItemResponse)            \
  X(TransactWriteItemsRequest)         \
  X(TransactWriteItemsResponse)        \
  X(TransactGetItemsRequest)           \
  X(TransactGetItemsResponse)          \
  X(UpdateContinuousBackupsRequest)    \
  X(UpdateContinuousBackupsResponse)   \
  X(DescribeContinuousBackupsRequest)  \
  X(DescribeContinuousBackupsResponse) \
  X(RestoreTableToPointInTimeRequest)  \
  X(RestoreTableToPointInTimeResponse) \
  X(CreateBackupRequest)               \
  X(CreateBackupResponse)              \
  X(DescribeBackupRequest)             \
  X(DescribeBackupResponse)            \
  X(ListBackupsRequest)                \
  X(ListBackupsResponse)               \
  X(DeleteBackupRequest)               \
  X(DeleteBackupResponse)              \
  X(RestoreTableFromBackupRequest)     \
  X(RestoreTableFromBackupResponse)    \
  X(ListStreamsRequest)                \
  X(ListStreamsResponse)               \
  X(DescribeStreamRequest)             \
  X(DescribeStreamResponse)            \
  X(GetShardIteratorRequest)           \
  X(GetShardIteratorResponse)          \
  X(GetRecordsRequest)                 \
  X(GetRecordsResponse)                \
  X(ExecuteStatementRequest)           \
  X(ExecuteStatementResponse)          \
  X(BatchExecuteStatementRequest)      \
  X(BatchExecuteStatementResponse)     \
  X(ExecuteTransactionRequest)         \
  X(ExecuteTransactionResponse)        \
  X(UpdateTimeToLiveRequest)           \
  X(UpdateTimeToLiveResponse)          \
  X(DescribeTimeToLiveRequest)         \
  X(DescribeTimeToLiveResponse)        \
  X(DescribeLimitsRequest)             \
  X(DescribeLimitsResponse)            \
  X(DescribeEndpointsRequest)          \
  X(DescribeEndpointsResponse)

// For every message type T:
//   void EncodeTo(const T& message, std::string* out);  appends message's JSON to *out
//   Status Decode(std::string_view json, T* message);   replaces *message; errors above
#define IT_WIRE_DECLARE_(Type)                          \
  void EncodeTo(const Type& message, std::string* out); \
  Status Decode(std::string_view json, Type* message);
IT_WIRE_MESSAGE_TYPES(IT_WIRE_DECLARE_)
#undef IT_WIRE_DECLARE_

// The JSON of `message`.
template <typename T>
std::string Encode(const T& message) {
  std::string out;
  EncodeTo(message, &out);
  return out;
}

// -------------------------------------------------------------------------------- errors

// An error reply: HTTP status and JSON body.
struct ErrorReply {
  int http_status = 400;
  std::string body;
};

// The reply DynamoDB gives for `status`: its HTTP status (400, 500 for InternalServerError,
// 503 for ServiceUnavailable) and {"__type":"<namespace>#<Name>","message":"..."}, where the
// namespace is DynamoDB's for the error: com.amazonaws.dynamodb.v20120810 for DynamoDB's
// own errors, com.amazon.coral.validate for ValidationException and com.amazon.coral.service
// for protocol errors (SerializationException, UnknownOperationException, the signature
// errors). TransactionCanceledException carries "CancellationReasons" (one per action:
// Code, Message, Item), a ConditionalCheckFailedException with an old item carries "Item".
// Codes that are not DynamoDB's (the domain's) are answered as InternalServerError.
// REQUIRES: !status.ok()
ErrorReply EncodeError(const Status& status);

// The Status of an error reply: the code named by "__type" (after its '#'; any namespace),
// the message ("message" or "Message"), and the cancellation reasons or old item as
// TransactionCanceledDetail / ConditionalCheckFailedDetail. An unknown error name keeps its
// name in the message, with the code following the HTTP status (InternalServerError for
// 5xx, ServiceUnavailable for 503, else ValidationException); a body that is not DynamoDB's
// JSON (a proxy's page) becomes such an error naming the HTTP status.
Status DecodeError(int http_status, std::string_view body);

}  // namespace issuetracker::dynamo::wire
