// Restores into a new table (every restore's last step) and the state of a table at a
// time T (restores.h).
//
// The state of a table at time T is its current state with every change after T undone:
// for each item changed after T, the old image of its first change after T (absent for
// an INSERT) is its state at T; every other item is as it is now. So a restore needs
// only the change records after T, which is what retention keeps.
#include <rocksdb/iterator.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <unordered_map>

#include "engine/bulk_loader.h"
#include "engine/item_codec.h"
#include "engine/item_validation.h"
#include "engine/key_codec.h"
#include "engine/restores.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

using dynamo::Item;

namespace {

constexpr std::string_view kRestoreMarkerPrefix = "r/";

std::string RestoreMarkerKey(uint32_t table_id) {
  std::string key(kRestoreMarkerPrefix);
  PutFixed32BE(table_id, &key);
  return key;
}

// The item a change record is about, for its key: the old image, else the new image,
// else the stored key attributes.
const Item* KeySource(const ChangeRecord& r) {
  if (r.old_image) return &*r.old_image;
  if (r.new_image) return &*r.new_image;
  return r.keys ? &*r.keys : nullptr;
}

bool PartitionKeyHasPrefix(const TableDesc& t, const Item& item, std::string_view prefix) {
  if (prefix.empty()) return true;
  const std::string* pk = dynamo::FindS(item, t.hash.name);
  return pk != nullptr && pk->starts_with(prefix);
}

// The CreateTable request a restored table is built from: the source's keys, GSIs and
// settings, with the restore's overrides.
dynamo::CreateTableRequest RestoredTableRequest(const TableDesc& s, const std::string& target,
                                                const dynamo::RestoreOverrides& o) {
  dynamo::CreateTableRequest r;
  r.table_name = target;
  r.key_schema.push_back({s.hash.name, dynamo::KeyType::kHash});
  if (s.range) r.key_schema.push_back({s.range->name, dynamo::KeyType::kRange});
  if (o.global_secondary_index_override) {
    r.global_secondary_indexes = *o.global_secondary_index_override;
  } else {
    for (const IndexDesc& i : s.indexes) {
      if (i.status != dynamo::IndexStatus::kActive || i.local) continue;
      dynamo::GlobalSecondaryIndex g{
          i.name, {{i.hash.name, dynamo::KeyType::kHash}}, i.projection, i.throughput};
      if (i.range) g.key_schema.push_back({i.range->name, dynamo::KeyType::kRange});
      r.global_secondary_indexes.push_back(std::move(g));
    }
  }
  if (o.local_secondary_index_override) {
    r.local_secondary_indexes = *o.local_secondary_index_override;
  } else {
    for (const IndexDesc& i : s.indexes) {
      if (!i.local) continue;
      r.local_secondary_indexes.push_back(
          {i.name,
           {{i.hash.name, dynamo::KeyType::kHash}, {i.range->name, dynamo::KeyType::kRange}},
           i.projection});
    }
  }
  std::set<std::string> used;
  for (const auto& k : r.key_schema) used.insert(k.attribute_name);
  for (const auto& g : r.global_secondary_indexes) {
    for (const auto& k : g.key_schema) used.insert(k.attribute_name);
  }
  for (const auto& l : r.local_secondary_indexes) {
    for (const auto& k : l.key_schema) used.insert(k.attribute_name);
  }
  for (const auto& d : s.attribute_definitions) {
    if (used.contains(d.attribute_name)) r.attribute_definitions.push_back(d);
  }
  r.billing_mode = o.billing_mode_override.value_or(s.billing_mode);
  if (r.billing_mode == dynamo::BillingMode::kProvisioned) {
    r.provisioned_throughput = o.provisioned_throughput_override.value_or(s.throughput);
    for (auto& g : r.global_secondary_indexes) {
      if (!g.provisioned_throughput) g.provisioned_throughput = r.provisioned_throughput;
    }
  } else {
    for (auto& g : r.global_secondary_indexes) g.provisioned_throughput.reset();
  }
  r.sse_specification = o.sse_specification_override ? o.sse_specification_override : s.sse;
  r.table_class = s.table_class;
  return r;
}

std::string NewTableUuid(Env* env) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%016llx-%016llx",
                static_cast<unsigned long long>(env->Random64()),
                static_cast<unsigned long long>(env->Random64()));
  return buf;
}

}  // namespace

void Restores::CleanUpInterruptedRestores() {
  std::unique_ptr<rocksdb::Iterator> it(
      core_.db()->NewIterator(rocksdb::ReadOptions(), core_.catalog_cf()));
  rocksdb::WriteBatch batch;
  for (it->Seek(std::string(kRestoreMarkerPrefix)); it->Valid() && it->key().starts_with("r/");
       it->Next()) {
    if (it->key().size() != kRestoreMarkerPrefix.size() + 4) continue;
    const uint32_t table_id = DecodeFixed32BE(it->key().data() + kRestoreMarkerPrefix.size());
    const std::string prefix = TableIdPrefix(table_id);
    batch.DeleteRange(core_.items_cf(), prefix, PrefixSuccessor(prefix)).PermitUncheckedError();
    batch.Delete(core_.catalog_cf(), StatsKey(table_id)).PermitUncheckedError();
    batch.Delete(core_.catalog_cf(), it->key()).PermitUncheckedError();
  }
  (void)core_.Commit(&batch);
  (void)core_.RemoveTree(core_.StagingDir());  // files of interrupted loads
  IT_CRASH_POINT(kRecoveredRestores);
}

