// ForwardingBackend: a dynamo::Backend (and TableMetricsSource) that forwards every call to
// another backend and keeps alive what that backend needs (a server, a child process).
#pragma once

#include <memory>
#include <vector>

#include "dynamo/backend.h"
#include "dynamo/extensions.h"

namespace issuetracker::testing {

class ForwardingBackend : public dynamo::Backend, public dynamo::TableMetricsSource {
 public:
  // `target` must stay valid while `owned` holds (it is usually among them).
  ForwardingBackend(dynamo::Backend* target, std::vector<std::shared_ptr<void>> owned)
      : target_(target), owned_(std::move(owned)) {}

#define IT_FORWARD(Response, Name, Request) \
  Result<dynamo::Response> Name(const dynamo::Request& r) override { return target_->Name(r); }
  IT_FORWARD(CreateTableResponse, CreateTable, CreateTableRequest)
  IT_FORWARD(DescribeTableResponse, DescribeTable, DescribeTableRequest)
  IT_FORWARD(ListTablesResponse, ListTables, ListTablesRequest)
  IT_FORWARD(DeleteTableResponse, DeleteTable, DeleteTableRequest)
  IT_FORWARD(UpdateTableResponse, UpdateTable, UpdateTableRequest)
  IT_FORWARD(ListTagsOfResourceResponse, ListTagsOfResource, ListTagsOfResourceRequest)
  IT_FORWARD(PutItemResponse, PutItem, PutItemRequest)
  IT_FORWARD(GetItemResponse, GetItem, GetItemRequest)
  IT_FORWARD(UpdateItemResponse, UpdateItem, UpdateItemRequest)
  IT_FORWARD(DeleteItemResponse, DeleteItem, DeleteItemRequest)
  IT_FORWARD(QueryResponse, Query, QueryRequest)
  IT_FORWARD(ScanResponse, Scan, ScanRequest)
  IT_FORWARD(BatchGetItemResponse, BatchGetItem, BatchGetItemRequest)
  IT_FORWARD(BatchWriteItemResponse, BatchWriteItem, BatchWriteItemRequest)
  IT_FORWARD(TransactWriteItemsResponse, TransactWriteItems, TransactWriteItemsRequest)
  IT_FORWARD(TransactGetItemsResponse, TransactGetItems, TransactGetItemsRequest)
  IT_FORWARD(UpdateContinuousBackupsResponse, UpdateContinuousBackups,
             UpdateContinuousBackupsRequest)
  IT_FORWARD(DescribeContinuousBackupsResponse, DescribeContinuousBackups,
             DescribeContinuousBackupsRequest)
  IT_FORWARD(RestoreTableToPointInTimeResponse, RestoreTableToPointInTime,
             RestoreTableToPointInTimeRequest)
  IT_FORWARD(CreateBackupResponse, CreateBackup, CreateBackupRequest)
  IT_FORWARD(DescribeBackupResponse, DescribeBackup, DescribeBackupRequest)
  IT_FORWARD(ListBackupsResponse, ListBackups, ListBackupsRequest)
  IT_FORWARD(DeleteBackupResponse, DeleteBackup, DeleteBackupRequest)
  IT_FORWARD(RestoreTableFromBackupResponse, RestoreTableFromBackup, RestoreTableFromBackupRequest)
  IT_FORWARD(ListStreamsResponse, ListStreams, ListStreamsRequest)
  IT_FORWARD(DescribeStreamResponse, DescribeStream, DescribeStreamRequest)
  IT_FORWARD(GetShardIteratorResponse, GetShardIterator, GetShardIteratorRequest)
  IT_FORWARD(GetRecordsResponse, GetRecords, GetRecordsRequest)
  IT_FORWARD(ExecuteStatementResponse, ExecuteStatement, ExecuteStatementRequest)
  IT_FORWARD(BatchExecuteStatementResponse, BatchExecuteStatement, BatchExecuteStatementRequest)
  IT_FORWARD(ExecuteTransactionResponse, ExecuteTransaction, ExecuteTransactionRequest)
  IT_FORWARD(UpdateTimeToLiveResponse, UpdateTimeToLive, UpdateTimeToLiveRequest)
  IT_FORWARD(DescribeTimeToLiveResponse, DescribeTimeToLive, DescribeTimeToLiveRequest)
  IT_FORWARD(DescribeLimitsResponse, DescribeLimits, DescribeLimitsRequest)
  IT_FORWARD(DescribeEndpointsResponse, DescribeEndpoints, DescribeEndpointsRequest)
#undef IT_FORWARD
  Status TagResource(const dynamo::TagResourceRequest& r) override {
    return target_->TagResource(r);
  }
  Status UntagResource(const dynamo::UntagResourceRequest& r) override {
    return target_->UntagResource(r);
  }
  Result<dynamo::DescribeTableMetricsResponse> DescribeTableMetrics(
      const dynamo::DescribeTableMetricsRequest& r) override {
    dynamo::TableMetricsSource* m = dynamo::FindTableMetrics(*target_);
    if (m == nullptr) return Status(Code::kUnknownOperation, "no table metrics");
    return m->DescribeTableMetrics(r);
  }

  dynamo::Backend& target() { return *target_; }

 private:
  dynamo::Backend* target_;
  std::vector<std::shared_ptr<void>> owned_;
};

}  // namespace issuetracker::testing
