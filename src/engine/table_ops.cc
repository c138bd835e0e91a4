// Control plane: CreateTable, DescribeTable, ListTables, DeleteTable, tags, table metrics
// (UpdateTable and the continuous-backups switch are in update_table.cc).
#include <rocksdb/iterator.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

#include "dynamo/wire_names.h"
#include "engine/core.h"
#include "engine/engine.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"

namespace issuetracker::engine {

namespace {

constexpr std::string_view kTableKeyPrefix = "t/";
constexpr size_t kMaxTags = 50;

std::string NewUuid(Env* env) {
  const uint64_t a = env->Random64(), b = env->Random64();
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFF),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
  return buf;
}

// Characters of UTF-8 text (tag lengths count characters, not bytes).
size_t Characters(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Whether a tag key or value matches DynamoDB's pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]*:
// letters, separators and numbers of any script (every non-ASCII character is taken as
// one), and these ASCII ones.
bool IsTagText(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x80 || std::isalnum(c) || std::strchr(" _.:/=+-@", c) != nullptr;
  });
}

Status ValidateTags(const std::vector<dynamo::Tag>& tags) {
  constexpr std::string_view kPattern =
      "Member must satisfy regular expression pattern: "
      "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";
  for (size_t i = 0; i < tags.size(); ++i) {
    const dynamo::Tag& t = tags[i];
    const std::string at = "' at 'tags." + std::to_string(i + 1) + ".member.";
    if (t.key.empty() || Characters(t.key) > 128) {
      return Status::Validation("1 validation error detected: Value '" + t.key + at +
                                "key' failed to satisfy constraint: Member must have "
                                "length less than or equal to 128 and greater than or equal to 1");
    }
    if (Characters(t.value) > 256) {
      return Status::Validation("1 validation error detected: Value '" + t.value + at +
                                "value' failed to satisfy constraint: Member must have length "
                                "less than or equal to 256");
    }
    if (!IsTagText(t.key)) {
      return Status::Validation("1 validation error detected: Value '" + t.key + at +
                                "key' failed to satisfy constraint: " + std::string(kPattern));
    }
    if (!IsTagText(t.value)) {
      return Status::Validation("1 validation error detected: Value '" + t.value + at +
                                "value' failed to satisfy constraint: " + std::string(kPattern));
    }
  }
  return Status::Ok();
}

// The table a ResourceArn names: ValidationException for what is no table's ARN (not an
// ARN, another service's, an index's), as DynamoDB answers; ResourceNotFoundException for
// another region's or account's table (EngineCore::TableNameOf).
Result<std::string> TableOfArn(const EngineCore& core, const std::string& arn) {
  if (!IsTableArn(arn))
    return Status::Validation("Invalid TableArn: ARNs must start with 'arn:': " + arn);
  IT_ASSIGN_OR_RETURN(std::string_view name, core.TableNameOf(arn));
  return std::string(name);
}

Status ArnNotFound(const std::string& arn) {
  return Status::ResourceNotFound("Requested resource not found: ResourcArn: " + arn +
                                  " not found");
}

// Merges tags into `existing`: same keys are overwritten.
void MergeTags(const std::vector<dynamo::Tag>& tags, std::vector<dynamo::Tag>* existing) {
  for (const auto& t : tags) {
    auto it = std::find_if(existing->begin(), existing->end(),
                           [&](const dynamo::Tag& e) { return e.key == t.key; });
    if (it != existing->end()) {
      it->value = t.value;
    } else {
      existing->push_back(t);
    }
  }
}

}  // namespace

