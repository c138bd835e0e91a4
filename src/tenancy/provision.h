// Provisioning: making the backend's tables match the schema catalog, the Platinum
// onboarding that creates a company's silo tables, and the purge of a fenced company's data
// (the steps of CompanyLifecycle, lifecycle.h).
//
// Provision is idempotent: a missing table is created (and waited for until it and its
// indexes are ACTIVE: DynamoDB creates tables asynchronously, in seconds to minutes; missing
// tables are all created first and then waited for together), an
// existing one is compared with its spec and any difference in keys, key types, indexes,
// projections, billing mode or table class is reported as drift — never "fixed", since
// changing keys means rebuilding a table. Tags are added when missing. Point-in-time
// recovery is enabled where the catalog wants it, once the table is ACTIVE (DynamoDB answers
// ContinuousBackupsUnavailableException while backups of a new table are being set up; that
// is retried for up to two minutes); a backend that cannot apply it makes the report say
// so plainly for that table, without failing provisioning.
//
// Thread-safety: a Provisioner holds no mutable state; concurrent use is as safe as the
// backend (two provisioners racing to create one table both end with it existing).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "dynamo/backend.h"
#include "tenancy/schema.h"
#include "tenancy/tenant_context.h"

namespace issuetracker::tenancy {

// What provisioning did with one table.
struct TableOutcome {
  enum class State : uint8_t { kCreated, kUpToDate, kDrifted, kFailed };
  std::string table;
  State state = State::kUpToDate;
  // Differences from the spec (kDrifted).
  std::vector<std::string> drift;
  // Settings applied or not applied: "tags added", "point-in-time recovery enabled",
  // "point-in-time recovery could not be applied: ...".
  std::vector<std::string> notes;
  // The error (kFailed).
  Status error;
};

std::string_view StateName(TableOutcome::State state);

struct ProvisionReport {
  std::vector<TableOutcome> tables;
  // True when no table drifted or failed (notes about point-in-time recovery do not count).
  bool ok() const;
  // A readable table of outcomes, one line per table plus indented drift and notes.
  std::string ToString() const;
};

class Provisioner {
 public:
  // `backend` and `catalog` must outlive the provisioner.
  Provisioner(dynamo::Backend& backend, const SchemaCatalog& catalog)
      : backend_(backend), catalog_(catalog) {}

  // Where progress lines of long waits go (a table still CREATING, an index backfilling);
  // none by default.
  void set_progress(std::function<void(std::string_view line)> progress) {
    progress_ = std::move(progress);
  }

  // The seven shared tables, the service's tables (SchemaCatalog::ServiceTables), then the
  // silo tables of every Platinum company recorded in
  // CompanyStackMapping (recreating any that are missing), except those of a company being
  // offboarded. For each active Platinum company it also moves login directory stubs
  // written before stubs had their own key space into it (MoveLegacyDirectoryStubs; a
  // note on the pooled Users table says how many).
  ProvisionReport ProvisionAll();

  // Creates `spec`'s table when missing, else checks it for drift; then tags and
  // point-in-time recovery.
  TableOutcome EnsureTable(const TableSpec& spec);

  // Onboards a Platinum company: ensures its four silo tables and records each in
  // CompanyStackMapping (stack_name = table name). Idempotent. Fails (with the report's
  // problems in the message) when a silo table exists with different keys or indexes.
  // REQUIRES: scope.silo().
  Result<ProvisionReport> OnboardPlatinum(const AdminAccess& admin, const CompanyScope& scope,
                                          std::string_view created_date);

  // Deletes everything `scope`'s company owns: for Platinum its login directory stubs, its
  // silo tables and its CompanyStackMapping entries; for Basic and Premium its items in the
  // four pooled tables (found through its company-partitioned indexes, pass after pass
  // until one finds nothing, at most `max_passes`); on every tier its API key records and
  // its idempotency records. Then checks that nothing is left.
  // REQUIRES the company to be fenced: its record is in state offboarding in the scope's
  // incarnation (Conflict otherwise), so nothing can be added while it runs
  // (CompanyLifecycle::Offboard). Every delete is committed in a transaction (up to 99
  // deletes) that also checks the fence, and the fence is read again just before each silo
  // table is dropped: once another offboarding of the same registration has retired the id
  // (which may then be registered again), this one stops with Conflict and deletes nothing
  // of the later registration. Idempotent: what is already gone is skipped.
  Status PurgeCompany(const AdminAccess& admin, const CompanyScope& scope, int max_passes = 10);

 private:
  // Sends CreateTable for `spec` when DescribeTable says it is missing, without waiting.
  // Returns whether it did.
  bool StartCreating(const TableSpec& spec);
  TableOutcome EnsureTable(const TableSpec& spec, bool created);
  void ApplyTags(const std::string& arn, TableOutcome* outcome);
  void ApplyPointInTimeRecovery(const TableSpec& spec, TableOutcome* outcome);
  // Enables time to live on spec.time_to_live_attribute; another attribute is drift, a
  // backend without time to live a note (the records then stay until overwritten).
  void ApplyTimeToLive(const TableSpec& spec, TableOutcome* outcome);
  Status CheckFenced(const CompanyScope& scope);
  // Moves the login directory stubs of an active Platinum company's users that are still at
  // the pooled user key (Layout::LegacyDirectoryStubKey: written before stubs had their own
  // key space) into the stub key space, each move under the company's guard. Returns how
  // many it moved (0, after reads only, once they are all moved).
  Result<size_t> MoveLegacyDirectoryStubs(const CompanyId& company);
  Status PurgeSilo(const CompanyScope& scope);
  Status PurgePooled(const CompanyScope& scope, int max_passes);
  // The company's records in ApiKeys and IdempotencyKeys.
  Status PurgeServiceRecords(const CompanyScope& scope);
  // Deletes `keys` from `table` in transactions that each also check that the company is
  // still fenced in `scope`'s incarnation (Conflict, as CheckFenced, when it is not).
  Status DeleteFenced(const CompanyScope& scope, const std::string& table,
                      std::vector<dynamo::Item> keys);
  // Deletes the items `plan` finds; returns how many.
  Result<size_t> DeleteQueried(const QueryPlan& plan, const CompanyScope& scope, Entity entity);

  dynamo::Backend& backend_;
  const SchemaCatalog& catalog_;
  std::function<void(std::string_view)> progress_;
};

}  // namespace issuetracker::tenancy
