// Durability and concurrency of the embedded engine: reopen, process kill, linearizable
// conditional writes, atomic transactions under contention.
#include <rocksdb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "engine/core.h"
#include "engine/engine.h"
#include "tests/child_process.h"
#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

using dynamo::ScalarType;

std::unique_ptr<engine::Engine> OpenEngine(const std::string& path) {
  engine::EngineOptions options;
  options.path = path;
  options.block_cache_bytes = 8u << 20;
  auto e = engine::Engine::Open(options);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? std::move(e).value() : nullptr;
}

int32_t CountIndex(dynamo::Backend& db, const std::string& table, const std::string& index) {
  dynamo::ScanRequest s;
  s.table_name = table;
  s.index_name = index;
  s.select = dynamo::Select::kCount;
  int32_t total = 0;
  for (;;) {
    auto r = db.Scan(s);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return -1;
    total += r->count;
    if (!r->last_evaluated_key) return total;
    s.exclusive_start_key = r->last_evaluated_key;
  }
}

int32_t CountTable(dynamo::Backend& db, const std::string& table) {
  dynamo::ScanRequest s;
  s.table_name = table;
  s.select = dynamo::Select::kCount;
  int32_t total = 0;
  for (;;) {
    auto r = db.Scan(s);
    if (!r.ok()) return -1;
    total += r->count;
    if (!r->last_evaluated_key) return total;
    s.exclusive_start_key = r->last_evaluated_key;
  }
}

// Writes `value` under catalog key `key` (deletes it with nullopt) of the closed engine
// database at `path`, with RocksDB itself.
void PutRawCatalog(const std::string& path, const std::string& key,
                   std::optional<std::string> value) {
  engine::EngineOptions options;
  options.path = path;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status opened = rocksdb::DB::Open(
      rocksdb::Options(), path, engine::EngineColumnFamilies(options), &handles, &raw);
  ASSERT_TRUE(opened.ok()) << opened.ToString();
  ASSERT_TRUE(
      (value ? raw->Put({}, handles[0], key, *value) : raw->Delete({}, handles[0], key)).ok());
  for (auto* h : handles) ASSERT_TRUE(raw->DestroyColumnFamilyHandle(h).ok());
  delete raw;
}

// Catalog records the engine relies on, which it cannot read, fail the open (or the
// CreateTable that reads the table-id counter) with Corruption
// instead of being guessed (a lease or table-id counter read as absent could reuse stamps
// or ids; a prefix-restore marker dropped would leave its prefix half restored).
TEST(EngineDurabilityTest, UnreadableCatalogRecordsFailTheOpen) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  {
    auto db = OpenEngine(path);
    ASSERT_TRUE(db);
    ASSERT_OK(db->CreateTable(IssuesPooledRequest("Issues")));
    ASSERT_OK(db->PutItem(
        {"Issues", MakeItem({{"company_issue_id", S("C1#ISSUE#1")}, {"company_id", S("C1")}})}));
  }
  engine::EngineOptions options;
  options.path = path;
  auto put_raw = [&](const std::string& key, std::optional<std::string> value) {
    PutRawCatalog(path, key, std::move(value));
  };
  std::string table_marker = "p";
  table_marker += std::string("\0\0\0\1", 4) + std::string(8, '\0');
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"n/change_lease", "1234567", "seven-byte lease"},
      {"n/change_lease", std::string(8, '\xff'), "negative lease"},
      {"n/next_table_id", std::string(2, '\0'), "two-byte table id counter"},
      {"n/next_table_id", std::string(4, '\0'), "table id counter at 0"},
      {table_marker, std::string(8, '\0'), "prefix-restore marker without a prefix"},
      {"p" + std::string(3, '\0'), std::string(8, '\0') + "C1", "short prefix-restore key"},
  };
  for (const auto& [key, bad, what] : cases) {
    {
      auto db = OpenEngine(path);  // a good open first: it also saves the lease
      ASSERT_TRUE(db) << what;
    }
    put_raw(key, bad);
    {
      auto opened = engine::Engine::Open(options);
      if (key == "n/next_table_id") {  // read when a table is created
        ASSERT_TRUE(opened.ok()) << what;
        EXPECT_EQ((*opened)->CreateTable(IssuesPooledRequest("Other")).status().code(),
                  Code::kCorruption)
            << what;
      } else {
        EXPECT_EQ(opened.status().code(), Code::kCorruption) << what;
      }
    }
    put_raw(key, std::nullopt);
    if (key == "n/next_table_id") put_raw(key, std::string("\0\0\0\2", 4));
  }
  auto db = OpenEngine(path);
  ASSERT_TRUE(db);
  auto got = db->GetItem({"Issues", MakeItem({{"company_issue_id", S("C1#ISSUE#1")}})});
  ASSERT_OK(got);
  EXPECT_TRUE(got->item.has_value());
}

