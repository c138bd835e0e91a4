// EngineCore: opening RocksDB, the table cache, the catalog's persistence, the change
// clock, metrics and descriptions. The write path is in write_path.cc.
#include "engine/core.h"

#include <rocksdb/cache.h>
#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/table.h>

#include <cmath>
#include <cstring>
#include <thread>

#include "dynamo/wire_names.h"
#include "engine/file_util.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

namespace {

constexpr char kItemsCf[] = "items";
constexpr char kChangesCf[] = "changes";
constexpr char kChangeLeaseKey[] = "n/change_lease";
constexpr char kNextTableIdKey[] = "n/next_table_id";
constexpr std::string_view kTablePrefix = "t/";

// Sums statistics entry by entry (see StatsKey in core.h).
class StatsMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    // A value or operand that does not decode fails the merge, which RocksDB reports as
    // Corruption to the read (or compaction) that needed it.
    Result<StatsAccumulator> sum =
        existing ? DecodeStats(std::string_view(existing->data(), existing->size()))
                 : StatsAccumulator();
    auto delta = DecodeStats(std::string_view(value.data(), value.size()));
    if (!sum.ok() || !delta.ok()) return false;
    for (const auto& [index_id, d] : delta->deltas) sum->Add(index_id, d.first, d.second);
    *new_value = EncodeStats(*sum);
    return true;
  }
  const char* Name() const override { return "IssueTrackerStatsMerge"; }
};

}  // namespace

Status TableNotFound(std::string_view name) {
  return Status::ResourceNotFound("Requested resource not found: Table: " + std::string(name) +
                                  " not found");
}

// ------------------------------------------------------------------------- catalog keys

std::string StatsKey(uint32_t table_id) { return CatalogTablePrefix('s', table_id); }

std::string EncodeStats(const StatsAccumulator& stats) {
  std::string out;
  for (const auto& [index_id, delta] : stats.deltas) {
    out.push_back(static_cast<char>(index_id));
    int64_t v[2] = {delta.first, delta.second};
    out.append(reinterpret_cast<const char*>(v), sizeof(v));
  }
  return out;
}

Result<StatsAccumulator> DecodeStats(std::string_view value) {
  StatsAccumulator stats;
  constexpr size_t kEntry = 1 + 2 * sizeof(int64_t);
  if (value.size() % kEntry != 0) return Status::Corruption("truncated table statistics");
  for (size_t at = 0; at < value.size(); at += kEntry) {
    const auto index_id = static_cast<uint8_t>(value[at]);
    if (at > 0 && index_id <= static_cast<uint8_t>(value[at - kEntry]))
      return Status::Corruption("table statistics out of order");
    int64_t v[2];
    std::memcpy(v, value.data() + at + 1, sizeof(v));
    stats.deltas.emplace_hint(stats.deltas.end(), index_id, std::make_pair(v[0], v[1]));
  }
  return stats;
}

std::string TableIdKey(uint32_t table_id) { return CatalogTablePrefix('i', table_id); }

std::string CollectionKey(uint32_t table_id, const dynamo::AttributeValue& partition_key) {
  std::string key = CatalogTablePrefix('c', table_id);
  AppendKeyValue(partition_key, &key);
  return key;
}

size_t ItemStripe(const TableDesc& t, std::string_view base_key) {
  // table_id(4) 0x00 hash32(pk)(4): the same for every item of one partition key (and for
  // the rare other keys with the same hash, which then only share a lock).
  if (t.HasLocalIndexes() && base_key.size() >= kHashPrefixSize)
    return ItemLocks::StripeOf(base_key.substr(0, kHashPrefixSize));
  return ItemLocks::StripeOf(base_key);
}

dynamo::ItemCollectionMetrics RenderCollection(const CollectionSize& c) {
  dynamo::ItemCollectionMetrics m;
  m.item_collection_key = c.key;
  const double lower = std::floor(static_cast<double>(std::max<int64_t>(c.bytes, 0)) /
                                  static_cast<double>(1LL << 30));
  m.size_estimate_range_gb = {lower, lower + 1};
  return m;
}

