// The shared write path: one item's change — its base record, every index entry that
// changes, the statistics and the change record — appended to one batch (or bulk load),
// so that an item and everything derived from it change together, also across a crash.
#include <cmath>

#include "engine/core.h"
#include "engine/item_codec.h"
#include "engine/item_validation.h"
#include "engine/key_codec.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

namespace {

double WriteUnits(size_t bytes) {
  return std::max(1.0, std::ceil(static_cast<double>(bytes) / 1024.0));
}

// One index entry's change, computed by AppendItemChange.
struct IndexEntryChange {
  std::optional<std::string> old_key, new_key;
  int64_t old_size = 0, new_size = 0;
  std::string_view new_value;  // into the shared encoding or `own_value`
  std::string own_value;
};

void ApplyIndexEntryChange(rocksdb::ColumnFamilyHandle* items, const IndexDesc& index,
                           const IndexEntryChange& c, MutationSink* sink, WriteTally* tally,
                           StatsAccumulator* stats) {
  // Statistics of a backfilling index are recounted when its backfill ends.
  const bool count = !index.backfilling;
  const bool same_key = c.old_key && c.new_key && *c.old_key == *c.new_key;
  double units = 0;
  if (c.old_key && !same_key) {
    sink->Delete(items, *c.old_key);
    if (count) stats->Add(index.id, -1, -c.old_size);
    units += WriteUnits(static_cast<size_t>(c.old_size));
  }
  if (c.new_key) {
    sink->Put(items, *c.new_key, c.new_value);
    const int64_t replaced = same_key ? c.old_size : 0;
    if (count) stats->Add(index.id, same_key ? 0 : 1, c.new_size - replaced);
    units += WriteUnits(static_cast<size_t>(std::max(c.new_size, replaced)));
  }
  IndexUnits& consumed = tally->index_units[index.name];
  consumed.units += units;
  consumed.local = index.local;
}

}  // namespace

Status EngineCore::ReadItem(std::string_view key, std::optional<dynamo::Item>* item,
                            const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro = LiveItemsReadOptions();
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

Status EngineCore::AppendItemChange(const TableDesc& t, std::string_view base_key,
                                    const dynamo::Item* old_item, const dynamo::Item* new_item,
                                    MutationSink* sink, WriteTally* tally,
                                    StatsAccumulator* bulk_stats) {
  const int64_t old_size = old_item ? static_cast<int64_t>(dynamo::ItemSize(*old_item)) : 0;
  const int64_t new_size = new_item ? static_cast<int64_t>(dynamo::ItemSize(*new_item)) : 0;
  // Encoded once: the base record and every ALL-projection index entry share it.
  const std::string encoded_new = new_item ? EncodeItem(*new_item) : std::string();
  if (new_item) {
    sink->Put(items_cf_, base_key, encoded_new);
  } else if (old_item) {
    sink->Delete(items_cf_, base_key);
  }
  // Statistics go into the caller's accumulator, or are merged once for this item.
  StatsAccumulator own_stats;
  StatsAccumulator* stats = bulk_stats ? bulk_stats : &own_stats;
  if (old_item || new_item)
    stats->Add(kBaseIndexId, (new_item ? 1 : 0) - (old_item ? 1 : 0), new_size - old_size);
  tally->table_units += WriteUnits(static_cast<size_t>(std::max(old_size, new_size)));

  int64_t collection_delta = new_size - old_size;  // item collections: LSIs only
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
    if (index.local)
      collection_delta +=
          (change.new_key ? change.new_size : 0) - (change.old_key ? change.old_size : 0);
    ApplyIndexEntryChange(items_cf_, index, change, sink, tally, stats);
  }
  if (!bulk_stats && !own_stats.deltas.empty())
    sink->Merge(catalog_cf_, StatsKey(t.id), EncodeStats(own_stats));
  if ((old_item || new_item) && t.HasLocalIndexes()) {
    IT_RETURN_IF_ERROR(AppendCollectionChange(t, new_item ? *new_item : *old_item, collection_delta,
                                              sink, tally, bulk_stats));
  }

  // The change record rides in the same batch: no write without its record, no record
  // without its write.
  const bool pitr = t.pitr_enabled;
  const bool streamed = t.stream && t.stream->stream_view_type.has_value();
  if ((pitr || streamed) && ChangesItem(old_item, new_item)) {
    const dynamo::StreamViewType view =
        streamed ? *t.stream->stream_view_type : dynamo::StreamViewType::kKeysOnly;
    ChangeImages images;
    images.old_image = pitr || (streamed && (view == dynamo::StreamViewType::kOldImage ||
                                             view == dynamo::StreamViewType::kNewAndOldImages));
    images.new_image = streamed && (view == dynamo::StreamViewType::kNewImage ||
                                    view == dynamo::StreamViewType::kNewAndOldImages);
    images.by_service = tally->by_service;
    IT_ASSIGN_OR_RETURN(ChangeStamp at, tally->stamps().Take(change_clock_.get()));
    const dynamo::Item keys = KeyOf(t, nullptr, new_item ? *new_item : *old_item);
    sink->Put(changes_cf_, ChangeKey(t.id, at.stamp),
              EncodeChange(old_item, new_item, images, keys, at));
  }
  return Status::Ok();
}

