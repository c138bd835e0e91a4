// Control plane: CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTable, tags
// and the continuous-backups switch.
#include <rocksdb/iterator.h>

#include <algorithm>
#include <random>
#include <set>

#include "dynamo/wire_names.h"
#include "engine/engine_impl.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"

namespace issuetracker::engine {

namespace {

constexpr std::string_view kTableKeyPrefix = "t/";
constexpr size_t kMaxTags = 50;

std::string NewUuid() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  const uint64_t a = rng(), b = rng();
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFF),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
  return buf;
}

Status TableNotFound(std::string_view name) {
  return Status::ResourceNotFound("Requested resource not found: Table: " + std::string(name) +
                                  " not found");
}

Status ValidateTags(const std::vector<dynamo::Tag>& tags) {
  for (const auto& t : tags) {
    if (t.key.empty() || t.key.size() > 128) {
      return Status::Validation(
          "1 validation error detected: Value '" + t.key +
          "' at 'tags.member.key' failed to satisfy constraint: Member must have "
          "length less than or equal to 128 and greater than or equal to 1");
    }
    if (t.value.size() > 256) {
      return Status::Validation(
          "1 validation error detected: Value at 'tags.member.value' failed to "
          "satisfy constraint: Member must have length less than or equal to 256");
    }
  }
  return Status::Ok();
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

Result<dynamo::CreateTableResponse> EngineImpl::CreateTable(const dynamo::CreateTableRequest& r) {
  IT_RETURN_IF_ERROR(ValidateCreateTable(r));
  IT_RETURN_IF_ERROR(ValidateTags(r.tags));
  std::lock_guard<std::mutex> lock(catalog_mu_);
  IT_ASSIGN_OR_RETURN(auto existing, FindHandle(r.table_name));
  if (existing) {
    std::shared_lock<std::shared_mutex> table_lock(existing->mu);
    if (!existing->deleted) return Status::ResourceInUse("Table already exists: " + r.table_name);
  }
  rocksdb::WriteBatch batch;
  IT_ASSIGN_OR_RETURN(uint32_t id, AllocateTableId(&batch));
  TableDesc desc =
      DescFromCreateRequest(r, id, NewUuid(), static_cast<double>(clock_->NowMicros()) / 1e6);
  if (desc.stream) {
    IT_ASSIGN_OR_RETURN(desc.stream_start_micros, MarkerStamp());
    desc.stream_label = StreamLabel(desc.stream_start_micros);
  }
  IT_RETURN_IF_ERROR(PersistDesc(desc, &batch));
  batch.Put(catalog_cf_, TableIdKey(id), desc.name).PermitUncheckedError();
  IT_RETURN_IF_ERROR(Commit(&batch));
  IT_CRASH_POINT(kTableCreated);
  auto handle = std::make_shared<TableHandle>();
  handle->desc = std::make_shared<const TableDesc>(std::move(desc));
  handle->metrics.since_micros = clock_->NowMicros();
  {
    std::unique_lock<std::shared_mutex> tables_lock(tables_mu_);
    tables_[r.table_name] = handle;
  }
  dynamo::CreateTableResponse response;
  response.table_description = Describe(*handle->desc);
  return response;
}

Result<dynamo::DescribeTableResponse> EngineImpl::DescribeTable(
    const dynamo::DescribeTableRequest& r) {
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  auto table = GetTable(r.table_name);
  if (!table.ok()) return TableNotFound(r.table_name);
  dynamo::DescribeTableResponse response;
  response.table = Describe(table->desc());
  return response;
}

Result<dynamo::ListTablesResponse> EngineImpl::ListTables(const dynamo::ListTablesRequest& r) {
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
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), catalog_cf_));
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