Result<dynamo::CreateTableResponse> Engine::CreateTable(const dynamo::CreateTableRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(*core_, r, [&](const auto& named) { return CreateTable(named); });
  IT_RETURN_IF_ERROR(ValidateCreateTable(r));
  IT_RETURN_IF_ERROR(ValidateTags(r.tags));
  std::lock_guard<std::mutex> lock(core_->catalog_mu());
  IT_ASSIGN_OR_RETURN(auto existing, core_->FindHandle(r.table_name));
  if (existing) {
    std::shared_lock<std::shared_mutex> table_lock(existing->mu);
    if (!existing->deleted) return Status::ResourceInUse("Table already exists: " + r.table_name);
  }
  rocksdb::WriteBatch batch;
  IT_ASSIGN_OR_RETURN(uint32_t id, core_->AllocateTableId(&batch));
  TableDesc desc = DescFromCreateRequest(r, id, NewUuid(core_->env()),
                                         static_cast<double>(core_->clock()->NowMicros()) / 1e6);
  if (desc.stream) {
    IT_ASSIGN_OR_RETURN(desc.stream_start_micros, core_->MarkerStamp());
    desc.stream_label = StreamLabel(desc.stream_start_micros);
  }
  IT_RETURN_IF_ERROR(core_->PersistDesc(desc, &batch));
  batch.Put(core_->catalog_cf(), TableIdKey(id), desc.name).PermitUncheckedError();
  IT_RETURN_IF_ERROR(core_->Commit(&batch));
  IT_CRASH_POINT(kTableCreated);
  auto handle = core_->AddTable(std::move(desc));
  dynamo::CreateTableResponse response;
  IT_ASSIGN_OR_RETURN(response.table_description, core_->Describe(*handle->desc));
  return response;
}

Result<dynamo::DescribeTableResponse> Engine::DescribeTable(const dynamo::DescribeTableRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(*core_, r, [&](const auto& named) { return DescribeTable(named); });
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  auto table = core_->GetTable(r.table_name);
  if (!table.ok()) return TableNotFound(r.table_name);
  dynamo::DescribeTableResponse response;
  IT_ASSIGN_OR_RETURN(response.table, core_->Describe(table->desc()));
  return response;
}

Result<dynamo::ListTablesResponse> Engine::ListTables(const dynamo::ListTablesRequest& r) {
  const int32_t limit = r.limit.value_or(100);
  if (limit < 1 || limit > 100) {
    return Status::Validation("1 validation error detected: Value '" + std::to_string(limit) +
                              "' at 'limit' failed to satisfy constraint: Member must have value "
                              "less than or equal to 100 and greater than or equal to 1");
  }
  if (r.exclusive_start_table_name) {
    IT_RETURN_IF_ERROR(ValidateTableName(*r.exclusive_start_table_name, "exclusiveStartTableName"));
  }
  dynamo::ListTablesResponse response;
  std::unique_ptr<rocksdb::Iterator> it(
      core_->db()->NewIterator(rocksdb::ReadOptions(), core_->catalog_cf()));
  std::string start(kTableKeyPrefix);
  if (r.exclusive_start_table_name) start += *r.exclusive_start_table_name + std::string(1, '\0');
  for (it->Seek(start); it->Valid() && it->key().starts_with(rocksdb::Slice(
                                           kTableKeyPrefix.data(), kTableKeyPrefix.size()));
       it->Next()) {
    if (static_cast<int32_t>(response.table_names.size()) == limit) {
      response.last_evaluated_table_name = response.table_names.back();
      break;
    }
    response.table_names.push_back(it->key().ToString().substr(kTableKeyPrefix.size()));
  }
  return response;
}

