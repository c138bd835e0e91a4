#include "tenancy/restore.h"

#include <chrono>
#include <map>
#include <set>

#include "dynamo/extensions.h"
#include "tenancy/schema_names.h"
#include "tenancy/store_util.h"

namespace issuetracker::tenancy {
namespace {

using dynamo::Item;

// The items of `table` whose `partition_key` starts with `prefix`, by primary key (encoded
// as its DebugString, which is exact and orders consistently).
Status ScanPrefix(dynamo::Backend& backend, const std::string& table, const TableSpec& spec,
                  const std::string& prefix, std::map<std::string, Item>* out) {
  dynamo::ScanRequest scan;
  scan.table_name = table;
  scan.consistent_read = true;
  if (!prefix.empty()) {
    scan.filter_expression = "begins_with(#pk, :prefix)";
    scan.expression_attribute_names["#pk"] = spec.partition_key;
    scan.expression_attribute_values[":prefix"] = dynamo::AttributeValue::S(prefix);
  }
  while (true) {
    IT_ASSIGN_OR_RETURN(dynamo::ScanResponse page, backend.Scan(scan));
    for (Item& item : page.items) {
      Item key;
      for (const std::string* name :
           {&spec.partition_key, spec.sort_key ? &*spec.sort_key : nullptr}) {
        if (name == nullptr) continue;
        auto it = item.find(*name);
        if (it == item.end()) return Status::Corruption("an item of " + table + " has no key");
        key.emplace(*name, it->second);
      }
      (*out)[dynamo::ItemDebugString(key)] = std::move(item);
    }
    if (!page.last_evaluated_key) return Status::Ok();
    scan.exclusive_start_key = std::move(page.last_evaluated_key);
  }
}

Item KeyOf(const TableSpec& spec, const Item& item) {
  Item key;
  key.emplace(spec.partition_key, item.at(spec.partition_key));
  if (spec.sort_key) key.emplace(*spec.sort_key, item.at(*spec.sort_key));
  return key;
}

}  // namespace

Result<CompanyRestoreReport> CompanyRestorer::RestoreCompany(const AdminAccess& admin,
                                                             const CompanyId& company,
                                                             double restore_date_time) {
  IT_ASSIGN_OR_RETURN(const TenantContext context,
                      admin.ContextFor(backend_, catalog_.layout(), company));
  const CompanyScope& scope = context.scope();
  CompanyRestoreReport report;
  report.method = dynamo::FindExtensions(backend_) != nullptr && !scope.silo()
                      ? "key-prefix restore (embedded engine)"
                      : "RestoreTableToPointInTime + copy back";
  const Layout& layout = catalog_.layout();
  if (scope.silo()) {
    for (const TableSpec& spec : catalog_.SiloTables(scope.company_id())) {
      IT_RETURN_IF_ERROR(RestoreTable(spec, "", restore_date_time, &report));
    }
    // The login-directory stubs of its users live in the pooled Users table; only this
    // registration's (their keys name its incarnation).
    for (const TableSpec& spec : catalog_.SharedTables()) {
      if (spec.name == layout.PooledTableName(Entity::kUser)) {
        IT_RETURN_IF_ERROR(
            RestoreTable(spec, layout.DirectoryStubKeyPrefix(scope), restore_date_time, &report));
      }
    }
    return report;
  }
  // The company's items of each entity ("<COMPANY>#ISSUE#", ...), never directory stubs an
  // earlier Platinum registration of the id wrote ("<COMPANY>#LOGIN#...").
  for (Entity entity : {Entity::kIssue, Entity::kTeam, Entity::kComment, Entity::kUser}) {
    for (const TableSpec& spec : catalog_.SharedTables()) {
      if (spec.name == layout.PooledTableName(entity)) {
        IT_RETURN_IF_ERROR(RestoreTable(spec, layout.PooledKeyPrefix(scope.company_id(), entity),
                                        restore_date_time, &report));
      }
    }
  }
  return report;
}

Status CompanyRestorer::RestoreTable(const TableSpec& spec, const std::string& prefix, double when,
                                     CompanyRestoreReport* report) {
  report->tables.push_back(spec.name.str());
  dynamo::Extensions* extensions = dynamo::FindExtensions(backend_);
  if (extensions != nullptr && !prefix.empty()) {
    dynamo::RestoreKeyPrefixToPointInTimeRequest r;
    r.table_name = spec.name.str();
    r.partition_key_prefix = prefix;
    r.restore_date_time = when;
    IT_ASSIGN_OR_RETURN(auto restored, extensions->RestoreKeyPrefixToPointInTime(r));
    report->items_written += restored.items_restored;
    report->items_examined += restored.items_examined;
    return Status::Ok();
  }
  // DynamoDB-only path: restore into a temporary table, copy the prefix's items back.
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  const std::string temporary = spec.name.str() + "-restore-" + std::to_string(seconds);
  dynamo::RestoreTableToPointInTimeRequest restore;
  restore.source_table_name = spec.name.str();
  restore.target_table_name = temporary;
  restore.restore_date_time = when;
  restore.overrides.billing_mode_override = dynamo::BillingMode::kPayPerRequest;
  restore.overrides.global_secondary_index_override.emplace();  // no indexes: only scanned
  IT_RETURN_IF_ERROR(backend_.RestoreTableToPointInTime(restore).status());
  Status copied = WaitForTableActive(backend_, temporary, 3'600'000, progress_);
  if (copied.ok()) copied = CopyBack(spec, temporary, prefix, report);
  // The temporary table goes, whatever happened (a failed copy is run again from scratch).
  auto deleted = backend_.DeleteTable({temporary});
  if (!copied.ok()) return copied;
  if (!deleted.ok() && !deleted.status().Is(Code::kResourceNotFound)) return deleted.status();
  return Status::Ok();
}

Status CompanyRestorer::CopyBack(const TableSpec& spec, const std::string& temporary,
                                 const std::string& prefix, CompanyRestoreReport* report) {
  std::map<std::string, Item> then, now;
  IT_RETURN_IF_ERROR(ScanPrefix(backend_, temporary, spec, prefix, &then));
  IT_RETURN_IF_ERROR(ScanPrefix(backend_, spec.name.str(), spec, prefix, &now));
  report->items_examined += static_cast<int64_t>(then.size() + now.size());
  std::vector<dynamo::WriteRequest> writes;
  for (auto& [key, item] : then) {
    auto current = now.find(key);
    if (current != now.end() && current->second == item) continue;  // unchanged
    writes.push_back(dynamo::WriteRequest{std::move(item), std::nullopt});
  }
  for (const auto& [key, item] : now) {
    if (!then.contains(key))
      writes.push_back(dynamo::WriteRequest{std::nullopt, KeyOf(spec, item)});
  }
  report->items_written += static_cast<int64_t>(writes.size());
  if (writes.empty()) return Status::Ok();
  return BatchWriteAll(backend_, {{spec.name.str(), std::move(writes)}});
}

}  // namespace issuetracker::tenancy
