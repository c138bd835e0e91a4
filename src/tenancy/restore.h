// Per-company point-in-time restore: brings one company's data back to its state at a past
// time, leaving every other company's data as it is now.
//
// Which data: a pooled (Basic, Premium) company's items in the four pooled tables (the
// items whose partition key starts with "<COMPANY>#<TYPE>#", the entity's own tag; never a
// login-directory stub, of any registration); a Platinum company's four silo tables whole,
// plus the login-directory stubs of its current registration in the pooled Users table
// ("<COMPANY>#LOGIN#<incarnation>#"), which follow the restored silo users (one stub per
// user, as every write of a user keeps them).
//
// Only the current registration of the id: a company id can be offboarded and registered
// again (lifecycle.h), and the pooled keys and silo table names of two registrations are the
// same, so a restore to a time of an earlier registration would bring the old company's
// data into the new one. A restore time is therefore refused (InvalidRestoreTimeException)
// unless it is provably inside the current registration:
//   - not before the record's registered_at (written with the registration, by the
//     registrar's clock), when the record has it; and
//   - the company's CompanyManagement record as the backend's point-in-time recovery has it
//     at that time already names the current incarnation (active or onboarding). This
//     reads the backend's own history on the backend's own clock, so it also holds when the
//     registrar's clock was off, and for records without registered_at (registered before
//     it was recorded, or adopted from before the lifecycle: states before the adoption
//     cannot be told apart from an earlier registration's, so they are refused).
// Then the state at that time holds nothing of an earlier registration: that one was
// purged, checked empty and retired before this one could be registered.
//
// How: for each table, the items as they were at the time are read from a temporary table
// ("<table>-restore-<unix time>-<random>", deleted afterwards even when the restore
// failed):
//   - on a backend with dynamo::Extensions (the embedded engine), for a key prefix:
//     RestoreKeyPrefixToPointInTime into the temporary table (only the prefix's items);
//   - otherwise (any DynamoDB, and whole silo tables): RestoreTableToPointInTime into the
//     temporary table (no indexes, on-demand), waited for until ACTIVE, then a Scan of it
//     filtered on the prefix;
// and compared with a consistent Scan of the live table (filtered on the prefix). The items
// that differ are put back and the company's items that did not exist then are deleted,
// with TransactWriteItems of up to 99 writes that each also check the company's record
// (Layout::GuardFor: active, in the incarnation and tier the restore started with), like
// every write of the company. So a restore racing with the company's offboarding commits
// nothing after the offboarding's fence: what it committed before is purged by that
// offboarding, and the rest fails (Conflict). The restore as a whole is NOT atomic: a
// failure part-way leaves the company's data partly restored (running the restore again
// finishes it), and writes the company makes meanwhile may be overwritten. It reads the
// live tables whole (a filtered Scan each), and on the DynamoDB-only path restores them
// whole too, so its cost grows with the pooled tables, not with the company. Transactional
// writes cost twice the write units of plain ones on DynamoDB.
// Both paths need point-in-time recovery enabled on the tables (provisioning enables it),
// CompanyManagement included.
//
// Thread-safety: stateless between calls; as thread-safe as the backend.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "dynamo/backend.h"
#include "tenancy/schema.h"
#include "tenancy/tenant_context.h"

namespace issuetracker::tenancy {

struct CompanyRestoreReport {
  // "key-prefix restore into a temporary table + checked copy back" (embedded engine,
  // pooled) or "RestoreTableToPointInTime + checked copy back".
  std::string method;
  int64_t items_written = 0;  // items put back or deleted
  int64_t items_examined = 0;
  std::vector<std::string> tables;  // the tables restored
};

class CompanyRestorer {
 public:
  // `backend` and `catalog` must outlive the restorer.
  CompanyRestorer(dynamo::Backend& backend, const SchemaCatalog& catalog)
      : backend_(backend), catalog_(catalog) {}

  // Where progress lines of long waits go; none by default.
  void set_progress(std::function<void(std::string_view line)> progress) {
    progress_ = std::move(progress);
  }

  // Restores `company` to its state at `restore_date_time` (seconds since the epoch). Its
  // tier (which tables to restore) and incarnation come from its CompanyManagement record
  // through `admin`, like every administrative access: NotFound when there is no such
  // company, Conflict when it is not active (a company being onboarded or offboarded is
  // never restored, so a restore cannot bring back what an offboarding purged), and Conflict
  // when it stops being active in that incarnation and tier while the restore runs (what
  // was written before is then the offboarding's to purge).
  // InvalidRestoreTimeException for a time that is not provably inside the company's
  // current registration (above), and as DynamoDB reports it for a time outside the
  // recovery window; PointInTimeRecoveryUnavailableException as DynamoDB reports it; the
  // backend's error otherwise (see above for what a failure part-way leaves behind).
  Result<CompanyRestoreReport> RestoreCompany(const AdminAccess& admin, const CompanyId& company,
                                              double restore_date_time);

 private:
  using Items = std::map<std::string, dynamo::Item>;  // by primary key

  // Refuses `when` unless the company's record then already named `scope`'s registration.
  Status CheckRegisteredAt(const CompanyScope& scope, double when);
  // The items of `spec`'s table whose partition key starts with `prefix` ("" for all), as
  // they were at `when`.
  Status ItemsAt(const TableSpec& spec, const std::string& prefix, double when, Items* out);
  // Writes what differs between `then` and `now` (the items of one table) under `check`.
  Status CopyBack(const TableSpec& spec, Items then, const Items& now,
                  const dynamo::TransactConditionCheck& check, CompanyRestoreReport* report);

  dynamo::Backend& backend_;
  const SchemaCatalog& catalog_;
  std::function<void(std::string_view)> progress_;
};

}  // namespace issuetracker::tenancy