Result<dynamo::TableDescription> Restores::RestoreIntoNewTable(
    const TableDesc& source, const std::string& target_name,
    const dynamo::RestoreOverrides& overrides, const SegmentProducer& produce) {
  IT_RETURN_IF_ERROR(ValidateTableName(target_name, "targetTableName"));
  dynamo::CreateTableRequest request = RestoredTableRequest(source, target_name, overrides);
  IT_RETURN_IF_ERROR(ValidateCreateTable(request));
  IT_ASSIGN_OR_RETURN(const uint32_t table_id, ReserveTable(target_name));
  TableDesc desc = DescFromCreateRequest(request, table_id, NewTableUuid(core_.env()),
                                         static_cast<double>(core_.clock()->NowMicros()) / 1e6);
  auto loaded = LoadTable(desc, produce);
  Status s = loaded.status();
  if (s.ok()) {
    rocksdb::WriteBatch publish;
    s = core_.PersistDesc(desc, &publish);
    publish.Put(core_.catalog_cf(), TableIdKey(table_id), target_name).PermitUncheckedError();
    publish.Put(core_.catalog_cf(), StatsKey(table_id), EncodeStats(*loaded))
        .PermitUncheckedError();
    for (const auto& [key, bytes] : loaded->collections) {
      StatsAccumulator size;
      size.Add(kBaseIndexId, 0, bytes);
      publish.Put(core_.catalog_cf(), key, EncodeStats(size)).PermitUncheckedError();
    }
    publish.Delete(core_.catalog_cf(), RestoreMarkerKey(table_id)).PermitUncheckedError();
    if (s.ok()) s = core_.CommitDurably(&publish);  // durable once acknowledged, always
    if (s.ok()) IT_CRASH_POINT(kRestorePublished);
  }
  if (!s.ok()) {  // undone now (or, if this fails too, at the next open)
    rocksdb::WriteBatch undo;
    const std::string prefix = TableIdPrefix(table_id);
    undo.DeleteRange(core_.items_cf(), prefix, PrefixSuccessor(prefix)).PermitUncheckedError();
    undo.Delete(core_.catalog_cf(), RestoreMarkerKey(table_id)).PermitUncheckedError();
    (void)core_.Commit(&undo);
  }
  std::lock_guard<std::mutex> lock(core_.catalog_mu());
  restoring_names_.erase(target_name);
  IT_RETURN_IF_ERROR(s);
  return core_.Describe(*core_.AddTable(std::move(desc))->desc);
}

Result<uint32_t> Restores::ReserveTable(const std::string& target_name) {
  std::lock_guard<std::mutex> lock(core_.catalog_mu());
  IT_ASSIGN_OR_RETURN(auto existing, core_.FindHandle(target_name));
  if (existing || restoring_names_.contains(target_name))
    return Status(Code::kTableAlreadyExists, "Table already exists: " + target_name);
  rocksdb::WriteBatch batch;
  IT_ASSIGN_OR_RETURN(const uint32_t table_id, core_.AllocateTableId(&batch));
  batch.Put(core_.catalog_cf(), RestoreMarkerKey(table_id), target_name).PermitUncheckedError();
  IT_RETURN_IF_ERROR(core_.Commit(&batch));
  IT_CRASH_POINT(kRestoreReserved);
  restoring_names_.insert(target_name);
  return table_id;
}

