// Engine: the embedded storage backend, DynamoDB semantics on RocksDB.
//
// One RocksDB database holds every table: a catalog column family with table descriptors
// and statistics, and an items column family where each table's items and GSI entries
// live under the table's numeric id (key_codec.h). Opening costs nothing per table:
// descriptors are loaded on first use, so thousands of silo tables are free until read.
//
// Guarantees:
//  - An item and all of its index entries (and statistics) change in one atomic RocksDB
//    write, so indexes never drift from their table, even across a crash.
//  - The write-ahead log is always on: an acknowledged write survives a process kill
//    (and, with EngineOptions::sync_writes, a machine crash).
//  - Writes to one item are serialised by a striped lock, so conditional writes are
//    linearizable; transactions lock all their items (in a global order) and commit in
//    one atomic write.
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "dynamo/backend.h"
#include "dynamo/extensions.h"

namespace issuetracker::engine {

struct EngineOptions {
  // Directory of the database; created when missing.
  std::string path;
  // fsync the write-ahead log on every write (survives power loss, slower).
  bool sync_writes = false;
  // RocksDB block cache for items and indexes.
  size_t block_cache_bytes = 256u << 20;
  // Used for table creation times and (later) change records. Not owned; must outlive
  // the engine. nullptr means the system clock.
  const Clock* clock = nullptr;
  // How long change records are kept for point-in-time recovery (DynamoDB: 35 days; a
  // table's RecoveryPeriodInDays can shorten it) and for streams (DynamoDB: 24 hours).
  // Tests set seconds.
  int64_t pitr_retention_seconds = 35LL * 86400;
  int64_t stream_retention_seconds = 86400;
  // How often the background trimmer drops change records past retention.
  int64_t trim_interval_seconds = 60;
  // Region and account that appear in ARNs.
  std::string region = "local";
  std::string account_id = "000000000000";
};

class EngineImpl;

class Engine final : public dynamo::Backend,
                     public dynamo::Extensions,
                     public dynamo::TableMetricsSource {
 public:
  // Opens (creating when missing) the database at options.path.
  // IOError when the directory cannot be used or is locked by another process.
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  ~Engine() override;

  Result<dynamo::CreateTableResponse> CreateTable(const dynamo::CreateTableRequest& r) override;
  Result<dynamo::DescribeTableResponse> DescribeTable(
      const dynamo::DescribeTableRequest& r) override;
  Result<dynamo::ListTablesResponse> ListTables(const dynamo::ListTablesRequest& r) override;
  Result<dynamo::DeleteTableResponse> DeleteTable(const dynamo::DeleteTableRequest& r) override;
  Result<dynamo::UpdateTableResponse> UpdateTable(const dynamo::UpdateTableRequest& r) override;
  Status TagResource(const dynamo::TagResourceRequest& r) override;
  Status UntagResource(const dynamo::UntagResourceRequest& r) override;
  Result<dynamo::ListTagsOfResourceResponse> ListTagsOfResource(
      const dynamo::ListTagsOfResourceRequest& r) override;

  Result<dynamo::PutItemResponse> PutItem(const dynamo::PutItemRequest& r) override;
  Result<dynamo::GetItemResponse> GetItem(const dynamo::GetItemRequest& r) override;
  Result<dynamo::UpdateItemResponse> UpdateItem(const dynamo::UpdateItemRequest& r) override;
  Result<dynamo::DeleteItemResponse> DeleteItem(const dynamo::DeleteItemRequest& r) override;
  Result<dynamo::QueryResponse> Query(const dynamo::QueryRequest& r) override;
  Result<dynamo::ScanResponse> Scan(const dynamo::ScanRequest& r) override;
  Result<dynamo::BatchGetItemResponse> BatchGetItem(const dynamo::BatchGetItemRequest& r) override;
  Result<dynamo::BatchWriteItemResponse> BatchWriteItem(
      const dynamo::BatchWriteItemRequest& r) override;
  Result<dynamo::TransactWriteItemsResponse> TransactWriteItems(
      const dynamo::TransactWriteItemsRequest& r) override;
  Result<dynamo::TransactGetItemsResponse> TransactGetItems(
      const dynamo::TransactGetItemsRequest& r) override;
  Result<dynamo::UpdateContinuousBackupsResponse> UpdateContinuousBackups(
      const dynamo::UpdateContinuousBackupsRequest& r) override;
  Result<dynamo::DescribeContinuousBackupsResponse> DescribeContinuousBackups(
      const dynamo::DescribeContinuousBackupsRequest& r) override;
  Result<dynamo::RestoreTableToPointInTimeResponse> RestoreTableToPointInTime(
      const dynamo::RestoreTableToPointInTimeRequest& r) override;
  Result<dynamo::CreateBackupResponse> CreateBackup(const dynamo::CreateBackupRequest& r) override;
  Result<dynamo::DescribeBackupResponse> DescribeBackup(
      const dynamo::DescribeBackupRequest& r) override;
  Result<dynamo::ListBackupsResponse> ListBackups(const dynamo::ListBackupsRequest& r) override;
  Result<dynamo::DeleteBackupResponse> DeleteBackup(const dynamo::DeleteBackupRequest& r) override;
  Result<dynamo::RestoreTableFromBackupResponse> RestoreTableFromBackup(
      const dynamo::RestoreTableFromBackupRequest& r) override;
  Result<dynamo::ListStreamsResponse> ListStreams(const dynamo::ListStreamsRequest& r) override;
  Result<dynamo::DescribeStreamResponse> DescribeStream(
      const dynamo::DescribeStreamRequest& r) override;
  Result<dynamo::GetShardIteratorResponse> GetShardIterator(
      const dynamo::GetShardIteratorRequest& r) override;
  Result<dynamo::GetRecordsResponse> GetRecords(const dynamo::GetRecordsRequest& r) override;

  // dynamo::Extensions.
  Result<dynamo::ImportItemsResponse> ImportItems(const dynamo::ImportItemsRequest& r) override;
  Result<dynamo::RestoreKeyPrefixToPointInTimeResponse> RestoreKeyPrefixToPointInTime(
      const dynamo::RestoreKeyPrefixToPointInTimeRequest& r) override;
  Status QueryInto(const dynamo::QueryRequest& r, dynamo::QueryResponse* response) override;
  Status ScanInto(const dynamo::ScanRequest& r, dynamo::ScanResponse* response) override;
  // dynamo::TableMetricsSource.
  Result<dynamo::DescribeTableMetricsResponse> DescribeTableMetrics(
      const dynamo::DescribeTableMetricsRequest& r) override;

  // Compacts the whole database (every column family, to the bottom level): reclaims the
  // space of deleted tables and trimmed records, and leaves reads with the fewest files
  // to look in. Blocks until done; other calls proceed meanwhile.
  Status CompactAll();

  // Runs one pass of change-log trimming now (the background trimmer does it every
  // trim_interval_seconds). For tests and tools.
  Status TrimChangeLogs();

  // Blocks until every background index backfill has finished (for tests and tools).
  void WaitForBackgroundWork();

 private:
  explicit Engine(std::unique_ptr<EngineImpl> impl);
  std::unique_ptr<EngineImpl> impl_;
};

}  // namespace issuetracker::engine
