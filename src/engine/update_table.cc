// UpdateTable (settings, GSI creation with background backfill, GSI deletion) and the
// continuous-backups switch.
#include <rocksdb/iterator.h>

#include <algorithm>

#include "dynamo/wire_names.h"
#include "engine/engine_impl.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

namespace {

constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";
// Backfill markers of earlier versions: "b/<table name>" -> index id, no progress.
constexpr std::string_view kLegacyBackfillPrefix = "b/";
constexpr size_t kBackfillChunk = 256;

// Validates and applies one GSI creation to a descriptor copy.
Status AddIndex(const dynamo::CreateGlobalSecondaryIndexAction& a,
                const std::vector<dynamo::AttributeDefinition>& new_defs, TableDesc* d) {
  if (d->FindIndex(a.index_name)) {
    return Status::Validation(std::string(kInvalid) + "Index already exists: " + a.index_name);
  }
  if (d->indexes.size() >= 20) {
    return Status(Code::kLimitExceeded,
                  "Subscriber limit exceeded: Number of GlobalSecondaryIndexes exceeds per-table "
                  "limit of 20");
  }
  if (d->next_index_id == 255)
    return Status(Code::kLimitExceeded, "Index ids of this table are exhausted");
  // The request's AttributeDefinitions must define the new index's keys; definitions of
  // existing attributes must agree with the table's.
  std::vector<dynamo::AttributeDefinition> defs = d->attribute_definitions;
  for (const auto& nd : new_defs) {
    auto it = std::find_if(defs.begin(), defs.end(),
                           [&](const auto& e) { return e.attribute_name == nd.attribute_name; });
    if (it == defs.end()) {
      defs.push_back(nd);
    } else if (it->attribute_type != nd.attribute_type) {
      return Status::Validation(
          std::string(kInvalid) +
          "Cannot change the type of an existing attribute: " + nd.attribute_name);
    }
  }
  dynamo::CreateTableRequest probe;  // reuse CreateTable's index validation
  probe.table_name = d->name;
  probe.billing_mode = d->billing_mode;
  if (d->billing_mode == dynamo::BillingMode::kProvisioned)
    probe.provisioned_throughput = d->throughput;
  probe.key_schema.push_back({d->hash.name, dynamo::KeyType::kHash});
  if (d->range) probe.key_schema.push_back({d->range->name, dynamo::KeyType::kRange});
  probe.global_secondary_indexes.push_back(
      {a.index_name, a.key_schema, a.projection, a.provisioned_throughput});
  for (const auto& e : defs) {
    bool used =
        e.attribute_name == d->hash.name || (d->range && e.attribute_name == d->range->name);
    for (const auto& k : a.key_schema) used |= k.attribute_name == e.attribute_name;
    if (used) probe.attribute_definitions.push_back(e);
  }
  IT_RETURN_IF_ERROR(ValidateCreateTable(probe));
  TableDesc created = DescFromCreateRequest(probe, d->id, d->uuid, d->creation_time);
  IndexDesc index = created.indexes.front();
  index.id = d->next_index_id++;
  index.status = dynamo::IndexStatus::kCreating;
  index.backfilling = true;
  d->indexes.push_back(std::move(index));
  for (const auto& k : a.key_schema) {
    const bool known =
        std::any_of(d->attribute_definitions.begin(), d->attribute_definitions.end(),
                    [&](const auto& e) { return e.attribute_name == k.attribute_name; });
    if (!known) {
      for (const auto& e : defs) {
        if (e.attribute_name == k.attribute_name) d->attribute_definitions.push_back(e);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<dynamo::UpdateTableResponse> EngineImpl::UpdateTable(const dynamo::UpdateTableRequest& r) {
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  const bool nothing = r.global_secondary_index_updates.empty() && !r.billing_mode &&
                       !r.provisioned_throughput && !r.sse_specification &&
                       !r.stream_specification && !r.table_class && !r.deletion_protection_enabled;
  if (nothing) {
    return Status::Validation(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
  if (r.global_secondary_index_updates.size() > 1) {
    return Status(Code::kLimitExceeded,
                  "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                  "simultaneously per table");
  }
  std::lock_guard<std::mutex> lock(catalog_mu_);
  std::optional<uint8_t> created_index;
  std::optional<IndexDesc> deleted_index;
  CrashPoint point = CrashPoint::kDescriptorChanged;
  std::shared_ptr<const TableDesc> published;
  Status s = ChangeDescriptor(
      r.table_name,
      [&](TableDesc* d) -> Status {
        for (const auto& u : r.global_secondary_index_updates) {
          if (u.create) {
            IT_RETURN_IF_ERROR(AddIndex(*u.create, r.attribute_definitions, d));
            created_index = d->indexes.back().id;
            point = CrashPoint::kGsiCreated;
          } else if (u.delete_index) {
            auto it = std::find_if(d->indexes.begin(), d->indexes.end(), [&](const IndexDesc& i) {
              return i.name == u.delete_index->index_name;
            });
            if (it == d->indexes.end()) {
              return Status::ResourceNotFound("Requested resource not found: Index: " +
                                              u.delete_index->index_name);
            }
            deleted_index = *it;
            d->indexes.erase(it);
            point = CrashPoint::kGsiDeleted;
          } else if (u.update) {
            auto it = std::find_if(d->indexes.begin(), d->indexes.end(), [&](const IndexDesc& i) {
              return i.name == u.update->index_name;
            });
            if (it == d->indexes.end()) {
              return Status::ResourceNotFound("Requested resource not found: Index: " +
                                              u.update->index_name);
            }
            it->throughput = u.update->provisioned_throughput;
          }
        }
        if (r.billing_mode && *r.billing_mode != d->billing_mode) {
          d->billing_mode = *r.billing_mode;
          if (d->billing_mode == dynamo::BillingMode::kPayPerRequest) {
            d->last_update_to_pay_per_request = static_cast<double>(clock_->NowMicros()) / 1e6;
          }
        }
        if (r.provisioned_throughput) {
          if (d->billing_mode == dynamo::BillingMode::kPayPerRequest) {
            return Status::Validation(std::string(kInvalid) +
                                      "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                                      "specified when BillingMode is PAY_PER_REQUEST");
          }
          d->throughput = *r.provisioned_throughput;
        }
        if (r.sse_specification) d->sse = r.sse_specification;
        if (r.stream_specification) {
          if (r.stream_specification->stream_enabled) {
            if (d->stream)
              return Status::Validation("Table already has an enabled stream: " + d->name);
            if (!r.stream_specification->stream_view_type) {
              return Status::Validation(
                  std::string(kInvalid) +
                  "StreamViewType must be specified when StreamEnabled is true");
            }
            d->stream = r.stream_specification;
            // The descriptor swap waits for in-flight writes, so every later write gets a
            // stamp after this one: the stream starts exactly here.
            IT_ASSIGN_OR_RETURN(d->stream_start_micros, MarkerStamp());
            d->stream_label = StreamLabel(d->stream_start_micros);
          } else {
            if (!d->stream)
              return Status::Validation("Table already has stream disabled: " + d->name);
            TableDesc::PastStream past;
            past.label = d->stream_label;
            past.view = d->stream->stream_view_type.value_or(dynamo::StreamViewType::kKeysOnly);
            past.start_micros = d->stream_start_micros;
            IT_ASSIGN_OR_RETURN(past.end_micros, MarkerStamp());
            d->previous_stream = past;
            d->stream.reset();
          }
        }
        if (r.table_class) d->table_class = *r.table_class;
        if (r.deletion_protection_enabled) d->deletion_protection = *r.deletion_protection_enabled;
        return Status::Ok();
      },
      &published,
      [&](const TableDesc& before, const TableDesc& after, rocksdb::WriteBatch* batch) {
        // What the index change implies is durable with the descriptor, atomically: a new
        // index's backfill marker, or a dropped index's entries and statistics (no
        // writer can target it any more: the swap waits for them).
        if (created_index) {
          return FromRocks(batch->Put(catalog_cf_, BackfillMarkerKey(after.id, *created_index),
                                      rocksdb::Slice()));
        }
        if (deleted_index) return DropIndexData(before, *deleted_index, batch);
        return Status::Ok();
      },
      &point);
  if (s.code() == Code::kResourceNotFound && s.message().find("Index") == std::string::npos) {
    return Status::ResourceNotFound("Requested resource not found: Table: " + r.table_name +
                                    " not found");
  }
  IT_RETURN_IF_ERROR(s);
  if (created_index) EnsureBackfills(*published);
  dynamo::UpdateTableResponse response;
  response.table_description = Describe(*published);
  if (deleted_index) {
    dynamo::GlobalSecondaryIndexDescription g;
    g.index_name = deleted_index->name;
    g.index_status = dynamo::IndexStatus::kDeleting;
    response.table_description.global_secondary_indexes.push_back(std::move(g));
  }
  return response;
}

// ------------------------------------------------------------------------- backfill
//
// A new index is backfilled in chunks, each one atomic batch: the entries of up to
// kBackfillChunk items (read under their locks) and the marker's progress. The last step
// recounts the index's statistics and publishes it ACTIVE, dropping the marker, in one
// batch under the table's exclusive lock. A crash between steps resumes from the marker.

Status EngineImpl::DropIndexData(const TableDesc& t, const IndexDesc& index,
                                 rocksdb::WriteBatch* batch) {
  const std::string prefix = TablePrefix(t.id, index.id);
  IT_RETURN_IF_ERROR(FromRocks(batch->DeleteRange(items_cf_, prefix, PrefixSuccessor(prefix))));
  IT_RETURN_IF_ERROR(FromRocks(batch->Delete(catalog_cf_, BackfillMarkerKey(t.id, index.id))));
  // Its statistics entry is cancelled out (index ids are never reused).
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), catalog_cf_, StatsKey(t.id), &value);
  if (s.IsNotFound()) return Status::Ok();
  IT_RETURN_IF_ERROR(FromRocks(s));
  StatsAccumulator current = DecodeStats(value), cancel;
  auto it = current.deltas.find(index.id);
  if (it != current.deltas.end()) cancel.deltas[index.id] = {-it->second.first, -it->second.second};
  AppendStats(t.id, cancel, batch);
  return Status::Ok();
}

void EngineImpl::EnsureBackfills(const TableDesc& desc) {
  std::lock_guard<std::mutex> lock(bg_mu_);
  if (shutting_down_) return;
  for (const IndexDesc& index : desc.indexes) {
    if (!index.backfilling || !backfilling_.emplace(desc.id, index.id).second) continue;
    backfills_.emplace_back([this, name = desc.name, id = desc.id, index_id = index.id] {
      RunBackfill(name, id, index_id);
      std::lock_guard<std::mutex> done(bg_mu_);
      backfilling_.erase({id, index_id});
    });
  }
}

void EngineImpl::ResumeBackfills() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), catalog_cf_));
  std::vector<std::string> tables;
  rocksdb::WriteBatch legacy;
  // Markers of earlier versions name the table; the descriptor says which index is
  // backfilling, so they are only dropped (the backfill restarts from the start).
  for (it->Seek(std::string(kLegacyBackfillPrefix)); it->Valid() && it->key().starts_with("b/");
       it->Next()) {
    tables.push_back(it->key().ToString().substr(kLegacyBackfillPrefix.size()));
    legacy.Delete(catalog_cf_, it->key()).PermitUncheckedError();
  }
  for (it->Seek("g"); it->Valid() && it->key().starts_with("g"); it->Next()) {
    if (it->key().size() != 6) continue;
    const uint32_t table_id = DecodeFixed32BE(it->key().data() + 1);
    std::string name;
    if (db_->Get(rocksdb::ReadOptions(), catalog_cf_, TableIdKey(table_id), &name).ok()) {
      tables.push_back(name);
    } else {
      legacy.Delete(catalog_cf_, it->key()).PermitUncheckedError();  // its table is gone
    }
  }
  // Loading a descriptor starts the backfills of its indexes still backfilling, each
  // from its marker (or from the start, writing the marker, when it has none).
  for (const std::string& name : tables) (void)FindHandle(name);
  (void)Commit(&legacy);
}

void EngineImpl::RunBackfill(std::string table_name, uint32_t table_id, uint8_t index_id) {
  const std::string base_prefix = TablePrefix(table_id, kBaseIndexId);
  const std::string end = PrefixSuccessor(base_prefix);
  const std::string marker = BackfillMarkerKey(table_id, index_id);
  std::string resume;
  if (!db_->Get(rocksdb::ReadOptions(), catalog_cf_, marker, &resume).ok() || resume.empty())
    resume = base_prefix;
  bool done = false;
  while (!done && !shutting_down_) {
    auto table = GetTable(table_name);
    if (!table.ok() || table->desc().id != table_id) return;  // table deleted
    const TableDesc& t = table->desc();
    auto index_it = std::find_if(t.indexes.begin(), t.indexes.end(),
                                 [&](const IndexDesc& i) { return i.id == index_id; });
    if (index_it == t.indexes.end() || !index_it->backfilling) return;  // index deleted
    // A chunk of keys, then each item indexed under its lock, all in one batch with the
    // marker's progress.
    std::vector<std::string> keys;
    {
      rocksdb::ReadOptions ro;
      rocksdb::Slice upper(end);
      ro.iterate_upper_bound = &upper;
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, items_cf_));
      for (it->Seek(resume); it->Valid() && keys.size() < kBackfillChunk; it->Next())
        keys.push_back(it->key().ToString());
      if (!it->status().ok()) return;  // retried at the next open
      done = keys.size() < kBackfillChunk;
    }
    std::vector<size_t> stripes;
    for (const std::string& key : keys) stripes.push_back(ItemLocks::StripeOf(key));
    ItemLocks::Guard guard(&locks_, std::move(stripes));
    rocksdb::WriteBatch batch;
    for (const std::string& key : keys) {
      std::optional<dynamo::Item> item;
      if (!ReadItem(key, &item).ok()) return;  // retried at the next open
      if (!item) continue;
      auto index_key = IndexKeyOf(t, *index_it, *item);
      if (!index_key) continue;
      batch.Put(items_cf_, *index_key, EncodeItem(ProjectForIndex(t, *index_it, *item)))
          .PermitUncheckedError();
    }
    if (!keys.empty()) resume = keys.back() + std::string(1, '\0');
    batch.Put(catalog_cf_, marker, resume).PermitUncheckedError();
    if (!Commit(&batch).ok()) return;  // retried at the next open
    IT_CRASH_POINT(kGsiBackfillChunk);
  }
  if (!done) return;  // shutting down: the marker stays, the backfill resumes at next open
  (void)PublishBackfilledIndex(table_name, table_id, index_id);  // else resumed at next open
}

Status EngineImpl::PublishBackfilledIndex(const std::string& table_name, uint32_t table_id,
                                          uint8_t index_id) {
  // Under the exclusive lock no write is in flight: the recount and the switch to live
  // statistics see the same writes. One batch: recount, ACTIVE descriptor, marker gone.
  std::lock_guard<std::mutex> lock(catalog_mu_);
  StatsAccumulator delta;
  static constexpr CrashPoint published_point = CrashPoint::kGsiPublished;
  return ChangeDescriptor(
      table_name,
      [&](TableDesc* d) -> Status {
        if (d->id != table_id) return Status::ResourceNotFound("table replaced");
        for (IndexDesc& i : d->indexes) {
          if (i.id != index_id) continue;
          i.status = dynamo::IndexStatus::kActive;
          i.backfilling = false;
          return Status::Ok();
        }
        return Status::ResourceNotFound("index deleted meanwhile");
      },
      nullptr,
      [&](const TableDesc&, const TableDesc&, rocksdb::WriteBatch* batch) -> Status {
        int64_t items = 0, bytes = 0;
        const std::string prefix = TablePrefix(table_id, index_id);
        const std::string upper_key = PrefixSuccessor(prefix);
        rocksdb::ReadOptions ro;
        rocksdb::Slice upper(upper_key);
        ro.iterate_upper_bound = &upper;
        std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, items_cf_));
        for (it->Seek(prefix); it->Valid(); it->Next()) {
          IT_ASSIGN_OR_RETURN(dynamo::Item entry,
                              DecodeItem(std::string_view(it->value().data(), it->value().size())));
          ++items;
          bytes += static_cast<int64_t>(dynamo::ItemSize(entry));
        }
        IT_RETURN_IF_ERROR(FromRocks(it->status()));
        // Replace the index's entry with the recount: merge the difference.
        std::string value;
        StatsAccumulator current;
        if (db_->Get(rocksdb::ReadOptions(), catalog_cf_, StatsKey(table_id), &value).ok())
          current = DecodeStats(value);
        const auto old = current.deltas[index_id];
        delta.deltas[index_id] = {items - old.first, bytes - old.second};
        AppendStats(table_id, delta, batch);
        return FromRocks(batch->Delete(catalog_cf_, BackfillMarkerKey(table_id, index_id)));
      },
      &published_point);
}

