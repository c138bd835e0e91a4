// Backend: the one seam between the application and storage.
//
// Every storage backend (the embedded RocksDB engine, the DynamoDB HTTP client) implements
// this interface with DynamoDB's semantics and errors, and everything above storage
// (tenancy, tracker, the DynamoDB-compatible endpoint) talks only to it. It holds exactly
// DynamoDB's operations; what only the embedded engine can do is in dynamo/extensions.h.
// The behaviour suite in tests/ runs the same cases against every implementation.
//
// Errors: each call returns a Result whose Status carries DynamoDB's error code
// (ValidationException, ConditionalCheckFailedException, ResourceNotFoundException, ...).
// TransactWriteItems failures carry a TransactionCanceledDetail.
//
// Thread-safety: implementations are safe to call from many threads at once.
#pragma once

#include "common/result.h"
#include "dynamo/backup_types.h"
#include "dynamo/statement_types.h"
#include "dynamo/types.h"

namespace issuetracker::dynamo {

class Backend {
 public:
  virtual ~Backend() = default;

  // Control plane.
  virtual Result<CreateTableResponse> CreateTable(const CreateTableRequest& request) = 0;
  virtual Result<DescribeTableResponse> DescribeTable(const DescribeTableRequest& request) = 0;
  virtual Result<ListTablesResponse> ListTables(const ListTablesRequest& request) = 0;
  virtual Result<DeleteTableResponse> DeleteTable(const DeleteTableRequest& request) = 0;
  virtual Result<UpdateTableResponse> UpdateTable(const UpdateTableRequest& request) = 0;
  virtual Status TagResource(const TagResourceRequest& request) = 0;
  virtual Status UntagResource(const UntagResourceRequest& request) = 0;
  virtual Result<ListTagsOfResourceResponse> ListTagsOfResource(
      const ListTagsOfResourceRequest& request) = 0;

  // Data plane.
  virtual Result<PutItemResponse> PutItem(const PutItemRequest& request) = 0;
  virtual Result<GetItemResponse> GetItem(const GetItemRequest& request) = 0;
  virtual Result<UpdateItemResponse> UpdateItem(const UpdateItemRequest& request) = 0;
  virtual Result<DeleteItemResponse> DeleteItem(const DeleteItemRequest& request) = 0;
  virtual Result<QueryResponse> Query(const QueryRequest& request) = 0;
  virtual Result<ScanResponse> Scan(const ScanRequest& request) = 0;
  virtual Result<BatchGetItemResponse> BatchGetItem(const BatchGetItemRequest& request) = 0;
  virtual Result<BatchWriteItemResponse> BatchWriteItem(const BatchWriteItemRequest& request) = 0;
  virtual Result<TransactWriteItemsResponse> TransactWriteItems(
      const TransactWriteItemsRequest& request) = 0;
  virtual Result<TransactGetItemsResponse> TransactGetItems(
      const TransactGetItemsRequest& request) = 0;

  // Continuous backups (point-in-time recovery).
  virtual Result<UpdateContinuousBackupsResponse> UpdateContinuousBackups(
      const UpdateContinuousBackupsRequest& request) = 0;
  virtual Result<DescribeContinuousBackupsResponse> DescribeContinuousBackups(
      const DescribeContinuousBackupsRequest& request) = 0;
  virtual Result<RestoreTableToPointInTimeResponse> RestoreTableToPointInTime(
      const RestoreTableToPointInTimeRequest& request) = 0;

  // On-demand backups.
  virtual Result<CreateBackupResponse> CreateBackup(const CreateBackupRequest& request) = 0;
  virtual Result<DescribeBackupResponse> DescribeBackup(const DescribeBackupRequest& request) = 0;
  virtual Result<ListBackupsResponse> ListBackups(const ListBackupsRequest& request) = 0;
  virtual Result<DeleteBackupResponse> DeleteBackup(const DeleteBackupRequest& request) = 0;
  virtual Result<RestoreTableFromBackupResponse> RestoreTableFromBackup(
      const RestoreTableFromBackupRequest& request) = 0;

  // DynamoDB Streams.
  virtual Result<ListStreamsResponse> ListStreams(const ListStreamsRequest& request) = 0;
  virtual Result<DescribeStreamResponse> DescribeStream(const DescribeStreamRequest& request) = 0;
  virtual Result<GetShardIteratorResponse> GetShardIterator(
      const GetShardIteratorRequest& request) = 0;
  virtual Result<GetRecordsResponse> GetRecords(const GetRecordsRequest& request) = 0;

  // PartiQL. By default a statement runs through the shared PartiQL translator
  // (dynamo/partiql/execute.h) over this backend's own operations above, with DynamoDB's
  // errors; a backend that speaks to a DynamoDB server sends them natively instead.
  virtual Result<ExecuteStatementResponse> ExecuteStatement(const ExecuteStatementRequest& request);
  virtual Result<BatchExecuteStatementResponse> BatchExecuteStatement(
      const BatchExecuteStatementRequest& request);
  virtual Result<ExecuteTransactionResponse> ExecuteTransaction(
      const ExecuteTransactionRequest& request);

  // Time to live, limits, endpoints. The defaults answer UnknownOperationException, for
  // backends that do not serve them.
  virtual Result<UpdateTimeToLiveResponse> UpdateTimeToLive(const UpdateTimeToLiveRequest& request);
  virtual Result<DescribeTimeToLiveResponse> DescribeTimeToLive(
      const DescribeTimeToLiveRequest& request);
  virtual Result<DescribeLimitsResponse> DescribeLimits(const DescribeLimitsRequest& request);
  virtual Result<DescribeEndpointsResponse> DescribeEndpoints(
      const DescribeEndpointsRequest& request);
};

}  // namespace issuetracker::dynamo
