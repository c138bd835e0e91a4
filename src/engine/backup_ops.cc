// On-demand backups: RocksDB checkpoints (hard-linked, point-in-time consistent copies of
// the whole database, taken while writes continue) plus a metadata record per backup.
// A restore opens the checkpoint read-only and bulk-loads the table's items from it.
#include <rocksdb/iterator.h>
#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "engine/engine.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"
#include "engine/restores.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

namespace json = boost::json;
using dynamo::Item;

namespace {

constexpr std::string_view kBackupKeyPrefix = "k/";

// CreateBackup's ids: the stamp in at least 17 decimal digits, '-', 8 lowercase hex digits.
bool IsBackupId(std::string_view id) {
  const size_t dash = id.find('-');
  if (dash == id.npos || dash < 17 || dash > 19 || id.size() != dash + 9) return false;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto hex = [&](char c) { return digit(c) || (c >= 'a' && c <= 'f'); };
  return std::all_of(id.begin(), id.begin() + dash, digit) &&
         std::all_of(id.begin() + dash + 1, id.end(), hex);
}

}  // namespace

std::string SerializeBackupMeta(const BackupMeta& m) {
  return json::serialize(json::object{{"id", m.id},
                                      {"arn", m.arn},
                                      {"name", m.name},
                                      {"created", m.created},
                                      {"size_bytes", m.size_bytes},
                                      {"item_count", m.item_count},
                                      {"table_arn", m.table_arn},
                                      {"desc", m.desc_json}});
}

Result<BackupMeta> ParseBackupMeta(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::Corruption("bad backup metadata");
  try {
    const auto& o = v.as_object();
    IT_RETURN_IF_ERROR(CheckOnlyFields(
        o, {"id", "arn", "name", "created", "size_bytes", "item_count", "table_arn", "desc"},
        "backup metadata"));
    BackupMeta m;
    m.id = std::string(o.at("id").as_string());
    m.arn = std::string(o.at("arn").as_string());
    m.name = std::string(o.at("name").as_string());
    m.created = o.at("created").to_number<double>();
    m.size_bytes = o.at("size_bytes").to_number<int64_t>();
    m.item_count = o.at("item_count").to_number<int64_t>();
    m.table_arn = std::string(o.at("table_arn").as_string());
    m.desc_json = std::string(o.at("desc").as_string());
    // The id names the backup's directory: only what CreateBackup writes is accepted.
    if (!IsBackupId(m.id) || m.arn != m.table_arn + "/backup/" + m.id ||
        !IsStoredSeconds(m.created) || m.size_bytes < 0 || m.item_count < 0)
      return Status::Corruption("bad backup metadata");
    return m;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("bad backup metadata: ") + e.what());
  }
}

namespace {

// The backup id at the end of an ARN ("...:table/T/backup/<id>").
std::optional<std::string> BackupIdOf(std::string_view arn) {
  const auto pos = arn.rfind("/backup/");
  if (pos == std::string_view::npos) return std::nullopt;
  std::string id(arn.substr(pos + 8));
  if (id.empty() || id.find('/') != std::string::npos || id.find("..") != std::string::npos)
    return std::nullopt;
  return id;
}

Status BackupNotFound(std::string_view arn) {
  return Status(Code::kBackupNotFound, "Backup not found for arn: " + std::string(arn));
}

dynamo::BackupDetails DetailsOf(const BackupMeta& m) {
  dynamo::BackupDetails d;
  d.backup_arn = m.arn;
  d.backup_name = m.name;
  d.backup_size_bytes = m.size_bytes;
  d.backup_status = dynamo::BackupStatus::kAvailable;
  d.backup_type = dynamo::BackupType::kUser;
  d.backup_creation_date_time = m.created;
  return d;
}

}  // namespace

static std::string BackupDir(const EngineOptions& options, std::string_view id) {
  return options.path + "/backups/" + std::string(id);
}

