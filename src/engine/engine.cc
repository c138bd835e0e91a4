#include "engine/engine.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/table.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <set>

#include "dynamo/legacy.h"
#include "dynamo/wire_names.h"
#include "engine/engine_impl.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

namespace {

constexpr char kItemsCf[] = "items";
constexpr char kChangesCf[] = "changes";
constexpr char kChangeLeaseKey[] = "n/change_lease";
constexpr std::string_view kTablePrefix = "t/";
constexpr std::string_view kBackfillPrefix = "b/";

// Sums statistics entry by entry (see StatsKey in engine_impl.h).
class StatsMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    StatsAccumulator sum = existing
                               ? DecodeStats(std::string_view(existing->data(), existing->size()))
                               : StatsAccumulator();
    for (const auto& [index_id, delta] :
         DecodeStats(std::string_view(value.data(), value.size())).deltas) {
      auto& d = sum.deltas[index_id];
      d.first += delta.first;
      d.second += delta.second;
    }
    *new_value = EncodeStats(sum);
    return true;
  }
  const char* Name() const override { return "IssueTrackerStatsMerge"; }
};

}  // namespace

std::string StatsKey(uint32_t table_id) {
  std::string key = "s";
  PutFixed32BE(table_id, &key);
  return key;
}

std::string EncodeStats(const StatsAccumulator& stats) {
  std::string out;
  for (const auto& [index_id, delta] : stats.deltas) {
    out.push_back(static_cast<char>(index_id));
    int64_t v[2] = {delta.first, delta.second};
    out.append(reinterpret_cast<const char*>(v), sizeof(v));
  }
  return out;
}

StatsAccumulator DecodeStats(std::string_view value) {
  StatsAccumulator stats;
  constexpr size_t kEntry = 1 + 2 * sizeof(int64_t);
  for (size_t at = 0; at + kEntry <= value.size(); at += kEntry) {
    int64_t v[2];
    std::memcpy(v, value.data() + at + 1, sizeof(v));
    auto& d = stats.deltas[static_cast<uint8_t>(value[at])];
    d.first += v[0];
    d.second += v[1];
  }
  return stats;
}

std::string TableIdKey(uint32_t table_id) {
  std::string key = "i";
  PutFixed32BE(table_id, &key);
  return key;
}

// ------------------------------------------------------------------------------ open

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

Status EngineImpl::Open() {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_open_files = 1024;
  // One batch writes items, index entries, change records and statistics across column
  // families; flushing them together keeps checkpoints (backups) recoverable.
  db_options.atomic_flush = true;

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
  IT_RETURN_IF_ERROR(OpenChangeClock());
  CleanUpInterruptedRestores();
  ResumeBackfills();
  trimmer_ = std::thread([this] { RunTrimmer(); });
  return Status::Ok();
}

Result<int64_t> EngineImpl::MarkerStamp() {
  IT_ASSIGN_OR_RETURN(int64_t stamp, change_clock_->Next(clock_->NowMicros()));
  change_clock_->Done(stamp);
  return stamp;
}

void EngineImpl::WaitForStampsThrough(int64_t stamp) {
  while (change_clock_->InFlightThrough(stamp)) std::this_thread::yield();
}

Status EngineImpl::OpenChangeClock() {
  std::string value;
  int64_t floor = 0;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), catalog_cf_, kChangeLeaseKey, &value);
  if (s.ok() && value.size() == 8) {
    floor = static_cast<int64_t>(DecodeFixed64BE(value.data()));
  } else if (!s.IsNotFound()) {
    IT_RETURN_IF_ERROR(FromRocks(s));
  }
  change_clock_ = std::make_unique<ChangeClock>(floor, [this](int64_t lease) {
    std::string encoded;
    PutFixed64BE(static_cast<uint64_t>(lease), &encoded);
    rocksdb::WriteOptions sync;
    sync.sync = true;  // the lease must be on disk before any stamp under it is used
    return FromRocks(db_->Put(sync, catalog_cf_, kChangeLeaseKey, encoded));
  });
  return Status::Ok();
}

