// Synthetic data: N companies across the three tiers, each with users, teams, issues and
// comments, written fast (ImportItems in large chunks per table, several threads).
//
// The data is consistent, as if made through the repositories: ids are sequential and the
// companies' counters point past them, current_users counts the users, every team's
// current_workload equals its issues that are not Closed, assignees, team members and
// mentions are users of the same company, Platinum companies are onboarded (silo tables,
// CompanyStackMapping, login directory stubs). It is deterministic for a given seed, so a
// re-run rewrites the same items.
//
// Tiers cycle per ten companies: one Platinum, four Premium, five Basic. Users per company
// are capped at the tier's max_users.
//
// Thread-safety: runs its own worker threads; one call at a time per backend.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/result.h"
#include "dynamo/backend.h"
#include "tenancy/layout.h"
#include "tenancy/tenant_context.h"
#include "tracker/sample_data.h"

namespace issuetracker::tracker {

struct SyntheticOptions {
  int companies = 50;
  int issues_per_company = 2000;
  int teams_per_company = 5;
  int users_per_company = 10;
  int comments_per_company = 200;
  // One more worker than cores: a worker waiting for its import's ingestion leaves its
  // core to the others (measured best on the 2-core reference machine: 3).
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) + 1;
  uint64_t seed = 1;
  // Company ids are <prefix><6 digits>, e.g. SYNTH000001.
  std::string company_prefix = "SYNTH";
};

struct SyntheticProgress {
  uint64_t items_done = 0;
  uint64_t items_total = 0;
  uint64_t issues_done = 0;
  uint64_t issues_total = 0;
  double elapsed_seconds = 0;
};

struct SyntheticReport {
  SeedCounts counts;
  int basic = 0;
  int premium = 0;
  int platinum = 0;
  // Setup: company records and Platinum onboarding (table creation), and activation.
  double setup_seconds = 0;
  // The bulk write of users, teams, issues and comments.
  double write_seconds = 0;
  double issues_per_second = 0;  // issues / write_seconds
  double items_per_second = 0;   // all items / write_seconds
  size_t chunk_items = 0;        // items per ImportItems call (at most)
};

// Validation for options out of range (companies 1..1,000,000, issues 0..1,000,000 each,
// threads 1..64, users >= 1, teams 0..1000, comments >= 0 and needing issues).
Status ValidateSyntheticOptions(const SyntheticOptions& options);

// Writes the data through `admin`. Each company is registered (a re-run: reopened) in the
// `onboarding` state of the lifecycle (tenancy/lifecycle.h), with the tier its index gives
// it: while the bulk import runs nobody can sign in to it, write to it or offboard it; when
// every item is in, the companies are activated. `progress` (may be empty) is called about
// every 100 ms from a monitor thread, and once at the end. Conflict when a company of the
// run is being offboarded or registered on another tier; a failed run leaves its companies
// in onboarding, which the next run adopts.
Result<SyntheticReport> SeedSynthetic(dynamo::Backend& backend, const tenancy::Layout& layout,
                                      const tenancy::AdminAccess& admin,
                                      const SyntheticOptions& options,
                                      const std::function<void(const SyntheticProgress&)>& progress,
                                      const Clock& clock = *SystemClock::Default());

}  // namespace issuetracker::tracker
