#include "tenancy/provision.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "tenancy/layout_internal.h"
#include "tenancy/lifecycle.h"
#include "tenancy/schema_names.h"
#include "tenancy/store_util.h"

namespace issuetracker::tenancy {

using dynamo::Item;
using internal::S;

std::string_view StateName(TableOutcome::State state) {
  switch (state) {
    case TableOutcome::State::kCreated:
      return "created";
    case TableOutcome::State::kUpToDate:
      return "up to date";
    case TableOutcome::State::kDrifted:
      return "DRIFT";
    case TableOutcome::State::kFailed:
      return "FAILED";
  }
  return "?";
}

namespace {

// The error of a purge step whose company is no longer fenced in the purge's incarnation:
// another offboarding of it finished, and the id may even have been registered again.
Status NotFenced(const CompanyScope& scope) {
  return Status::Conflict("Company " + scope.company_id().str() +
                          " is not being offboarded in this incarnation; fence it first");
}

}  // namespace

bool ProvisionReport::ok() const {
  for (const auto& t : tables) {
    if (t.state == TableOutcome::State::kDrifted || t.state == TableOutcome::State::kFailed) {
      return false;
    }
  }
  return true;
}

std::string ProvisionReport::ToString() const {
  size_t width = 5;
  for (const auto& t : tables) width = std::max(width, t.table.size());
  std::string out = "Table" + std::string(width - 5 + 2, ' ') + "State\n";
  for (const auto& t : tables) {
    out += t.table + std::string(width - t.table.size() + 2, ' ');
    out += StateName(t.state);
    out += '\n';
    for (const auto& d : t.drift) out += "    drift: " + d + "\n";
    if (!t.error.ok()) out += "    error: " + t.error.ToString() + "\n";
    for (const auto& n : t.notes) out += "    " + n + "\n";
  }
  return out;
}

TableOutcome Provisioner::EnsureTable(const TableSpec& spec) {
  return EnsureTable(spec, StartCreating(spec));
}

bool Provisioner::StartCreating(const TableSpec& spec) {
  auto described = backend_.DescribeTable({spec.name.str()});
  if (described.ok() || !described.status().Is(Code::kResourceNotFound)) return false;
  // ResourceInUse: another provisioner created it meanwhile; EnsureTable checks it then.
  return backend_.CreateTable(catalog_.CreateRequest(spec)).ok();
}

TableOutcome Provisioner::EnsureTable(const TableSpec& spec, bool created) {
  TableOutcome outcome;
  outcome.table = spec.name.str();
  auto fail = [&outcome](Status s) {
    outcome.state = TableOutcome::State::kFailed;
    outcome.error = std::move(s);
    return outcome;
  };
  auto described = backend_.DescribeTable({spec.name.str()});
  if (!described.ok() && described.status().Is(Code::kResourceNotFound) && !created) {
    auto create = backend_.CreateTable(catalog_.CreateRequest(spec));
    if (!create.ok() && !create.status().Is(Code::kResourceInUse)) return fail(create.status());
    created = create.ok();
  } else if (!described.ok() && !described.status().Is(Code::kResourceNotFound)) {
    return fail(described.status());
  }
  // A table (or an index) still being built: wait, as DynamoDB requires before using it.
  Status active = WaitForTableActive(backend_, spec.name.str(), 600'000, progress_);
  if (!active.ok()) return fail(active);
  described = backend_.DescribeTable({spec.name.str()});
  if (!described.ok()) return fail(described.status());
  outcome.drift = CompareTable(spec, described->table);
  if (!outcome.drift.empty()) {
    outcome.state = TableOutcome::State::kDrifted;
  } else if (created) {
    outcome.state = TableOutcome::State::kCreated;
  }
  ApplyTags(described->table.table_arn, &outcome);
  ApplyPointInTimeRecovery(spec, &outcome);
  ApplyTimeToLive(spec, &outcome);
  return outcome;
}

void Provisioner::ApplyTags(const std::string& arn, TableOutcome* outcome) {
  std::map<std::string, std::string> present;
  dynamo::ListTagsOfResourceRequest list{arn, std::nullopt};
  while (true) {
    auto tags = backend_.ListTagsOfResource(list);
    if (!tags.ok()) {
      outcome->notes.push_back("tags could not be checked: " + tags.status().ToString());
      return;
    }
    for (const auto& t : tags->tags) present[t.key] = t.value;
    if (!tags->next_token) break;
    list.next_token = tags->next_token;
  }
  dynamo::TagResourceRequest add{arn, {}};
  for (const dynamo::Tag& want : catalog_.Tags()) {
    auto it = present.find(want.key);
    if (it == present.end()) {
      add.tags.push_back(want);
    } else if (it->second != want.value) {
      outcome->drift.push_back("tag " + want.key + " is \"" + it->second + "\", expected \"" +
                               want.value + "\" (is another environment using this prefix?)");
      outcome->state = TableOutcome::State::kDrifted;
    }
  }
  if (add.tags.empty()) return;
  Status tagged = backend_.TagResource(add);
  std::string names;
  for (const auto& t : add.tags) names += (names.empty() ? "" : ", ") + t.key;
  if (tagged.ok()) {
    outcome->notes.push_back("tags added: " + names);
  } else {
    outcome->notes.push_back("tags " + names + " could not be applied: " + tagged.ToString());
  }
}

void Provisioner::ApplyPointInTimeRecovery(const TableSpec& spec, TableOutcome* outcome) {
  if (!spec.point_in_time_recovery) return;
  auto current = backend_.DescribeContinuousBackups({spec.name.str()});
  if (current.ok() &&
      current->continuous_backups_description.point_in_time_recovery_description
              .point_in_time_recovery_status == dynamo::PointInTimeRecoveryStatus::kEnabled) {
    outcome->notes.push_back("point-in-time recovery: enabled");
    return;
  }
  dynamo::UpdateContinuousBackupsRequest enable;
  enable.table_name = spec.name.str();
  enable.point_in_time_recovery_enabled = true;
  auto updated = backend_.UpdateContinuousBackups(enable);
  // Right after a table is created DynamoDB may still be setting up its backups.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  auto pause = std::chrono::milliseconds(200);
  while (!updated.ok() && updated.status().Is(Code::kContinuousBackupsUnavailable) &&
         std::chrono::steady_clock::now() < give_up) {
    if (progress_) progress_(spec.name.str() + ": waiting for backups to be available");
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(5000));
    updated = backend_.UpdateContinuousBackups(enable);
  }
  if (updated.ok()) {
    outcome->notes.push_back("point-in-time recovery: enabled now");
  } else {
    outcome->notes.push_back("point-in-time recovery could NOT be applied on this backend: " +
                             updated.status().ToString());
  }
}

void Provisioner::ApplyTimeToLive(const TableSpec& spec, TableOutcome* outcome) {
  if (!spec.time_to_live_attribute) return;
  const std::string& want = *spec.time_to_live_attribute;
  auto current = backend_.DescribeTimeToLive({spec.name.str()});
  if (current.ok()) {
    const dynamo::TimeToLiveDescription& d = current->time_to_live_description;
    const bool on = d.time_to_live_status == dynamo::TimeToLiveStatus::kEnabled ||
                    d.time_to_live_status == dynamo::TimeToLiveStatus::kEnabling;
    if (on && d.attribute_name == want) {
      outcome->notes.push_back("time to live on " + want + ": enabled");
      return;
    }
    if (on) {
      outcome->drift.push_back("time to live is on " + d.attribute_name.value_or("?") +
                               ", expected " + want);
      outcome->state = TableOutcome::State::kDrifted;
      return;
    }
  }
  dynamo::UpdateTimeToLiveRequest enable;
  enable.table_name = spec.name.str();
  enable.time_to_live_specification = {want, true};
  auto updated = backend_.UpdateTimeToLive(enable);
  if (updated.ok()) {
    outcome->notes.push_back("time to live on " + want + ": enabled now");
  } else {
    outcome->notes.push_back("time to live could NOT be applied on this backend (expired " + want +
                             " records stay until overwritten): " + updated.status().ToString());
  }
}

ProvisionReport Provisioner::ProvisionAll() {
  ProvisionReport report;
  // Create every missing table first, then wait for them together (each takes seconds on
  // DynamoDB).
  const std::vector<TableSpec> shared = catalog_.SharedTables();
  std::vector<bool> created;
  for (const TableSpec& spec : shared) created.push_back(StartCreating(spec));
  for (size_t i = 0; i < shared.size(); ++i) {
    report.tables.push_back(EnsureTable(shared[i], created[i]));
  }
  for (const TableSpec& spec : catalog_.ServiceTables()) {
    report.tables.push_back(EnsureTable(spec));
  }
  // Silo tables of the Platinum companies recorded in CompanyStackMapping. A Scan is right
  // here: this is a platform-wide administrative read of a system table.
  const Layout& layout = catalog_.layout();
  dynamo::ScanRequest scan;
  scan.table_name = layout.SystemTableName(SystemTable::kCompanyStackMapping).str();
  scan.consistent_read = true;
  std::set<std::string> companies;
  while (true) {
    auto page = backend_.Scan(scan);
    if (!page.ok()) {
      TableOutcome failed{scan.table_name, TableOutcome::State::kFailed, {}, {}, page.status()};
      failed.notes.push_back("could not list Platinum companies' silo tables");
      report.tables.push_back(std::move(failed));
      return report;
    }
    for (const Item& item : page->items) {
      auto company = layout.CompanyOf(item);
      if (company.ok()) companies.insert(company->str());
    }
    if (!page->last_evaluated_key) break;
    scan.exclusive_start_key = std::move(page->last_evaluated_key);
  }
  for (const std::string& raw : companies) {
    auto company = CompanyId::Parse(raw);
    if (!company.ok()) continue;
    // A company being offboarded keeps its mappings until its tables are gone: never
    // recreate what its purge drops.
    auto state = LoadCompanyState(backend_, layout, *company);
    if (state.ok() && (state->state == LifecycleState::kOffboarding ||
                       state->state == LifecycleState::kRetired)) {
      continue;
    }
    const std::vector<TableSpec> silo = catalog_.SiloTables(*company);
    std::vector<bool> silo_created;
    for (const TableSpec& spec : silo) silo_created.push_back(StartCreating(spec));
    for (size_t i = 0; i < silo.size(); ++i) {
      report.tables.push_back(EnsureTable(silo[i], silo_created[i]));
    }
    if (!state.ok() || state->state != LifecycleState::kActive) continue;
    // Stubs written before stubs had their own key space, moved into it.
    auto moved = MoveLegacyDirectoryStubs(*company);
    const std::string users = layout.PooledTableName(Entity::kUser).str();
    for (TableOutcome& outcome : report.tables) {
      if (outcome.table != users) continue;
      if (!moved.ok()) {
        outcome.state = TableOutcome::State::kFailed;
        outcome.error = moved.status();
        outcome.notes.push_back("the login directory stubs of " + raw +
                                " could not be moved into their own key space; run it again");
      } else if (*moved > 0) {
        outcome.notes.push_back("moved " + std::to_string(*moved) + " login directory stubs of " +
                                raw + " into their own key space");
      }
    }
  }
  return report;
}

Result<size_t> Provisioner::MoveLegacyDirectoryStubs(const CompanyId& company) {
  const Layout& layout = catalog_.layout();
  auto ctx =
      AdminAccess::Grant("provision: login directory stubs").ContextFor(backend_, layout, company);
  if (!ctx.ok()) {
    // Not active (any more): offboarding removes the stubs, legacy ones included.
    if (ctx.status().Is(Code::kConflict)) return size_t{0};
    return ctx.status();
  }
  const CompanyScope& scope = ctx->scope();
  if (!scope.silo()) return size_t{0};
  const std::string pooled_users = layout.PooledTableName(Entity::kUser).str();
  // The company's users (a consistent Scan of its own Users table)...
  std::vector<UserEmail> users;
  dynamo::ScanRequest scan;
  scan.table_name = layout.SiloTableName(Entity::kUser, company).str();
  scan.consistent_read = true;
  while (true) {
    IT_ASSIGN_OR_RETURN(dynamo::ScanResponse page, backend_.Scan(scan));
    for (const Item& item : page.items) {
      IT_ASSIGN_OR_RETURN(UserEmail email, layout.UserOf(scope, item));
      users.push_back(std::move(email));
    }
    if (!page.last_evaluated_key) break;
    scan.exclusive_start_key = std::move(page.last_evaluated_key);
  }
  // ...those of them whose stub is still at the pooled user key (reads only, 100 a call)...
  std::vector<UserEmail> legacy;
  constexpr size_t kPerBatchGet = 100;
  for (size_t begin = 0; begin < users.size(); begin += kPerBatchGet) {
    dynamo::BatchGetItemRequest batch;
    auto& request = batch.request_items[pooled_users];
    request.consistent_read = true;
    for (size_t i = begin; i < std::min(users.size(), begin + kPerBatchGet); ++i) {
      request.keys.push_back(layout.LegacyDirectoryStubKey(scope, users[i]));
    }
    for (int attempt = 0; !batch.request_items.empty(); ++attempt) {
      if (attempt > kMaxBatchRetries) {
        return Status(Code::kThrottling, "BatchGetItem left keys unprocessed after retries");
      }
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
      IT_ASSIGN_OR_RETURN(dynamo::BatchGetItemResponse got, backend_.BatchGetItem(batch));
      for (const Item& item : got.responses[pooled_users]) {
        if (!Layout::IsLegacyDirectoryStub(item)) continue;  // a user: never touched
        IT_ASSIGN_OR_RETURN(Layout::DirectoryEntry entry, layout.DirectoryEntryOf(item));
        if (entry.company != company) continue;
        const std::string* email = internal::FindS(item, attr::kEmail);
        auto parsed = UserEmail::Parse(email != nullptr ? *email : "");
        if (parsed.ok()) legacy.push_back(std::move(parsed).value());
      }
      batch.request_items = std::move(got.unprocessed_keys);
    }
  }
  // ...moved, up to 49 users per transaction, each under the company's guard (active in this
  // registration and tier): the new stub is put and the old one deleted only while it is
  // still a stub (never a user).
  const dynamo::TransactConditionCheck check = GuardCheck(layout.GuardFor(scope));
  constexpr size_t kUsersPerCall = (kMaxTransactionActions - 1) / 2;
  for (size_t begin = 0; begin < legacy.size(); begin += kUsersPerCall) {
    dynamo::TransactWriteItemsRequest request;
    request.transact_items.push_back(dynamo::TransactWriteItem{check, {}, {}, {}});
    for (size_t i = begin; i < std::min(legacy.size(), begin + kUsersPerCall); ++i) {
      dynamo::TransactPut put;
      put.table_name = pooled_users;
      put.item = layout.DirectoryStub(scope, legacy[i]);
      request.transact_items.push_back(dynamo::TransactWriteItem{{}, std::move(put), {}, {}});
      dynamo::TransactDelete del;
      del.table_name = pooled_users;
      del.key = layout.LegacyDirectoryStubKey(scope, legacy[i]);
      del.condition_expression = "attribute_not_exists(#r)";
      del.expression_attribute_names = {{"#r", std::string(attr::kUserRole)}};
      request.transact_items.push_back(dynamo::TransactWriteItem{{}, {}, std::move(del), {}});
    }
    auto written = backend_.TransactWriteItems(request);
    if (!written.ok()) {
      if (written.status().Is(Code::kTransactionCanceled)) {
        return Status::Conflict(
            "Company " + company.str() +
            " changed while its login directory stubs were moved: " + written.status().message());
      }
      return written.status();
    }
  }
  return legacy.size();
}

Result<ProvisionReport> Provisioner::OnboardPlatinum(const AdminAccess& admin,
                                                     const CompanyScope& scope,
                                                     std::string_view created_date) {
  if (!scope.silo()) {
    return Status::Validation("Only Platinum companies get silo tables");
  }
  const Layout& layout = catalog_.layout();
  ProvisionReport report;
  std::vector<TableSpec> specs = catalog_.SiloTables(scope.company_id());
  std::vector<bool> created;
  for (const TableSpec& spec : specs) created.push_back(StartCreating(spec));
  for (size_t i = 0; i < specs.size(); ++i)
    report.tables.push_back(EnsureTable(specs[i], created[i]));
  if (!report.ok()) {
    return Status::Conflict("Cannot onboard " + scope.company_id().str() +
                            ": its silo tables do not match the template:\n" + report.ToString());
  }
  const Entity entities[] = {Entity::kIssue, Entity::kTeam, Entity::kComment, Entity::kUser};
  for (size_t i = 0; i < specs.size(); ++i) {
    dynamo::PutItemRequest put;
    put.table_name = layout.SystemTableName(SystemTable::kCompanyStackMapping).str();
    put.item = layout.StackMappingKey(scope.company_id(), specs[i].name.str());
    put.item["resource_type"] = S("DynamoDBTable");
    put.item["entity"] = S(EntityTableStem(entities[i]));
    put.item[std::string(attr::kCompanyTier)] = S(TierName(scope.tier()));
    put.item[std::string(attr::kStatus)] = S("active");
    put.item[std::string(attr::kCreatedDate)] = S(created_date);
    put.item["onboarded_by"] = S(admin.purpose());
    IT_RETURN_IF_ERROR(backend_.PutItem(put).status());
  }
  return report;
}

Status Provisioner::CheckFenced(const CompanyScope& scope) {
  IT_ASSIGN_OR_RETURN(CompanyState state,
                      LoadCompanyState(backend_, catalog_.layout(), scope.company_id()));
  if (state.state != LifecycleState::kOffboarding || state.incarnation != scope.incarnation()) {
    return NotFenced(scope);
  }
  return Status::Ok();
}

Status Provisioner::DeleteFenced(const CompanyScope& scope, const std::string& table,
                                 std::vector<Item> keys) {
  if (keys.empty()) return Status::Ok();
  const Layout& layout = catalog_.layout();
  dynamo::TransactConditionCheck fence;
  fence.table_name = layout.SystemTableName(SystemTable::kCompanyManagement).str();
  fence.key = layout.CompanyKey(scope.company_id());
  fence.condition_expression = "#s = :offboarding AND #i = :inc";
  fence.expression_attribute_names = {{"#s", std::string(attr::kLifecycleState)},
                                      {"#i", std::string(attr::kIncarnation)}};
  fence.expression_attribute_values = {
      {":offboarding", S(LifecycleStateName(LifecycleState::kOffboarding))},
      {":inc", S(scope.incarnation())}};
  Status deleted = DeleteAllChecked(backend_, fence, table, std::move(keys));
  if (deleted.Is(Code::kConditionalCheckFailed)) return NotFenced(scope);
  return deleted;
}

Status Provisioner::PurgeCompany(const AdminAccess& /*admin*/, const CompanyScope& scope,
                                 int max_passes) {
  IT_RETURN_IF_ERROR(CheckFenced(scope));
  IT_RETURN_IF_ERROR(PurgeServiceRecords(scope));
  return scope.silo() ? PurgeSilo(scope) : PurgePooled(scope, max_passes);
}

Status Provisioner::PurgeServiceRecords(const CompanyScope& scope) {
  const Layout& layout = catalog_.layout();
  std::vector<dynamo::QueryRequest> queries;
  for (Tier tier : {Tier::kBasic, Tier::kPremium, Tier::kPlatinum}) {
    queries.push_back(layout.ApiKeysQuery(tier, scope.company_id()));
  }
  queries.push_back(layout.IdempotencyRecordsQuery(scope.company_id()));
  for (int round = 0; round < 2; ++round) {  // delete, then check nothing is left
    for (dynamo::QueryRequest query : queries) {
      const bool api_keys = query.table_name == layout.SystemTableName(SystemTable::kApiKeys).str();
      const std::string_view sort_key = api_keys ? attr::kKeyId : attr::kIdempotencyKey;
      const std::string_view partition_key = api_keys ? attr::kTierName : attr::kCompanyId;
      std::vector<Item> deletes;
      while (true) {
        auto page = backend_.Query(query);
        if (!page.ok()) {
          // A backend provisioned before the service table existed has no records there.
          if (page.status().Is(Code::kResourceNotFound)) break;
          return page.status();
        }
        for (const Item& item : page->items) {
          auto pk = item.find(partition_key);
          auto sk = item.find(sort_key);
          if (pk == item.end() || sk == item.end()) continue;
          deletes.push_back(
              Item{{std::string(partition_key), pk->second}, {std::string(sort_key), sk->second}});
        }
        if (!page->last_evaluated_key) break;
        query.exclusive_start_key = std::move(page->last_evaluated_key);
      }
      if (deletes.empty()) continue;
      if (round == 1) {
        return Status::Internal("Offboarding " + scope.company_id().str() + ": records in " +
                                query.table_name + " are still there");
      }
      IT_RETURN_IF_ERROR(DeleteFenced(scope, query.table_name, std::move(deletes)));
    }
  }
  return Status::Ok();
}

Status Provisioner::PurgeSilo(const CompanyScope& scope) {
  const Layout& layout = catalog_.layout();
  // Login directory stubs first, while the silo Users table still names the users. A Scan
  // with a consistent read: the table holds this company's users only, and a just-created
  // user may not be in a remote DynamoDB's (eventually consistent) index yet. Each user's
  // stub of this registration goes, and a stub from before stubs had their own key space
  // (Layout::LegacyDirectoryStubKey) if one is left.
  std::vector<Item> stubs;
  dynamo::ScanRequest scan;
  scan.table_name = layout.SiloTableName(Entity::kUser, scope.company_id()).str();
  scan.consistent_read = true;
  while (true) {
    auto page = backend_.Scan(scan);
    if (!page.ok()) {
      if (page.status().Is(Code::kResourceNotFound)) break;  // dropped by an earlier attempt
      return page.status();
    }
    for (const Item& item : page->items) {
      IT_ASSIGN_OR_RETURN(UserEmail email, layout.UserOf(scope, item));
      stubs.push_back(layout.DirectoryStubKey(scope, email));
      stubs.push_back(layout.LegacyDirectoryStubKey(scope, email));
    }
    if (!page->last_evaluated_key) break;
    scan.exclusive_start_key = std::move(page->last_evaluated_key);
  }
  // Every delete is conditional on the fence, in its own transaction: an offboarding that
  // lost the race to another one never deletes anything of a later registration of the id.
  IT_RETURN_IF_ERROR(
      DeleteFenced(scope, layout.PooledTableName(Entity::kUser).str(), std::move(stubs)));
  for (const TableSpec& spec : catalog_.SiloTables(scope.company_id())) {
    // A table cannot be dropped conditionally: the fence is checked just before.
    IT_RETURN_IF_ERROR(CheckFenced(scope));
    auto deleted = backend_.DeleteTable({spec.name.str()});
    if (!deleted.ok() && !deleted.status().Is(Code::kResourceNotFound)) return deleted.status();
  }
  std::vector<Item> mappings;
  dynamo::QueryRequest query = layout.StackMappingQuery(scope.company_id());
  while (true) {
    IT_ASSIGN_OR_RETURN(dynamo::QueryResponse page, backend_.Query(query));
    for (const Item& item : page.items) {
      auto stack = item.find(attr::kStackName);
      if (stack == item.end() || !stack->second.is(dynamo::AttrType::kS)) continue;
      mappings.push_back(layout.StackMappingKey(scope.company_id(), stack->second.s()));
    }
    if (!page.last_evaluated_key) break;
    query.exclusive_start_key = std::move(page.last_evaluated_key);
  }
  IT_RETURN_IF_ERROR(DeleteFenced(
      scope, layout.SystemTableName(SystemTable::kCompanyStackMapping).str(), std::move(mappings)));
  // Check: no silo table (a remote DynamoDB may still be DELETING one), no mapping.
  for (const TableSpec& spec : catalog_.SiloTables(scope.company_id())) {
    auto d = backend_.DescribeTable({spec.name.str()});
    if (d.ok() && d->table.table_status != dynamo::TableStatus::kDeleting) {
      return Status::Internal("Offboarding " + scope.company_id().str() + ": table " +
                              spec.name.str() + " is still there");
    }
    if (!d.ok() && !d.status().Is(Code::kResourceNotFound)) return d.status();
  }
  IT_ASSIGN_OR_RETURN(dynamo::QueryResponse left,
                      backend_.Query(layout.StackMappingQuery(scope.company_id())));
  if (!left.items.empty()) {
    return Status::Internal("Offboarding " + scope.company_id().str() +
                            ": stack mappings are still there");
  }
  return Status::Ok();
}

Status Provisioner::PurgePooled(const CompanyScope& scope, int max_passes) {
  const Layout& layout = catalog_.layout();
  // The company is fenced, so a pass that finds nothing means nothing is left (on a backend
  // whose indexes lag, like DynamoDB's, a later pass finds what an earlier one missed).
  for (int pass = 0; pass < std::max(1, max_passes); ++pass) {
    size_t deleted = 0;
    for (Entity entity : {Entity::kComment, Entity::kIssue, Entity::kTeam, Entity::kUser}) {
      IT_ASSIGN_OR_RETURN(size_t n,
                          DeleteQueried(layout.PooledCompanyItems(scope, entity), scope, entity));
      deleted += n;
    }
    if (deleted == 0) return Status::Ok();
    if (pass > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 * pass));
  }
  return Status::Internal("Offboarding " + scope.company_id().str() +
                          ": items still appear after " + std::to_string(max_passes) +
                          " passes; run it again");
}

Result<size_t> Provisioner::DeleteQueried(const QueryPlan& plan, const CompanyScope& scope,
                                          Entity entity) {
  const Layout& layout = catalog_.layout();
  std::vector<Item> deletes;
  IT_RETURN_IF_ERROR(ForEachItem(backend_, plan, [&](const Item& item) {
    IT_ASSIGN_OR_RETURN(Item key, layout.PrimaryKeyOf(scope, entity, item));
    deletes.push_back(std::move(key));
    return Status::Ok();
  }));
  const size_t count = deletes.size();
  IT_RETURN_IF_ERROR(DeleteFenced(scope, layout.TableFor(scope, entity).str(), std::move(deletes)));
  return count;
}

}  // namespace issuetracker::tenancy