Status EngineCore::AppendCollectionChange(const TableDesc& t, const dynamo::Item& item,
                                          int64_t delta, MutationSink* sink, WriteTally* tally,
                                          StatsAccumulator* bulk_stats) {
  const dynamo::AttributeValue& pk = item.at(t.hash.name);
  std::string key = CollectionKey(t.id, pk);
  if (tally->bulk_load) {  // sizes only summed: an import checks them under its locks
    bulk_stats->collections[key] += delta;
    return Status::Ok();
  }
  IT_ASSIGN_OR_RETURN(int64_t bytes, CollectionBytes(key));
  if (bulk_stats) {  // earlier writes of the same batch
    auto pending = bulk_stats->collections.find(key);
    if (pending != bulk_stats->collections.end()) bytes += pending->second;
  }
  if (delta > 0) IT_RETURN_IF_ERROR(CheckCollectionFits(bytes + delta));
  if (bulk_stats) {
    bulk_stats->collections[key] += delta;
  } else if (delta != 0) {
    StatsAccumulator change;
    change.Add(kBaseIndexId, 0, delta);
    sink->Merge(catalog_cf_, key, EncodeStats(change));
  }
  tally->collections.push_back({dynamo::Item{{t.hash.name, pk}}, bytes + delta});
  return Status::Ok();
}

Result<int64_t> EngineCore::CollectionBytes(const std::string& collection_key) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), catalog_cf_, collection_key, &value);
  if (s.IsNotFound()) return int64_t{0};
  IT_RETURN_IF_ERROR(FromRocks(s));
  IT_ASSIGN_OR_RETURN(const StatsAccumulator stored, DecodeStats(value));
  auto it = stored.deltas.find(kBaseIndexId);
  return it == stored.deltas.end() ? int64_t{0} : it->second.second;
}

Status EngineCore::CheckCollectionFits(int64_t bytes) const {
  if (bytes <= options_.item_collection_size_limit_bytes) return Status::Ok();
  return Status(Code::kItemCollectionSizeLimitExceeded,
                "Item collection size limit exceeded: the total size of the item collection "
                "would exceed the maximum of 10 GB");
}

void EngineCore::AppendStats(uint32_t table_id, const StatsAccumulator& stats,
                             rocksdb::WriteBatch* batch) {
  if (!stats.deltas.empty())
    batch->Merge(catalog_cf_, StatsKey(table_id), EncodeStats(stats)).PermitUncheckedError();
  for (const auto& [key, bytes] : stats.collections) {
    StatsAccumulator change;
    change.Add(kBaseIndexId, 0, bytes);
    batch->Merge(catalog_cf_, key, EncodeStats(change)).PermitUncheckedError();
  }
}

Result<StatsAccumulator> EngineCore::ReadStats(uint32_t table_id) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), catalog_cf_, StatsKey(table_id), &value);
  if (s.IsNotFound()) return StatsAccumulator();
  IT_RETURN_IF_ERROR(FromRocks(s));
  return DecodeStats(value);
}

void EngineCore::NoteForegroundCommit() {
  // Stored at most once a millisecond: writers on many threads would otherwise contend for
  // the cache line.
  const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  constexpr int64_t kMillisecond =
      std::chrono::steady_clock::duration(std::chrono::milliseconds(1)).count();
  if (now - last_foreground_commit_.load(std::memory_order_relaxed) >= kMillisecond)
    last_foreground_commit_.store(now, std::memory_order_relaxed);
}

Status EngineCore::Commit(rocksdb::WriteBatch* batch) {
  NoteForegroundCommit();
  return FromRocks(db_->Write(write_options_, batch));
}

Status EngineCore::CommitDurably(rocksdb::WriteBatch* batch) {
  NoteForegroundCommit();
  rocksdb::WriteOptions sync = write_options_;
  sync.sync = true;
  return FromRocks(db_->Write(sync, batch));
}

Status EngineCore::CommitBackground(rocksdb::WriteBatch* batch, bool low_priority) {
  rocksdb::WriteOptions options = write_options_;
  options.low_pri = low_priority;
  return FromRocks(db_->Write(options, batch));
}

Result<std::unique_ptr<Condition>> EngineCore::ResolveOptionalCondition(
    const std::optional<std::string>& text, std::string_view kind, ExpressionResolver* resolver) {
  if (!text) return std::unique_ptr<Condition>();
  IT_ASSIGN_OR_RETURN(auto ast, expressions_.ParseCondition(*text, kind));
  return resolver->ResolveCondition(*ast);
}

Result<std::optional<ProjectionPaths>> EngineCore::ResolveOptionalProjection(
    const std::optional<std::string>& text, const dynamo::ExpressionNames& names) {
  IT_RETURN_IF_ERROR(CheckExpressionMapsUsed(text.has_value(), names, {}));
  const dynamo::ExpressionValues no_values;
  ExpressionResolver resolver(names, no_values);
  std::optional<ProjectionPaths> projection;
  if (text) {
    IT_ASSIGN_OR_RETURN(auto ast, expressions_.ParseProjection(*text));
    IT_ASSIGN_OR_RETURN(projection, resolver.ResolveProjection(*ast));
  }
  IT_RETURN_IF_ERROR(resolver.CheckAllUsed());
  return projection;
}

}  // namespace issuetracker::engine
