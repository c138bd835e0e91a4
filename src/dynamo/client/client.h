// DynamoClient: dynamo::Backend over DynamoDB's HTTP API, for Amazon DynamoDB, ScyllaDB
// Alternator, dynalite, moto or any DynamoDB-compatible endpoint.
//
// Every operation is one JSON request (wire/codec.h), signed with SigV4 (sigv4.h), sent on
// a keep-alive connection (http_pool.h) and retried as the AWS SDKs' standard mode
// (retry.h). Semantics are the server's: BatchWriteItem and BatchGetItem may return
// unprocessed items and keys, which the caller resubmits (dynamo/batch_util.h does it with
// backoff); Query and Scan return one page (dynamo/batch_util.h has pagination helpers).
//
// What the client adds:
//   - TransactWriteItems without a ClientRequestToken gets a random one, so that a retried
//     transaction is applied once (DynamoDB remembers tokens for 10 minutes);
//   - a request that may have reached the server before its connection failed is retried
//     only when repeating it cannot apply it twice: every read, PutItem, DeleteItem,
//     BatchWriteItem (puts and deletes), TransactWriteItems (by its token), the control
//     plane, and UpdateItem unless its expression adds, subtracts or appends (ADD, "+",
//     "-", list_append); such an UpdateItem, CreateBackup and the restores fail instead with
//     an IOError saying the outcome is unknown;
//   - table metrics (dynamo::TableMetricsSource) counted from its own requests: requests,
//     throttled requests, user and system errors, conditional-check failures, transaction
//     conflicts, returned items, latency, and consumed capacity, for which it asks
//     ReturnConsumedCapacity=TOTAL when the caller did not ask for it (and then removes it
//     from the response, so callers see what they asked for).
// It offers no dynamo::Extensions: callers take their documented DynamoDB-only paths.
//
// Thread-safety: safe to use from many threads at once; each thread's request uses its own
// pooled connection.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "dynamo/backend.h"
#include "dynamo/client/endpoint.h"
#include "dynamo/client/http_pool.h"
#include "dynamo/client/retry.h"
#include "dynamo/client/sigv4.h"
#include "dynamo/extensions.h"
#include "dynamo/wire/codec.h"

namespace issuetracker::dynamo::client {

struct ClientOptions {
  Endpoint endpoint;
  std::string region = "us-east-1";
  Credentials credentials;
  HttpOptions http;
  RetryOptions retry;
  // Ask for ReturnConsumedCapacity=TOTAL when the caller did not, to count capacity.
  bool count_consumed_capacity = true;
  std::string user_agent = "issuetracker-dynamo-client/1.0";
};

class DynamoClient final : public Backend, public TableMetricsSource {
 public:
  // Fails only when the TLS trust store cannot be loaded; nothing is sent yet.
  static Result<std::unique_ptr<DynamoClient>> Open(ClientOptions options);
  ~DynamoClient() override;

  // Control plane.
  Result<CreateTableResponse> CreateTable(const CreateTableRequest& request) override;
  Result<DescribeTableResponse> DescribeTable(const DescribeTableRequest& request) override;
  Result<ListTablesResponse> ListTables(const ListTablesRequest& request) override;
  Result<DeleteTableResponse> DeleteTable(const DeleteTableRequest& request) override;
  Result<UpdateTableResponse> UpdateTable(const UpdateTableRequest& request) override;
  Status TagResource(const TagResourceRequest& request) override;
  Status UntagResource(const UntagResourceRequest& request) override;
  Result<ListTagsOfResourceResponse> ListTagsOfResource(
      const ListTagsOfResourceRequest& request) override;

  // Data plane.
  Result<PutItemResponse> PutItem(const PutItemRequest& request) override;
  Result<GetItemResponse> GetItem(const GetItemRequest& request) override;
  Result<UpdateItemResponse> UpdateItem(const UpdateItemRequest& request) override;
  Result<DeleteItemResponse> DeleteItem(const DeleteItemRequest& request) override;
  Result<QueryResponse> Query(const QueryRequest& request) override;
  Result<ScanResponse> Scan(const ScanRequest& request) override;
  Result<BatchGetItemResponse> BatchGetItem(const BatchGetItemRequest& request) override;
  Result<BatchWriteItemResponse> BatchWriteItem(const BatchWriteItemRequest& request) override;
  Result<TransactWriteItemsResponse> TransactWriteItems(
      const TransactWriteItemsRequest& request) override;
  Result<TransactGetItemsResponse> TransactGetItems(
      const TransactGetItemsRequest& request) override;

