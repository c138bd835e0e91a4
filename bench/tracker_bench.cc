// What re-validating tenant contexts costs (issue 11's targets), in one run, through the
// tracker on the embedded engine:
//   issue creation (a guarded transaction)            <= 1.3x the unchecked path
//   GetItem-backed reads (IssueRepository::Get)       <= 1.1x
//   list queries (IssueRepository::List, 25 items)    <= 1.1x
// Three trackers share one engine and one company: "unchecked" (the path before issue 11:
// SessionCheckOptions::kOffForBenchmarkOnly, no guard, no read check), "cached" (the
// default: writes guarded in their transaction, reads re-validated against storage at most
// once a second per session) and "strict" (every read re-validated against storage; writes
// as cached). Measurements are interleaved in chunks, the order rotating, so that all three
// see the same machine state.
// Usage: tracker_bench [--issues=20000] [--ops=100000] [--chunk=1000] [--tier=basic|platinum]
//                      [--dir=/tmp/issuetracker-bench]
#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "engine/engine.h"
#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tracker/tracker.h"

using namespace issuetracker;  // NOLINT: a benchmark program
using bench::NowSeconds;

namespace {

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

tracker::TrackerOptions OptionsFor(int variant) {
  tracker::TrackerOptions options;
  if (variant == 0) {
    options.sessions.enforcement = tracker::SessionCheckOptions::Enforcement::kOffForBenchmarkOnly;
  } else if (variant == 2) {
    options.sessions.reads = tracker::SessionCheckOptions::Reads::kStrict;
  }
  return options;
}

constexpr const char* kVariants[] = {"unchecked", "cached", "strict"};

}  // namespace