// Statistics that do not decode are reported, not shown as an empty table: DescribeTable
// answers Corruption. The table can still be deleted.
TEST(EngineDurabilityTest, UndecodableStatisticsAreCorruptionNotZero) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  {
    auto db = OpenEngine(path);
    ASSERT_TRUE(db);
    ASSERT_OK(db->CreateTable(IssuesPooledRequest("Issues")));
    ASSERT_OK(db->PutItem(
        {"Issues", MakeItem({{"company_issue_id", S("C1#ISSUE#1")}, {"company_id", S("C1")}})}));
    auto described = db->DescribeTable({"Issues"});
    ASSERT_OK(described);
    EXPECT_EQ(described->table.item_count, 1);
  }
  PutRawCatalog(path, engine::StatsKey(1), "three");  // not whole 17-byte entries
  auto db = OpenEngine(path);
  ASSERT_TRUE(db);
  EXPECT_EQ(db->DescribeTable({"Issues"}).status().code(), Code::kCorruption);
  ASSERT_OK(db->DeleteTable({"Issues"}));
  EXPECT_EQ(db->DescribeTable({"Issues"}).status().code(), Code::kResourceNotFound);
}

TEST(EngineDurabilityTest, ReopenServesExactlyWhatItHeld) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  std::vector<Item> written;
  {
    auto db = OpenEngine(path);
    ASSERT_TRUE(db);
    ASSERT_OK(db->CreateTable(IssuesPooledRequest("Issues")));
    for (int i = 0; i < 300; ++i) {
      Item item = MakeItem({{"company_issue_id", S("C1#ISSUE#ISS-" + std::to_string(i))},
                            {"company_id", S("C" + std::to_string(i % 3))},
                            {"status", S(i % 2 ? "Open" : "Closed")},
                            {"priority", S("High")},
                            {"labels", AttributeValue::L({S("a"), N(i)})}});
      if (i % 5) item.emplace("assigned_user", S("u" + std::to_string(i % 7)));
      dynamo::PutItemRequest put{"Issues", item};
      ASSERT_OK(db->PutItem(put));
      written.push_back(item);
    }
    dynamo::UpdateContinuousBackupsRequest pitr;
    pitr.table_name = "Issues";
    pitr.point_in_time_recovery_enabled = true;
    ASSERT_OK(db->UpdateContinuousBackups(pitr));
    // Imported items (ingested files, statistics included) and a write after them.
    dynamo::ImportItemsRequest import;
    import.table_name = "Issues";
    for (int i = 300; i < 400; ++i) {
      import.items.push_back(MakeItem({{"company_issue_id", S("C1#ISSUE#ISS-" + std::to_string(i))},
                                       {"company_id", S("C1")},
                                       { "status",
                                         S("Open") }}));
    }
    ASSERT_OK(db->ImportItems(import));
    written.insert(written.end(), import.items.begin(), import.items.end());
    dynamo::DeleteItemRequest del;
    del.table_name = "Issues";
    del.key = MakeItem({{"company_issue_id", S("C1#ISSUE#ISS-399")}});
    ASSERT_OK(db->DeleteItem(del));
    written.pop_back();
  }
  auto db = OpenEngine(path);
  ASSERT_TRUE(db);
  auto described = db->DescribeTable({"Issues"});
  ASSERT_OK(described);
  EXPECT_EQ(described->table.item_count, 399);
  int64_t bytes = 0;
  for (const auto& item : written) bytes += static_cast<int64_t>(dynamo::ItemSize(item));
  EXPECT_EQ(described->table.table_size_bytes, bytes);
  EXPECT_EQ(described->table.global_secondary_indexes.size(), 4u);
  for (const auto& item : written) {
    dynamo::GetItemRequest get;
    get.table_name = "Issues";
    get.key = MakeItem({{"company_issue_id", item.at("company_issue_id")}});
    auto got = db->GetItem(get);
    ASSERT_OK(got);
    ASSERT_TRUE(got->item.has_value());
    EXPECT_EQ(*got->item, item);
  }
  EXPECT_EQ(CountIndex(*db, "Issues", "CompanyStatusIndex"), 399);
  EXPECT_EQ(CountIndex(*db, "Issues", "AssigneeIndex"), 240);
  auto pitr = db->DescribeContinuousBackups({"Issues"});
  ASSERT_OK(pitr);
  EXPECT_EQ(pitr->continuous_backups_description.point_in_time_recovery_description
                .point_in_time_recovery_status,
            dynamo::PointInTimeRecoveryStatus::kEnabled);
}