std::vector<dynamo::ItemCollectionMetrics> RenderCollections(
    dynamo::ReturnItemCollectionMetrics mode, const WriteTally& tally) {
  std::vector<dynamo::ItemCollectionMetrics> out;
  if (mode != dynamo::ReturnItemCollectionMetrics::kSize) return out;
  for (size_t i = 0; i < tally.collections.size(); ++i) {
    bool later = false;  // the collection's last size is reported
    for (size_t j = i + 1; j < tally.collections.size() && !later; ++j)
      later = tally.collections[j].key == tally.collections[i].key;
    if (!later) out.push_back(RenderCollection(tally.collections[i]));
  }
  return out;
}

std::string BackfillMarkerKey(uint32_t table_id, uint8_t index_id) {
  std::string key = CatalogTablePrefix('g', table_id);
  key.push_back(static_cast<char>(index_id));
  return key;
}

std::string CatalogTablePrefix(char prefix, uint32_t table_id) {
  std::string key(1, prefix);
  PutFixed32BE(table_id, &key);
  return key;
}

// --------------------------------------------------------------------------------- open

rocksdb::ReadOptions LiveItemsReadOptions() {
  rocksdb::ReadOptions ro;
  // The items column family's range tombstones drop a deleted table's or index's keys, or
  // an abandoned restore's. Table and index ids are never reused, so none covers a key of
  // a live table or index: reads of those need not look for tombstones.
  ro.ignore_range_deletions = true;
  return ro;
}

std::vector<rocksdb::ColumnFamilyDescriptor> EngineColumnFamilies(const EngineOptions& options) {
  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table_options.cache_index_and_filter_blocks = false;

  rocksdb::ColumnFamilyOptions items_options;
  items_options.OptimizeLevelStyleCompaction();
  // Writes read the old item first, and most keys written are new: a memtable bloom
  // filter answers "absent" without searching the skiplist.
  items_options.memtable_whole_key_filtering = true;
  items_options.memtable_prefix_bloom_size_ratio = 0.05;
  items_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));

  rocksdb::ColumnFamilyOptions catalog_options;
  catalog_options.merge_operator = std::make_shared<StatsMergeOperator>();

  rocksdb::ColumnFamilyOptions changes_options;
  changes_options.OptimizeLevelStyleCompaction();

  return {{rocksdb::kDefaultColumnFamilyName, catalog_options},
          {kItemsCf, items_options},
          {kChangesCf, changes_options}};
}

EngineCore::EngineCore(const EngineOptions& options)
    : options_(options), env_(options.env ? options.env : Env::Default()) {}

Result<std::unique_ptr<EngineCore>> EngineCore::Open(const EngineOptions& options) {
  std::unique_ptr<EngineCore> core(new EngineCore(options));
  IT_RETURN_IF_ERROR(core->OpenDatabase());
  IT_RETURN_IF_ERROR(core->OpenChangeClock());
  return core;
}

Status EngineCore::OpenDatabase() {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_open_files = 1024;
  // One batch writes items, index entries, change records and statistics across column
  // families; flushing them together keeps checkpoints (backups) recoverable.
  db_options.atomic_flush = true;
  // Every file RocksDB (and the engine) touches goes through the Env's file system.
  if (env_->file_system() != rocksdb::FileSystem::Default()) {
    rocks_env_ = rocksdb::NewCompositeEnv(env_->file_system());
    db_options.env = rocks_env_.get();
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families = EngineColumnFamilies(options_);
  rocksdb::DB* raw = nullptr;
  IT_RETURN_IF_ERROR(
      FromRocks(rocksdb::DB::Open(db_options, options_.path, families, &cf_handles_, &raw)));
  db_.reset(raw);
  catalog_cf_ = cf_handles_[0];
  items_cf_ = cf_handles_[1];
  changes_cf_ = cf_handles_[2];
  write_options_.sync = options_.sync_writes;
  write_options_.disableWAL = false;
  item_iterators_ = std::make_unique<IteratorPool>(db_.get(), items_cf_, LiveItemsReadOptions());
  return Status::Ok();
}

Status EngineCore::OpenChangeClock() {
  std::string value;
  int64_t floor = 0;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), catalog_cf_, kChangeLeaseKey, &value);
  if (s.ok()) {
    // A lease we cannot read could let stamps go back: never guess one.
    if (value.size() != 8 || static_cast<int64_t>(DecodeFixed64BE(value.data())) < 0)
      return Status::Corruption("bad change lease in the catalog");
    floor = static_cast<int64_t>(DecodeFixed64BE(value.data()));
  } else if (!s.IsNotFound()) {
    IT_RETURN_IF_ERROR(FromRocks(s));
  }
  change_clock_ = std::make_unique<ChangeClock>(clock(), floor, [this](int64_t lease) {
    std::string encoded;
    PutFixed64BE(static_cast<uint64_t>(lease), &encoded);
    rocksdb::WriteOptions sync;
    sync.sync = true;  // the lease must be on disk before any stamp under it is used
    IT_RETURN_IF_ERROR(FromRocks(db_->Put(sync, catalog_cf_, kChangeLeaseKey, encoded)));
    IT_CRASH_POINT(kLeasePersisted);
    return Status::Ok();
  });
  return Status::Ok();
}