  // Continuous backups and backups.
  Result<UpdateContinuousBackupsResponse> UpdateContinuousBackups(
      const UpdateContinuousBackupsRequest& request) override;
  Result<DescribeContinuousBackupsResponse> DescribeContinuousBackups(
      const DescribeContinuousBackupsRequest& request) override;
  Result<RestoreTableToPointInTimeResponse> RestoreTableToPointInTime(
      const RestoreTableToPointInTimeRequest& request) override;
  Result<CreateBackupResponse> CreateBackup(const CreateBackupRequest& request) override;
  Result<DescribeBackupResponse> DescribeBackup(const DescribeBackupRequest& request) override;
  Result<ListBackupsResponse> ListBackups(const ListBackupsRequest& request) override;
  Result<DeleteBackupResponse> DeleteBackup(const DeleteBackupRequest& request) override;
  Result<RestoreTableFromBackupResponse> RestoreTableFromBackup(
      const RestoreTableFromBackupRequest& request) override;

  // DynamoDB Streams.
  Result<ListStreamsResponse> ListStreams(const ListStreamsRequest& request) override;
  Result<DescribeStreamResponse> DescribeStream(const DescribeStreamRequest& request) override;
  Result<GetShardIteratorResponse> GetShardIterator(
      const GetShardIteratorRequest& request) override;
  Result<GetRecordsResponse> GetRecords(const GetRecordsRequest& request) override;
  Result<UpdateTimeToLiveResponse> UpdateTimeToLive(
      const UpdateTimeToLiveRequest& request) override;
  Result<DescribeTimeToLiveResponse> DescribeTimeToLive(
      const DescribeTimeToLiveRequest& request) override;
  Result<DescribeLimitsResponse> DescribeLimits(const DescribeLimitsRequest& request) override;
  Result<DescribeEndpointsResponse> DescribeEndpoints(
      const DescribeEndpointsRequest& request) override;

  // PartiQL, sent as is (the server parses the statements).
  Result<ExecuteStatementResponse> ExecuteStatement(
      const ExecuteStatementRequest& request) override;
  Result<BatchExecuteStatementResponse> BatchExecuteStatement(
      const BatchExecuteStatementRequest& request) override;
  Result<ExecuteTransactionResponse> ExecuteTransaction(
      const ExecuteTransactionRequest& request) override;

  // The client's own counts for `table` since it opened (zeros for a table it never named);
  // ResourceNotFoundException when DescribeTable says the table does not exist.
  Result<DescribeTableMetricsResponse> DescribeTableMetrics(
      const DescribeTableMetricsRequest& request) override;

  const ClientOptions& options() const { return options_; }
  // Connections opened so far (for tests).
  uint64_t connections_opened() const { return pool_->connections_opened(); }

  struct CallInfo;

 private:
  DynamoClient(ClientOptions options, std::unique_ptr<ConnectionPool> pool);

  template <typename Response, typename Request>
  Result<Response> Call(wire::Operation op, const Request& request, const CallInfo& info,
                        std::string_view extra_members = {});
  // Sends `body` with retries; the response body on HTTP 200.
  Result<std::string> Exchange(wire::Operation op, const std::string& body, const CallInfo& info,
                               double* latency_ms);
  void CountAttempt(const CallInfo& info, const Status& failure);
  void CountSuccess(const CallInfo& info, double latency_ms,
                    const std::vector<ConsumedCapacity>& capacity, int64_t items);

  struct TableCounters {
    TableMetrics metrics;
    double latency_total_ms = 0;
    int64_t successes = 0;
  };

  const ClientOptions options_;
  const std::unique_ptr<ConnectionPool> pool_;
  const Signer signer_;
  const std::string host_header_;
  RetryPolicy retry_;
  const double opened_at_;
  std::mutex metrics_mu_;  // guards tables_
  std::map<std::string, TableCounters, std::less<>> tables_;
};

// Whether an UpdateItem with this update expression leaves the same item when applied twice
// (no ADD, no arithmetic, no list_append).
bool IsIdempotentUpdate(std::string_view update_expression);

}  // namespace issuetracker::dynamo::client