static Result<BackupMeta> LoadBackup(EngineCore& e, std::string_view arn) {
  auto id = BackupIdOf(arn);
  if (!id) return BackupNotFound(arn);
  std::string value;
  rocksdb::Status s = e.db()->Get(rocksdb::ReadOptions(), e.catalog_cf(),
                                  std::string(kBackupKeyPrefix) + *id, &value);
  if (s.IsNotFound()) return BackupNotFound(arn);
  IT_RETURN_IF_ERROR(FromRocks(s));
  IT_ASSIGN_OR_RETURN(BackupMeta meta, ParseBackupMeta(value));
  if (meta.arn != arn) return BackupNotFound(arn);
  return meta;
}

static dynamo::BackupDescription DescribeMeta(EngineCore& e, const BackupMeta& m) {
  dynamo::BackupDescription d;
  d.backup_details = DetailsOf(m);
  auto desc = ParseTableDesc(m.desc_json);
  if (desc.ok()) {
    // Only the source's names and key schema are shown: no statistics needed.
    dynamo::TableDescription t = e.DescribeWith(*desc, StatsAccumulator());
    auto& s = d.source_table_details;
    s.table_name = t.table_name;
    s.table_id = t.table_id;
    s.table_arn = t.table_arn;
    s.key_schema = t.key_schema;
    s.table_creation_date_time = t.creation_date_time;
    s.provisioned_throughput = t.provisioned_throughput;
    s.item_count = m.item_count;
    s.table_size_bytes = m.size_bytes;
    s.billing_mode = desc->billing_mode;
    d.global_secondary_indexes = t.global_secondary_indexes;
    for (auto& g : d.global_secondary_indexes) g.item_count = g.index_size_bytes = 0;
    d.local_secondary_indexes = t.local_secondary_indexes;
    for (auto& l : d.local_secondary_indexes) l.item_count = l.index_size_bytes = 0;
  }
  return d;
}

Result<dynamo::CreateBackupResponse> Engine::CreateBackup(const dynamo::CreateBackupRequest& r) {
  if (IsTableArn(r.table_name))
    return WithTableName(
        *core_, r, [&](const auto& named) { return CreateBackup(named); }, Code::kTableNotFound);
  IT_RETURN_IF_ERROR(ValidateTableName(r.table_name));
  if (r.backup_name.size() < 3 || r.backup_name.size() > 255 ||
      r.backup_name.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
          std::string::npos) {
    return Status::Validation(
        "1 validation error detected: Value '" + r.backup_name +
        "' at 'backupName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [a-zA-Z0-9_.-]+ and have length between 3 and 255");
  }
  auto table = core_->GetTable(r.table_name);
  if (!table.ok()) return Status(Code::kTableNotFound, "Table not found: " + r.table_name);
  const TableDesc& t = table->desc();
  BackupMeta meta;
  char id[40];
  const int64_t now = core_->clock()->NowMicros();
  // A change stamp is strictly increasing: backup ids sort in creation order.
  IT_ASSIGN_OR_RETURN(const int64_t stamp, core_->MarkerStamp());
  std::snprintf(id, sizeof(id), "%017lld-%08x", static_cast<long long>(stamp),
                static_cast<unsigned>(core_->env()->Random64()));
  meta.id = id;
  meta.arn = core_->TableArn(t.name) + "/backup/" + meta.id;
  meta.name = r.backup_name;
  meta.created = static_cast<double>(now) / 1e6;
  meta.table_arn = core_->TableArn(t.name);
  meta.desc_json = SerializeTableDesc(t);
  // The checkpoint is one consistent instant of the whole database; writers go on
  // meanwhile (the table's shared lock only keeps its schema still).
  IT_RETURN_IF_ERROR(core_->CreateDirs(core_->options().path + "/backups"));
  rocksdb::Checkpoint* raw = nullptr;
  IT_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(core_->db(), &raw)));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  IT_RETURN_IF_ERROR(FromRocks(checkpoint->CreateCheckpoint(BackupDir(core_->options(), meta.id))));
  // A crash from here until the metadata is written leaves a checkpoint without metadata,
  // which the next open removes.
  IT_CRASH_POINT(kBackupCheckpointed);
  IT_ASSIGN_OR_RETURN(const dynamo::TableDescription described, core_->Describe(t));
  meta.size_bytes = described.table_size_bytes;
  meta.item_count = described.item_count;
  rocksdb::WriteBatch batch;
  batch.Put(core_->catalog_cf(), std::string(kBackupKeyPrefix) + meta.id, SerializeBackupMeta(meta))
      .PermitUncheckedError();
  IT_RETURN_IF_ERROR(core_->CommitDurably(&batch));
  IT_CRASH_POINT(kBackupRecorded);
  return dynamo::CreateBackupResponse{DetailsOf(meta)};
}

