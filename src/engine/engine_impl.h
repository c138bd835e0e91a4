// Internal: the engine's state and the operations, split by family across
// engine.cc (open/close, tables cache), table_ops.cc, item_ops.cc, query_ops.cc,
// batch_ops.cc and transact_ops.cc. Only the engine's own .cc files include this.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/bulk_loader.h"
#include "engine/catalog.h"
#include "engine/change_log.h"
#include "engine/engine.h"
#include "engine/expression.h"
#include "engine/item_locks.h"

namespace issuetracker::engine {

struct TransactAction;
struct TransactPrepared;

// A table's request metrics, updated lock-free by every operation on it. Capacity units
// are kept in thousandths so that half units add exactly.
struct TableMetricsCells {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> read_milli_units{0};
  std::atomic<int64_t> write_milli_units{0};
  std::atomic<int64_t> returned_items{0};
  std::atomic<int64_t> user_errors{0};
  std::atomic<int64_t> system_errors{0};
  std::atomic<int64_t> conditional_check_failed{0};
  std::atomic<int64_t> transaction_conflicts{0};
  std::atomic<int64_t> successes{0};
  std::atomic<int64_t> latency_micros_sum{0};
  std::atomic<int64_t> latency_micros_max{0};
  int64_t since_micros = 0;
};

// A table's live descriptor and the lock that orders operations against changes of it.
struct TableHandle {
  TableMetricsCells metrics;
  // Shared by every operation on the table for its whole duration; exclusive while the
  // descriptor is swapped (UpdateTable, tags) or the table is deleted. This guarantees
  // that no write computed with an old descriptor (say, one missing a new index) lands
  // after the new descriptor is published.
  std::shared_mutex mu;
  std::shared_ptr<const TableDesc> desc;  // guarded by mu
  bool deleted = false;                   // guarded by mu
};

// A table pinned for one operation: holds the table's lock shared.
class TableRef {
 public:
  TableRef(std::shared_ptr<TableHandle> handle, std::shared_lock<std::shared_mutex> lock)
      : handle_(std::move(handle)), lock_(std::move(lock)), desc_(handle_->desc) {}
  const TableDesc& desc() const { return *desc_; }
  const std::shared_ptr<const TableDesc>& desc_ptr() const { return desc_; }
  TableMetricsCells* metrics() const { return &handle_->metrics; }

 private:
  std::shared_ptr<TableHandle> handle_;
  std::shared_lock<std::shared_mutex> lock_;
  std::shared_ptr<const TableDesc> desc_;
};

// Write capacity units consumed by one operation, per table and per index.
struct WriteTally {
  double table_units = 0;
  std::map<std::string, double> index_units;
  // Change stamps of the operation, released once it is committed (the tally outlives
  // the commit).
  StampTickets stamps;
};

// Where AppendItemChange sends the mutations of one item change: a WriteBatch for
// normal writes, the bulk loader for restores.
class MutationSink {
 public:
  virtual ~MutationSink() = default;
  virtual void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                   std::string_view value) = 0;
  virtual void Delete(rocksdb::ColumnFamilyHandle* cf, std::string_view key) = 0;
  virtual void Merge(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                     std::string_view value) = 0;
};

class BatchSink final : public MutationSink {
 public:
  explicit BatchSink(rocksdb::WriteBatch* batch) : batch_(batch) {}
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) override {
    batch_
        ->Put(cf, rocksdb::Slice(key.data(), key.size()),
              rocksdb::Slice(value.data(), value.size()))
        .PermitUncheckedError();
  }
  void Delete(rocksdb::ColumnFamilyHandle* cf, std::string_view key) override {
    batch_->Delete(cf, rocksdb::Slice(key.data(), key.size())).PermitUncheckedError();
  }
  void Merge(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
             std::string_view value) override {
    batch_
        ->Merge(cf, rocksdb::Slice(key.data(), key.size()),
                rocksdb::Slice(value.data(), value.size()))
        .PermitUncheckedError();
  }

 private:
  rocksdb::WriteBatch* batch_;
};

class BulkLoader;

