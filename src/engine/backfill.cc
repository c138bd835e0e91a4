// Online index creation: the backfill of a new GSI (tables.h).
//
// UpdateTable commits the descriptor with the CREATING index together with the index's
// backfill marker. The backfill then indexes the table's items in chunks: each chunk's
// entries (every item read under its lock) and the marker's progress are one atomic batch.
// The last step, under the table's exclusive lock, recounts the index's statistics and
// publishes the index ACTIVE, dropping the marker, in one batch. A crash between steps
// leaves the marker, from which the backfill resumes as soon as the table is used.
#include <rocksdb/iterator.h>

#include <algorithm>

#include "engine/item_codec.h"
#include "engine/item_validation.h"
#include "engine/key_codec.h"
#include "engine/rocks_status.h"
#include "engine/tables.h"

namespace issuetracker::engine {

namespace {

constexpr size_t kBackfillChunk = 256;
// Backfill markers of earlier versions: "b/<table name>" -> index id, no progress.
constexpr std::string_view kLegacyBackfillPrefix = "b/";

}  // namespace

Tables::~Tables() {
  stopping_ = true;
  WaitForBackfills();
}

void Tables::WaitForBackfills() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

Status Tables::DropIndexData(const TableDesc& t, const IndexDesc& index,
                             rocksdb::WriteBatch* batch) {
  const std::string prefix = TablePrefix(t.id, index.id);
  IT_RETURN_IF_ERROR(
      FromRocks(batch->DeleteRange(core_.items_cf(), prefix, PrefixSuccessor(prefix))));
  IT_RETURN_IF_ERROR(
      FromRocks(batch->Delete(core_.catalog_cf(), BackfillMarkerKey(t.id, index.id))));
  // Its statistics entry is cancelled out (index ids are never reused).
  IT_ASSIGN_OR_RETURN(StatsAccumulator current, core_.ReadStats(t.id));
  auto it = current.deltas.find(index.id);
  if (it == current.deltas.end()) return Status::Ok();
  StatsAccumulator cancel;
  cancel.Add(index.id, -it->second.first, -it->second.second);
  core_.AppendStats(t.id, cancel, batch);
  return Status::Ok();
}

void Tables::EnsureBackfills(const TableDesc& desc) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  for (const IndexDesc& index : desc.indexes) {
    if (!index.backfilling || !running_.emplace(desc.id, index.id).second) continue;
    threads_.emplace_back([this, name = desc.name, id = desc.id, index_id = index.id] {
      RunBackfill(name, id, index_id);
      std::lock_guard<std::mutex> done(mu_);
      running_.erase({id, index_id});
    });
  }
}

void Tables::ResumeBackfills() {
  rocksdb::DB* db = core_.db();
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), core_.catalog_cf()));
  std::vector<std::string> tables;
  rocksdb::WriteBatch dropped;
  // Markers of earlier versions name the table; its descriptor says which index is
  // backfilling, so they are only dropped (the backfill restarts from the start).
  for (it->Seek(std::string(kLegacyBackfillPrefix)); it->Valid() && it->key().starts_with("b/");
       it->Next()) {
    tables.push_back(it->key().ToString().substr(kLegacyBackfillPrefix.size()));
    dropped.Delete(core_.catalog_cf(), it->key()).PermitUncheckedError();
  }
  for (it->Seek("g"); it->Valid() && it->key().starts_with("g"); it->Next()) {
    if (it->key().size() != 6) continue;
    const uint32_t table_id = DecodeFixed32BE(it->key().data() + 1);
    std::string name;
    if (db->Get(rocksdb::ReadOptions(), core_.catalog_cf(), TableIdKey(table_id), &name).ok()) {
      tables.push_back(name);
    } else {
      dropped.Delete(core_.catalog_cf(), it->key()).PermitUncheckedError();  // table gone
    }
  }
  // Loading a descriptor starts the backfills of its indexes still backfilling, each
  // from its marker (or from the start when it has none).
  for (const std::string& name : tables) (void)core_.FindHandle(name);
  (void)core_.Commit(&dropped);  // best effort: the next open drops them otherwise
}