// ------------------------------------------------------------- continuous backups

Result<dynamo::UpdateContinuousBackupsResponse> EngineImpl::UpdateContinuousBackups(
    const dynamo::UpdateContinuousBackupsRequest& r) {
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  const int32_t days = r.recovery_period_in_days.value_or(35);
  if (days < 1 || days > 35) {
    return Status::Validation("RecoveryPeriodInDays must be between 1 and 35");
  }
  std::lock_guard<std::mutex> lock(catalog_mu_);
  std::shared_ptr<const TableDesc> published;
  Status s = ChangeDescriptor(
      r.table_name,
      [&](TableDesc* d) -> Status {
        if (r.point_in_time_recovery_enabled && !d->pitr_enabled) {
          // Writes after the swap are dated from now on: the window starts here.
          d->pitr_enabled_since_micros = clock_->NowMicros();
        }
        d->pitr_enabled = r.point_in_time_recovery_enabled;
        d->pitr_recovery_days = days;
        return Status::Ok();
      },
      &published);
  if (s.code() == Code::kResourceNotFound) {
    return Status(Code::kTableNotFound, "Table not found: " + r.table_name);
  }
  IT_RETURN_IF_ERROR(s);
  dynamo::DescribeContinuousBackupsRequest describe{r.table_name};
  IT_ASSIGN_OR_RETURN(auto described, DescribeContinuousBackups(describe));
  return dynamo::UpdateContinuousBackupsResponse{described.continuous_backups_description};
}