constexpr char kKillChildVariable[] = "IT_DURABILITY_KILL_CHILD";

// Run by AcknowledgedWritesSurviveKill in a process of its own (SpawnSelfTest); disabled,
// so that it runs only there. Puts into Issues (the database at the path it is given)
// until killed, writing the number of each acknowledged put to the pipe.
TEST(DurabilityKillChild, DISABLED_PutsUntilKilled) {
  const auto args = GetSelfTestArgs(kKillChildVariable);
  ASSERT_TRUE(args) << "run by EngineDurabilityTest.AcknowledgedWritesSurviveKill only";
  auto db = OpenEngine(args->value);
  for (int i = 0;; ++i) {
    dynamo::PutItemRequest put{"Issues",
                               MakeItem({{"company_issue_id", S("K#" + std::to_string(i))},
                                         {"company_id", S("K")},
                                         {"status", S("Open")}})};
    if (!db || !db->PutItem(put).ok()) _exit(3);
    // Acknowledge only after PutItem returned.
    if (write(args->fd, &i, sizeof(i)) != sizeof(i)) _exit(4);
  }
}

TEST(EngineDurabilityTest, AcknowledgedWritesSurviveKill) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  {
    auto db = OpenEngine(path);
    ASSERT_OK(db->CreateTable(IssuesPooledRequest("Issues")));
  }
  const SelfTestChild child =
      SpawnSelfTest("DurabilityKillChild.DISABLED_PutsUntilKilled", kKillChildVariable, path);
  ASSERT_GE(child.pid, 0);
  int acked = -1, value;
  while (acked < 2000 && read(child.read_fd, &value, sizeof(value)) == sizeof(value)) acked = value;
  kill(child.pid, SIGKILL);
  int wstatus;
  waitpid(child.pid, &wstatus, 0);
  while (read(child.read_fd, &value, sizeof(value)) == sizeof(value)) acked = value;  // drain
  close(child.read_fd);
  ASSERT_GE(acked, 2000);

  auto db = OpenEngine(path);
  ASSERT_TRUE(db);
  for (int i = 0; i <= acked; ++i) {
    dynamo::GetItemRequest get;
    get.table_name = "Issues";
    get.key = MakeItem({{"company_issue_id", S("K#" + std::to_string(i))}});
    auto got = db->GetItem(get);
    ASSERT_OK(got);
    ASSERT_TRUE(got->item.has_value()) << "acknowledged item " << i << " lost";
  }
  // Index and table agree item for item, even for a write in flight at the kill.
  EXPECT_EQ(CountIndex(*db, "Issues", "CompanyStatusIndex"), CountTable(*db, "Issues"));
}

