// EngineCore: what every part of the engine shares — the RocksDB database and its column
// families, the environment, the table cache, the catalog's persistence, the shared write
// path (an item, its index entries, statistics and change record in one batch), the change
// clock, and request metrics. The operations (engine.h) and the parts that hold a family's
// state and background work (tables.h, restores.h, streams.h, importer.h, transactions.h)
// all hold it. Internal: only the engine's own files include this.
//
// Thread-safety: every method may be called concurrently, except where noted.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/bulk_loader.h"
#include "engine/catalog.h"
#include "engine/change_log.h"
#include "engine/crash_points.h"
#include "engine/expression.h"
#include "engine/item_locks.h"
#include "engine/iterator_pool.h"
#include "engine/mutation_sink.h"
#include "engine/options.h"

namespace issuetracker::engine {

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

// Statistics deltas summed in memory, for writes that merge them once at the end.
struct StatsAccumulator {
  std::map<uint8_t, std::pair<int64_t, int64_t>> deltas;  // index id -> (items, bytes)
  // Item collections of tables with local secondary indexes: collection key (catalog
  // key, CollectionKey) -> bytes.
  std::map<std::string, int64_t> collections;
  void Add(uint8_t index_id, int64_t items, int64_t bytes) {
    auto& d = deltas[index_id];
    d.first += items;
    d.second += bytes;
  }
  void AddAll(const StatsAccumulator& other) {
    for (const auto& [id, d] : other.deltas) Add(id, d.first, d.second);
    for (const auto& [key, bytes] : other.collections) collections[key] += bytes;
  }
};

// The size of an item collection after a write (for ItemCollectionMetrics).
struct CollectionSize {
  dynamo::Item key;  // the partition key
  int64_t bytes = 0;
};

// Capacity units consumed on one index, and whether it is a local secondary index
// (ConsumedCapacity lists local and global indexes apart).
struct IndexUnits {
  double units = 0;
  bool local = false;
};
using IndexUnitsMap = std::map<std::string, IndexUnits>;

// Write capacity units consumed by one operation, per table and per index.
struct WriteTally {
  double table_units = 0;
  IndexUnitsMap index_units;
  // Change stamps of the operation, released once it is committed (the tally outlives
  // the commit). An operation over several tallies (a transaction) points them all at
  // one StampTickets, whose block it reserved.
  StampTickets own_stamps;
  StampTickets* shared_stamps = nullptr;
  StampTickets& stamps() { return shared_stamps ? *shared_stamps : own_stamps; }
  // Item collections written (tables with local secondary indexes), in write order.
  std::vector<CollectionSize> collections;
  // The write is a deletion by the service (time to live): its change record says so.
  bool by_service = false;
  // A bulk load into a new table (restore, import): collection sizes are only summed.
  // REQUIRES: AppendItemChange is given bulk_stats.
  bool bulk_load = false;
};

class EngineCore {
 public:
  // Opens RocksDB at options.path and the change clock. Recovery of interrupted
  // operations is the parts' (Engine::Open runs it).
  static Result<std::unique_ptr<EngineCore>> Open(const EngineOptions& options);
  // Persists the change clock's exact lease and closes RocksDB. REQUIRES: the parts'
  // background work has stopped.
  ~EngineCore();
  EngineCore(const EngineCore&) = delete;
  EngineCore& operator=(const EngineCore&) = delete;

  const EngineOptions& options() const { return options_; }
  Env* env() const { return env_; }
  const Clock* clock() const { return env_->clock(); }
  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* catalog_cf() const { return catalog_cf_; }
  rocksdb::ColumnFamilyHandle* items_cf() const { return items_cf_; }
  rocksdb::ColumnFamilyHandle* changes_cf() const { return changes_cf_; }
  // Iterators over the items column family for reads (iterator_pool.h).
  IteratorPool& item_iterators() { return *item_iterators_; }
  ExpressionCache& expressions() { return expressions_; }
  ItemLocks& locks() { return locks_; }
  BlockPool& bulk_blocks() { return bulk_blocks_; }

  // ------------------------------------------------------------------ the table cache

  // The name of the table a request's TableName holds: the API Reference lets every
  // TableName be the table's name or its ARN. A name is returned as it is (checked where
  // it is used). An ARN must be a table's (ValidationException "Invalid TableArn: ..."
  // otherwise) in this database's partition, region and account (TableArn):
  // ResourceNotFoundException for another's. The result views `name_or_arn`.
  Result<std::string_view> TableNameOf(std::string_view name_or_arn) const;