void Restores::CleanUpOrphanBackups() {
  auto entries = core_.Children(core_.options().path + "/backups");
  if (!entries.ok()) return;  // tried again at the next open
  for (const std::string& id : *entries) {
    std::string value;
    if (core_.db()
            ->Get(rocksdb::ReadOptions(), core_.catalog_cf(), std::string(kBackupKeyPrefix) + id,
                  &value)
            .IsNotFound()) {
      // Also a checkpoint's unfinished ".tmp" directory.
      (void)core_.RemoveTree(BackupDir(core_.options(), id));
    }
  }
  IT_CRASH_POINT(kRecoveredBackups);
}

Result<dynamo::DescribeBackupResponse> Engine::DescribeBackup(
    const dynamo::DescribeBackupRequest& r) {
  IT_ASSIGN_OR_RETURN(BackupMeta meta, LoadBackup(*core_, r.backup_arn));
  return dynamo::DescribeBackupResponse{DescribeMeta(*core_, meta)};
}

Result<dynamo::ListBackupsResponse> Engine::ListBackups(const dynamo::ListBackupsRequest& r) {
  const int32_t limit = r.limit.value_or(100);
  if (limit < 1 || limit > 100) {
    return Status::Validation(
        "1 validation error detected: Value '" + std::to_string(limit) +
        "' at 'limit' failed to satisfy constraint: Member must have value less than or "
        "equal to 100 and greater than or equal to 1");
  }
  std::optional<std::string_view> table;  // the name, when TableName is the table's ARN
  if (r.table_name) {
    Result<std::string_view> name = core_->TableNameOf(*r.table_name);
    // Another region's or account's table has no backups here.
    if (name.status().code() == Code::kResourceNotFound) return dynamo::ListBackupsResponse{};
    IT_RETURN_IF_ERROR(name.status());
    table = *name;
  }
  std::string start(kBackupKeyPrefix);
  if (r.exclusive_start_backup_arn) {
    auto id = BackupIdOf(*r.exclusive_start_backup_arn);
    if (!id) return Status::Validation("Invalid ExclusiveStartBackupArn");
    start += *id + std::string(1, '\0');
  }
  dynamo::ListBackupsResponse response;
  std::unique_ptr<rocksdb::Iterator> it(
      core_->db()->NewIterator(rocksdb::ReadOptions(), core_->catalog_cf()));
  for (it->Seek(start); it->Valid() && it->key().starts_with("k/"); it->Next()) {
    IT_ASSIGN_OR_RETURN(BackupMeta m,
                        ParseBackupMeta(std::string_view(it->value().data(), it->value().size())));
    if (it->key().ToStringView().substr(kBackupKeyPrefix.size()) != m.id)
      return Status::Corruption("backup metadata under another backup's key");
    const std::string table_name = m.table_arn.substr(m.table_arn.rfind('/') + 1);
    if (table && *table != table_name) continue;
    if (r.time_range_lower_bound && m.created < *r.time_range_lower_bound) continue;
    if (r.time_range_upper_bound && m.created >= *r.time_range_upper_bound) continue;
    if (static_cast<int32_t>(response.backup_summaries.size()) == limit) {
      response.last_evaluated_backup_arn = response.backup_summaries.back().backup_arn;
      break;
    }
    dynamo::BackupSummary s;
    s.table_name = table_name;
    s.table_arn = m.table_arn;
    auto desc = ParseTableDesc(m.desc_json);
    if (desc.ok()) s.table_id = desc->uuid;
    s.backup_arn = m.arn;
    s.backup_name = m.name;
    s.backup_creation_date_time = m.created;
    s.backup_size_bytes = m.size_bytes;
    response.backup_summaries.push_back(std::move(s));
  }
  return response;
}

