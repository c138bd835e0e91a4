// RestoreTableToPointInTime and the per-tenant RestoreKeyPrefixToPointInTime, and the
// in-place prefix restore's steps and recovery (restores.h).
#include <rocksdb/iterator.h>

#include <atomic>
#include <cmath>
#include <map>

#include "engine/engine.h"
#include "engine/item_codec.h"
#include "engine/item_validation.h"
#include "engine/key_codec.h"
#include "engine/restores.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

using dynamo::Item;

namespace {

// An in-place prefix restore's marker: "p" table_id:u32be id:u64be -> at:u64be prefix.
std::string PrefixRestoreMarkerKey(uint32_t table_id, int64_t id) {
  std::string key = CatalogTablePrefix('p', table_id);
  PutFixed64BE(static_cast<uint64_t>(id), &key);
  return key;
}

std::string EncodePrefixRestore(int64_t at, std::string_view prefix) {
  std::string value;
  PutFixed64BE(static_cast<uint64_t>(at), &value);
  value.append(prefix);
  return value;
}

// nullopt for what EncodePrefixRestore cannot write: a negative time, no prefix.
std::optional<std::pair<int64_t, std::string>> DecodePrefixRestore(std::string_view value) {
  if (value.size() < 9) return std::nullopt;
  const auto at = static_cast<int64_t>(DecodeFixed64BE(value.data()));
  if (at < 0) return std::nullopt;
  return std::make_pair(at, std::string(value.substr(8)));
}

Status InvalidRestoreTime() {
  return Status(
      Code::kInvalidRestoreTime,
      "RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime");
}

}  // namespace

// Validates a restore time against the table's window [earliest, latest]; returns the time
// to restore to, or nullopt for the latest state.
static Result<std::optional<int64_t>> RestoreTime(const TableDesc& t, int64_t now,
                                                  int64_t latest_date, int64_t retention,
                                                  std::optional<double> seconds, bool latest) {
  if (!t.pitr_enabled) {
    return Status(Code::kPointInTimeRecoveryUnavailable,
                  "Point in time recovery is not enabled for table '" + t.name + "'");
  }
  if (latest == seconds.has_value()) {
    return Status::Validation(
        latest ? "Only one of RestoreDateTime or UseLatestRestorableTime can be specified"
               : "Either RestoreDateTime or UseLatestRestorableTime must be specified");
  }
  const int64_t earliest = std::max(t.pitr_enabled_since_micros, now - retention);
  if (latest) return std::optional<int64_t>();
  const auto at = static_cast<int64_t>(std::llround(*seconds * 1e6));
  // DynamoDB restores to a second: a time inside the second the window opened is valid.
  if (at < earliest - 999999 || at > latest_date) return InvalidRestoreTime();
  return std::optional<int64_t>(std::max(at, earliest));
}

Result<dynamo::RestoreTableToPointInTimeResponse> Engine::RestoreTableToPointInTime(
    const dynamo::RestoreTableToPointInTimeRequest& r) {
  std::string source = r.source_table_name.value_or("");
  if (!r.source_table_name) {
    const std::string arn = r.source_table_arn.value_or("");
    Result<std::string_view> name = core_->TableNameOf(arn);
    if (!IsTableArn(arn) || !name.ok()) {
      return Status::Validation(
          "Either SourceTableName or a valid SourceTableArn must be specified");
    }
    source = std::string(*name);
  }
  IT_RETURN_IF_ERROR(ValidateTableName(source, "sourceTableName"));
  std::shared_ptr<const TableDesc> desc;
  const rocksdb::Snapshot* snapshot = nullptr;
  std::optional<int64_t> at;
  {
    auto table = core_->GetTable(source);
    if (!table.ok()) return Status(Code::kTableNotFound, "Table not found: " + source);
    desc = table->desc_ptr();
    const int64_t now = core_->clock()->NowMicros();
    IT_ASSIGN_OR_RETURN(const int64_t latest, core_->LatestChangeDate(*desc, now));
    IT_ASSIGN_OR_RETURN(at, RestoreTime(*desc, now, latest, core_->PitrRetentionMicros(*desc),
                                        r.restore_date_time, r.use_latest_restorable_time));
    core_->WaitForStampsInFlight();
    snapshot =
        core_->db()->GetSnapshot();  // the source stays writable; the restore reads this view
  }
  auto restored = restores_->RestoreIntoNewTable(
      *desc, r.target_table_name, r.overrides,
      [&](int64_t segment, int64_t segments, const Restores::ItemSink& sink) {
        return restores_->ItemsAtTime(
            *desc, at, snapshot, "", segment, segments,
            [&](std::string_view, Item item) { return sink(std::move(item)); });
      });
  core_->db()->ReleaseSnapshot(snapshot);
  IT_RETURN_IF_ERROR(restored.status());
  return dynamo::RestoreTableToPointInTimeResponse{std::move(*restored)};
}

