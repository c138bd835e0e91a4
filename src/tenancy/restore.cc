#include "tenancy/restore.h"

#include <chrono>
#include <cmath>

#include "dynamo/extensions.h"
#include "tenancy/layout_internal.h"
#include "tenancy/lifecycle.h"
#include "tenancy/schema_names.h"
#include "tenancy/store_util.h"

namespace issuetracker::tenancy {
namespace {

using dynamo::Item;

Item KeyOf(const TableSpec& spec, const Item& item) {
  Item key;
  key.emplace(spec.partition_key, item.at(spec.partition_key));
  if (spec.sort_key) key.emplace(*spec.sort_key, item.at(*spec.sort_key));
  return key;
}

// The items of `table` whose `partition_key` starts with `prefix` ("" for all), by primary
// key (encoded as its DebugString, which is exact and orders consistently).
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
      if (!item.contains(spec.partition_key) || (spec.sort_key && !item.contains(*spec.sort_key))) {
        return Status::Corruption("an item of " + table + " has no key");
      }
      std::string key = dynamo::ItemDebugString(KeyOf(spec, item));
      (*out)[std::move(key)] = std::move(item);
    }
    if (!page.last_evaluated_key) return Status::Ok();
    scan.exclusive_start_key = std::move(page.last_evaluated_key);
  }
}

// "<table>-restore-<unix time>-<8 hex digits>": distinct for restores running at once.
std::string TemporaryTableName(const TableSpec& spec) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  return spec.name.str() + "-restore-" + std::to_string(seconds) + "-" +
         NewIncarnation().substr(0, 8);
}

Status InvalidRestoreTime(const CompanyId& company, double when, std::string_view why) {
  return Status(Code::kInvalidRestoreTime,
                "Cannot restore company " + company.str() + " to " +
                    FormatUtcMicros(std::llround(when * 1e6)) + ": " + std::string(why) +
                    "; a restore never reaches an earlier registration of the id");
}

// Every item under a company's key prefix, or in its silo tables, carries its company_id.
Status CheckOwned(const CompanyId& company, const TableSpec& spec,
                  const std::map<std::string, Item>& items) {
  for (const auto& [key, item] : items) {
    const std::string* owner = internal::FindS(item, attr::kCompanyId);
    if (owner == nullptr || *owner != company.str()) {
      return internal::Foreign("restore of " + spec.name.str(),
                               "item " + key + " is not of company " + company.str());
    }
  }
  return Status::Ok();
}

}  // namespace