// Sends AppendItemChange's mutations to a BulkLoader: only puts into the items column
// family are possible there (a table being loaded has no change log, and its statistics
// are summed with a StatsAccumulator); anything else is an internal error, kept in
// `status` for the caller to check after each item.
class BulkLoadSink final : public MutationSink {
 public:
  BulkLoadSink(BulkLoader* loader, rocksdb::ColumnFamilyHandle* items)
      : loader_(loader), items_(items) {}
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) override;
  void Delete(rocksdb::ColumnFamilyHandle*, std::string_view) override {
    status = Status::Internal("a bulk load cannot delete");
  }
  void Merge(rocksdb::ColumnFamilyHandle*, std::string_view, std::string_view) override {
    status = Status::Internal("a bulk load cannot merge");
  }
  Status status;

 private:
  BulkLoader* loader_;
  rocksdb::ColumnFamilyHandle* items_;
};

// One producer's bulk-load mutations, handed in batches to a loader that several
// producers share: each batch is added under the loader's lock, so producers run in
// parallel and the (single-threaded) loader takes a batch at a time. Flush() hands over
// the rest.
class StagedLoadSink final : public MutationSink {
 public:
  StagedLoadSink(BulkLoader* loader, std::mutex* loader_mu, rocksdb::ColumnFamilyHandle* items)
      : loader_(loader), loader_mu_(loader_mu), items_(items) {}
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) override;
  void Delete(rocksdb::ColumnFamilyHandle*, std::string_view) override {
    status = Status::Internal("a bulk load cannot delete");
  }
  void Merge(rocksdb::ColumnFamilyHandle*, std::string_view, std::string_view) override {
    status = Status::Internal("a bulk load cannot merge");
  }
  Status Flush();
  Status status;

 private:
  static constexpr size_t kBatchBytes = size_t{1} << 20;
  BulkLoader* loader_;
  std::mutex* loader_mu_;
  rocksdb::ColumnFamilyHandle* items_;
  // A value equal to the previous one (an ALL-projection index entry's) is staged once.
  static constexpr uint32_t kRepeatedValue = UINT32_MAX;
  std::string data_;                                  // keys and values, back to back
  std::vector<std::pair<uint32_t, uint32_t>> sizes_;  // (key size, value size or repeated)
  const char* last_source_ = nullptr;                 // the caller's bytes of the last value
  size_t last_offset_ = 0;                            // and where they were staged
  size_t last_size_ = 0;
};

// Statistics deltas summed in memory, for bulk loads that write them once at the end.
struct StatsAccumulator {
  std::map<uint8_t, std::pair<int64_t, int64_t>> deltas;  // index id -> (items, bytes)
};

// Read capacity: bytes read from the table or an index, with the consistency used.
struct ReadTally {
  double table_units = 0;
  std::map<std::string, double> index_units;
};

class EngineImpl {
 public:
  EngineImpl(const EngineOptions& options, const Clock* clock) : options_(options), clock_(clock) {}
  ~EngineImpl();

  Status Open();

  // Tables.
  Result<dynamo::CreateTableResponse> CreateTable(const dynamo::CreateTableRequest& r);
  Result<dynamo::DescribeTableResponse> DescribeTable(const dynamo::DescribeTableRequest& r);
  Result<dynamo::ListTablesResponse> ListTables(const dynamo::ListTablesRequest& r);
  Result<dynamo::DeleteTableResponse> DeleteTable(const dynamo::DeleteTableRequest& r);
  Result<dynamo::UpdateTableResponse> UpdateTable(const dynamo::UpdateTableRequest& r);
  Status TagResource(const dynamo::TagResourceRequest& r);
  Status UntagResource(const dynamo::UntagResourceRequest& r);
  Result<dynamo::ListTagsOfResourceResponse> ListTagsOfResource(
      const dynamo::ListTagsOfResourceRequest& r);
  Result<dynamo::UpdateContinuousBackupsResponse> UpdateContinuousBackups(
      const dynamo::UpdateContinuousBackupsRequest& r);
  Result<dynamo::DescribeContinuousBackupsResponse> DescribeContinuousBackups(
      const dynamo::DescribeContinuousBackupsRequest& r);
  Result<dynamo::RestoreTableToPointInTimeResponse> RestoreTableToPointInTime(
      const dynamo::RestoreTableToPointInTimeRequest& r);
  Result<dynamo::RestoreKeyPrefixToPointInTimeResponse> RestoreKeyPrefixToPointInTime(
      const dynamo::RestoreKeyPrefixToPointInTimeRequest& r);
  Result<dynamo::ImportItemsResponse> ImportItems(const dynamo::ImportItemsRequest& r);
  Result<dynamo::CreateBackupResponse> CreateBackup(const dynamo::CreateBackupRequest& r);
  Result<dynamo::DescribeBackupResponse> DescribeBackup(const dynamo::DescribeBackupRequest& r);
  Result<dynamo::ListBackupsResponse> ListBackups(const dynamo::ListBackupsRequest& r);
  Result<dynamo::DeleteBackupResponse> DeleteBackup(const dynamo::DeleteBackupRequest& r);
  Result<dynamo::RestoreTableFromBackupResponse> RestoreTableFromBackup(
      const dynamo::RestoreTableFromBackupRequest& r);
  Result<dynamo::ListStreamsResponse> ListStreams(const dynamo::ListStreamsRequest& r);
  Result<dynamo::DescribeStreamResponse> DescribeStream(const dynamo::DescribeStreamRequest& r);
  Result<dynamo::GetShardIteratorResponse> GetShardIterator(
      const dynamo::GetShardIteratorRequest& r);
  Result<dynamo::GetRecordsResponse> GetRecords(const dynamo::GetRecordsRequest& r);
  Status TrimChangeLogs();