EngineCore::~EngineCore() {
  if (change_clock_) (void)change_clock_->Close();  // best effort: else the lease stands
  item_iterators_.reset();                          // iterators before the database
  if (db_) {
    // A clean close makes every acknowledged write durable, sync_writes or not, and
    // flushes the memtables so that the next open replays no write-ahead log: replaying
    // a full one (hundreds of MB) took seconds, the flush takes a fraction of that here.
    rocksdb::FlushOptions flush;
    flush.allow_write_stall = true;
    db_->Flush(flush, cf_handles_).PermitUncheckedError();
    db_->FlushWAL(/*sync=*/true).PermitUncheckedError();
    for (auto* h : cf_handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
  }
}

// ---------------------------------------------------------------------- the table cache

Result<std::string_view> EngineCore::TableNameOf(std::string_view name_or_arn) const {
  if (!IsTableArn(name_or_arn)) return name_or_arn;
  // arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME
  std::string_view rest = name_or_arn;
  std::string_view parts[5];
  for (std::string_view& part : parts) {
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos)
      return Status::Validation("Invalid TableArn: " + std::string(name_or_arn));
    part = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  if (parts[2] != "dynamodb" || !rest.starts_with("table/"))
    return Status::Validation("Invalid TableArn: " + std::string(name_or_arn));
  const std::string_view name = rest.substr(6);
  if (name.find('/') != std::string_view::npos) {
    return Status::Validation("Invalid TableArn: Invalid ResourceArn provided as input " +
                              std::string(name_or_arn) + ": not a table");
  }
  // Another partition's, region's or account's table is none of this database's.
  if (!name_or_arn.starts_with(TableArn(""))) {
    return TableNotFound(name_or_arn);
  }
  return name;
}

Result<std::shared_ptr<TableHandle>> EngineCore::FindHandle(std::string_view name) {
  if (IsTableArn(name)) {
    IT_ASSIGN_OR_RETURN(name, TableNameOf(name));
  }
  {
    std::shared_lock<std::shared_mutex> lock(tables_mu_);
    auto it = tables_.find(name);
    if (it != tables_.end()) return it->second;
  }
  std::string value;
  std::string key = std::string(kTablePrefix) + std::string(name);
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), catalog_cf_, key, &value);
  if (s.IsNotFound()) return std::shared_ptr<TableHandle>();
  IT_RETURN_IF_ERROR(FromRocks(s));
  IT_ASSIGN_OR_RETURN(TableDesc desc, ParseTableDesc(value));
  auto handle = std::make_shared<TableHandle>();
  handle->desc = std::make_shared<const TableDesc>(std::move(desc));
  handle->metrics.since_micros = clock()->NowMicros();
  std::shared_ptr<TableHandle> kept;
  {
    std::unique_lock<std::shared_mutex> lock(tables_mu_);
    // Another thread may have loaded it meanwhile; keep the first.
    kept = tables_.emplace(std::string(name), handle).first->second;
  }
  if (kept == handle && on_loaded_) on_loaded_(*handle->desc);
  return kept;
}