Result<StatsAccumulator> Restores::LoadTable(const TableDesc& desc,
                                             const SegmentProducer& produce) {
  // The new table is invisible until published, so no item locks are needed. Its keys
  // are fresh (a new table id), so they are written as sorted SST files and ingested at
  // once; an interrupted restore leaves only a marker, cleaned up at the next open.
  // Segments of the source are read, decoded and turned into records on parallel threads
  // (the bulk of the work); the loader takes their records in batches.
  BulkLoader loader(core_.db(), core_.items_cf(),
                    core_.StagingDir() + "/restore-" + std::to_string(desc.id),
                    &core_.bulk_blocks());
  std::mutex loader_mu;
  const int64_t segments =
      std::clamp<int64_t>(static_cast<int64_t>(std::thread::hardware_concurrency()), 1, 4);
  std::vector<StatsAccumulator> segment_stats(static_cast<size_t>(segments));
  std::vector<Status> segment_status(static_cast<size_t>(segments));
  auto run_segment = [&](int64_t segment) {
    StagedLoadSink sink(&loader, &loader_mu, core_.items_cf());
    StatsAccumulator& stats = segment_stats[static_cast<size_t>(segment)];
    WriteTally tally;
    tally.bulk_load = true;
    Status st = produce(segment, segments, [&](Item item) -> Status {
      IT_RETURN_IF_ERROR(core_.AppendItemChange(desc, BaseKeyOf(desc, item), nullptr, &item, &sink,
                                                &tally, &stats));
      return sink.status;
    });
    segment_status[static_cast<size_t>(segment)] = st.ok() ? sink.Flush() : st;
  };
  std::vector<std::thread> threads;
  for (int64_t segment = 1; segment < segments; ++segment)
    threads.emplace_back(run_segment, segment);
  run_segment(0);
  for (std::thread& thread : threads) thread.join();
  StatsAccumulator stats;
  for (int64_t segment = 0; segment < segments; ++segment) {
    IT_RETURN_IF_ERROR(segment_status[static_cast<size_t>(segment)]);
    stats.AddAll(segment_stats[static_cast<size_t>(segment)]);
  }
  IT_RETURN_IF_ERROR(loader.Finish());
  return stats;
}

// ---------------------------------------------------------------- state at a time T

// Emits the items of `t` (read at `snapshot`) as they were at time `at` (nullopt: as they
// are), restricted to partition keys starting with `prefix` and to hash segment `segment`
// of `segments`; with `absent`, also reports the keys of items there now that did not
// exist at `at`. The caller owns the snapshot.
//
// The state at `at` holds every record up to the first one (in stamp order) dated after
// `at`, and none from there on (docs/pitr.md). A record's date is never after its stamp,
// so every record stamped at or before `at` is in; records stamped after `at` but dated
// at or before it (stamped ahead of the wall clock) are in until the first one dated
// after `at`.
Status Restores::ItemsAtTime(const TableDesc& t, std::optional<int64_t> at,
                             const rocksdb::Snapshot* snapshot, std::string_view prefix,
                             int64_t segment, int64_t segments,
                             const std::function<Status(std::string_view key, Item item)>& sink,
                             const std::function<void(std::string_view key)>& absent) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::string lo, hi;
  HashSegmentBounds(t.id, kBaseIndexId, segment, segments, &lo, &hi);
  // 1. The first change after `at` of each item holds the item's state at `at`.
  std::unordered_map<std::string, std::optional<Item>> at_time;
  if (at) {
    const std::string start = ChangeKey(t.id, *at + 1), end = ChangeKey(t.id, INT64_MAX);
    rocksdb::Slice upper(end);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(core_.db()->NewIterator(ro, core_.changes_cf()));
    bool after = false;  // past the first record dated after `at`
    for (it->Seek(start); it->Valid(); it->Next()) {
      const std::string_view change_key(it->key().data(), it->key().size());
      const std::string_view change_value(it->value().data(), it->value().size());
      if (!after) {
        IT_ASSIGN_OR_RETURN(const int64_t date, DecodeChangeDate(change_key, change_value));
        if (date <= *at) continue;
        after = true;
      }
      IT_ASSIGN_OR_RETURN(ChangeRecord r, DecodeChange(change_key, change_value));
      const Item* source = KeySource(r);
      if (!source || !PartitionKeyHasPrefix(t, *source, prefix)) continue;
      std::string key = BaseKeyOf(t, *source);
      if (key < lo || key >= hi) continue;  // another segment's
      at_time.try_emplace(std::move(key), std::move(r.old_image));
    }
    IT_RETURN_IF_ERROR(FromRocks(it->status()));
    ro.iterate_upper_bound = nullptr;
  }
  // 2. Current items, each replaced by its state at `at` when it changed since. Items
  // outside the prefix are skipped by their encoded key, without decoding them.
  std::string key_prefix;
  AppendKeyPrefix(prefix, &key_prefix);
  rocksdb::Slice upper(hi);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(core_.db()->NewIterator(ro, core_.items_cf()));
  for (it->Seek(lo); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (!key.substr(std::min(key.size(), kHashPrefixSize)).starts_with(key_prefix)) continue;
    auto changed = at_time.find(std::string(key));
    if (changed != at_time.end()) {
      if (changed->second) {
        IT_RETURN_IF_ERROR(sink(key, std::move(*changed->second)));
      } else if (absent) {
        absent(key);
      }
      at_time.erase(changed);
      continue;
    }
    IT_ASSIGN_OR_RETURN(Item item,
                        DecodeItem(std::string_view(it->value().data(), it->value().size())));
    if (PartitionKeyHasPrefix(t, item, prefix)) IT_RETURN_IF_ERROR(sink(key, std::move(item)));
  }
  IT_RETURN_IF_ERROR(FromRocks(it->status()));
  // 3. Items deleted since `at`.
  for (auto& [key, item] : at_time) {
    if (item) IT_RETURN_IF_ERROR(sink(key, std::move(*item)));
  }
  return Status::Ok();
}

}  // namespace issuetracker::engine
