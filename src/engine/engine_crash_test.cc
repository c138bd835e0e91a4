// Crash tests: every multi-step operation of the engine is killed (SIGKILL, in a child
// process) at each crash point it passes, in turn; the database is reopened and must hold
// the operation either complete or not at all (as the point requires), every index equal
// to a recomputation from its table's items, exact statistics, and nothing left behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "engine/crash_test_util.h"
#include "tests/temp_dir.h"

namespace issuetracker::engine::crash_test {
namespace {

namespace fs = std::filesystem;

// Every registered point is one some scenario passes, so the crash test kills the process
// there. A step added with a new point and no scenario fails here.
TEST(CrashPointRegistryTest, EveryRegisteredPointIsKilledAtByAScenario) {
  std::set<CrashPoint> covered;
  std::set<std::string> names;
  for (const Scenario& s : Scenarios()) covered.insert(s.points.begin(), s.points.end());
  for (int i = 0; i < kCrashPointCount; ++i) {
    const auto point = static_cast<CrashPoint>(i);
    EXPECT_TRUE(covered.contains(point)) << CrashPointName(point) << " has no scenario";
    EXPECT_TRUE(names.insert(std::string(CrashPointName(point))).second)
        << CrashPointName(point) << " is registered twice";
  }
}

class CrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  const Scenario& scenario() const {
    for (const Scenario& s : Scenarios()) {
      if (s.name == GetParam()) return s;
    }
    std::abort();
  }
  // Opens `dir` after a run (the clock after the child's), waits for background work, and
  // makes the generic checks; returns what the database holds.
  Snapshot Reopen(const std::string& dir) {
    ManualClock clock(kStart + 2 * 3600LL * 1000000);
    CustomEnv env(&clock);
    Snapshot snapshot;
    {
      auto db = Engine::Open(TestOptions(dir, &env));
      EXPECT_TRUE(db.ok()) << db.status().ToString();
      if (!db.ok()) return snapshot;
      (*db)->WaitForBackgroundWork();
      ExpectTablesConsistent(**db);
      snapshot = TakeSnapshot(**db);
    }
    ExpectNoLeftovers(dir);
    return snapshot;
  }
  std::string Copy(const std::string& from, const std::string& name) {
    const std::string to = dir_.path() + "/" + name;
    fs::remove_all(to);
    fs::copy(from, to, fs::copy_options::recursive);
    return to;
  }

  testing::TempDir dir_;
};

TEST_P(CrashTest, KilledAtEachPointTheOperationIsWholeOrAbsent) {
  const Scenario& s = scenario();
  const auto started = std::chrono::steady_clock::now();
  const std::string base = dir_.path() + "/base";
  ASSERT_NO_FATAL_FAILURE(s.setup(base));
  ASSERT_FALSE(::testing::Test::HasFailure());
  // Before: the starting database as it opens (a copy: opening may finish recovery).
  const Snapshot before = Reopen(Copy(base, "before"));
  // A run to the end: the points the operation passes, and what it leaves.
  const std::string done_dir = Copy(base, "done");
  const ChildRun done = RunChild(s.name, done_dir);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const Snapshot after = Reopen(done_dir);
  std::set<CrashPoint> reached(done.reached.begin(), done.reached.end());
  for (CrashPoint p : s.points)
    EXPECT_TRUE(reached.contains(p)) << s.name << " did not pass " << CrashPointName(p);
  for (CrashPoint p : reached) {
    EXPECT_TRUE(p == CrashPoint::kLeasePersisted ||
                std::find(s.points.begin(), s.points.end(), p) != s.points.end())
        << s.name << " passed " << CrashPointName(p) << ", which it does not declare";
  }
  // Where in the run the operation counts as done.
  const auto done_index =
      s.done_at
          ? std::find(done.reached.begin(), done.reached.end(), *s.done_at) - done.reached.begin()
          : 0;
  // Killed at the first and the last time it passes each point it declares (the lease,
  // which many operations pass, only where it is declared).
  int runs = 0;
  for (CrashPoint p : std::set<CrashPoint>(s.points.begin(), s.points.end())) {
    const int hits = static_cast<int>(std::count(done.reached.begin(), done.reached.end(), p));
    for (int hit : std::set<int>{1, hits}) {
      SCOPED_TRACE(std::string(CrashPointName(p)) + " #" + std::to_string(hit));
      int seen = 0;
      const auto at = std::find_if(done.reached.begin(), done.reached.end(),
                                   [&](CrashPoint q) { return q == p && ++seen == hit; }) -
                      done.reached.begin();
      const std::string dir = Copy(base, "killed");
      const ChildRun killed = RunChild(s.name, dir, p, hit);
      ASSERT_TRUE(killed.killed);
      const Snapshot found = Reopen(dir);
      ++runs;
      if (s.resumable) {
        // Every step is whole (the reopen checked it); running again finishes the rest.
        const ChildRun rerun = RunChild(s.name, dir);
        EXPECT_FALSE(rerun.killed);
        EXPECT_TRUE(Reopen(dir) == after) << "running it again did not finish it";
      } else if (s.done_at && at >= done_index) {
        EXPECT_TRUE(found == after) << "the operation is not complete";
      } else if (s.done_at) {
        EXPECT_TRUE(found == before) << "the operation left a trace";
      } else {
        EXPECT_TRUE(found == before || found == after) << "the operation is half done";
      }
    }
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::printf("%s: %d kills, %lld ms\n", s.name.c_str(), runs,
              static_cast<long long>(elapsed.count()));
}

std::vector<std::string> ScenarioNames() {
  std::vector<std::string> names;
  for (const Scenario& s : Scenarios()) names.push_back(s.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Operations, CrashTest, ::testing::ValuesIn(ScenarioNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace issuetracker::engine::crash_test

int main(int argc, char** argv) {
  // RunChild executes this binary again to run one operation in a fresh process.
  if (const char* spec = std::getenv("IT_CRASH_CHILD")) {
    return issuetracker::engine::crash_test::ChildMain(spec);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