Result<TableRef> EngineCore::GetTable(std::string_view name) {
  if (IsTableArn(name)) {
    IT_ASSIGN_OR_RETURN(name, TableNameOf(name));
  }
  IT_ASSIGN_OR_RETURN(auto handle, FindHandle(name));
  if (handle) {
    std::shared_lock<std::shared_mutex> lock(handle->mu);
    if (!handle->deleted) return TableRef(std::move(handle), std::move(lock));
  }
  // A name no table can have is invalid rather than missing (DynamoDB checks the name's
  // pattern and length first).
  IT_RETURN_IF_ERROR(ValidateTableName(name));
  return Status::ResourceNotFound("Requested resource not found");
}

std::shared_ptr<TableHandle> EngineCore::AddTable(TableDesc desc) {
  auto handle = std::make_shared<TableHandle>();
  const std::string name = desc.name;
  handle->desc = std::make_shared<const TableDesc>(std::move(desc));
  handle->metrics.since_micros = clock()->NowMicros();
  std::unique_lock<std::shared_mutex> lock(tables_mu_);
  tables_[name] = handle;
  return handle;
}

void EngineCore::RemoveTable(std::string_view name) {
  std::unique_lock<std::shared_mutex> lock(tables_mu_);
  auto it = tables_.find(name);
  if (it != tables_.end()) tables_.erase(it);
}

// --------------------------------------------------------------------------- the catalog

Status EngineCore::PersistDesc(const TableDesc& desc, rocksdb::WriteBatch* batch) {
  return FromRocks(
      batch->Put(catalog_cf_, std::string(kTablePrefix) + desc.name, SerializeTableDesc(desc)));
}

Result<uint32_t> EngineCore::AllocateTableId(rocksdb::WriteBatch* batch) {
  std::string value;
  uint32_t next = 1;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), catalog_cf_, kNextTableIdKey, &value);
  if (s.ok()) {
    // A counter we cannot read could reuse an id: never guess one.
    if (value.size() != 4 || DecodeFixed32BE(value.data()) == 0)
      return Status::Corruption("bad next table id in the catalog");
    next = DecodeFixed32BE(value.data());
  } else if (!s.IsNotFound()) {
    IT_RETURN_IF_ERROR(FromRocks(s));
  }
  if (next == UINT32_MAX) return Status(Code::kLimitExceeded, "table ids exhausted");
  std::string encoded;
  PutFixed32BE(next + 1, &encoded);
  IT_RETURN_IF_ERROR(FromRocks(batch->Put(catalog_cf_, kNextTableIdKey, encoded)));
  return next;
}

Status EngineCore::ChangeDescriptor(std::string_view table_name, const DescriptorChange& change,
                                    std::shared_ptr<const TableDesc>* out,
                                    const DescriptorBatch& also, const CrashPoint* point) {
  IT_ASSIGN_OR_RETURN(auto handle, FindHandle(table_name));
  if (!handle) return TableNotFound(table_name);
  std::unique_lock<std::shared_mutex> lock(handle->mu);
  if (handle->deleted) return TableNotFound(table_name);
  TableDesc copy = *handle->desc;
  IT_RETURN_IF_ERROR(change(&copy));
  rocksdb::WriteBatch batch;
  IT_RETURN_IF_ERROR(PersistDesc(copy, &batch));
  if (also) IT_RETURN_IF_ERROR(also(*handle->desc, copy, &batch));
  IT_RETURN_IF_ERROR(Commit(&batch));
  IT_CRASH_POINT_VALUE(point ? *point : CrashPoint::kDescriptorChanged);
  handle->desc = std::make_shared<const TableDesc>(std::move(copy));
  if (out) *out = handle->desc;
  return Status::Ok();
}

// ---------------------------------------------------------------------- the change clock

Result<int64_t> EngineCore::MarkerStamp() {
  IT_ASSIGN_OR_RETURN(ChangeStamp marker, change_clock_->Next());
  change_clock_->Done(marker.stamp);
  return marker.stamp;
}

void EngineCore::WaitForStampsInFlight() {
  const int64_t last = change_clock_->Last();
  while (change_clock_->InFlightThrough(last)) std::this_thread::yield();
}