Result<dynamo::DeleteTableResponse> EngineImpl::DeleteTable(const dynamo::DeleteTableRequest& r) {
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  std::lock_guard<std::mutex> lock(catalog_mu_);
  IT_ASSIGN_OR_RETURN(auto handle, FindHandle(r.table_name));
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
  response.table_description = Describe(desc);
  response.table_description.table_status = dynamo::TableStatus::kDeleting;

  // One atomic batch: the descriptor, every item, index entry and change record (each
  // family under the table's id: one range tombstone) and every marker of the table.
  rocksdb::WriteBatch batch;
  batch.Delete(catalog_cf_, std::string(kTableKeyPrefix) + desc.name).PermitUncheckedError();
  batch.Delete(catalog_cf_, "b/" + desc.name).PermitUncheckedError();  // an old version's
  batch.Delete(catalog_cf_, TableIdKey(desc.id)).PermitUncheckedError();
  batch.Delete(catalog_cf_, StatsKey(desc.id)).PermitUncheckedError();
  for (char marker : {'g', 'p'}) {
    const std::string markers = CatalogTablePrefix(marker, desc.id);
    batch.DeleteRange(catalog_cf_, markers, PrefixSuccessor(markers)).PermitUncheckedError();
  }
  const std::string prefix = TableIdPrefix(desc.id);
  batch.DeleteRange(items_cf_, prefix, PrefixSuccessor(prefix)).PermitUncheckedError();
  batch.DeleteRange(changes_cf_, prefix, PrefixSuccessor(prefix)).PermitUncheckedError();
  IT_RETURN_IF_ERROR(Commit(&batch));
  IT_CRASH_POINT(kTableDeleted);
  handle->deleted = true;
  {
    std::unique_lock<std::shared_mutex> tables_lock(tables_mu_);
    tables_.erase(r.table_name);
  }
  return response;
}

Status EngineImpl::TagResource(const dynamo::TagResourceRequest& r) {
  IT_RETURN_IF_ERROR(ValidateTags(r.tags));
  const std::string prefix = TableArn("");
  if (!r.resource_arn.starts_with(prefix))
    return Status::Validation("Invalid TableArn: " + r.resource_arn);
  const std::string name = r.resource_arn.substr(prefix.size());
  Status s = ChangeDescriptor(name, [&](TableDesc* d) {
    MergeTags(r.tags, &d->tags);
    if (d->tags.size() > kMaxTags)
      return Status(Code::kLimitExceeded, "The number of tags exceeds the limit of 50");
    return Status::Ok();
  });
  if (s.code() == Code::kResourceNotFound) {
    return Status::ResourceNotFound("Requested resource not found: ResourcArn: " + r.resource_arn +
                                    " not found");
  }
  return s;
}

Status EngineImpl::UntagResource(const dynamo::UntagResourceRequest& r) {
  const std::string prefix = TableArn("");
  if (!r.resource_arn.starts_with(prefix))
    return Status::Validation("Invalid TableArn: " + r.resource_arn);
  Status s = ChangeDescriptor(r.resource_arn.substr(prefix.size()), [&](TableDesc* d) {
    std::erase_if(d->tags, [&](const dynamo::Tag& t) {
      return std::find(r.tag_keys.begin(), r.tag_keys.end(), t.key) != r.tag_keys.end();
    });
    return Status::Ok();
  });
  if (s.code() == Code::kResourceNotFound) {
    return Status::ResourceNotFound("Requested resource not found: ResourcArn: " + r.resource_arn +
                                    " not found");
  }
  return s;
}

Result<dynamo::ListTagsOfResourceResponse> EngineImpl::ListTagsOfResource(
    const dynamo::ListTagsOfResourceRequest& r) {
  const std::string prefix = TableArn("");
  if (!r.resource_arn.starts_with(prefix))
    return Status::Validation("Invalid TableArn: " + r.resource_arn);
  auto table = GetTable(r.resource_arn.substr(prefix.size()));
  if (!table.ok()) {
    return Status::ResourceNotFound("Requested resource not found: ResourcArn: " + r.resource_arn +
                                    " not found");
  }
  dynamo::ListTagsOfResourceResponse response;
  response.tags = table->desc().tags;
  return response;
}

}  // namespace issuetracker::engine