Result<dynamo::RestoreKeyPrefixToPointInTimeResponse> Engine::RestoreKeyPrefixToPointInTime(
    const dynamo::RestoreKeyPrefixToPointInTimeRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(*core_, r,
                         [&](const auto& named) { return RestoreKeyPrefixToPointInTime(named); });
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  if (r.partition_key_prefix.empty())
    return Status::Validation("PartitionKeyPrefix must not be empty");
  IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(r.table_name));
  const TableDesc& t = table.desc();
  if (t.hash.type != dynamo::ScalarType::kS) {
    return Status::Validation("A key-prefix restore needs a string partition key; " + t.hash.name +
                              " is not");
  }
  const int64_t now = core_->clock()->NowMicros();
  IT_ASSIGN_OR_RETURN(const int64_t latest, core_->LatestChangeDate(t, now));
  IT_ASSIGN_OR_RETURN(
      std::optional<int64_t> at,
      RestoreTime(t, now, latest, core_->PitrRetentionMicros(t), r.restore_date_time, false));
  dynamo::RestoreKeyPrefixToPointInTimeResponse response;
  if (r.target_table_name) {
    core_->WaitForStampsInFlight();
    const rocksdb::Snapshot* snapshot = core_->db()->GetSnapshot();
    std::atomic<int64_t> restored_items{0};
    auto restored = restores_->RestoreIntoNewTable(
        t, *r.target_table_name, {},
        [&](int64_t segment, int64_t segments, const Restores::ItemSink& sink) {
          return restores_->ItemsAtTime(t, at, snapshot, r.partition_key_prefix, segment, segments,
                                        [&](std::string_view, Item item) {
                                          restored_items.fetch_add(1, std::memory_order_relaxed);
                                          return sink(std::move(item));
                                        });
        });
    core_->db()->ReleaseSnapshot(snapshot);
    IT_RETURN_IF_ERROR(restored.status());
    response.items_restored = response.items_examined = restored_items.load();
    return response;
  }
  // In place, under a marker that makes the restore finish after a crash.
  IT_ASSIGN_OR_RETURN(const std::string marker,
                      restores_->StartPrefixRestore(t, r.partition_key_prefix, *at));
  IT_RETURN_IF_ERROR(
      restores_->RestorePrefixInPlace(t, r.partition_key_prefix, *at, marker, &response));
  return response;
}

Result<std::string> Restores::StartPrefixRestore(const TableDesc& t, const std::string& prefix,
                                                 int64_t at) {
  IT_ASSIGN_OR_RETURN(const int64_t id, core_.MarkerStamp());
  const std::string marker = PrefixRestoreMarkerKey(t.id, id);
  rocksdb::WriteBatch start;
  IT_RETURN_IF_ERROR(
      FromRocks(start.Put(core_.catalog_cf(), marker, EncodePrefixRestore(at, prefix))));
  IT_RETURN_IF_ERROR(core_.Commit(&start));
  IT_CRASH_POINT(kPrefixRestoreStarted);
  return marker;
}