Result<int64_t> EngineCore::LatestChangeDate(const TableDesc& t, int64_t now) {
  const std::string end = ChangeKey(t.id, INT64_MAX);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, changes_cf_));
  int64_t latest = now;
  for (it->Seek(ChangeKey(t.id, now + 1)); it->Valid(); it->Next()) {
    IT_ASSIGN_OR_RETURN(int64_t date,
                        DecodeChangeDate(std::string_view(it->key().data(), it->key().size()),
                                         std::string_view(it->value().data(), it->value().size())));
    latest = std::max(latest, date);
  }
  IT_RETURN_IF_ERROR(FromRocks(it->status()));
  return latest;
}

int64_t EngineCore::PitrRetentionMicros(const TableDesc& t) const {
  if (!t.pitr_enabled) return 0;
  return std::min<int64_t>(options_.pitr_retention_seconds,
                           static_cast<int64_t>(t.pitr_recovery_days) * 86400) *
         1000000;
}

int64_t EngineCore::RetentionMicros(const TableDesc& t) const {
  int64_t micros = PitrRetentionMicros(t);
  if (t.stream || t.previous_stream)
    micros = std::max(micros, options_.stream_retention_seconds * 1000000);
  return micros;
}

// ------------------------------------------------------------------------------- files

Status EngineCore::RemoveTree(const std::string& path) {
  return engine::RemoveTree(env_->file_system().get(), path);
}

Status EngineCore::CreateDirs(const std::string& path) {
  return engine::CreateDirs(env_->file_system().get(), path);
}

Result<std::vector<std::string>> EngineCore::Children(const std::string& dir) {
  return engine::Children(env_->file_system().get(), dir);
}

// ------------------------------------------------------------- metrics, descriptions

std::optional<dynamo::ConsumedCapacity> EngineCore::RenderCapacity(
    dynamo::ReturnConsumedCapacity mode, TableMetricsCells* metrics, const std::string& table,
    double table_units, const IndexUnitsMap& index_units, bool is_read) {
  double total = table_units;
  for (const auto& [name, units] : index_units) total += units.units;
  if (metrics) {
    (is_read ? metrics->read_milli_units : metrics->write_milli_units)
        .fetch_add(std::llround(total * 1000), std::memory_order_relaxed);
  }
  if (mode == dynamo::ReturnConsumedCapacity::kNone) return std::nullopt;
  dynamo::ConsumedCapacity c;
  c.table_name = table;
  c.capacity_units = total;
  if (mode == dynamo::ReturnConsumedCapacity::kIndexes) {
    dynamo::Capacity tc;
    tc.capacity_units = table_units;
    (is_read ? tc.read_capacity_units : tc.write_capacity_units) = table_units;
    c.table = tc;
    for (const auto& [name, units] : index_units) {
      dynamo::Capacity ic;
      ic.capacity_units = units.units;
      (is_read ? ic.read_capacity_units : ic.write_capacity_units) = units.units;
      (units.local ? c.local_secondary_indexes : c.global_secondary_indexes)[name] = ic;
    }
    (is_read ? c.read_capacity_units : c.write_capacity_units) = total;
  }
  return c;
}

void EngineCore::RecordRequest(std::string_view table, const Status& status,
                               int64_t latency_micros) {
  auto handle = FindHandle(table);
  if (!handle.ok() || !*handle) return;  // a request for a missing table has no metrics
  TableMetricsCells& m = (*handle)->metrics;
  m.requests.fetch_add(1, std::memory_order_relaxed);
  if (status.ok()) {
    m.successes.fetch_add(1, std::memory_order_relaxed);
    m.latency_micros_sum.fetch_add(latency_micros, std::memory_order_relaxed);
    int64_t max = m.latency_micros_max.load(std::memory_order_relaxed);
    while (latency_micros > max &&
           !m.latency_micros_max.compare_exchange_weak(max, latency_micros)) {
    }
    return;
  }
  if (status.code() == Code::kConditionalCheckFailed)
    m.conditional_check_failed.fetch_add(1, std::memory_order_relaxed);
  if (status.code() == Code::kTransactionConflict)
    m.transaction_conflicts.fetch_add(1, std::memory_order_relaxed);
  (HttpStatusFor(status.code()) >= 500 ? m.system_errors : m.user_errors)
      .fetch_add(1, std::memory_order_relaxed);
}

