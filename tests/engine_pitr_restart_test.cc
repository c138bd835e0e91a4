// Point-in-time recovery across restarts (issue 10): restores after clean reopens, after
// process kills, and with the wall clock stepping backwards or forwards between runs, each
// checked against a model of the table's history.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <sstream>

#include "common/clock.h"
#include "engine/engine.h"
#include "tests/child_process.h"
#include "tests/pitr_model.h"
#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

constexpr int64_t kMilli = 1000;
constexpr char kChildVariable[] = "IT_PITR_RESTART_CHILD";

// The options of the test's engine and of its children's.
engine::EngineOptions TestOptions(const std::string& path, engine::Env* env) {
  engine::EngineOptions options;
  options.path = path;
  options.env = env;
  options.block_cache_bytes = 8u << 20;
  return options;
}

class PitrRestartTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    db_.reset();
    auto e = engine::Engine::Open(Options());
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    db_ = std::move(e).value();
  }
  engine::EngineOptions Options() { return TestOptions(dir_.path() + "/db", &env_); }
  Result<dynamo::RestoreTableToPointInTimeResponse> RestoreTo(const std::string& source,
                                                              const std::string& target,
                                                              std::optional<int64_t> at) {
    dynamo::RestoreTableToPointInTimeRequest r;
    r.source_table_name = source;
    r.target_table_name = target;
    if (at) {
      r.restore_date_time = Seconds(*at);
    } else {
      r.use_latest_restorable_time = true;
    }
    return db_->RestoreTableToPointInTime(r);
  }
  // The restore to `at` of `source` holds exactly the model's state at `at`, in the table
  // and in both indexes, with matching statistics.
  void ExpectRestoreMatches(const std::string& source, const PitrModel& model, int64_t at,
                            const std::string& target) {
    ASSERT_OK(RestoreTo(source, target, at));
    const auto expected = model.At(at);
    EXPECT_EQ(ScanAll(*db_, target), expected) << "restore to " << at;
    EXPECT_EQ(ScanAll(*db_, target, "ByColor"), PitrModel::Index(expected, "color", false));
    EXPECT_EQ(ScanAll(*db_, target, "ByOwner"), PitrModel::Index(expected, "owner", true));
    auto d = db_->DescribeTable({target});
    ASSERT_OK(d);
    EXPECT_EQ(d->table.item_count, static_cast<int64_t>(expected.size()));
  }
  int64_t LatestRestorable(const std::string& table) {
    auto window = db_->DescribeContinuousBackups({table});
    EXPECT_TRUE(window.ok());
    if (!window.ok()) return 0;
    return std::llround(*window->continuous_backups_description.point_in_time_recovery_description
                             .latest_restorable_date_time *
                        1e6);
  }

  // Runs puts in a child process (with its own copy of the manual clock), which reports
  // each put before and after it; SIGKILLs the child after `acknowledged` puts; applies
  // to `model` every acknowledged put and the one in flight when it landed; and sets the
  // clock to the child's.
  void PutsUntilKilled(const std::string& table, int acknowledged, int64_t first_value,
                       PitrModel* model);

  ManualClock clock_{kPitrStart};
  engine::CustomEnv env_{&clock_};
  TempDir dir_;
  std::unique_ptr<engine::Engine> db_;
};

// One put of the child, as it reports it.
struct ChildPut {
  int32_t acknowledged = 0;  // 0: about to put; 1: the put returned OK
  int32_t key = 0;
  int64_t value = 0;
  int64_t time = 0;
};

Item ChildItem(const ChildPut& p, std::string* key) {
  const std::string pk = "C" + std::to_string(p.key % 3) + "#ITEM#" + std::to_string(p.key % 40);
  const int64_t sk = p.key % 3;
  *key = pk + "/" + std::to_string(sk);
  return MakeItem({{"pk", S(pk)}, {"sk", N(sk)}, {"v", N(p.value)}, {"color", S("red")}});
}