Status Restores::RestorePrefixInPlace(const TableDesc& t, const std::string& prefix, int64_t at,
                                      const std::string& marker,
                                      dynamo::RestoreKeyPrefixToPointInTimeResponse* response) {
  // Every item under the prefix that exists now or existed at T is written to its state
  // at T through the normal write path (locks, indexes, change records). One pass: items
  // that existed at T get their state then; items there now that did not exist at T get
  // "absent". Running it again gives the same states (the records after T it reads only
  // grow by later stamps), so a crash midway is finished by running it again at open.
  core_.WaitForStampsInFlight();
  const rocksdb::Snapshot* snapshot = core_.db()->GetSnapshot();
  std::map<std::string, std::optional<Item>> desired;
  Status s = ItemsAtTime(
      t, at, snapshot, prefix, 0, 1,
      [&](std::string_view key, Item item) {
        desired.emplace(std::string(key), std::move(item));
        return Status::Ok();
      },
      [&](std::string_view key) { desired.emplace(std::string(key), std::nullopt); });
  core_.db()->ReleaseSnapshot(snapshot);
  IT_RETURN_IF_ERROR(s);
  for (auto& [key, item] : desired) {
    ++response->items_examined;
    ItemLocks::Guard guard(&core_.locks(), ItemStripe(t, key));
    std::optional<Item> current;
    IT_RETURN_IF_ERROR(core_.ReadItem(key, &current));
    if (current == item) continue;
    rocksdb::WriteBatch batch;
    WriteTally tally;
    IT_RETURN_IF_ERROR(core_.AppendItemChange(t, key, current ? &*current : nullptr,
                                              item ? &*item : nullptr, &batch, &tally));
    IT_RETURN_IF_ERROR(core_.Commit(&batch));
    IT_CRASH_POINT(kPrefixRestoreItem);
    ++response->items_restored;
  }
  rocksdb::WriteBatch finish;
  IT_RETURN_IF_ERROR(FromRocks(finish.Delete(core_.catalog_cf(), marker)));
  IT_RETURN_IF_ERROR(core_.Commit(&finish));
  IT_CRASH_POINT(kPrefixRestoreFinished);
  return Status::Ok();
}

Status Restores::ResumePrefixRestores() {
  std::unique_ptr<rocksdb::Iterator> it(
      core_.db()->NewIterator(rocksdb::ReadOptions(), core_.catalog_cf()));
  std::vector<std::pair<std::string, std::string>> markers;
  for (it->Seek("p"); it->Valid() && it->key().starts_with("p"); it->Next())
    markers.emplace_back(it->key().ToString(), it->value().ToString());
  for (const auto& [marker, value] : markers) {
    auto restore = DecodePrefixRestore(value);
    // Dropping an unreadable marker would leave its prefix half restored for ever.
    if (marker.size() != 13 || !restore)
      return Status::Corruption("unreadable prefix restore marker in the catalog");
    std::string name;
    std::shared_ptr<TableHandle> handle;
    if (core_.db()
            ->Get(rocksdb::ReadOptions(), core_.catalog_cf(),
                  TableIdKey(DecodeFixed32BE(&marker[1])), &name)
            .ok()) {
      auto found = core_.FindHandle(name);
      if (found.ok()) handle = *found;
    }
    if (!handle) {  // its table is gone: nothing to finish
      rocksdb::WriteBatch drop;
      drop.Delete(core_.catalog_cf(), marker).PermitUncheckedError();
      (void)core_.Commit(&drop);
      continue;
    }
    dynamo::RestoreKeyPrefixToPointInTimeResponse ignored;
    // Best effort: a failure leaves the marker, and the next open tries again.
    (void)RestorePrefixInPlace(*handle->desc, restore->second, restore->first, marker, &ignored);
  }
  return Status::Ok();
}

}  // namespace issuetracker::engine