EngineImpl::~EngineImpl() {
  {
    std::lock_guard<std::mutex> lock(trimmer_mu_);
    shutting_down_ = true;
  }
  trimmer_cv_.notify_all();
  if (trimmer_.joinable()) trimmer_.join();
  WaitForBackgroundWork();
  if (db_) {
    for (auto* h : cf_handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
  }
}

void EngineImpl::WaitForBackgroundWork() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(bg_mu_);
    threads.swap(backfills_);
  }
  for (auto& t : threads) t.join();
}

// -------------------------------------------------------------------------- tables

Result<std::shared_ptr<TableHandle>> EngineImpl::FindHandle(std::string_view name) {
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
  handle->metrics.since_micros = clock_->NowMicros();
  std::unique_lock<std::shared_mutex> lock(tables_mu_);
  // Another thread may have loaded it meanwhile; keep the first.
  auto [it, inserted] = tables_.emplace(std::string(name), handle);
  return it->second;
}

Result<TableRef> EngineImpl::GetTable(std::string_view name) {
  IT_ASSIGN_OR_RETURN(auto handle, FindHandle(name));
  if (handle) {
    std::shared_lock<std::shared_mutex> lock(handle->mu);
    if (!handle->deleted) return TableRef(std::move(handle), std::move(lock));
  }
  return Status::ResourceNotFound("Requested resource not found");
}

Status EngineImpl::PersistDesc(const TableDesc& desc, rocksdb::WriteBatch* batch) {
  return FromRocks(
      batch->Put(catalog_cf_, std::string(kTablePrefix) + desc.name, SerializeTableDesc(desc)));
}

Result<uint32_t> EngineImpl::AllocateTableId(rocksdb::WriteBatch* batch) {
  static const std::string kNextId = "n/next_table_id";
  std::string value;
  uint32_t next = 1;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), catalog_cf_, kNextId, &value);
  if (s.ok() && value.size() == 4) {
    next = DecodeFixed32BE(value.data());
  } else if (!s.IsNotFound()) {
    IT_RETURN_IF_ERROR(FromRocks(s));
  }
  if (next == UINT32_MAX) return Status(Code::kLimitExceeded, "table ids exhausted");
  std::string encoded;
  PutFixed32BE(next + 1, &encoded);
  IT_RETURN_IF_ERROR(FromRocks(batch->Put(catalog_cf_, kNextId, encoded)));
  return next;
}

Status EngineImpl::ChangeDescriptor(std::string_view table_name,
                                    const std::function<Status(TableDesc*)>& change,
                                    std::shared_ptr<const TableDesc>* out) {
  IT_ASSIGN_OR_RETURN(auto handle, FindHandle(table_name));
  if (!handle)
    return Status::ResourceNotFound(
        "Requested resource not found: Table: " + std::string(table_name) + " not found");
  std::unique_lock<std::shared_mutex> lock(handle->mu);
  if (handle->deleted)
    return Status::ResourceNotFound(
        "Requested resource not found: Table: " + std::string(table_name) + " not found");
  TableDesc copy = *handle->desc;
  IT_RETURN_IF_ERROR(change(&copy));
  rocksdb::WriteBatch batch;
  IT_RETURN_IF_ERROR(PersistDesc(copy, &batch));
  IT_RETURN_IF_ERROR(Commit(&batch));
  handle->desc = std::make_shared<const TableDesc>(std::move(copy));
  if (out) *out = handle->desc;
  return Status::Ok();
}

Status EngineImpl::Commit(rocksdb::WriteBatch* batch) {
  return FromRocks(db_->Write(write_options_, batch));
}