  // Items.
  Result<dynamo::PutItemResponse> PutItem(const dynamo::PutItemRequest& r);
  Result<dynamo::GetItemResponse> GetItem(const dynamo::GetItemRequest& r);
  Result<dynamo::UpdateItemResponse> UpdateItem(const dynamo::UpdateItemRequest& r);
  Result<dynamo::DeleteItemResponse> DeleteItem(const dynamo::DeleteItemRequest& r);
  // Into a caller's response, reusing its items' storage (Backend::QueryInto).
  Status Query(const dynamo::QueryRequest& r, dynamo::QueryResponse* response);
  Status Scan(const dynamo::ScanRequest& r, dynamo::ScanResponse* response);
  Result<dynamo::BatchGetItemResponse> BatchGetItem(const dynamo::BatchGetItemRequest& r);
  Result<dynamo::BatchWriteItemResponse> BatchWriteItem(const dynamo::BatchWriteItemRequest& r);
  Result<dynamo::TransactWriteItemsResponse> TransactWriteItems(
      const dynamo::TransactWriteItemsRequest& r);
  Result<dynamo::TransactGetItemsResponse> TransactGetItems(
      const dynamo::TransactGetItemsRequest& r);

  void WaitForBackgroundWork();

  // ---- shared by the operation files ----

  // Pins a table for one operation. ResourceNotFoundException when it does not exist.
  Result<TableRef> GetTable(std::string_view name);
  // The handle of a table, loading its descriptor on first use; nullptr when missing.
  Result<std::shared_ptr<TableHandle>> FindHandle(std::string_view name);

  // Reads the stored item at `key` (a base key) into *item (nullopt when absent).
  Status ReadItem(std::string_view key, std::optional<dynamo::Item>* item,
                  const rocksdb::Snapshot* snapshot = nullptr);

  // Appends to `batch` the change of one item from `old_item` to `new_item` (either may
  // be null): the base record, every index entry that changes, statistics (merged into
  // the batch, or summed into `bulk_stats` when given), and the change record when the
  // table has point-in-time recovery or a stream; adds the write capacity to `tally`.
  // The caller holds the item's lock (or owns the table exclusively, for bulk loads).
  Status AppendItemChange(const TableDesc& t, std::string_view base_key,
                          const dynamo::Item* old_item, const dynamo::Item* new_item,
                          rocksdb::WriteBatch* batch, WriteTally* tally,
                          StatsAccumulator* bulk_stats = nullptr) {
    BatchSink sink(batch);
    return AppendItemChange(t, base_key, old_item, new_item, &sink, tally, bulk_stats);
  }
  Status AppendItemChange(const TableDesc& t, std::string_view base_key,
                          const dynamo::Item* old_item, const dynamo::Item* new_item,
                          MutationSink* sink, WriteTally* tally, StatsAccumulator* bulk_stats);

  // One index entry's change, computed by AppendItemChange.
  struct IndexEntryChange {
    std::optional<std::string> old_key, new_key;
    int64_t old_size = 0, new_size = 0;
    std::string_view new_value;  // into the shared encoding or `own_value`
    std::string own_value;
  };
  void ApplyIndexEntryChange(const IndexDesc& index, const IndexEntryChange& c, MutationSink* sink,
                             WriteTally* tally, StatsAccumulator* stats);
  static void AddStats(uint8_t index_id, int64_t items, int64_t bytes, StatsAccumulator* stats);

  // Appends the merges of summed statistics deltas to `batch`.
  void AppendStats(uint32_t table_id, const StatsAccumulator& stats, rocksdb::WriteBatch* batch);