Result<dynamo::DescribeContinuousBackupsResponse> EngineImpl::DescribeContinuousBackups(
    const dynamo::DescribeContinuousBackupsRequest& r) {
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  auto table = GetTable(r.table_name);
  if (!table.ok()) return Status(Code::kTableNotFound, "Table not found: " + r.table_name);
  const TableDesc& d = table->desc();
  dynamo::DescribeContinuousBackupsResponse response;
  auto& pitr = response.continuous_backups_description.point_in_time_recovery_description;
  if (d.pitr_enabled) {
    const int64_t now = clock_->NowMicros();
    const int64_t window = PitrRetentionMicros(d);
    pitr.point_in_time_recovery_status = dynamo::PointInTimeRecoveryStatus::kEnabled;
    pitr.earliest_restorable_date_time =
        static_cast<double>(std::max(d.pitr_enabled_since_micros, now - window)) / 1e6;
    // Records stamped ahead of the wall clock may be dated after now (docs/pitr.md).
    IT_ASSIGN_OR_RETURN(const int64_t latest, LatestChangeDate(d, now));
    pitr.latest_restorable_date_time = static_cast<double>(latest) / 1e6;
    pitr.recovery_period_in_days = d.pitr_recovery_days;
  }
  return response;
}

}  // namespace issuetracker::engine