void Tables::RunBackfill(const std::string& table_name, uint32_t table_id, uint8_t index_id) {
  std::string resume;
  const std::string base = TablePrefix(table_id, kBaseIndexId);
  if (!core_.db()
           ->Get(rocksdb::ReadOptions(), core_.catalog_cf(), BackfillMarkerKey(table_id, index_id),
                 &resume)
           .ok() ||
      resume.empty()) {
    resume = base;
  } else if (!std::string_view(resume).starts_with(base)) {
    // A marker outside the table's items is corrupt: backfilling from it would index other
    // tables' items or skip this one's. The index stays CREATING (reads of it fail).
    return;
  }
  bool done = false;
  while (!done && !stopping_) {
    auto table = core_.GetTable(table_name);
    if (!table.ok() || table->desc().id != table_id) return;  // table deleted
    const TableDesc& t = table->desc();
    auto index = std::find_if(t.indexes.begin(), t.indexes.end(),
                              [&](const IndexDesc& i) { return i.id == index_id; });
    if (index == t.indexes.end() || !index->backfilling) return;  // index deleted
    // On failure the marker stays: the backfill resumes at the next open.
    if (!BackfillChunk(*table, *index, &resume, &done).ok()) return;
  }
  if (done) (void)PublishBackfilledIndex(table_name, table_id, index_id);  // else next open
}

Status Tables::BackfillChunk(const TableRef& table, const IndexDesc& index, std::string* resume,
                             bool* done) {
  const TableDesc& t = table.desc();
  std::vector<std::string> keys;
  {
    const std::string end = PrefixSuccessor(TablePrefix(t.id, kBaseIndexId));
    rocksdb::ReadOptions ro;
    rocksdb::Slice upper(end);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(core_.db()->NewIterator(ro, core_.items_cf()));
    for (it->Seek(*resume); it->Valid() && keys.size() < kBackfillChunk; it->Next())
      keys.push_back(it->key().ToString());
    IT_RETURN_IF_ERROR(FromRocks(it->status()));
    *done = keys.size() < kBackfillChunk;
  }
  std::vector<size_t> stripes;
  for (const std::string& key : keys) stripes.push_back(ItemStripe(t, key));
  ItemLocks::Guard guard(&core_.locks(), std::move(stripes));
  rocksdb::WriteBatch batch;
  for (const std::string& key : keys) {
    std::optional<dynamo::Item> item;
    IT_RETURN_IF_ERROR(core_.ReadItem(key, &item));
    if (!item) continue;
    auto index_key = IndexKeyOf(t, index, *item);
    if (!index_key) continue;
    batch.Put(core_.items_cf(), *index_key, EncodeItem(ProjectForIndex(t, index, *item)))
        .PermitUncheckedError();
  }
  if (!keys.empty()) *resume = keys.back() + std::string(1, '\0');
  batch.Put(core_.catalog_cf(), BackfillMarkerKey(t.id, index.id), *resume).PermitUncheckedError();
  IT_RETURN_IF_ERROR(core_.Commit(&batch));
  IT_CRASH_POINT(kGsiBackfillChunk);
  return Status::Ok();
}

Status Tables::PublishBackfilledIndex(const std::string& table_name, uint32_t table_id,
                                      uint8_t index_id) {
  // Under the exclusive lock no write is in flight: the recount and the switch to live
  // statistics see the same writes. One batch: recount, ACTIVE descriptor, marker gone.
  std::lock_guard<std::mutex> lock(core_.catalog_mu());
  static constexpr CrashPoint kPublished = CrashPoint::kGsiPublished;
  auto activate = [&](TableDesc* d) -> Status {
    if (d->id != table_id) return Status::ResourceNotFound("table replaced");
    for (IndexDesc& i : d->indexes) {
      if (i.id != index_id) continue;
      i.status = dynamo::IndexStatus::kActive;
      i.backfilling = false;
      return Status::Ok();
    }
    return Status::ResourceNotFound("index deleted meanwhile");
  };
  auto recount = [&](const TableDesc&, const TableDesc&, rocksdb::WriteBatch* batch) -> Status {
    int64_t items = 0, bytes = 0;
    const std::string prefix = TablePrefix(table_id, index_id);
    const std::string upper_key = PrefixSuccessor(prefix);
    rocksdb::ReadOptions ro;
    rocksdb::Slice upper(upper_key);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(core_.db()->NewIterator(ro, core_.items_cf()));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      IT_ASSIGN_OR_RETURN(dynamo::Item entry,
                          DecodeItem(std::string_view(it->value().data(), it->value().size())));
      ++items;
      bytes += static_cast<int64_t>(dynamo::ItemSize(entry));
    }
    IT_RETURN_IF_ERROR(FromRocks(it->status()));
    // Replace the index's entry with the recount: merge the difference.
    IT_ASSIGN_OR_RETURN(StatsAccumulator current, core_.ReadStats(table_id));
    const auto old = current.deltas[index_id];
    StatsAccumulator delta;
    delta.Add(index_id, items - old.first, bytes - old.second);
    core_.AppendStats(table_id, delta, batch);
    return FromRocks(batch->Delete(core_.catalog_cf(), BackfillMarkerKey(table_id, index_id)));
  };
  return core_.ChangeDescriptor(table_name, activate, nullptr, recount, &kPublished);
}

}  // namespace issuetracker::engine