Result<CompanyRestoreReport> CompanyRestorer::RestoreCompany(const AdminAccess& admin,
                                                             const CompanyId& company,
                                                             double restore_date_time) {
  const Layout& layout = catalog_.layout();
  IT_ASSIGN_OR_RETURN(const TenantContext context, admin.ContextFor(backend_, layout, company));
  const CompanyScope& scope = context.scope();
  // When the current registration began, by its record.
  IT_ASSIGN_OR_RETURN(const CompanyState state, LoadCompanyState(backend_, layout, company));
  if (state.incarnation != scope.incarnation() || state.state != LifecycleState::kActive) {
    return Status::Conflict("Company " + company.str() + " changed meanwhile; try again");
  }
  if (state.registered_at_micros &&
      std::llround(restore_date_time * 1e6) < *state.registered_at_micros) {
    return InvalidRestoreTime(company, restore_date_time,
                              "that is before its current registration (registered at " +
                                  FormatUtcMicros(*state.registered_at_micros) + ")");
  }
  IT_RETURN_IF_ERROR(CheckRegisteredAt(scope, restore_date_time));

  CompanyRestoreReport report;
  report.method = dynamo::FindExtensions(backend_) != nullptr && !scope.silo()
                      ? "key-prefix restore into a temporary table + checked copy back"
                      : "RestoreTableToPointInTime + checked copy back";
  // Every write is committed with the company's guard, as every write of the company is.
  const dynamo::TransactConditionCheck guard = GuardCheck(layout.GuardFor(scope));
  const TableSpec* pooled_users = nullptr;
  const std::vector<TableSpec> shared = catalog_.SharedTables();
  for (const TableSpec& spec : shared) {
    if (spec.name == layout.PooledTableName(Entity::kUser)) pooled_users = &spec;
  }
  if (pooled_users == nullptr) return Status::Internal("no pooled Users table in the catalog");

  Status restored = [&]() -> Status {
    if (scope.silo()) {
      Items users_then;
      for (const TableSpec& spec : catalog_.SiloTables(scope.company_id())) {
        report.tables.push_back(spec.name.str());
        Items then, now;
        IT_RETURN_IF_ERROR(ItemsAt(spec, "", restore_date_time, &then));
        IT_RETURN_IF_ERROR(CheckOwned(company, spec, then));
        IT_RETURN_IF_ERROR(ScanPrefix(backend_, spec.name.str(), spec, "", &now));
        if (spec.name == layout.TableFor(scope, Entity::kUser)) users_then = then;
        IT_RETURN_IF_ERROR(CopyBack(spec, std::move(then), now, guard, &report));
      }
      // The login directory: one stub of this registration per user restored, whatever
      // key the stubs had then (stubs written before they had their own key space are
      // moved by provisioning, and are not this restore's to bring back).
      report.tables.push_back(pooled_users->name.str());
      Items then, now;
      for (const auto& [key, user] : users_then) {
        IT_ASSIGN_OR_RETURN(UserEmail email, layout.UserOf(scope, user));
        Item stub = layout.DirectoryStub(scope, email);
        then.emplace(dynamo::ItemDebugString(KeyOf(*pooled_users, stub)), std::move(stub));
      }
      IT_RETURN_IF_ERROR(ScanPrefix(backend_, pooled_users->name.str(), *pooled_users,
                                    layout.DirectoryStubKeyPrefix(scope), &now));
      return CopyBack(*pooled_users, std::move(then), now, guard, &report);
    }
    // The company's items of each entity ("<COMPANY>#ISSUE#", ...). Never a directory
    // stub: those of a Platinum registration of the id have their own key space
    // ("<COMPANY>#LOGIN#..."), and those written before it ("<COMPANY>#USER#<email>"
    // without a role) are left as they are, then and now.
    for (Entity entity : {Entity::kIssue, Entity::kTeam, Entity::kComment, Entity::kUser}) {
      for (const TableSpec& spec : shared) {
        if (spec.name != layout.PooledTableName(entity)) continue;
        report.tables.push_back(spec.name.str());
        const std::string prefix = layout.PooledKeyPrefix(scope.company_id(), entity);
        Items then, now;
        IT_RETURN_IF_ERROR(ItemsAt(spec, prefix, restore_date_time, &then));
        IT_RETURN_IF_ERROR(CheckOwned(company, spec, then));
        IT_RETURN_IF_ERROR(ScanPrefix(backend_, spec.name.str(), spec, prefix, &now));
        if (entity == Entity::kUser) {
          std::erase_if(then,
                        [](const auto& e) { return Layout::IsLegacyDirectoryStub(e.second); });
          std::erase_if(now, [](const auto& e) { return Layout::IsLegacyDirectoryStub(e.second); });
        }
        IT_RETURN_IF_ERROR(CopyBack(spec, std::move(then), now, guard, &report));
      }
    }
    return Status::Ok();
  }();
  if (restored.ok()) return report;
  // A write refused by the guard, or a table gone: did the company change under us?
  auto now = LoadCompanyState(backend_, layout, company);
  if (now.ok() && now->state == LifecycleState::kActive &&
      now->incarnation == scope.incarnation() && now->tier == scope.tier() &&
      !restored.Is(Code::kConditionalCheckFailed)) {
    return restored;  // not the company's doing
  }
  if (!now.ok() && !now.status().Is(Code::kNotFound)) return restored;
  const std::string writes = std::to_string(report.items_written) + " writes";
  std::string what;
  if (!now.ok()) {
    what = "no longer exists: the restore stopped after " + writes;
  } else if (now->incarnation != scope.incarnation()) {
    what =
        "was offboarded, and its id registered again, while it was being restored: the "
        "restore stopped after " +
        writes + ", none of them in the new registration";
  } else if (now->state == LifecycleState::kOffboarding || now->state == LifecycleState::kRetired) {
    what = "was offboarded while it was being restored: the restore stopped after " + writes +
           ", which the offboarding purges";
  } else {
    what = "changed while it was being restored (it is " +
           std::string(LifecycleStateName(now->state)) + ", " +
           std::string(now->tier ? TierName(*now->tier) : "no tier") +
           "): the restore stopped after " + writes + "; run it again";
  }
  return Status::Conflict("Company " + company.str() + " " + what);
}