Result<dynamo::DeleteBackupResponse> Engine::DeleteBackup(const dynamo::DeleteBackupRequest& r) {
  IT_ASSIGN_OR_RETURN(BackupMeta meta, LoadBackup(*core_, r.backup_arn));
  rocksdb::WriteBatch batch;
  batch.Delete(core_->catalog_cf(), std::string(kBackupKeyPrefix) + meta.id).PermitUncheckedError();
  IT_RETURN_IF_ERROR(core_->CommitDurably(&batch));
  IT_CRASH_POINT(kBackupUnrecorded);  // the next open removes the checkpoint
  (void)core_->RemoveTree(BackupDir(core_->options(), meta.id));  // else removed at next open
  IT_CRASH_POINT(kBackupRemoved);
  dynamo::DeleteBackupResponse response{DescribeMeta(*core_, meta)};
  response.backup_description.backup_details.backup_status = dynamo::BackupStatus::kDeleted;
  return response;
}

Result<dynamo::RestoreTableFromBackupResponse> Engine::RestoreTableFromBackup(
    const dynamo::RestoreTableFromBackupRequest& r) {
  IT_ASSIGN_OR_RETURN(BackupMeta meta, LoadBackup(*core_, r.backup_arn));
  IT_ASSIGN_OR_RETURN(TableDesc source, ParseTableDesc(meta.desc_json));
  // Open the checkpoint read-only, with the column families it was written with.
  rocksdb::Options db_options;
  db_options.env = core_->db()->GetEnv();  // the Env's file system
  EngineOptions backup_options = core_->options();
  backup_options.block_cache_bytes = 8u << 20;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = EngineColumnFamilies(backup_options);
  std::vector<std::string> names;
  for (const auto& f : families) names.push_back(f.name);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  IT_RETURN_IF_ERROR(FromRocks(rocksdb::DB::OpenForReadOnly(
      db_options, BackupDir(core_->options(), meta.id), families, &handles, &raw)));
  std::unique_ptr<rocksdb::DB> backup(raw);
  rocksdb::ColumnFamilyHandle* items = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "items") items = handles[i];
  }
  auto restored = restores_->RestoreIntoNewTable(
      source, r.target_table_name, r.overrides,
      [&](int64_t segment, int64_t segments, const Restores::ItemSink& sink) -> Status {
        if (!items) return Status::Corruption("backup has no items column family");
        std::string lo, hi;
        HashSegmentBounds(source.id, kBaseIndexId, segment, segments, &lo, &hi);
        rocksdb::ReadOptions ro;
        rocksdb::Slice upper(hi);
        ro.iterate_upper_bound = &upper;
        std::unique_ptr<rocksdb::Iterator> it(backup->NewIterator(ro, items));
        for (it->Seek(lo); it->Valid(); it->Next()) {
          IT_ASSIGN_OR_RETURN(Item item,
                              DecodeItem(std::string_view(it->value().data(), it->value().size())));
          IT_RETURN_IF_ERROR(sink(std::move(item)));
        }
        return FromRocks(it->status());
      });
  for (auto* h : handles) backup->DestroyColumnFamilyHandle(h);
  IT_RETURN_IF_ERROR(restored.status());
  return dynamo::RestoreTableFromBackupResponse{std::move(*restored)};
}

}  // namespace issuetracker::engine