std::string EngineCore::TableArn(std::string_view table_name) const {
  return "arn:aws:dynamodb:" + options_.region + ":" + options_.account_id + ":table/" +
         std::string(table_name);
}

Result<dynamo::TableDescription> EngineCore::Describe(const TableDesc& t) {
  IT_ASSIGN_OR_RETURN(StatsAccumulator stats, ReadStats(t.id));
  return DescribeWith(t, stats);
}

dynamo::TableDescription EngineCore::DescribeWith(const TableDesc& t,
                                                  const StatsAccumulator& stats) {
  dynamo::TableDescription d;
  d.table_name = t.name;
  d.table_id = t.uuid;
  d.table_arn = TableArn(t.name);
  d.table_status = dynamo::TableStatus::kActive;
  d.creation_date_time = t.creation_time;
  d.attribute_definitions = t.attribute_definitions;
  d.key_schema.push_back({t.hash.name, dynamo::KeyType::kHash});
  if (t.range) d.key_schema.push_back({t.range->name, dynamo::KeyType::kRange});
  auto read_stats = [&](uint8_t index_id, int64_t* items, int64_t* bytes) {
    auto it = stats.deltas.find(index_id);
    if (it == stats.deltas.end()) return;
    *items = it->second.first;
    *bytes = it->second.second;
  };
  read_stats(kBaseIndexId, &d.item_count, &d.table_size_bytes);
  for (const IndexDesc& index : t.indexes) {
    if (index.local) {
      dynamo::LocalSecondaryIndexDescription l;
      l.index_name = index.name;
      l.key_schema.push_back({index.hash.name, dynamo::KeyType::kHash});
      l.key_schema.push_back({index.range->name, dynamo::KeyType::kRange});
      l.projection = index.projection;
      read_stats(index.id, &l.item_count, &l.index_size_bytes);
      l.index_arn = d.table_arn + "/index/" + index.name;
      d.local_secondary_indexes.push_back(std::move(l));
      continue;
    }
    dynamo::GlobalSecondaryIndexDescription g;
    g.index_name = index.name;
    g.key_schema.push_back({index.hash.name, dynamo::KeyType::kHash});
    if (index.range) g.key_schema.push_back({index.range->name, dynamo::KeyType::kRange});
    g.projection = index.projection;
    g.index_status = index.status;
    g.backfilling = index.backfilling;
    g.provisioned_throughput = index.throughput.value_or(dynamo::ProvisionedThroughput{});
    read_stats(index.id, &g.item_count, &g.index_size_bytes);
    g.index_arn = d.table_arn + "/index/" + index.name;
    d.global_secondary_indexes.push_back(std::move(g));
  }
  if (t.billing_mode == dynamo::BillingMode::kPayPerRequest) {
    d.billing_mode_summary =
        dynamo::BillingModeSummary{t.billing_mode, t.last_update_to_pay_per_request};
  }
  d.provisioned_throughput = t.throughput;
  if (t.sse && t.sse->enabled.value_or(false)) {
    dynamo::SseDescription sse;
    sse.status = "ENABLED";
    sse.sse_type = dynamo::SseType::kKms;
    sse.kms_master_key_arn = "arn:aws:kms:" + options_.region + ":" + options_.account_id +
                             ":key/" + t.sse->kms_master_key_id.value_or("aws/dynamodb");
    d.sse_description = sse;
  }
  if (t.stream) {
    d.stream_specification = t.stream;
    d.latest_stream_label = t.stream_label;
    d.latest_stream_arn = d.table_arn + "/stream/" + t.stream_label;
  }
  if (t.table_class_set) {
    d.table_class_summary = dynamo::TableClassSummary{t.table_class, std::nullopt};
    if (t.table_class_updated != 0)
      d.table_class_summary->last_update_date_time = t.table_class_updated;
  }
  d.deletion_protection_enabled = t.deletion_protection;
  return d;
}

}  // namespace issuetracker::engine