  // The handle of a table, loading its descriptor on first use; nullptr when missing.
  // `name` may be the table's ARN (TableNameOf).
  Result<std::shared_ptr<TableHandle>> FindHandle(std::string_view name);
  // Pins a table for one operation. ResourceNotFoundException when it does not exist.
  // `name` may be the table's ARN (TableNameOf).
  Result<TableRef> GetTable(std::string_view name);
  // Caches the handle of a table just committed (created or restored).
  std::shared_ptr<TableHandle> AddTable(TableDesc desc);
  // Drops a deleted table's handle. REQUIRES: the handle is marked deleted.
  void RemoveTable(std::string_view name);
  // Runs `hook` with every descriptor loaded from disk (set once, before serving).
  void SetDescriptorLoadedHook(std::function<void(const TableDesc&)> hook) {
    on_loaded_ = std::move(hook);
  }

  // ----------------------------------------------------------------------- the catalog

  // Serialises catalog changes (creating, deleting, updating and restoring tables).
  std::mutex& catalog_mu() { return catalog_mu_; }
  Status PersistDesc(const TableDesc& desc, rocksdb::WriteBatch* batch);
  Result<uint32_t> AllocateTableId(rocksdb::WriteBatch* batch);
  // Swaps in a changed descriptor: persists it and publishes it under the table's
  // exclusive lock. `change` edits a copy of the current descriptor; `also` (optional)
  // adds to the same atomic batch what the change implies (a backfill marker, an index's
  // entries dropped), seeing the table with no write in flight. `*point` (read once
  // `change` ran; nullptr: kDescriptorChanged) is the crash point reached once the batch is
  // durable. ResourceNotFoundException when the table does not exist.
  using DescriptorChange = std::function<Status(TableDesc*)>;
  using DescriptorBatch =
      std::function<Status(const TableDesc& before, const TableDesc& after, rocksdb::WriteBatch*)>;
  Status ChangeDescriptor(std::string_view table_name, const DescriptorChange& change,
                          std::shared_ptr<const TableDesc>* out = nullptr,
                          const DescriptorBatch& also = nullptr, const CrashPoint* point = nullptr);

  // -------------------------------------------------------------------- the write path