Status EngineImpl::ReadItem(std::string_view key, std::optional<dynamo::Item>* item,
                            const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(ro, items_cf_, rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) {
    item->reset();
    return Status::Ok();
  }
  IT_RETURN_IF_ERROR(FromRocks(s));
  IT_ASSIGN_OR_RETURN(dynamo::Item decoded,
                      DecodeItem(std::string_view(value.data(), value.size())));
  *item = std::move(decoded);
  return Status::Ok();
}

// ----------------------------------------------------------------------- write path

namespace {

double WriteUnits(size_t bytes) {
  return std::max(1.0, std::ceil(static_cast<double>(bytes) / 1024.0));
}

}  // namespace

void EngineImpl::AddStats(uint8_t index_id, int64_t items, int64_t bytes, StatsAccumulator* stats) {
  auto& d = stats->deltas[index_id];
  d.first += items;
  d.second += bytes;
}

void EngineImpl::AppendStats(uint32_t table_id, const StatsAccumulator& stats,
                             rocksdb::WriteBatch* batch) {
  if (stats.deltas.empty()) return;
  batch->Merge(catalog_cf_, StatsKey(table_id), EncodeStats(stats)).PermitUncheckedError();
}

Status EngineImpl::AppendItemChange(const TableDesc& t, std::string_view base_key,
                                    const dynamo::Item* old_item, const dynamo::Item* new_item,
                                    MutationSink* sink, WriteTally* tally,
                                    StatsAccumulator* bulk_stats) {
  const std::string_view key = base_key;
  const int64_t old_size = old_item ? static_cast<int64_t>(dynamo::ItemSize(*old_item)) : 0;
  const int64_t new_size = new_item ? static_cast<int64_t>(dynamo::ItemSize(*new_item)) : 0;
  // Encoded once: the base record and every ALL-projection index entry share it.
  const std::string encoded_new = new_item ? EncodeItem(*new_item) : std::string();
  if (new_item) {
    sink->Put(items_cf_, key, encoded_new);
  } else if (old_item) {
    sink->Delete(items_cf_, key);
  }
  // Statistics go into the caller's accumulator, or are merged once for this item.
  StatsAccumulator own_stats;
  StatsAccumulator* stats = bulk_stats ? bulk_stats : &own_stats;
  if (old_item || new_item) {
    AddStats(kBaseIndexId, (new_item ? 1 : 0) - (old_item ? 1 : 0), new_size - old_size, stats);
  }
  tally->table_units += WriteUnits(static_cast<size_t>(std::max(old_size, new_size)));

  for (const IndexDesc& index : t.indexes) {
    IndexEntryChange change;
    change.old_key = old_item ? IndexKeyOf(t, index, *old_item) : std::nullopt;
    change.new_key = new_item ? IndexKeyOf(t, index, *new_item) : std::nullopt;
    if (!change.old_key && !change.new_key) continue;
    const bool all = index.projection.projection_type == dynamo::ProjectionType::kAll;
    std::optional<dynamo::Item> old_proj, new_proj;
    if (change.old_key && !all) old_proj = ProjectForIndex(t, index, *old_item);
    if (change.new_key && !all) new_proj = ProjectForIndex(t, index, *new_item);
    const dynamo::Item* old_entry = all ? old_item : (old_proj ? &*old_proj : nullptr);
    const dynamo::Item* new_entry = all ? new_item : (new_proj ? &*new_proj : nullptr);
    const bool same_key = change.old_key && change.new_key && *change.old_key == *change.new_key;
    if (same_key && *old_entry == *new_entry) continue;  // nothing the index stores changed
    if (change.old_key)
      change.old_size = all ? old_size : static_cast<int64_t>(dynamo::ItemSize(*old_entry));
    if (change.new_key) {
      change.new_size = all ? new_size : static_cast<int64_t>(dynamo::ItemSize(*new_entry));
      if (!all) change.own_value = EncodeItem(*new_entry);
      change.new_value = all ? std::string_view(encoded_new) : std::string_view(change.own_value);
    }
    ApplyIndexEntryChange(index, change, sink, tally, stats);
  }
  if (!bulk_stats && !own_stats.deltas.empty())
    sink->Merge(catalog_cf_, StatsKey(t.id), EncodeStats(own_stats));

  // The change record rides in the same batch: no write without its record, no record
  // without its write.
  const bool pitr = t.pitr_enabled;
  const std::optional<dynamo::StreamViewType> view =
      t.stream ? t.stream->stream_view_type : std::optional<dynamo::StreamViewType>();
  if ((pitr || view) && (old_item || new_item)) {
    ChangeImages images;
    images.old_image = pitr || view == dynamo::StreamViewType::kOldImage ||
                       view == dynamo::StreamViewType::kNewAndOldImages;
    images.new_image = view == dynamo::StreamViewType::kNewImage ||
                       view == dynamo::StreamViewType::kNewAndOldImages;
    IT_ASSIGN_OR_RETURN(int64_t stamp, change_clock_->Next(clock_->NowMicros()));
    tally->stamps.Add(change_clock_.get(), stamp);
    const dynamo::Item keys = KeyOf(t, nullptr, new_item ? *new_item : *old_item);
    sink->Put(changes_cf_, ChangeKey(t.id, stamp), EncodeChange(old_item, new_item, images, keys));
  }
  return Status::Ok();
}