Result<dynamo::DeleteTableResponse> Engine::DeleteTable(const dynamo::DeleteTableRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(*core_, r, [&](const auto& named) { return DeleteTable(named); });
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  std::lock_guard<std::mutex> lock(core_->catalog_mu());
  IT_ASSIGN_OR_RETURN(auto handle, core_->FindHandle(r.table_name));
  if (!handle) return TableNotFound(r.table_name);
  std::unique_lock<std::shared_mutex> table_lock(handle->mu);
  if (handle->deleted) return TableNotFound(r.table_name);
  const TableDesc& desc = *handle->desc;
  if (desc.deletion_protection) {
    return Status::Validation(
        "Resource cannot be deleted as it is currently protected against deletion. Disable "
        "deletion protection first.");
  }
  dynamo::DeleteTableResponse response;
  // A table whose statistics no longer decode can still be deleted: its description then
  // shows no items rather than refusing the deletion.
  auto described = core_->Describe(desc);
  response.table_description =
      described.ok() ? std::move(*described) : core_->DescribeWith(desc, StatsAccumulator());
  // DeleteTable's description is abbreviated, as DynamoDB's: no creation time, key schema,
  // attribute definitions or indexes.
  dynamo::TableDescription& d = response.table_description;
  d.table_status = dynamo::TableStatus::kDeleting;
  d.creation_date_time = 0;
  d.key_schema.clear();
  d.attribute_definitions.clear();
  d.global_secondary_indexes.clear();
  d.local_secondary_indexes.clear();

  // One atomic batch: the descriptor, every item, index entry and change record (each
  // family under the table's id: one range tombstone) and every marker of the table.
  rocksdb::WriteBatch batch;
  rocksdb::ColumnFamilyHandle* catalog = core_->catalog_cf();
  batch.Delete(catalog, std::string(kTableKeyPrefix) + desc.name).PermitUncheckedError();
  batch.Delete(catalog, "b/" + desc.name).PermitUncheckedError();  // an old version's
  batch.Delete(catalog, TableIdKey(desc.id)).PermitUncheckedError();
  batch.Delete(catalog, StatsKey(desc.id)).PermitUncheckedError();
  for (char marker : {'g', 'p', 'c', 'x'}) {  // backfills, restores, collections, TTL
    const std::string markers = CatalogTablePrefix(marker, desc.id);
    batch.DeleteRange(catalog, markers, PrefixSuccessor(markers)).PermitUncheckedError();
  }
  const std::string prefix = TableIdPrefix(desc.id);
  for (rocksdb::ColumnFamilyHandle* cf : {core_->items_cf(), core_->changes_cf()})
    batch.DeleteRange(cf, prefix, PrefixSuccessor(prefix)).PermitUncheckedError();
  IT_RETURN_IF_ERROR(core_->Commit(&batch));
  IT_CRASH_POINT(kTableDeleted);
  handle->deleted = true;
  core_->RemoveTable(r.table_name);
  return response;
}

Status Engine::TagResource(const dynamo::TagResourceRequest& r) {
  if (r.tags.empty()) {
    return Status::Validation(
        "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member "
        "must have length greater than or equal to 1");
  }
  IT_RETURN_IF_ERROR(ValidateTags(r.tags));
  IT_ASSIGN_OR_RETURN(const std::string name, TableOfArn(*core_, r.resource_arn));
  Status s = core_->ChangeDescriptor(name, [&](TableDesc* d) {
    MergeTags(r.tags, &d->tags);
    if (d->tags.size() > kMaxTags) {  // ValidationException in DynamoDB, not LimitExceeded
      return Status::Validation(
          "One or more parameter values were invalid: The number of tags exceeds the limit of 50");
    }
    return Status::Ok();
  });
  if (s.code() == Code::kResourceNotFound) return ArnNotFound(r.resource_arn);
  return s;
}

Status Engine::UntagResource(const dynamo::UntagResourceRequest& r) {
  IT_ASSIGN_OR_RETURN(const std::string name, TableOfArn(*core_, r.resource_arn));
  Status s = core_->ChangeDescriptor(name, [&](TableDesc* d) {
    std::erase_if(d->tags, [&](const dynamo::Tag& t) {
      return std::find(r.tag_keys.begin(), r.tag_keys.end(), t.key) != r.tag_keys.end();
    });
    return Status::Ok();
  });
  if (s.code() == Code::kResourceNotFound) return ArnNotFound(r.resource_arn);
  return s;
}

Result<dynamo::ListTagsOfResourceResponse> Engine::ListTagsOfResource(
    const dynamo::ListTagsOfResourceRequest& r) {
  IT_ASSIGN_OR_RETURN(const std::string name, TableOfArn(*core_, r.resource_arn));
  auto table = core_->GetTable(name);
  if (!table.ok()) return ArnNotFound(r.resource_arn);
  dynamo::ListTagsOfResourceResponse response;
  response.tags = table->desc().tags;
  return response;
}

Result<dynamo::DescribeTableMetricsResponse> Engine::DescribeTableMetrics(
    const dynamo::DescribeTableMetricsRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(*core_, r, [&](const auto& named) { return DescribeTableMetrics(named); });
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  IT_ASSIGN_OR_RETURN(auto handle, core_->FindHandle(r.table_name));
  if (!handle) return TableNotFound(r.table_name);
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

}  // namespace issuetracker::engine