  // Reads the stored item at `key` (a base key) into *item (nullopt when absent).
  Status ReadItem(std::string_view key, std::optional<dynamo::Item>* item,
                  const rocksdb::Snapshot* snapshot = nullptr);
  // Whether a write from `old_item` to `new_item` (either may be null) changes the item, and
  // so has a change record (and stream record): a put of the same item again, or a delete
  // of a missing one, has none, as in DynamoDB's streams.
  static bool ChangesItem(const dynamo::Item* old_item, const dynamo::Item* new_item) {
    if (old_item == nullptr || new_item == nullptr) return old_item != new_item;
    return *old_item != *new_item;
  }
  // Appends the change of one item from `old_item` to `new_item` (either may be null):
  // the base record, every index entry that changes, statistics (merged into the sink,
  // or summed into `bulk_stats` when given), and the change record when the table has
  // point-in-time recovery or a stream; adds the write capacity to `tally`. The caller
  // holds the item's lock (or owns the table exclusively, for bulk loads).
  Status AppendItemChange(const TableDesc& t, std::string_view base_key,
                          const dynamo::Item* old_item, const dynamo::Item* new_item,
                          MutationSink* sink, WriteTally* tally,
                          StatsAccumulator* bulk_stats = nullptr);
  Status AppendItemChange(const TableDesc& t, std::string_view base_key,
                          const dynamo::Item* old_item, const dynamo::Item* new_item,
                          rocksdb::WriteBatch* batch, WriteTally* tally) {
    BatchSink sink(batch);
    return AppendItemChange(t, base_key, old_item, new_item, &sink, tally);
  }
  // Appends the change of an item collection's size by `delta` bytes (tables with local
  // secondary indexes): ItemCollectionSizeLimitExceededException when it would grow past
  // the limit (counting the earlier changes summed in `bulk_stats`); records the size in
  // `tally` (or only sums into `bulk_stats`, for bulk loads). The check is exact because
  // the caller holds the item's lock, which for such tables is the whole collection's
  // (ItemStripe).
  Status AppendCollectionChange(const TableDesc& t, const dynamo::Item& item, int64_t delta,
                                MutationSink* sink, WriteTally* tally,
                                StatsAccumulator* bulk_stats);
  // The stored size of the item collection under the catalog key `collection_key`.
  Result<int64_t> CollectionBytes(const std::string& collection_key);
  // ItemCollectionSizeLimitExceededException unless a collection of `bytes` fits the limit.
  Status CheckCollectionFits(int64_t bytes) const;
  // Appends the merge of summed statistics deltas (and collection sizes) to `batch`.
  void AppendStats(uint32_t table_id, const StatsAccumulator& stats, rocksdb::WriteBatch* batch);
  // The statistics of a table as stored.
  Result<StatsAccumulator> ReadStats(uint32_t table_id);
  // Commits a batch with the engine's write options.
  Status Commit(rocksdb::WriteBatch* batch);
  // Commits a batch and syncs the WAL, whatever sync_writes says: the last step of the
  // operations that are durable once acknowledged (restores, backups).
  Status CommitDurably(rocksdb::WriteBatch* batch);
  // Commits a batch of background work (the time-to-live expirer), not counted in
  // last_foreground_commit(); with `low_priority`, RocksDB slows it down rather than the other
  // writes when compaction falls behind.
  Status CommitBackground(rocksdb::WriteBatch* batch, bool low_priority);
  // When Commit or CommitDurably last wrote a batch (steady clock, to within a millisecond):
  // background work watches it to give way to the foreground.
  std::chrono::steady_clock::time_point last_foreground_commit() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(
        last_foreground_commit_.load(std::memory_order_relaxed)));
  }
  // Parses and resolves an optional condition expression of a request.
  Result<std::unique_ptr<Condition>> ResolveOptionalCondition(
      const std::optional<std::string>& text, std::string_view kind, ExpressionResolver* resolver);
  // Parses and resolves the optional ProjectionExpression of a read that takes no values
  // (GetItem, a BatchGetItem table, a TransactGetItems item); every name must be used.
  Result<std::optional<ProjectionPaths>> ResolveOptionalProjection(
      const std::optional<std::string>& text, const dynamo::ExpressionNames& names);

  // ------------------------------------------------------------------ the change clock

  ChangeClock& change_clock() { return *change_clock_; }
  // A stamp that marks a point in the change log (a stream's start, a backup id) rather
  // than a write: strictly after every stamp handed out so far.
  Result<int64_t> MarkerStamp();
  // Waits until every write stamped so far has committed (writes are short: this is
  // microseconds), so a snapshot taken afterwards holds every write dated up to now.
  void WaitForStampsInFlight();
  // The latest date of a record of table `t` with a stamp above `now`: records stamped
  // ahead of the wall clock (after a restart, or when the wall clock stepped back) may be
  // dated after `now`. `now` when there is none.
  Result<int64_t> LatestChangeDate(const TableDesc& t, int64_t now);
  // Change-record retention of a table, in microseconds (0: keep nothing): the longer of
  // its point-in-time-recovery window and, with a stream, the stream retention.
  int64_t RetentionMicros(const TableDesc& t) const;
  // The point-in-time-recovery window alone (0 when PITR is off).
  int64_t PitrRetentionMicros(const TableDesc& t) const;

  // ------------------------------------------------------------ metrics, descriptions

  // Counts the capacity an operation consumed on `table` in its metrics, and builds the
  // ConsumedCapacity the request asked for (nullopt for NONE). Every operation calls it
  // once per table it touched, whatever it asked for.
  static std::optional<dynamo::ConsumedCapacity> RenderCapacity(
      dynamo::ReturnConsumedCapacity mode, TableMetricsCells* metrics, const std::string& table,
      double table_units, const IndexUnitsMap& index_units, bool is_read);
  // Runs a data-plane call, timing it and counting its outcome in the metrics of each
  // table in `tables`.
  template <typename Tables, typename Call>
  auto Metered(const Tables& tables, Call&& call) -> decltype(call());
  template <typename Call>
  auto Metered(const std::string& table, Call&& call) -> decltype(call()) {
    return Metered(std::array<std::string_view, 1>{table}, std::forward<Call>(call));
  }
  std::string TableArn(std::string_view table_name) const;
  // DescribeTable's view of `t` with its stored statistics (Corruption when they do not
  // decode), or with the statistics given.
  Result<dynamo::TableDescription> Describe(const TableDesc& t);
  dynamo::TableDescription DescribeWith(const TableDesc& t, const StatsAccumulator& stats);

  // ------------------------------------------------------------- the engine's own files

  // Where bulk loads stage their files (<path>/tmp): emptied at open.
  std::string StagingDir() const { return options_.path + "/tmp"; }
  // Removes `path` and everything under it, through the Env's file system.
  Status RemoveTree(const std::string& path);
  Status CreateDirs(const std::string& path);
  Result<std::vector<std::string>> Children(const std::string& dir);

 private:
  explicit EngineCore(const EngineOptions& options);
  Status OpenDatabase();
  Status OpenChangeClock();
  void RecordRequest(std::string_view table, const Status& status, int64_t latency_micros);

  EngineOptions options_;
  Env* env_;
  std::unique_ptr<rocksdb::Env> rocks_env_;  // the Env's file system under RocksDB's threads
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cf_handles_;  // owned; released in ~EngineCore
  rocksdb::ColumnFamilyHandle* catalog_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* items_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* changes_cf_ = nullptr;
  rocksdb::WriteOptions write_options_;
  std::atomic<int64_t> last_foreground_commit_{0};  // steady clock ticks
  void NoteForegroundCommit();
  std::unique_ptr<ChangeClock> change_clock_;
  std::unique_ptr<IteratorPool> item_iterators_;
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
  std::function<void(const TableDesc&)> on_loaded_;
  std::mutex catalog_mu_;
};

