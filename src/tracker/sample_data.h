// The spec's sample data ("Step 4: Add Sample Data"), loaded exactly and idempotently.
//
// Loads the two sample companies (COMPANY001 TechStart Solutions, Basic; COMPANY002 DevCorp
// Enterprise, Premium), their issues, teams and comments with exactly the spec's attribute
// values, plus the users those items reference (the spec gives none, so their records are
// ours: names from the sample where it has them, roles User/Admin/Super Admin).
//
// Exactly means the spec's numbers too: TEAM-001's current_workload is 15 and COMPANY002's
// current_users is 12, which describe work and seats beyond the sample's few items. The
// tracker keeps those counters exact from there on (every change adjusts them in the same
// transaction); it does not recompute them from the sample.
//
// Re-running overwrites the sample items with the spec's values again and leaves
// everything else alone; the companies' id counters are only ever raised, so ids handed out
// since are never reused.
//
// Thread-safety: one call at a time per backend (concurrent calls write the same values).
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "dynamo/backend.h"
#include "tenancy/layout.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"

namespace issuetracker::tracker {

struct SampleData {
  std::vector<Company> companies;
  std::vector<User> users;
  std::vector<Team> teams;
  std::vector<Issue> issues;
  std::vector<Comment> comments;
};

// The sample, as domain values.
SampleData SpecSampleData();

struct SeedCounts {
  int companies = 0;
  int users = 0;
  int teams = 0;
  int issues = 0;
  int comments = 0;
  std::string ToString() const;
};

// Writes the sample through `admin` like any administrative tool: each company is registered
// (or, when it already is, its record's attributes are restored under its context's guard),
// and its items are written in one transaction under that guard, in the tables of the tier
// read back from its record. ResourceNotFound (with a hint to run `provision`) when the
// tables are missing; Conflict when a sample company is being on- or offboarded, is
// registered on another tier, or was retired less than the quarantine ago.
Result<SeedCounts> SeedSampleData(dynamo::Backend& backend, const tenancy::Layout& layout,
                                  const tenancy::AdminAccess& admin,
                                  const Clock& clock = *SystemClock::Default());

}  // namespace issuetracker::tracker