  // Commits a batch with the engine's write options.
  Status Commit(rocksdb::WriteBatch* batch);

  // Parses and resolves an optional condition expression of a request.
  Result<std::unique_ptr<Condition>> ResolveOptionalCondition(
      const std::optional<std::string>& text, std::string_view kind, ExpressionResolver* resolver);

  // Counts the capacity an operation consumed on `table` in its metrics, and builds the
  // ConsumedCapacity the request asked for (nullopt for NONE). Every operation calls it
  // once per table it touched, whatever it asked for.
  static std::optional<dynamo::ConsumedCapacity> RenderCapacity(
      dynamo::ReturnConsumedCapacity mode, TableMetricsCells* metrics, const std::string& table,
      double table_units, const std::map<std::string, double>& index_units, bool is_read);
  // Metrics: the outcome and latency of a request naming `table`.
  void RecordRequest(std::string_view table, const Status& status, int64_t latency_micros);
  Result<dynamo::DescribeTableMetricsResponse> DescribeTableMetrics(
      const dynamo::DescribeTableMetricsRequest& r);

  std::string TableArn(std::string_view table_name) const;
  dynamo::TableDescription Describe(const TableDesc& t);

  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* items_cf() { return items_cf_; }
  rocksdb::ColumnFamilyHandle* catalog_cf() { return catalog_cf_; }
  rocksdb::ColumnFamilyHandle* changes_cf() { return changes_cf_; }
  const EngineOptions& options() const { return options_; }

  // A stamp that marks a point in the change log (a stream's start, a backup id) rather
  // than a write: strictly after every stamp handed out so far.
  Result<int64_t> MarkerStamp();
  // Waits until every write stamped at or before `stamp` has committed (writes are
  // short: this is microseconds), so a snapshot taken afterwards holds them all.
  void WaitForStampsThrough(int64_t stamp);

  // Change-record retention of a table, in microseconds (0: keep nothing): the longer of
  // its point-in-time-recovery window and, with a stream, the stream retention.
  int64_t RetentionMicros(const TableDesc& t) const;
  // The point-in-time-recovery window alone (0 when PITR is off).
  int64_t PitrRetentionMicros(const TableDesc& t) const;

  // Creates table `target_name` like `source` (with `overrides`), fills it with the items
  // `produce` emits, and publishes it only once it is complete and durable. Used by every
  // restore. TableAlreadyExistsException when the name is taken. `produce` runs once per
  // segment, on parallel threads: the call for segment `segment` of `segments` emits the
  // items of that segment (HashSegmentBounds) into the sink it is given.
  using ItemSink = std::function<Status(dynamo::Item item)>;
  using SegmentProducer =
      std::function<Status(int64_t segment, int64_t segments, const ItemSink& sink)>;
  Result<dynamo::TableDescription> RestoreIntoNewTable(const TableDesc& source,
                                                       const std::string& target_name,
                                                       const dynamo::RestoreOverrides& overrides,
                                                       const SegmentProducer& produce);
  ExpressionCache& expressions() { return expressions_; }
  ItemLocks& locks() { return locks_; }
  const Clock* clock() const { return clock_; }

 private:
  Status PersistDesc(const TableDesc& desc, rocksdb::WriteBatch* batch);
  Result<uint32_t> AllocateTableId(rocksdb::WriteBatch* batch);
  // Swaps in a changed descriptor: persists it and publishes it under the table's
  // exclusive lock. `change` edits a copy of the current descriptor.
  Status ChangeDescriptor(std::string_view table_name,
                          const std::function<Status(TableDesc*)>& change,
                          std::shared_ptr<const TableDesc>* out = nullptr);
  // Transactions (transact_ops.cc); the structs are private to that file.
  Status PrepareTransactAction(const TransactAction& a, const TableDesc& t, TransactPrepared* p);
  Status EvaluateTransactAction(const TransactAction& a, const TransactPrepared& p,
                                const std::optional<dynamo::Item>& old,
                                std::optional<dynamo::Item>* result);
  // ClientRequestToken handling (DynamoDB's, for 10 minutes): whether a transaction with
  // this token and fingerprint was already applied (then it must not be applied again);
  // IdempotentParameterMismatchException for the token of a different request.
  Result<bool> CheckIdempotency(const std::string& token, const std::string& fingerprint);
  // Records a committed transaction's token. REQUIRES: called before its item locks are
  // released, so that a concurrent retry finds it.
  void RememberToken(const std::string& token, const std::string& fingerprint);