template <typename Tables, typename Call>
auto EngineCore::Metered(const Tables& tables, Call&& call) -> decltype(call()) {
  const auto start = std::chrono::steady_clock::now();
  auto result = call();
  const int64_t elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - start)
                              .count();
  Status status;
  if constexpr (std::is_same_v<decltype(result), Status>) {
    status = result;
  } else {
    status = result.status();
  }
  for (const auto& table : tables) RecordRequest(table, status, elapsed);
  return result;
}

// ResourceNotFoundException for a table that does not exist (or is being deleted).
Status TableNotFound(std::string_view name);

// Whether a request's TableName holds an ARN rather than a name (EngineCore::TableNameOf).
inline bool IsTableArn(std::string_view table_name) { return table_name.starts_with("arn:"); }

// Serves `r`, whose TableName is an ARN, as the same request naming its table, so that an
// operation that keys catalog entries, locks or messages by name sees names only:
//   if (IsTableArn(r.table_name))
//     return WithTableName(*core_, r, [&](const auto& named) { return Op(named); });
// An ARN of another region or account is a missing table: ResourceNotFoundException, or
// `missing` ("Table not found: <arn>") for the operations that answer TableNotFoundException.
template <typename Request, typename Serve>
auto WithTableName(const EngineCore& core, const Request& r, Serve&& serve,
                   Code missing = Code::kResourceNotFound) -> decltype(serve(r)) {
  Result<std::string_view> name = core.TableNameOf(r.table_name);
  if (!name.ok()) {
    if (name.status().code() == Code::kResourceNotFound && missing != Code::kResourceNotFound)
      return Status(missing, "Table not found: " + r.table_name);
    return name.status();
  }
  Request named = r;
  named.table_name = std::string(*name);
  return serve(named);
}

// The column families of an engine database with their options (the catalog's needs
// its merge operator even to replay a log, e.g. when a backup checkpoint is opened).
std::vector<rocksdb::ColumnFamilyDescriptor> EngineColumnFamilies(const EngineOptions& options);

// Read options for the items and index entries of live tables: no range tombstone covers
// them (core.cc says why), so reads skip looking for tombstones.
rocksdb::ReadOptions LiveItemsReadOptions();

// ------------------------------------------------------------------ catalog keys
// persisted: do not reorder (docs/storage-format.md).

// A table's statistics in the catalog column family: key "s" table_id(4); value (and
// merge operand) a sequence of index_id(1) items(i64 LE) bytes(i64 LE), sorted by index
// id (0 is the table), summed entry by entry by the merge operator.
std::string StatsKey(uint32_t table_id);
std::string EncodeStats(const StatsAccumulator& stats);
// Corruption unless `value` is what EncodeStats writes: whole entries, index ids strictly
// ascending.
Result<StatsAccumulator> DecodeStats(std::string_view value);
// Catalog key of an item collection's size ("c" table_id(4) enc(partition key)); its
// value is EncodeStats with index id 0 (items, bytes), summed by the merge operator.
std::string CollectionKey(uint32_t table_id, const dynamo::AttributeValue& partition_key);
// The lock stripe (ItemLocks) of the item under `base_key` in `t`, which every writer of
// the item takes: its own, or for a table with local secondary indexes its item
// collection's (every item of one partition key shares it), so that a collection's size
// check and the write that changes its size are one step even for different items.
size_t ItemStripe(const TableDesc& t, std::string_view base_key);
// ItemCollectionMetrics of a collection of `bytes`: SizeEstimateRangeGB is [floor, floor+1]
// of its size in GB.
dynamo::ItemCollectionMetrics RenderCollection(const CollectionSize& c);
// ItemCollectionMetrics of every collection in `tally`, one per partition key (its last
// size), for ReturnItemCollectionMetrics SIZE; empty otherwise.
std::vector<dynamo::ItemCollectionMetrics> RenderCollections(
    dynamo::ReturnItemCollectionMetrics mode, const WriteTally& tally);
// Catalog key of the table-id -> name entry ("i" table_id(4)).
std::string TableIdKey(uint32_t table_id);
// Catalog key of an index backfill's marker ("g" table_id(4) index_id(1)); its value is the
// base key the backfill resumes from (empty: the start).
std::string BackfillMarkerKey(uint32_t table_id, uint8_t index_id);
// The catalog key `prefix` table_id(4): the start of a table's keys of one kind.
std::string CatalogTablePrefix(char prefix, uint32_t table_id);
// A stream's label: its start, as DynamoDB's ISO-8601 form ("2024-01-15T14:30:00.123456").
std::string StreamLabel(int64_t start_micros);

}  // namespace issuetracker::engine
