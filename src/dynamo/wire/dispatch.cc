#include "dynamo/wire/dispatch.h"

#include "dynamo/wire/codec.h"

namespace issuetracker::dynamo::wire {
namespace {

Reply Error(const Status& status) {
  ErrorReply e = EncodeError(status);
  return Reply{e.http_status, std::move(e.body)};
}

// Decodes a Request, calls `method` on the backend and encodes its Result.
template <typename Request, typename Method>
Reply Serve(Backend& backend, std::string_view body, Method method) {
  Request request;
  if (Status s = Decode(body, &request); !s.ok()) return Error(s);
  auto result = (backend.*method)(request);
  if constexpr (std::is_same_v<decltype(result), Status>) {
    if (!result.ok()) return Error(result);
    return Reply{200, "{}"};
  } else {
    if (!result.ok()) return Error(result.status());
    Reply reply;
    EncodeTo(*result, &reply.body);
    return reply;
  }
}

}  // namespace

Reply Dispatch(Backend& b, std::string_view target, std::string_view body) {
  Result<Operation> op = ParseTarget(target);
  if (!op.ok()) return Error(op.status());
  switch (*op) {
    case Operation::kCreateTable:
      return Serve<CreateTableRequest>(b, body, &Backend::CreateTable);
    case Operation::kDescribeTable:
      return Serve<DescribeTableRequest>(b, body, &Backend::DescribeTable);
    case Operation::kListTables:
      return Serve<ListTablesRequest>(b, body, &Backend::ListTables);
    case Operation::kDeleteTable:
      return Serve<DeleteTableRequest>(b, body, &Backend::DeleteTable);
    case Operation::kUpdateTable:
      return Serve<UpdateTableRequest>(b, body, &Backend::UpdateTable);
    case Operation::kTagResource:
      return Serve<TagResourceRequest>(b, body, &Backend::TagResource);
    case Operation::kUntagResource:
      return Serve<UntagResourceRequest>(b, body, &Backend::UntagResource);
    case Operation::kListTagsOfResource:
      return Serve<ListTagsOfResourceRequest>(b, body, &Backend::ListTagsOfResource);
    case Operation::kPutItem:
      return Serve<PutItemRequest>(b, body, &Backend::PutItem);
    case Operation::kGetItem:
      return Serve<GetItemRequest>(b, body, &Backend::GetItem);
    case Operation::kUpdateItem:
      return Serve<UpdateItemRequest>(b, body, &Backend::UpdateItem);
    case Operation::kDeleteItem:
      return Serve<DeleteItemRequest>(b, body, &Backend::DeleteItem);
    case Operation::kQuery:
      return Serve<QueryRequest>(b, body, &Backend::Query);
    case Operation::kScan:
      return Serve<ScanRequest>(b, body, &Backend::Scan);
    case Operation::kBatchGetItem:
      return Serve<BatchGetItemRequest>(b, body, &Backend::BatchGetItem);
    case Operation::kBatchWriteItem:
      return Serve<BatchWriteItemRequest>(b, body, &Backend::BatchWriteItem);
    case Operation::kTransactWriteItems:
      return Serve<TransactWriteItemsRequest>(b, body, &Backend::TransactWriteItems);
    case Operation::kTransactGetItems:
      return Serve<TransactGetItemsRequest>(b, body, &Backend::TransactGetItems);
    case Operation::kUpdateContinuousBackups:
      return Serve<UpdateContinuousBackupsRequest>(b, body, &Backend::UpdateContinuousBackups);
    case Operation::kDescribeContinuousBackups:
      return Serve<DescribeContinuousBackupsRequest>(b, body, &Backend::DescribeContinuousBackups);
    case Operation::kRestoreTableToPointInTime:
      return Serve<RestoreTableToPointInTimeRequest>(b, body, &Backend::RestoreTableToPointInTime);
    case Operation::kCreateBackup:
      return Serve<CreateBackupRequest>(b, body, &Backend::CreateBackup);
    case Operation::kDescribeBackup:
      return Serve<DescribeBackupRequest>(b, body, &Backend::DescribeBackup);
    case Operation::kListBackups:
      return Serve<ListBackupsRequest>(b, body, &Backend::ListBackups);
    case Operation::kDeleteBackup:
      return Serve<DeleteBackupRequest>(b, body, &Backend::DeleteBackup);
    case Operation::kRestoreTableFromBackup:
      return Serve<RestoreTableFromBackupRequest>(b, body, &Backend::RestoreTableFromBackup);
    case Operation::kListStreams:
      return Serve<ListStreamsRequest>(b, body, &Backend::ListStreams);
    case Operation::kDescribeStream:
      return Serve<DescribeStreamRequest>(b, body, &Backend::DescribeStream);
    case Operation::kGetShardIterator:
      return Serve<GetShardIteratorRequest>(b, body, &Backend::GetShardIterator);
    case Operation::kGetRecords:
      return Serve<GetRecordsRequest>(b, body, &Backend::GetRecords);
    case Operation::kUpdateTimeToLive:
      return Serve<UpdateTimeToLiveRequest>(b, body, &Backend::UpdateTimeToLive);
    case Operation::kDescribeTimeToLive:
      return Serve<DescribeTimeToLiveRequest>(b, body, &Backend::DescribeTimeToLive);
    case Operation::kDescribeLimits:
      return Serve<DescribeLimitsRequest>(b, body, &Backend::DescribeLimits);
    case Operation::kDescribeEndpoints:
      return Serve<DescribeEndpointsRequest>(b, body, &Backend::DescribeEndpoints);
  }
  return Error(Status(Code::kUnknownOperation, "Unknown operation"));
}

}  // namespace issuetracker::dynamo::wire