// Run by PutsUntilKilled in a process of its own (SpawnSelfTest); disabled, so that it
// runs only there. Puts random items into the table until it is killed, reporting each
// put before and after it on the pipe; the value it is given is
// "<database path>\n<table>\n<first value> <clock micros>".
TEST(PitrRestartChild, DISABLED_PutsUntilKilled) {
  const auto args = GetSelfTestArgs(kChildVariable);
  ASSERT_TRUE(args) << "run by PitrRestartTest's PutsUntilKilled only";
  std::istringstream spec(args->value);
  std::string path, table;
  int64_t first_value = 0, now = 0;
  std::getline(spec, path);
  std::getline(spec, table);
  spec >> first_value >> now;
  ManualClock clock(now);
  engine::CustomEnv env(&clock);
  auto db = engine::Engine::Open(TestOptions(path, &env));
  if (!db.ok()) _exit(2);
  std::mt19937 rng(static_cast<uint32_t>(first_value));
  for (int64_t i = 0;; ++i) {
    clock.AdvanceMicros(kMilli * (1 + static_cast<int64_t>(rng() % 5)));
    ChildPut p{0, static_cast<int32_t>(rng() % 1000), first_value + i, clock.NowMicros()};
    std::string key;
    if (write(args->fd, &p, sizeof(p)) != sizeof(p)) _exit(4);
    if (!(*db)->PutItem({table, ChildItem(p, &key)}).ok()) _exit(3);
    p.acknowledged = 1;
    if (write(args->fd, &p, sizeof(p)) != sizeof(p)) _exit(4);
  }
}

void PitrRestartTest::PutsUntilKilled(const std::string& table, int acknowledged,
                                      int64_t first_value, PitrModel* model) {
  db_.reset();
  std::ostringstream spec;
  spec << dir_.path() + "/db" << '\n' << table << '\n' << first_value << ' ' << clock_.NowMicros();
  const SelfTestChild child =
      SpawnSelfTest("PitrRestartChild.DISABLED_PutsUntilKilled", kChildVariable, spec.str());
  ASSERT_GE(child.pid, 0);
  std::vector<ChildPut> reported;
  ChildPut p;
  int acks = 0;
  while (acks < acknowledged && read(child.read_fd, &p, sizeof(p)) == sizeof(p)) {
    reported.push_back(p);
    acks += p.acknowledged;
  }
  kill(child.pid, SIGKILL);
  waitpid(child.pid, nullptr, 0);
  while (read(child.read_fd, &p, sizeof(p)) == sizeof(p)) reported.push_back(p);
  close(child.read_fd);
  ASSERT_GE(acks, acknowledged);
  clock_.SetMicros(reported.back().time);
  Open();
  for (size_t i = 0; i < reported.size(); ++i) {
    const ChildPut& r = reported[i];
    if (r.acknowledged) continue;
    std::string key;
    const Item item = ChildItem(r, &key);
    const bool acked = i + 1 < reported.size() && reported[i + 1].acknowledged;
    if (!acked) {  // in flight at the kill: in the model when it landed
      dynamo::GetItemRequest get{table, MakeItem({{"pk", item.at("pk")}, {"sk", item.at("sk")}})};
      auto got = db_->GetItem(get);
      ASSERT_OK(got);
      if (!got->item || got->item->at("v") != item.at("v")) continue;
    }
    model->Apply(r.time, key, &item);
  }
}