  Status OpenChangeClock();
  void RunTrimmer();
  void CleanUpInterruptedRestores();

  void StartBackfill(std::shared_ptr<const TableDesc> desc, uint8_t index_id);
  void RunBackfill(std::string table_name, uint32_t table_id, uint8_t index_id);
  void ResumeBackfills();

  EngineOptions options_;
  const Clock* clock_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cf_handles_;  // owned; released in ~EngineImpl
  rocksdb::ColumnFamilyHandle* catalog_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* items_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* changes_cf_ = nullptr;
  std::unique_ptr<ChangeClock> change_clock_;
  rocksdb::WriteOptions write_options_;
  ExpressionCache expressions_;
  ItemLocks locks_;
  BlockPool bulk_blocks_{2048};  // up to 512 MB of arena blocks kept for bulk loads

  // Heterogeneous lookup: finding a table by a string_view allocates nothing.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::shared_mutex tables_mu_;  // guards tables_; lookups (every request) share it
  std::unordered_map<std::string, std::shared_ptr<TableHandle>, NameHash, std::equal_to<>> tables_;
  std::mutex catalog_mu_;  // serialises catalog changes (create, delete, update)

  std::mutex tokens_mu_;  // guards tokens_: committed ClientRequestToken -> (fingerprint, time)
  std::map<std::string, std::pair<std::string, int64_t>> tokens_;

  std::mutex bg_mu_;  // guards backfills_
  std::vector<std::thread> backfills_;
  std::atomic<bool> shutting_down_{false};

  std::mutex trimmer_mu_;  // with trimmer_cv_: wakes the trimmer for shutdown
  std::condition_variable trimmer_cv_;
  std::thread trimmer_;

  // Names of tables being restored (reserved until published); guarded by catalog_mu_.
  std::set<std::string> restoring_names_;
};

// The column families of an engine database with their options (the catalog's needs
// its merge operator even to replay a log, e.g. when a backup checkpoint is opened).
std::vector<rocksdb::ColumnFamilyDescriptor> EngineColumnFamilies(const EngineOptions& options);

// Key and item validation shared by the operation files (item_validation.cc).

// The encoded base key of a validated item.
std::string BaseKeyOf(const TableDesc& t, const dynamo::Item& item);
// The encoded entry key of `item` in `index`, or nullopt when the item lacks an index key
// attribute (sparse index).
std::optional<std::string> IndexKeyOf(const TableDesc& t, const IndexDesc& index,
                                      const dynamo::Item& item);
// The attributes of `item` that `index` stores.
dynamo::Item ProjectForIndex(const TableDesc& t, const IndexDesc& index, const dynamo::Item& item);
// Validates a Key parameter (exactly the table's key attributes, right types, sizes) and
// returns the encoded base key.
Result<std::string> EncodeKeyParam(const TableDesc& t, const dynamo::Item& key);
// Validates a whole item for writing: key attributes, index key types, set validity,
// the 400 KB limit. `size_message` names the limit in the error (PutItem and UpdateItem
// word it differently).
Status ValidateItemForWrite(const TableDesc& t, const dynamo::Item& item,
                            std::string_view size_message);
// The key attributes of `item` (table keys, plus the index keys when `index` is given).
dynamo::Item KeyOf(const TableDesc& t, const IndexDesc* index, const dynamo::Item& item);
// Rejects ExpressionAttributeNames/Values given to a request that has no expression.
Status CheckExpressionMapsUsed(bool has_expression, const dynamo::ExpressionNames& names,
                               const dynamo::ExpressionValues& values);
// Maximum item size, 400 KB.
constexpr size_t kMaxItemSize = 400 * 1024;

// A table's statistics in the catalog column family: key "s" table_id(4); value (and
// merge operand) a sequence of index_id(1) items(i64 LE) bytes(i64 LE), sorted by index
// id (0 is the table), summed entry by entry by the merge operator.
std::string StatsKey(uint32_t table_id);
std::string EncodeStats(const StatsAccumulator& stats);
StatsAccumulator DecodeStats(std::string_view value);
// A stream's label: its start, as DynamoDB's ISO-8601 form ("2024-01-15T14:30:00.123456").
std::string StreamLabel(int64_t start_micros);
// Catalog key of the table-id -> name entry ("i" table_id(4)).
std::string TableIdKey(uint32_t table_id);

}  // namespace issuetracker::engine