int main(int argc, char** argv) {
  const long long preload = bench::Flag(argc, argv, "issues", 20000);
  const long long ops = bench::Flag(argc, argv, "ops", 100000);
  const long long chunk = std::max(1LL, bench::Flag(argc, argv, "chunk", 1000));
  const bool platinum = bench::FlagString(argc, argv, "tier", "basic") == "platinum";
  const std::string base = bench::FlagString(argc, argv, "dir", "/tmp/issuetracker-bench");
  engine::EngineOptions engine_options;
  engine_options.path = bench::FreshDir(base, "tracker");
  auto opened = engine::Engine::Open(engine_options);
  Check(opened.status(), "open");
  auto db = std::move(opened).value();
  tenancy::Layout layout{tenancy::SchemaConfig{}};
  tenancy::SchemaCatalog catalog(layout);
  if (!tenancy::Provisioner(*db, catalog).ProvisionAll().ok()) {
    std::fprintf(stderr, "provisioning failed\n");
    return 1;
  }

  std::array<std::unique_ptr<tracker::Tracker>, 3> trackers;
  for (int v = 0; v < 3; ++v) {
    trackers[v] =
        std::make_unique<tracker::Tracker>(*db, layout, *SystemClock::Default(), OptionsFor(v));
  }
  const auto admin = tenancy::AdminAccess::Grant("tracker_bench");
  const auto company = tenancy::CompanyId::Parse("BENCHCO").value();
  const auto email = tenancy::UserEmail::Parse("alice@benchco.com").value();
  const tenancy::Tier tier = platinum ? tenancy::Tier::kPlatinum : tenancy::Tier::kBasic;
  Check(trackers[1]->companies().Create(admin, {company, "Bench Co", tier, email}).status(),
        "register");
  auto root = admin.ContextFor(*db, layout, company);
  Check(root.status(), "admin context");
  Check(trackers[1]->users().Create(*root, {email, "Alice", tenancy::Role::kAdmin}).status(),
        "user");
  std::vector<tenancy::TenantContext> ctx;
  for (int v = 0; v < 3; ++v) {
    auto signed_in = trackers[v]->auth().SignIn({email, company});
    Check(signed_in.status(), "sign in");
    ctx.push_back(std::move(signed_in).value());
  }
  const double load_start = NowSeconds();
  for (long long i = 0; i < preload; ++i) {
    tracker::NewIssue n{.title = "Login page loading slowly for some users on mobile",
                        .description = std::string(100, 'd'),
                        .priority = static_cast<tracker::Priority>(i % 4),
                        .labels = {"performance", "login"}};
    Check(trackers[0]->issues().Create(ctx[0], n).status(), "preload");
  }
  std::printf("tracker_bench: %s company with %lld issues (loaded in %.1f s), %lld ops each\n",
              platinum ? "a Platinum" : "a Basic", preload, NowSeconds() - load_start, ops);

  // [measurement][variant] seconds and operations, in total and per round (the machine's
  // speed drifts; a round's variants see the same state, so its ratios are what we report).
  double seconds[4][3] = {};
  long long done[4][3] = {};
  std::vector<std::array<double, 3>> rounds[4];
  std::minstd_rand rng(42);
  const uint64_t issue_count = static_cast<uint64_t>(std::max(1LL, preload));
  for (long long at = 0, round = 0; at < ops; at += chunk, ++round) {
    double before[4][3];
    for (int m = 0; m < 4; ++m) {
      for (int v = 0; v < 3; ++v) before[m][v] = seconds[m][v];
    }
    for (int k = 0; k < 3; ++k) {
      const int v = static_cast<int>((k + round) % 3);
      tracker::Tracker& t = *trackers[v];
      // Issue creation.
      double start = NowSeconds();
      for (long long i = 0; i < chunk / 4 + 1; ++i) {
        Check(t.issues().Create(ctx[v], {.title = "Created during the benchmark"}).status(),
              "create");
      }
      seconds[0][v] += NowSeconds() - start;
      done[0][v] += chunk / 4 + 1;
      // GetItem-backed reads of random issues.
      start = NowSeconds();
      for (long long i = 0; i < chunk; ++i) {
        auto id = tenancy::IssueId::FromSequence(1 + rng() % issue_count);
        Check(t.issues().Get(ctx[v], id).status(), "get");
      }
      seconds[1][v] += NowSeconds() - start;
      done[1][v] += chunk;
      // List queries: 25 issues of one priority (PriorityIndex).
      start = NowSeconds();
      for (long long i = 0; i < chunk / 10 + 1; ++i) {
        auto q = tracker::IssueQuery::WithPriority(static_cast<tracker::Priority>(rng() % 4));
        Check(t.issues().List(ctx[v], q, {25, ""}).status(), "list");
      }
      seconds[2][v] += NowSeconds() - start;
      done[2][v] += chunk / 10 + 1;
      // An edit (a guarded transaction without the id counter), for information.
      start = NowSeconds();
      for (long long i = 0; i < chunk / 10 + 1; ++i) {
        auto id = tenancy::IssueId::FromSequence(1 + rng() % issue_count);
        auto issue = t.issues().Get(ctx[v], id);
        Check(issue.status(), "get for edit");
        tracker::IssueChanges changes;
        changes.story_points = static_cast<int64_t>(rng() % 13);
        Check(t.issues().Edit(ctx[v], id, issue->version, changes).status(), "edit");
      }
      seconds[3][v] += NowSeconds() - start;
      done[3][v] += chunk / 10 + 1;
    }
    for (int m = 0; m < 4; ++m) {
      rounds[m].push_back({seconds[m][0] - before[m][0], seconds[m][1] - before[m][1],
                           seconds[m][2] - before[m][2]});
    }
  }
  // The median over the rounds of a variant's time over the unchecked path's.
  auto median_ratio = [&rounds](int m, int v) {
    std::vector<double> ratios;
    for (const auto& r : rounds[m]) ratios.push_back(r[v] / r[0]);
    std::sort(ratios.begin(), ratios.end());
    return ratios[ratios.size() / 2];
  };
  const char* names[] = {"issue creation", "GetItem-backed read (Get)", "list query (25 items)",
                         "edit (Get + guarded write)"};
  const double targets[] = {1.3, 1.1, 1.1, 1.3};
  std::printf("%-28s %12s %12s %12s\n", "per operation", kVariants[0], kVariants[1], kVariants[2]);
  double us[4][3];
  for (int m = 0; m < 4; ++m) {
    for (int v = 0; v < 3; ++v) us[m][v] = seconds[m][v] * 1e6 / static_cast<double>(done[m][v]);
    std::printf("%-28s %9.2f us %9.2f us %9.2f us\n", names[m], us[m][0], us[m][1], us[m][2]);
  }
  std::printf(
      "\nChecks against the unchecked path: the median over %zu rounds of each round's ratio\n"
      "(each round runs all three variants on the same machine state), and the ratio of the\n"
      "totals above:\n",
      rounds[0].size());
  auto report = [&](int m, int v, const char* variant) {
    const double ratio = median_ratio(m, v);
    std::printf("%-48s median %5.2fx  totals %5.2fx  (target <= %.1fx: %s)\n",
                (std::string(names[m]) + ", " + variant).c_str(), ratio, us[m][v] / us[m][0],
                targets[m], ratio <= targets[m] ? "met" : "MISSED");
  };
  for (int m = 0; m < 4; ++m) report(m, 1, "cached (default)");
  for (int m = 1; m < 3; ++m) report(m, 2, "strict");
  return 0;
}