// Issue 10's reproduction: after a clean restart the change clock restarted from its
// lease, up to a minute ahead of the wall clock, and a restore to just after a write
// acknowledged after the restart lost that write.
TEST_F(PitrRestartTest, RestoreAfterCleanReopenHoldsWritesOfBothRuns) {
  CreateTrackedTable(*db_, "Reopened");
  clock_.AdvanceMicros(kMilli);
  ASSERT_OK(db_->PutItem({"Reopened", MakeItem({{"pk", S("A")}, {"sk", N(1)}})}));
  clock_.AdvanceMicros(kMilli);
  Open();  // closes cleanly, then reopens
  clock_.AdvanceMicros(kMilli);
  ASSERT_OK(db_->PutItem({"Reopened", MakeItem({{"pk", S("B")}, {"sk", N(2)}})}));
  const int64_t b_acknowledged = clock_.NowMicros();
  clock_.AdvanceMicros(2000 * kMilli);
  ASSERT_OK(RestoreTo("Reopened", "AfterB", b_acknowledged + 1000 * kMilli));
  EXPECT_EQ(ScanAll(*db_, "AfterB").size(), 2u);
  ASSERT_OK(RestoreTo("Reopened", "BeforeB", b_acknowledged - 500));
  auto before = ScanAll(*db_, "BeforeB");
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before.begin()->second.at("pk"), S("A"));
  EXPECT_EQ(LatestRestorable("Reopened"), clock_.NowMicros());
}

// The same after a kill, whose lease is the furthest ahead of the wall clock.
TEST_F(PitrRestartTest, RestoreAfterKillHoldsWritesOfBothRuns) {
  CreateTrackedTable(*db_, "Killed");
  PitrModel model;
  ASSERT_NO_FATAL_FAILURE(PutsUntilKilled("Killed", 20, 0, &model));
  clock_.AdvanceMicros(kMilli);
  const Item b = MakeItem({{"pk", S("B")}, {"sk", N(2)}});
  ASSERT_OK(db_->PutItem({"Killed", b}));
  model.Apply(clock_.NowMicros(), "B/2", &b);
  const int64_t b_acknowledged = clock_.NowMicros();
  clock_.AdvanceMicros(2000 * kMilli);
  ExpectRestoreMatches("Killed", model, b_acknowledged + 1000 * kMilli, "AfterB");
  EXPECT_EQ(ScanAll(*db_, "AfterB").size(), model.Current().size());
  ExpectRestoreMatches("Killed", model, b_acknowledged - 500, "BeforeB");
}

// Runs separated by clean reopens, kills, and wall-clock steps forwards and backwards;
// restores to random times across all of them match the model, and the restorable window
// stays true.
TEST_F(PitrRestartTest, RestoresAcrossRunsMatchTheModel) {
  CreateTrackedTable(*db_, "Runs");
  const int64_t enabled = clock_.NowMicros();
  std::mt19937 rng(2024);
  PitrModel model;
  std::vector<std::pair<int64_t, int64_t>> spans;  // [first, last] write time of each run
  auto run = [&](int writes) {
    const int64_t first = clock_.NowMicros();
    RandomWrites(*db_, clock_, model, "Runs", writes, rng);
    spans.emplace_back(first, clock_.NowMicros());
  };
  run(120);
  Open();  // a clean restart, immediately
  run(120);
  ASSERT_NO_FATAL_FAILURE(PutsUntilKilled("Runs", 60, 100000, &model));
  run(80);
  clock_.AdvanceMicros(3600LL * 1000 * kMilli);  // the clock steps an hour forwards
  Open();
  run(80);
  const int64_t before_step = clock_.NowMicros();
  db_.reset();
  clock_.SetMicros(before_step - 200 * kMilli);  // and 200 ms backwards
  Open();
  run(80);
  ASSERT_NO_FATAL_FAILURE(PutsUntilKilled("Runs", 40, 200000, &model));
  clock_.SetMicros(clock_.NowMicros() - 50 * kMilli);  // backwards again after the kill
  run(60);

  // Writes dated after the clock stepped back lie before earlier writes' dates: the
  // latest restorable time is the latest date, which restores everything.
  EXPECT_EQ(LatestRestorable("Runs"), std::max(clock_.NowMicros(), model.LatestTime()));
  ExpectRestoreMatches("Runs", model, LatestRestorable("Runs"), "AtLatest");
  EXPECT_EQ(ScanAll(*db_, "AtLatest"), model.Current());
  ASSERT_OK(RestoreTo("Runs", "Latest", std::nullopt));
  EXPECT_EQ(ScanAll(*db_, "Latest"), model.Current());

  // Random times, and times at the edges of each run (writes are whole milliseconds apart,
  // so a half-millisecond offset falls strictly between two of them).
  std::vector<int64_t> times;
  for (const auto& [first, last] : spans) {
    times.push_back(first - 500);
    times.push_back(first + 500);
    times.push_back(last + 500);
  }
  const int64_t end = std::max(clock_.NowMicros(), model.LatestTime());
  for (int i = 0; i < 8; ++i)
    times.push_back(enabled + 500 +
                    static_cast<int64_t>(rng() % static_cast<uint64_t>(end - enabled)) / kMilli *
                        kMilli);
  for (size_t i = 0; i < times.size(); ++i) {
    if (times[i] < enabled || times[i] > end) continue;
    ASSERT_NO_FATAL_FAILURE(
        ExpectRestoreMatches("Runs", model, times[i], "At" + std::to_string(i)));
  }
  // A per-tenant restore into a new table follows the same rule.
  dynamo::RestoreKeyPrefixToPointInTimeRequest tenant;
  tenant.table_name = "Runs";
  tenant.partition_key_prefix = "C1#";
  tenant.restore_date_time = Seconds(spans[3].first + 500);
  tenant.target_table_name = "Tenant";
  ASSERT_OK(db_->RestoreKeyPrefixToPointInTime(tenant));
  EXPECT_EQ(ScanAll(*db_, "Tenant"), model.At(spans[3].first + 500, "C1#"));
}

