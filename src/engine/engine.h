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
//  - Multi-step operations (index creation, restores, imports, backups, trimming, table
//    deletion) make each step durable with its state; opening finishes or undoes what a
//    crash interrupted.
//  - A point-in-time restore to time T holds exactly the writes acknowledged by T, across
//    restarts and kills (docs/pitr.md).
//  - Writes to one item are serialised by a striped lock, so conditional writes are
//    linearizable; transactions lock all their items (in a global order) and commit in
//    one atomic write.
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "dynamo/backend.h"
#include "dynamo/extensions.h"
#include "engine/options.h"

namespace issuetracker::engine {

// The engine's parts: a core shared by all (core.h), and one part per family of
// operations holding the core and the family's state and background work.
class EngineCore;
class Tables;
class Restores;
class Streams;
class Importer;
class Transactions;
class Expirer;

// Each operation is declared once, here, and defined in its family's file: tables
// (table_ops.cc, update_table.cc), items (item_ops.cc, query_ops.cc, batch_ops.cc,
// transact_ops.cc), point-in-time recovery and backups (restore_ops.cc, backup_ops.cc),
// streams (stream_ops.cc), import (import_ops.cc), time to live (ttl_ops.cc).
class Engine final : public dynamo::Backend,
                     public dynamo::Extensions,
                     public dynamo::TableMetricsSource {
 public:
  // Opens (creating when missing) the database at options.path, finishing or undoing
  // what a crash interrupted (docs/engine.md). IOError when the directory cannot be
  // used or is locked by another process.
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  ~Engine() override;

  // dynamo::Backend: tables.
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
  // Items.
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
  // Point-in-time recovery and backups.
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
  // Streams.
  Result<dynamo::ListStreamsResponse> ListStreams(const dynamo::ListStreamsRequest& r) override;
  Result<dynamo::DescribeStreamResponse> DescribeStream(
      const dynamo::DescribeStreamRequest& r) override;
  Result<dynamo::GetShardIteratorResponse> GetShardIterator(
      const dynamo::GetShardIteratorRequest& r) override;
  Result<dynamo::GetRecordsResponse> GetRecords(const dynamo::GetRecordsRequest& r) override;
  // Time to live, limits, endpoints (ttl_ops.cc).
  Result<dynamo::UpdateTimeToLiveResponse> UpdateTimeToLive(
      const dynamo::UpdateTimeToLiveRequest& r) override;
  Result<dynamo::DescribeTimeToLiveResponse> DescribeTimeToLive(
      const dynamo::DescribeTimeToLiveRequest& r) override;
  Result<dynamo::DescribeLimitsResponse> DescribeLimits(
      const dynamo::DescribeLimitsRequest& r) override;
  Result<dynamo::DescribeEndpointsResponse> DescribeEndpoints(
      const dynamo::DescribeEndpointsRequest& r) override;

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

  // Runs one time-to-live pass now (the expirer runs one every ttl_interval_seconds) on
  // the expirer's thread, and waits for it: deletes every expired item of every table with
  // time to live enabled and returns how many. For tests and tools.
  Result<int64_t> ExpireItemsNow();

  // Blocks until every background index backfill has finished (for tests and tools).
  void WaitForBackgroundWork();

 private:
  Engine();
  // Destroyed in reverse: the parts (and their background threads) before the core.
  std::unique_ptr<EngineCore> core_;
  std::unique_ptr<Tables> tables_;
  std::unique_ptr<Restores> restores_;
  std::unique_ptr<Streams> streams_;
  std::unique_ptr<Importer> importer_;
  std::unique_ptr<Transactions> transactions_;
  std::unique_ptr<Expirer> expirer_;
};

}  // namespace issuetracker::engine