TEST(EngineConcurrencyTest, ConditionalWritesAreLinearizable) {
  TempDir dir;
  auto db = OpenEngine(dir.path() + "/db");
  ASSERT_OK(db->CreateTable(TableRequest("Counter", "id")));
  dynamo::PutItemRequest init{"Counter", MakeItem({{"id", S("c")}, {"v", N(0)}})};
  ASSERT_OK(db->PutItem(init));
  constexpr int kThreads = 8, kAttempts = 400;
  std::atomic<int> successes{0};
  std::vector<std::vector<int64_t>> claimed(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAttempts; ++i) {
        dynamo::GetItemRequest get;
        get.table_name = "Counter";
        get.key = MakeItem({{"id", S("c")}});
        auto got = db->GetItem(get);
        if (!got.ok()) continue;
        const int64_t seen = *got->item->at("v").n().ToInt64();
        // Compare-and-set: only one thread can move v from `seen` to `seen + 1`.
        dynamo::UpdateItemRequest cas;
        cas.table_name = "Counter";
        cas.key = get.key;
        cas.update_expression = "SET v = :next";
        cas.condition_expression = "v = :seen";
        cas.expression_attribute_values = {{":next", N(seen + 1)}, {":seen", N(seen)}};
        if (db->UpdateItem(cas).ok()) {
          ++successes;
          claimed[t].push_back(seen);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> all;
  for (const auto& c : claimed) {
    for (int64_t v : c) EXPECT_TRUE(all.insert(v).second) << "two writers both moved v from " << v;
  }
  dynamo::GetItemRequest get;
  get.table_name = "Counter";
  get.key = MakeItem({{"id", S("c")}});
  EXPECT_EQ(*db->GetItem(get)->item->at("v").n().ToInt64(), successes.load());
  EXPECT_EQ(static_cast<int>(all.size()), successes.load());
  EXPECT_GT(successes.load(), 0);
}

TEST(EngineConcurrencyTest, TransactionsPreserveInvariantsUnderContention) {
  TempDir dir;
  auto db = OpenEngine(dir.path() + "/db");
  ASSERT_OK(db->CreateTable(TableRequest("Bank", "id")));
  constexpr int kAccounts = 10, kThreads = 6, kTransfers = 300;
  for (int i = 0; i < kAccounts; ++i) {
    dynamo::PutItemRequest put{"Bank",
                               MakeItem({{"id", S("a" + std::to_string(i))}, {"balance", N(100)}})};
    ASSERT_OK(db->PutItem(put));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> bad_snapshots{0};
  std::thread auditor([&] {
    while (!stop) {
      dynamo::TransactGetItemsRequest g;
      for (int i = 0; i < kAccounts; ++i)
        g.transact_items.push_back(
            {"Bank", MakeItem({{"id", S("a" + std::to_string(i))}}), std::nullopt, {}});
      auto r = db->TransactGetItems(g);
      if (!r.ok()) continue;
      int64_t sum = 0;
      for (const auto& resp : r->responses) sum += *resp.item->at("balance").n().ToInt64();
      if (sum != 100 * kAccounts) ++bad_snapshots;
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kTransfers; ++i) {
        const int from = (t + i) % kAccounts, to = (t * 7 + i * 3 + 1) % kAccounts;
        if (from == to) continue;
        dynamo::TransactWriteItemsRequest tx;
        dynamo::TransactUpdate debit{"Bank",
                                     MakeItem({{"id", S("a" + std::to_string(from))}}),
                                     "SET balance = balance - :x",
                                     "balance >= :x",
                                     {},
                                     {{":x", N(7)}},
                                     {}};
        dynamo::TransactUpdate credit{"Bank",
                                      MakeItem({{"id", S("a" + std::to_string(to))}}),
                                      "SET balance = balance + :x",
                                      std::nullopt,
                                      {},
                                      {{":x", N(7)}},
                                      {}};
        tx.transact_items.resize(2);
        tx.transact_items[0].update = debit;
        tx.transact_items[1].update = credit;
        (void)db->TransactWriteItems(tx);
      }
    });
  }
  for (auto& th : threads) th.join();
  stop = true;
  auditor.join();
  EXPECT_EQ(bad_snapshots.load(), 0);
  int64_t sum = 0;
  for (int i = 0; i < kAccounts; ++i) {
    dynamo::GetItemRequest get;
    get.table_name = "Bank";
    get.key = MakeItem({{"id", S("a" + std::to_string(i))}});
    const int64_t balance = *db->GetItem(get)->item->at("balance").n().ToInt64();
    EXPECT_GE(balance, 0);
    sum += balance;
  }
  EXPECT_EQ(sum, 100 * kAccounts);
}

TEST(EngineDurabilityTest, ThousandsOfTablesReopenLazily) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  {
    auto db = OpenEngine(path);
    for (int i = 0; i < 3000; ++i) {
      ASSERT_OK(db->CreateTable(TableRequest("Silo-" + std::to_string(i), "id")));
    }
  }
  auto db = OpenEngine(path);
  ASSERT_TRUE(db);
  dynamo::ListTablesRequest list;
  size_t total = 0;
  for (;;) {
    auto page = db->ListTables(list);
    ASSERT_OK(page);
    total += page->table_names.size();
    if (!page->last_evaluated_table_name) break;
    list.exclusive_start_table_name = page->last_evaluated_table_name;
  }
  EXPECT_EQ(total, 3000u);
  dynamo::PutItemRequest put{"Silo-2999", MakeItem({{"id", S("x")}})};
  ASSERT_OK(db->PutItem(put));
}

}  // namespace
}  // namespace issuetracker::testing