void EngineImpl::ApplyIndexEntryChange(const IndexDesc& index, const IndexEntryChange& c,
                                       MutationSink* sink, WriteTally* tally,
                                       StatsAccumulator* stats) {
  // Statistics of a backfilling index are recounted when its backfill ends.
  const bool count = !index.backfilling;
  const bool same_key = c.old_key && c.new_key && *c.old_key == *c.new_key;
  double units = 0;
  if (c.old_key && !same_key) {
    sink->Delete(items_cf_, *c.old_key);
    if (count) AddStats(index.id, -1, -c.old_size, stats);
    units += WriteUnits(static_cast<size_t>(c.old_size));
  }
  if (c.new_key) {
    sink->Put(items_cf_, *c.new_key, c.new_value);
    const int64_t replaced = same_key ? c.old_size : 0;
    if (count) AddStats(index.id, same_key ? 0 : 1, c.new_size - replaced, stats);
    units += WriteUnits(static_cast<size_t>(std::max(c.new_size, replaced)));
  }
  tally->index_units[index.name] += units;
}

Result<std::unique_ptr<Condition>> EngineImpl::ResolveOptionalCondition(
    const std::optional<std::string>& text, std::string_view kind, ExpressionResolver* resolver) {
  if (!text) return std::unique_ptr<Condition>();
  IT_ASSIGN_OR_RETURN(auto ast, expressions_.ParseCondition(*text, kind));
  return resolver->ResolveCondition(*ast);
}

std::optional<dynamo::ConsumedCapacity> EngineImpl::RenderCapacity(
    dynamo::ReturnConsumedCapacity mode, TableMetricsCells* metrics, const std::string& table,
    double table_units, const std::map<std::string, double>& index_units, bool is_read) {
  double total = table_units;
  for (const auto& [name, units] : index_units) total += units;
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
      ic.capacity_units = units;
      (is_read ? ic.read_capacity_units : ic.write_capacity_units) = units;
      c.global_secondary_indexes[name] = ic;
    }
    (is_read ? c.read_capacity_units : c.write_capacity_units) = total;
  }
  return c;
}

