#include "dynamo/wire/dispatch.h"

#include <type_traits>

#include "dynamo/extensions.h"
#include "dynamo/wire/codec.h"

namespace issuetracker::dynamo::wire {
namespace {

int Error(const Status& status, std::string* out) {
  ErrorReply e = EncodeError(status);
  out->append(e.body);
  return e.http_status;
}

// Decodes a Request, calls `method` on the backend and encodes its Result.
template <typename Request, typename Method>
int Serve(Backend& backend, std::string_view body, Method method, std::string* out) {
  Request request;
  if (Status s = Decode(body, &request); !s.ok()) return Error(s, out);
  auto result = (backend.*method)(request);
  if constexpr (std::is_same_v<decltype(result), Status>) {
    // TagResource and UntagResource: DynamoDB answers success with an empty body.
    if (!result.ok()) return Error(result, out);
    return 200;
  } else {
    if (!result.ok()) return Error(result.status(), out);
    EncodeTo(*result, out);
    return 200;
  }
}

// Query and Scan into this thread's response, whose items' storage is reused.
template <typename Request>
int ServeInto(Backend& backend, std::string_view body, std::string* out) {
  thread_local QueryResponse response;
  Request request;
  if (Status s = Decode(body, &request); !s.ok()) return Error(s, out);
  Status s;
  if constexpr (std::is_same_v<Request, QueryRequest>) {
    s = QueryInto(backend, request, &response);
  } else {
    s = ScanInto(backend, request, &response);
  }
  if (!s.ok()) return Error(s, out);
  response.count_only = request.select == Select::kCount;
  EncodeTo(response, out);
  return 200;
}

}  // namespace

Reply Dispatch(Backend& b, std::string_view target, std::string_view body) {
  Reply reply;
  Result<Operation> op = ParseTarget(target);
  if (!op.ok()) {
    reply.http_status = Error(op.status(), &reply.body);
    return reply;
  }
  reply.http_status = DispatchInto(b, *op, body, &reply.body);
  return reply;
}

int DispatchInto(Backend& b, Operation op, std::string_view body, std::string* out) {
  switch (op) {
    case Operation::kCreateTable:
      return Serve<CreateTableRequest>(b, body, &Backend::CreateTable, out);
    case Operation::kDescribeTable:
      return Serve<DescribeTableRequest>(b, body, &Backend::DescribeTable, out);
    case Operation::kListTables:
      return Serve<ListTablesRequest>(b, body, &Backend::ListTables, out);
    case Operation::kDeleteTable:
      return Serve<DeleteTableRequest>(b, body, &Backend::DeleteTable, out);
    case Operation::kUpdateTable:
      return Serve<UpdateTableRequest>(b, body, &Backend::UpdateTable, out);
    case Operation::kTagResource:
      return Serve<TagResourceRequest>(b, body, &Backend::TagResource, out);
    case Operation::kUntagResource:
      return Serve<UntagResourceRequest>(b, body, &Backend::UntagResource, out);
    case Operation::kListTagsOfResource:
      return Serve<ListTagsOfResourceRequest>(b, body, &Backend::ListTagsOfResource, out);
    case Operation::kPutItem:
      return Serve<PutItemRequest>(b, body, &Backend::PutItem, out);
    case Operation::kGetItem:
      return Serve<GetItemRequest>(b, body, &Backend::GetItem, out);
    case Operation::kUpdateItem:
      return Serve<UpdateItemRequest>(b, body, &Backend::UpdateItem, out);
    case Operation::kDeleteItem:
      return Serve<DeleteItemRequest>(b, body, &Backend::DeleteItem, out);
    case Operation::kQuery:
      return ServeInto<QueryRequest>(b, body, out);
    case Operation::kScan:
      return ServeInto<ScanRequest>(b, body, out);
    case Operation::kBatchGetItem:
      return Serve<BatchGetItemRequest>(b, body, &Backend::BatchGetItem, out);
    case Operation::kBatchWriteItem:
      return Serve<BatchWriteItemRequest>(b, body, &Backend::BatchWriteItem, out);
    case Operation::kTransactWriteItems:
      return Serve<TransactWriteItemsRequest>(b, body, &Backend::TransactWriteItems, out);
    case Operation::kTransactGetItems:
      return Serve<TransactGetItemsRequest>(b, body, &Backend::TransactGetItems, out);
    case Operation::kUpdateContinuousBackups:
      return Serve<UpdateContinuousBackupsRequest>(b, body, &Backend::UpdateContinuousBackups, out);
    case Operation::kDescribeContinuousBackups:
      return Serve<DescribeContinuousBackupsRequest>(b, body, &Backend::DescribeContinuousBackups,
                                                     out);
    case Operation::kRestoreTableToPointInTime:
      return Serve<RestoreTableToPointInTimeRequest>(b, body, &Backend::RestoreTableToPointInTime,
                                                     out);
    case Operation::kCreateBackup:
      return Serve<CreateBackupRequest>(b, body, &Backend::CreateBackup, out);
    case Operation::kDescribeBackup:
      return Serve<DescribeBackupRequest>(b, body, &Backend::DescribeBackup, out);
    case Operation::kListBackups:
      return Serve<ListBackupsRequest>(b, body, &Backend::ListBackups, out);
    case Operation::kDeleteBackup:
      return Serve<DeleteBackupRequest>(b, body, &Backend::DeleteBackup, out);
    case Operation::kRestoreTableFromBackup:
      return Serve<RestoreTableFromBackupRequest>(b, body, &Backend::RestoreTableFromBackup, out);
    case Operation::kListStreams:
      return Serve<ListStreamsRequest>(b, body, &Backend::ListStreams, out);
    case Operation::kDescribeStream:
      return Serve<DescribeStreamRequest>(b, body, &Backend::DescribeStream, out);
    case Operation::kGetShardIterator:
      return Serve<GetShardIteratorRequest>(b, body, &Backend::GetShardIterator, out);
    case Operation::kGetRecords:
      return Serve<GetRecordsRequest>(b, body, &Backend::GetRecords, out);
    case Operation::kExecuteStatement:
      return Serve<ExecuteStatementRequest>(b, body, &Backend::ExecuteStatement, out);
    case Operation::kBatchExecuteStatement:
      return Serve<BatchExecuteStatementRequest>(b, body, &Backend::BatchExecuteStatement, out);
    case Operation::kExecuteTransaction:
      return Serve<ExecuteTransactionRequest>(b, body, &Backend::ExecuteTransaction, out);
    case Operation::kUpdateTimeToLive:
      return Serve<UpdateTimeToLiveRequest>(b, body, &Backend::UpdateTimeToLive, out);
    case Operation::kDescribeTimeToLive:
      return Serve<DescribeTimeToLiveRequest>(b, body, &Backend::DescribeTimeToLive, out);
    case Operation::kDescribeLimits:
      return Serve<DescribeLimitsRequest>(b, body, &Backend::DescribeLimits, out);
    case Operation::kDescribeEndpoints:
      return Serve<DescribeEndpointsRequest>(b, body, &Backend::DescribeEndpoints, out);
  }
  return Error(Status(Code::kUnknownOperation, "Unknown operation"), out);
}

}  // namespace issuetracker::dynamo::wire