// A clock that moves one microsecond every time it is read.
class TickingClock final : public Clock {
 public:
  explicit TickingClock(int64_t start) : now_(start) {}
  int64_t NowMicros() const override { return now_.fetch_add(1); }

 private:
  mutable std::atomic<int64_t> now_;
};

// A transaction's or an import's records share one date, so a restore to any time has all
// of them or none, even when the clock moves while they are stamped.
TEST(PitrAtomicityTest, RestoresNeverSplitATransactionOrAnImport) {
  TempDir dir;
  TickingClock clock(kPitrStart);
  engine::EngineOptions options;
  options.path = dir.path() + "/db";
  engine::CustomEnv env(&clock);
  options.env = &env;
  auto opened = engine::Engine::Open(options);
  ASSERT_OK(opened);
  engine::Engine& db = **opened;
  CreateTrackedTable(db, "Atomic");
  const int64_t before = clock.NowMicros();
  dynamo::TransactWriteItemsRequest tx;
  for (int i = 0; i < 10; ++i) {
    dynamo::TransactWriteItem w;
    w.put =
        dynamo::TransactPut{"Atomic", MakeItem({{"pk", S("T" + std::to_string(i))}, {"sk", N(0)}})};
    tx.transact_items.push_back(std::move(w));
  }
  ASSERT_OK(db.TransactWriteItems(tx));
  dynamo::ImportItemsRequest import{"Atomic", {}, nullptr};
  for (int i = 0; i < 10; ++i)
    import.items.push_back(MakeItem({{"pk", S("I" + std::to_string(i))}, { "sk", N(0) }}));
  ASSERT_OK(db.ImportItems(import));
  const int64_t after = clock.NowMicros();
  for (int64_t at = before; at <= after; at += 3) {
    dynamo::RestoreTableToPointInTimeRequest r;
    r.source_table_name = "Atomic";
    r.target_table_name = "At" + std::to_string(at);
    r.restore_date_time = Seconds(at);
    ASSERT_OK(db.RestoreTableToPointInTime(r));
    size_t transacted = 0, imported = 0;
    for (const auto& [k, item] : ScanAll(db, r.target_table_name))
      ++(item.at("pk").s()[0] == 'T' ? transacted : imported);
    EXPECT_TRUE(transacted == 0 || transacted == 10) << transacted << " at " << at;
    EXPECT_TRUE(imported == 0 || imported == 10) << imported << " at " << at;
  }
}

}  // namespace
}  // namespace issuetracker::testing
