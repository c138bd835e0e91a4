// Support for the crash tests (engine_crash_test.cc): the operations they kill at each
// crash point ("scenarios"), and the checks of a database after a crash and a reopen.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/crash_points.h"
#include "engine/engine.h"

namespace issuetracker::engine::crash_test {

// Where scenarios start: 2023-11-14, in microseconds.
inline constexpr int64_t kStart = 1700000000LL * 1000000;

// The engine options every run of a scenario uses (in `dir`, with `env`).
EngineOptions TestOptions(const std::string& dir, Env* env);

// One multi-step operation, run in a child process that is killed at one of the crash
// points it passes.
struct Scenario {
  std::string name;
  // Builds the database the operation starts from, in `dir` (no engine open). Runs once,
  // in the test process; may run child processes (RunChild) to leave an operation
  // interrupted.
  std::function<void(const std::string& dir)> setup;
  // The operation, on an engine the child opened (with the clock at `*clock`).
  std::function<void(Engine& db, ManualClock* clock)> run;
  // The points the operation passes, each at least once (the change-stamp lease may be
  // passed besides).
  std::vector<CrashPoint> points;
  // Killed at this point or after it (in the order the operation passes its points), the
  // operation must be complete once the database is reopened (recovery finishes it);
  // killed before it, it must not have happened. nullopt: either, as a whole.
  std::optional<CrashPoint> done_at;
  // Whether the points reached while the engine opens (recovery) belong to the scenario.
  bool during_open = false;
  // An operation made of independent whole steps that running it again finishes (the
  // time-to-live pass): killed anywhere, the reopened database must be consistent, and a
  // second run must leave what an uninterrupted run leaves.
  bool resumable = false;
};

const std::vector<Scenario>& Scenarios();

// How a child run ends.
struct ChildRun {
  bool killed = false;              // SIGKILLed at the armed point
  std::vector<CrashPoint> reached;  // every point reached, in order, until then
};

// Runs scenario `name`'s operation in a child process (the test binary executed again) on
// the database in `dir`. With `arm`, the child kills itself at the `hit`-th time (from 1)
// it reaches that point. Fails the test when the child ends otherwise than expected.
ChildRun RunChild(const std::string& name, const std::string& dir,
                  std::optional<CrashPoint> arm = std::nullopt, int hit = 1);

// The child side: runs when the test binary is executed by RunChild. Returns the exit
// code, or never returns (killed).
int ChildMain(const char* spec);

// What an operation can change, as seen through the API: every table's items, indexes
// and settings, and the backups.
struct Snapshot {
  std::map<std::string, std::set<std::string>> items;  // table -> items (debug strings)
  std::map<std::string, std::string> shapes;           // table -> indexes, stream, PITR, tags
  std::multiset<std::string> backups;                  // "<table>/<backup name>"
  bool operator==(const Snapshot&) const = default;
};
Snapshot TakeSnapshot(Engine& db);

// Checks every table of the database: each index equals a recomputation from the
// table's items (sparse by key presence and type, projected as declared) and is ACTIVE;
// item counts and sizes of the table and of each index are exact.
void ExpectTablesConsistent(Engine& db);

// With the engine closed: nothing left behind by an interrupted operation (restore,
// backfill and prefix-restore markers, staging files, checkpoints without metadata), and no
// stored key that belongs to no live table or index.
void ExpectNoLeftovers(const std::string& dir);

}  // namespace issuetracker::engine::crash_test
