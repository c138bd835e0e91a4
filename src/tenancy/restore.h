// Per-company point-in-time restore: brings one company's data back to its state at a past
// time, leaving every other company's data as it is now.
//
// Which tables: a pooled (Basic, Premium) company's items in the four pooled tables (the
// items whose partition key starts with "<COMPANY>#<TYPE>#", the entity's own tag); a
// Platinum company's four silo tables whole, plus its current registration's login-directory
// stubs in the pooled Users table ("<COMPANY>#LOGIN#<incarnation>#").
//
// How, by backend:
//   - a backend with dynamo::Extensions (the embedded engine), for the pooled tables:
//     RestoreKeyPrefixToPointInTime on each table, which rewrites the prefix's items and
//     their index entries in one atomic write per table;
//   - any other DynamoDB (the client backend), and a Platinum company's silo tables on
//     every backend (they are restored whole), DynamoDB's own operations only: per table,
//     RestoreTableToPointInTime into a temporary table "<table>-restore-<unix time>" (no
//     indexes, on-demand), waited for until ACTIVE; a Scan of the temporary table (filtered
//     on the prefix) gives the items as they were; a Scan of the live table gives the
//     company's items as they are; the old items are written back and the company's items
//     that did not exist then are deleted, with BatchWriteItem (unprocessed items resent
//     with backoff); the temporary table is deleted, even when the copy failed. This path is
//     NOT atomic: a failure part-way leaves the company's items partly restored (running
//     the restore again finishes it), and writes the company makes meanwhile may be
//     overwritten. It reads both tables whole (two full scans per table), so its cost grows
//     with the pooled tables, not with the company.
// Both paths need point-in-time recovery enabled on the tables (provisioning enables it).
//
// Thread-safety: stateless between calls; as thread-safe as the backend.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "dynamo/backend.h"
#include "tenancy/schema.h"
#include "tenancy/tenant_context.h"

namespace issuetracker::tenancy {

struct CompanyRestoreReport {
  // "key-prefix restore (embedded engine)" or "RestoreTableToPointInTime + copy back".
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
  // tier (which tables to restore) comes from its CompanyManagement record through
  // `admin`, like every administrative access: NotFound when there is no such company,
  // Conflict when it is not active (a company being onboarded or offboarded is never
  // restored, so a restore cannot bring back what an offboarding purged).
  // PointInTimeRecoveryUnavailableException / InvalidRestoreTimeException as DynamoDB
  // reports them; the backend's error otherwise (see above for what a failure of the
  // DynamoDB-only path leaves behind).
  Result<CompanyRestoreReport> RestoreCompany(const AdminAccess& admin, const CompanyId& company,
                                              double restore_date_time);

 private:
  // One table: the items whose partition key (attribute `partition_key`) starts with
  // `prefix` ("" for all) go back to their state at `when`.
  Status RestoreTable(const TableSpec& spec, const std::string& prefix, double when,
                      CompanyRestoreReport* report);
  Status CopyBack(const TableSpec& spec, const std::string& temporary, const std::string& prefix,
                  CompanyRestoreReport* report);

  dynamo::Backend& backend_;
  const SchemaCatalog& catalog_;
  std::function<void(std::string_view)> progress_;
};

}  // namespace issuetracker::tenancy