Status CompanyRestorer::CheckRegisteredAt(const CompanyScope& scope, double when) {
  const Layout& layout = catalog_.layout();
  const std::string table = layout.SystemTableName(SystemTable::kCompanyManagement).str();
  for (const TableSpec& spec : catalog_.SharedTables()) {
    if (spec.name.str() != table) continue;
    Items then;
    IT_RETURN_IF_ERROR(ItemsAt(spec, scope.company_id().str(), when, &then));
    const Item key = layout.CompanyKey(scope.company_id());
    auto record = then.find(dynamo::ItemDebugString(key));
    if (record != then.end()) {
      auto state = ParseCompanyState(layout, record->second);
      if (state.ok() && state->incarnation == scope.incarnation() &&
          (state->state == LifecycleState::kActive ||
           state->state == LifecycleState::kOnboarding)) {
        return Status::Ok();
      }
    }
    return InvalidRestoreTime(scope.company_id(), when,
                              "its record at that time does not show its current registration");
  }
  return Status::Internal("no CompanyManagement table in the catalog");
}

Status CompanyRestorer::ItemsAt(const TableSpec& spec, const std::string& prefix, double when,
                                Items* out) {
  const std::string temporary = TemporaryTableName(spec);
  dynamo::Extensions* extensions = dynamo::FindExtensions(backend_);
  Status copied;
  if (extensions != nullptr && !prefix.empty()) {
    // Only the prefix's items, into a new table.
    dynamo::RestoreKeyPrefixToPointInTimeRequest r;
    r.table_name = spec.name.str();
    r.partition_key_prefix = prefix;
    r.restore_date_time = when;
    r.target_table_name = temporary;
    IT_RETURN_IF_ERROR(extensions->RestoreKeyPrefixToPointInTime(r).status());
    copied = ScanPrefix(backend_, temporary, spec, "", out);
  } else {
    dynamo::RestoreTableToPointInTimeRequest restore;
    restore.source_table_name = spec.name.str();
    restore.target_table_name = temporary;
    restore.restore_date_time = when;
    restore.overrides.billing_mode_override = dynamo::BillingMode::kPayPerRequest;
    restore.overrides.global_secondary_index_override.emplace();  // no indexes: only scanned
    IT_RETURN_IF_ERROR(backend_.RestoreTableToPointInTime(restore).status());
    copied = WaitForTableActive(backend_, temporary, 3'600'000, progress_);
    if (copied.ok()) copied = ScanPrefix(backend_, temporary, spec, prefix, out);
  }
  // The temporary table goes, whatever happened.
  auto deleted = backend_.DeleteTable({temporary});
  if (!copied.ok()) return copied;
  if (!deleted.ok() && !deleted.status().Is(Code::kResourceNotFound)) return deleted.status();
  return Status::Ok();
}

Status CompanyRestorer::CopyBack(const TableSpec& spec, Items then, const Items& now,
                                 const dynamo::TransactConditionCheck& check,
                                 CompanyRestoreReport* report) {
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
  return WriteAllChecked(backend_, check, spec.name.str(), std::move(writes),
                         &report->items_written);
}

}  // namespace issuetracker::tenancy
