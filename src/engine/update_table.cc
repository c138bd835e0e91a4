// UpdateTable (settings, GSI creation — backfilled in the background by Tables —, GSI
// deletion) and the continuous-backups switch.
#include <algorithm>

#include "dynamo/wire_names.h"
#include "engine/core.h"
#include "engine/engine.h"
#include "engine/rocks_status.h"
#include "engine/tables.h"

namespace issuetracker::engine {

namespace {

// Validates and applies one GSI creation to a descriptor copy.
Status AddIndex(const dynamo::CreateGlobalSecondaryIndexAction& a,
                const std::vector<dynamo::AttributeDefinition>& new_defs, TableDesc* d) {
  if (d->FindIndex(a.index_name)) {
    return dynamo::InvalidParameter("Index already exists: " + a.index_name);
  }
  if (std::count_if(d->indexes.begin(), d->indexes.end(),
                    [](const IndexDesc& i) { return !i.local; }) >= 20) {
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
      return dynamo::InvalidParameter(
          "Attributes cannot be redefined. Please check that your attribute has the same type "
          "as previously defined. Attribute: " +
          nd.attribute_name +
          ", existing type: " + std::string(dynamo::ToWire(it->attribute_type)) +
          ", new type: " + std::string(dynamo::ToWire(nd.attribute_type)));
    }
  }
  // The index's key attributes must be defined in the request itself, even those the table
  // already knows.
  IT_RETURN_IF_ERROR(ValidateKeySchema(a.key_schema, new_defs));
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

// What an UpdateTable changed besides settings: the index created or deleted.
struct IndexUpdate {
  std::optional<uint8_t> created;
  std::optional<IndexDesc> deleted;
  CrashPoint point = CrashPoint::kDescriptorChanged;
};

Result<std::vector<IndexDesc>::iterator> FindIndexToUpdate(TableDesc* d, const std::string& name) {
  auto it = std::find_if(d->indexes.begin(), d->indexes.end(),
                         [&](const IndexDesc& i) { return i.name == name && !i.local; });
  if (it == d->indexes.end())
    return Status::ResourceNotFound("Requested resource not found: Index: " + name);
  return it;
}

// Applies the request's index updates to a descriptor copy.
Status ApplyIndexUpdates(const dynamo::UpdateTableRequest& r, TableDesc* d, IndexUpdate* out) {
  for (const auto& u : r.global_secondary_index_updates) {
    if (static_cast<int>(u.create.has_value()) + static_cast<int>(u.delete_index.has_value()) +
            static_cast<int>(u.update.has_value()) !=
        1) {
      return dynamo::InvalidParameter(
          "One of GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Update or "
          "GlobalSecondaryIndexUpdate.Delete must be given, and only one");
    }
    if (u.create) {
      IT_RETURN_IF_ERROR(AddIndex(*u.create, r.attribute_definitions, d));
      out->created = d->indexes.back().id;
      out->point = CrashPoint::kGsiCreated;
    } else if (u.delete_index) {
      IT_ASSIGN_OR_RETURN(auto it, FindIndexToUpdate(d, u.delete_index->index_name));
      out->deleted = *it;
      d->indexes.erase(it);
      out->point = CrashPoint::kGsiDeleted;
    } else if (u.update) {
      IT_ASSIGN_OR_RETURN(auto it, FindIndexToUpdate(d, u.update->index_name));
      it->throughput = u.update->provisioned_throughput;
    }
  }
  return Status::Ok();
}

// Applies the request's stream change to a descriptor copy.
Status ApplyStreamUpdate(EngineCore& core, const dynamo::StreamSpecification& spec, TableDesc* d) {
  if (spec.stream_enabled) {
    if (d->stream) return Status::Validation("Table already has an enabled stream: " + d->name);
    if (!spec.stream_view_type) {
      return dynamo::InvalidParameter(
          "StreamViewType must be specified when StreamEnabled is true");
    }
    d->stream = spec;
    // The descriptor swap waits for in-flight writes, so every later write gets a stamp
    // after this one: the stream starts exactly here.
    IT_ASSIGN_OR_RETURN(d->stream_start_micros, core.MarkerStamp());
    d->stream_label = StreamLabel(d->stream_start_micros);
    return Status::Ok();
  }
  if (!d->stream) return Status::Validation("Table already has stream disabled: " + d->name);
  TableDesc::PastStream past;
  past.label = d->stream_label;
  past.view = d->stream->stream_view_type.value_or(dynamo::StreamViewType::kKeysOnly);
  past.start_micros = d->stream_start_micros;
  IT_ASSIGN_OR_RETURN(past.end_micros, core.MarkerStamp());
  d->previous_stream = past;
  d->stream.reset();
  return Status::Ok();
}

// Applies the request's settings to a descriptor copy.
Status ApplySettings(EngineCore& core, const dynamo::UpdateTableRequest& r, TableDesc* d) {
  if (r.billing_mode && *r.billing_mode != d->billing_mode) {
    d->billing_mode = *r.billing_mode;
    if (d->billing_mode == dynamo::BillingMode::kPayPerRequest)
      d->last_update_to_pay_per_request = static_cast<double>(core.clock()->NowMicros()) / 1e6;
  }
  if (r.provisioned_throughput) {
    if (d->billing_mode == dynamo::BillingMode::kPayPerRequest) {
      return dynamo::InvalidParameter(
          "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
          "specified when BillingMode is PAY_PER_REQUEST");
    }
    d->throughput = *r.provisioned_throughput;
  }
  if (r.sse_specification) d->sse = r.sse_specification;
  if (r.stream_specification)
    IT_RETURN_IF_ERROR(ApplyStreamUpdate(core, *r.stream_specification, d));
  if (r.table_class) {
    d->table_class = *r.table_class;
    d->table_class_set = true;
    d->table_class_updated = static_cast<double>(core.clock()->NowMicros()) / 1e6;
  }
  if (r.deletion_protection_enabled) d->deletion_protection = *r.deletion_protection_enabled;
  return Status::Ok();
}

Status CheckUpdateRequest(const dynamo::UpdateTableRequest& r) {
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  IT_RETURN_IF_ERROR(CheckKeyAttributeNames(r.attribute_definitions, {}, {}));
  for (const auto& u : r.global_secondary_index_updates) {
    if (u.create)
      IT_RETURN_IF_ERROR(
          CheckKeyAttributeNames({}, {&u.create->key_schema}, {&u.create->projection}));
  }
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
  return Status::Ok();
}

}  // namespace

Result<dynamo::UpdateTableResponse> Engine::UpdateTable(const dynamo::UpdateTableRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(*core_, r, [&](const auto& named) { return UpdateTable(named); });
  IT_RETURN_IF_ERROR(CheckUpdateRequest(r));
  std::lock_guard<std::mutex> lock(core_->catalog_mu());
  IndexUpdate update;
  std::shared_ptr<const TableDesc> published;
  auto change = [&](TableDesc* d) -> Status {
    IT_RETURN_IF_ERROR(ApplyIndexUpdates(r, d, &update));
    return ApplySettings(*core_, r, d);
  };
  // What the index change implies is durable with the descriptor, atomically: a new
  // index's backfill marker, or a dropped index's entries and statistics (no writer can
  // target it any more: the swap waits for them).
  auto also = [&](const TableDesc& before, const TableDesc& after, rocksdb::WriteBatch* batch) {
    if (update.created) {
      return FromRocks(batch->Put(core_->catalog_cf(), BackfillMarkerKey(after.id, *update.created),
                                  rocksdb::Slice()));
    }
    if (update.deleted) return tables_->DropIndexData(before, *update.deleted, batch);
    return Status::Ok();
  };
  Status s = core_->ChangeDescriptor(r.table_name, change, &published, also, &update.point);
  if (s.code() == Code::kResourceNotFound && s.message().find("Index") == std::string::npos) {
    return TableNotFound(r.table_name);
  }
  IT_RETURN_IF_ERROR(s);
  if (update.created) tables_->EnsureBackfills(*published);
  dynamo::UpdateTableResponse response;
  IT_ASSIGN_OR_RETURN(response.table_description, core_->Describe(*published));
  if (update.deleted) {
    dynamo::GlobalSecondaryIndexDescription g;
    g.index_name = update.deleted->name;
    g.index_status = dynamo::IndexStatus::kDeleting;
    response.table_description.global_secondary_indexes.push_back(std::move(g));
  }
  return response;
}

// ------------------------------------------------------------- continuous backups

Result<dynamo::UpdateContinuousBackupsResponse> Engine::UpdateContinuousBackups(
    const dynamo::UpdateContinuousBackupsRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(
        *core_, r, [&](const auto& named) { return UpdateContinuousBackups(named); },
        Code::kTableNotFound);
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  const int32_t days = r.recovery_period_in_days.value_or(35);
  if (days < 1 || days > 35) {
    return Status::Validation("RecoveryPeriodInDays must be between 1 and 35");
  }
  std::lock_guard<std::mutex> lock(core_->catalog_mu());
  std::shared_ptr<const TableDesc> published;
  Status s = core_->ChangeDescriptor(
      r.table_name,
      [&](TableDesc* d) -> Status {
        if (r.point_in_time_recovery_enabled && !d->pitr_enabled) {
          // Writes after the swap are dated from now on: the window starts here.
          d->pitr_enabled_since_micros = core_->clock()->NowMicros();
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

Result<dynamo::DescribeContinuousBackupsResponse> Engine::DescribeContinuousBackups(
    const dynamo::DescribeContinuousBackupsRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(
        *core_, r, [&](const auto& named) { return DescribeContinuousBackups(named); },
        Code::kTableNotFound);
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  auto table = core_->GetTable(r.table_name);
  if (!table.ok()) return Status(Code::kTableNotFound, "Table not found: " + r.table_name);
  const TableDesc& d = table->desc();
  dynamo::DescribeContinuousBackupsResponse response;
  auto& pitr = response.continuous_backups_description.point_in_time_recovery_description;
  if (d.pitr_enabled) {
    const int64_t now = core_->clock()->NowMicros();
    const int64_t window = core_->PitrRetentionMicros(d);
    pitr.point_in_time_recovery_status = dynamo::PointInTimeRecoveryStatus::kEnabled;
    pitr.earliest_restorable_date_time =
        static_cast<double>(std::max(d.pitr_enabled_since_micros, now - window)) / 1e6;
    // Records stamped ahead of the wall clock may be dated after now (docs/pitr.md).
    IT_ASSIGN_OR_RETURN(const int64_t latest, core_->LatestChangeDate(d, now));
    pitr.latest_restorable_date_time = static_cast<double>(latest) / 1e6;
    pitr.recovery_period_in_days = d.pitr_recovery_days;
  }
  return response;
}

}  // namespace issuetracker::engine