void EngineImpl::RecordRequest(std::string_view table, const Status& status,
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

Result<dynamo::DescribeTableMetricsResponse> EngineImpl::DescribeTableMetrics(
    const dynamo::DescribeTableMetricsRequest& r) {
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  IT_ASSIGN_OR_RETURN(auto handle, FindHandle(r.table_name));
  if (!handle)
    return Status::ResourceNotFound("Requested resource not found: Table: " + r.table_name +
                                    " not found");
  const TableMetricsCells& m = handle->metrics;
  dynamo::DescribeTableMetricsResponse response;
  auto& out = response.metrics;
  out.table_name = r.table_name;
  out.since = static_cast<double>(m.since_micros) / 1e6;
  out.requests = m.requests.load();
  out.consumed_read_capacity_units = static_cast<double>(m.read_milli_units.load()) / 1000;
  out.consumed_write_capacity_units = static_cast<double>(m.write_milli_units.load()) / 1000;
  out.returned_item_count = m.returned_items.load();
  out.throttled_requests = 0;  // the embedded engine never throttles
  out.user_errors = m.user_errors.load();
  out.system_errors = m.system_errors.load();
  out.conditional_check_failed_requests = m.conditional_check_failed.load();
  out.transaction_conflicts = m.transaction_conflicts.load();
  const int64_t successes = m.successes.load();
  out.successful_request_latency_avg_ms =
      successes
          ? static_cast<double>(m.latency_micros_sum.load()) / 1000 / static_cast<double>(successes)
          : 0;
  out.successful_request_latency_max_ms = static_cast<double>(m.latency_micros_max.load()) / 1000;
  return response;
}

std::string EngineImpl::TableArn(std::string_view table_name) const {
  return "arn:aws:dynamodb:" + options_.region + ":" + options_.account_id + ":table/" +
         std::string(table_name);
}

dynamo::TableDescription EngineImpl::Describe(const TableDesc& t) {
  dynamo::TableDescription d;
  d.table_name = t.name;
  d.table_id = t.uuid;
  d.table_arn = TableArn(t.name);
  d.table_status = dynamo::TableStatus::kActive;
  d.creation_date_time = t.creation_time;
  d.attribute_definitions = t.attribute_definitions;
  d.key_schema.push_back({t.hash.name, dynamo::KeyType::kHash});
  if (t.range) d.key_schema.push_back({t.range->name, dynamo::KeyType::kRange});
  std::string stats_value;
  StatsAccumulator stats;
  if (db_->Get(rocksdb::ReadOptions(), catalog_cf_, StatsKey(t.id), &stats_value).ok())
    stats = DecodeStats(stats_value);
  auto read_stats = [&](uint8_t index_id, int64_t* items, int64_t* bytes) {
    auto it = stats.deltas.find(index_id);
    if (it == stats.deltas.end()) return;
    *items = it->second.first;
    *bytes = it->second.second;
  };
  read_stats(kBaseIndexId, &d.item_count, &d.table_size_bytes);
  for (const IndexDesc& index : t.indexes) {
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
  d.table_class_summary = dynamo::TableClassSummary{t.table_class};
  d.deletion_protection_enabled = t.deletion_protection;
  return d;
}

// ------------------------------------------------------------------------- Engine

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  if (options.path.empty()) return Status::Validation("EngineOptions.path is required");
  const Clock* clock = options.clock ? options.clock : SystemClock::Default();
  auto impl = std::make_unique<EngineImpl>(options, clock);
  IT_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Engine::Engine(std::unique_ptr<EngineImpl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

void Engine::WaitForBackgroundWork() { impl_->WaitForBackgroundWork(); }

namespace {

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The distinct tables a multi-table request names.
std::set<std::string> TablesOf(const dynamo::BatchGetItemRequest& r) {
  std::set<std::string> out;
  for (const auto& [name, keys] : r.request_items) out.insert(name);
  return out;
}
std::set<std::string> TablesOf(const dynamo::BatchWriteItemRequest& r) {
  std::set<std::string> out;
  for (const auto& [name, writes] : r.request_items) out.insert(name);
  return out;
}
std::set<std::string> TablesOf(const dynamo::TransactWriteItemsRequest& r) {
  std::set<std::string> out;
  for (const auto& w : r.transact_items) {
    if (w.put) out.insert(w.put->table_name);
    if (w.update) out.insert(w.update->table_name);
    if (w.delete_item) out.insert(w.delete_item->table_name);
    if (w.condition_check) out.insert(w.condition_check->table_name);
  }
  return out;
}
std::set<std::string> TablesOf(const dynamo::TransactGetItemsRequest& r) {
  std::set<std::string> out;
  for (const auto& g : r.transact_items) out.insert(g.table_name);
  return out;
}
std::set<std::string> TablesOf(const dynamo::ImportItemsRequest& r) { return {r.table_name}; }

}  // namespace

#define IT_FORWARD(Ret, Name, Req) \
  Ret Engine::Name(const Req& r) { return impl_->Name(r); }

// Data-plane calls are timed and their outcome counted in each named table's metrics.
namespace {
Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}
template <typename Tables, typename Call>
auto Metered(EngineImpl* impl, const Tables& tables, Call&& call) {
  const int64_t start = SteadyMicros();
  auto result = call();
  const int64_t elapsed = SteadyMicros() - start;
  const Status status = StatusOf(result);
  for (const auto& table : tables) impl->RecordRequest(table, status, elapsed);
  return result;
}
std::array<std::string_view, 1> TablesOf(const std::string& table) { return {table}; }
}  // namespace

// Legacy parameters are rewritten into expressions first (dynamo/legacy.h).
#define IT_FORWARD_METERED(Ret, Name, Req)                                                 \
  Ret Engine::Name(const Req& request) {                                                   \
    return dynamo::legacy::Apply(request, [&](const Req& r) {                              \
      return Metered(impl_.get(), TablesOf(r.table_name), [&] { return impl_->Name(r); }); \
    });                                                                                    \
  }
#define IT_FORWARD_MULTI(Ret, Name, Req)                                      \
  Ret Engine::Name(const Req& r) {                                            \
    return Metered(impl_.get(), TablesOf(r), [&] { return impl_->Name(r); }); \
  }
// Query and Scan have one implementation, into a response (Backend::QueryInto).
#define IT_FORWARD_INTO(Name, Req, Resp)                          \
  Status Engine::Name##Into(const Req& request, Resp* response) { \
    return dynamo::legacy::Apply(request, [&](const Req& r) {     \
      return Metered(impl_.get(), TablesOf(r.table_name),         \
                     [&] { return impl_->Name(r, response); });   \
    });                                                           \
  }                                                               \
  Result<Resp> Engine::Name(const Req& r) {                       \
    Resp response;                                                \
    IT_RETURN_IF_ERROR(Name##Into(r, &response));                 \
    return response;                                              \
  }

IT_FORWARD(Result<dynamo::CreateTableResponse>, CreateTable, dynamo::CreateTableRequest)
IT_FORWARD(Result<dynamo::DescribeTableResponse>, DescribeTable, dynamo::DescribeTableRequest)
IT_FORWARD(Result<dynamo::ListTablesResponse>, ListTables, dynamo::ListTablesRequest)
IT_FORWARD(Result<dynamo::DeleteTableResponse>, DeleteTable, dynamo::DeleteTableRequest)
IT_FORWARD(Result<dynamo::UpdateTableResponse>, UpdateTable, dynamo::UpdateTableRequest)
IT_FORWARD(Status, TagResource, dynamo::TagResourceRequest)
IT_FORWARD(Status, UntagResource, dynamo::UntagResourceRequest)
IT_FORWARD(Result<dynamo::ListTagsOfResourceResponse>, ListTagsOfResource,
           dynamo::ListTagsOfResourceRequest)
IT_FORWARD_METERED(Result<dynamo::PutItemResponse>, PutItem, dynamo::PutItemRequest)
IT_FORWARD_METERED(Result<dynamo::GetItemResponse>, GetItem, dynamo::GetItemRequest)
IT_FORWARD_METERED(Result<dynamo::UpdateItemResponse>, UpdateItem, dynamo::UpdateItemRequest)
IT_FORWARD_METERED(Result<dynamo::DeleteItemResponse>, DeleteItem, dynamo::DeleteItemRequest)
IT_FORWARD_INTO(Query, dynamo::QueryRequest, dynamo::QueryResponse)
IT_FORWARD_INTO(Scan, dynamo::ScanRequest, dynamo::ScanResponse)
Result<dynamo::BatchGetItemResponse> Engine::BatchGetItem(
    const dynamo::BatchGetItemRequest& request) {
  return dynamo::legacy::Apply(request, [&](const dynamo::BatchGetItemRequest& r) {
    return Metered(impl_.get(), TablesOf(r), [&] { return impl_->BatchGetItem(r); });
  });
}
IT_FORWARD_MULTI(Result<dynamo::BatchWriteItemResponse>, BatchWriteItem,
                 dynamo::BatchWriteItemRequest)
IT_FORWARD_MULTI(Result<dynamo::TransactWriteItemsResponse>, TransactWriteItems,
                 dynamo::TransactWriteItemsRequest)
IT_FORWARD_MULTI(Result<dynamo::TransactGetItemsResponse>, TransactGetItems,
                 dynamo::TransactGetItemsRequest)
IT_FORWARD(Result<dynamo::UpdateContinuousBackupsResponse>, UpdateContinuousBackups,
           dynamo::UpdateContinuousBackupsRequest)
IT_FORWARD(Result<dynamo::DescribeContinuousBackupsResponse>, DescribeContinuousBackups,
           dynamo::DescribeContinuousBackupsRequest)
IT_FORWARD(Result<dynamo::RestoreTableToPointInTimeResponse>, RestoreTableToPointInTime,
           dynamo::RestoreTableToPointInTimeRequest)
IT_FORWARD(Result<dynamo::RestoreKeyPrefixToPointInTimeResponse>, RestoreKeyPrefixToPointInTime,
           dynamo::RestoreKeyPrefixToPointInTimeRequest)
IT_FORWARD_MULTI(Result<dynamo::ImportItemsResponse>, ImportItems, dynamo::ImportItemsRequest)
IT_FORWARD(Result<dynamo::CreateBackupResponse>, CreateBackup, dynamo::CreateBackupRequest)
IT_FORWARD(Result<dynamo::DescribeBackupResponse>, DescribeBackup, dynamo::DescribeBackupRequest)
IT_FORWARD(Result<dynamo::ListBackupsResponse>, ListBackups, dynamo::ListBackupsRequest)
IT_FORWARD(Result<dynamo::DeleteBackupResponse>, DeleteBackup, dynamo::DeleteBackupRequest)
IT_FORWARD(Result<dynamo::RestoreTableFromBackupResponse>, RestoreTableFromBackup,
           dynamo::RestoreTableFromBackupRequest)
IT_FORWARD(Result<dynamo::ListStreamsResponse>, ListStreams, dynamo::ListStreamsRequest)
IT_FORWARD(Result<dynamo::DescribeStreamResponse>, DescribeStream, dynamo::DescribeStreamRequest)
IT_FORWARD(Result<dynamo::GetShardIteratorResponse>, GetShardIterator,
           dynamo::GetShardIteratorRequest)
IT_FORWARD(Result<dynamo::GetRecordsResponse>, GetRecords, dynamo::GetRecordsRequest)

Status Engine::TrimChangeLogs() { return impl_->TrimChangeLogs(); }

Status Engine::CompactAll() {
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* cf :
       {impl_->catalog_cf(), impl_->items_cf(), impl_->changes_cf()}) {
    IT_RETURN_IF_ERROR(FromRocks(impl_->db()->CompactRange(options, cf, nullptr, nullptr)));
  }
  return Status::Ok();
}

IT_FORWARD(Result<dynamo::DescribeTableMetricsResponse>, DescribeTableMetrics,
           dynamo::DescribeTableMetricsRequest)

#undef IT_FORWARD
#undef IT_FORWARD_METERED
#undef IT_FORWARD_MULTI

}  // namespace issuetracker::engine
