#include "engine/crash_test_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "engine/catalog.h"
#include "engine/core.h"
#include "engine/item_codec.h"

extern char** environ;

namespace issuetracker::engine::crash_test {

using dynamo::Item;

EngineOptions TestOptions(const std::string& dir, Env* env) {
  EngineOptions options;
  options.path = dir;
  options.env = env;
  options.block_cache_bytes = 8u << 20;
  options.stream_retention_seconds = 3600;
  options.trim_interval_seconds = 3600;  // trimming only when a scenario asks for it
  options.ttl_interval_seconds = 3600;   // time-to-live passes too
  options.ttl_batch_items = 8;           // several batches in a pass ...
  options.ttl_busy_share = 1;            // ... always of 8 items: the test counts them
  return options;
}

// ------------------------------------------------------------------ child processes

namespace {
constexpr char kChildVariable[] = "IT_CRASH_CHILD";
}  // namespace

ChildRun RunChild(const std::string& name, const std::string& dir, std::optional<CrashPoint> arm,
                  int hit) {
  ChildRun run;
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return run;
  }
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  std::ostringstream spec;
  spec << name << '\n'
       << dir << '\n'
       << (arm ? static_cast<int>(*arm) : -1) << '\n'
       << hit << '\n'
       << fds[1];
  // The child is this binary executed afresh (a forked copy would inherit RocksDB's thread
  // pools without their threads); everything it needs is in its environment.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  env_strings.push_back(std::string(kChildVariable) + "=" + spec.str());
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  char self[] = "/proc/self/exe";
  char* argv[] = {self, nullptr};
  const pid_t child = fork();
  if (child == 0) {
    execve(self, argv, envp.data());
    _exit(127);
  }
  close(fds[1]);
  int value;
  while (read(fds[0], &value, sizeof(value)) == sizeof(value))
    run.reached.push_back(static_cast<CrashPoint>(value));
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (arm) {
    EXPECT_TRUE(run.killed) << name << ": the child was not killed at " << CrashPointName(*arm)
                            << " #" << hit << " (status " << status << ")";
  } else {
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << name << ": the child failed (status " << status << ")";
  }
  return run;
}

int ChildMain(const char* spec_text) {
  std::istringstream spec(spec_text);
  std::string name, dir;
  int arm = -1, hit = 1, fd = -1;
  std::getline(spec, name);
  std::getline(spec, dir);
  spec >> arm >> hit >> fd;
  const Scenario* scenario = nullptr;
  for (const Scenario& s : Scenarios()) {
    if (s.name == name) scenario = &s;
  }
  if (!scenario || fd < 0) return 2;
  std::atomic<int> hits{0};
  auto handler = [&](CrashPoint point) {
    const int value = static_cast<int>(point);
    if (write(fd, &value, sizeof(value)) != sizeof(value)) _exit(4);
    if (value == arm && ++hits == hit) kill(getpid(), SIGKILL);
  };
  // The child's time runs an hour after the setup's, so dates never go back.
  ManualClock clock(kStart + 3600LL * 1000000);
  CustomEnv env(&clock);
  if (scenario->during_open) SetCrashPointHandler(handler);
  auto db = Engine::Open(TestOptions(dir, &env));
  if (!db.ok()) {
    std::fprintf(stderr, "child: %s\n", db.status().ToString().c_str());
    return 3;
  }
  SetCrashPointHandler(handler);
  scenario->run(**db, &clock);
  (*db)->WaitForBackgroundWork();
  db->reset();
  SetCrashPointHandler(nullptr);
  return ::testing::Test::HasFailure() ? 5 : 0;
}

// ----------------------------------------------------------------------- checks

namespace {

// Items by their debug string (what failures print).
using Items = std::map<std::string, Item>;

Items ScanAll(Engine& db, const std::string& table,
              std::optional<std::string> index = std::nullopt) {
  Items out;
  dynamo::ScanRequest s;
  s.table_name = table;
  s.index_name = std::move(index);
  s.consistent_read = !s.index_name;
  for (;;) {
    auto r = db.Scan(s);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return out;
    for (auto& item : r->items) out.emplace(dynamo::ItemDebugString(item), item);
    if (!r->last_evaluated_key) return out;
    s.exclusive_start_key = r->last_evaluated_key;
  }
}

dynamo::AttrType TypeOf(const dynamo::TableDescription& d, const std::string& attr) {
  for (const auto& def : d.attribute_definitions) {
    if (def.attribute_name != attr) continue;
    switch (def.attribute_type) {
      case dynamo::ScalarType::kS:
        return dynamo::AttrType::kS;
      case dynamo::ScalarType::kN:
        return dynamo::AttrType::kN;
      case dynamo::ScalarType::kB:
        return dynamo::AttrType::kB;
    }
  }
  return dynamo::AttrType::kNull;
}

// The entry `item` has in index `g`, or nullopt (sparse index).
std::optional<Item> EntryOf(const dynamo::TableDescription& d,
                            const dynamo::GlobalSecondaryIndexDescription& g, const Item& item) {
  std::set<std::string> keys;
  for (const auto& k : d.key_schema) keys.insert(k.attribute_name);
  for (const auto& k : g.key_schema) {
    auto it = item.find(k.attribute_name);
    if (it == item.end() || !it->second.is(TypeOf(d, k.attribute_name))) return std::nullopt;
    keys.insert(k.attribute_name);
  }
  if (g.projection.projection_type == dynamo::ProjectionType::kAll) return item;
  for (const auto& a : g.projection.non_key_attributes) keys.insert(a);
  Item entry;
  for (const auto& [name, value] : item) {
    if (keys.contains(name)) entry.emplace(name, value);
  }
  return entry;
}

std::set<std::string> Keys(const Items& items) {
  std::set<std::string> out;
  for (const auto& [k, item] : items) out.insert(k);
  return out;
}

// The difference of two sets, briefly: what is missing and what is extra.
std::string Difference(const std::set<std::string>& actual, const std::set<std::string>& expected) {
  std::string out;
  int shown = 0;
  for (const auto& e : expected) {
    if (!actual.contains(e) && shown++ < 3) out += "\n  missing " + e;
  }
  for (const auto& a : actual) {
    if (!expected.contains(a) && shown++ < 6) out += "\n  extra " + a;
  }
  return out;
}

int64_t SizeOf(const Items& items) {
  int64_t bytes = 0;
  for (const auto& [k, item] : items) bytes += static_cast<int64_t>(dynamo::ItemSize(item));
  return bytes;
}

}  // namespace

Snapshot TakeSnapshot(Engine& db) {
  Snapshot snapshot;
  auto tables = db.ListTables({});
  EXPECT_TRUE(tables.ok());
  if (!tables.ok()) return snapshot;
  for (const std::string& name : tables->table_names) {
    snapshot.items[name] = Keys(ScanAll(db, name));
    auto described = db.DescribeTable({name});
    auto pitr = db.DescribeContinuousBackups({name});
    auto tags = db.ListTagsOfResource({described->table.table_arn});
    EXPECT_TRUE(described.ok() && pitr.ok() && tags.ok());
    if (!described.ok() || !pitr.ok() || !tags.ok()) continue;
    std::string& shape = snapshot.shapes[name];
    for (const auto& g : described->table.global_secondary_indexes) shape += g.index_name + ",";
    shape += described->table.stream_specification ? " stream" : " no-stream";
    const auto& p = pitr->continuous_backups_description.point_in_time_recovery_description;
    shape += p.point_in_time_recovery_status == dynamo::PointInTimeRecoveryStatus::kEnabled
                 ? " pitr:" + std::to_string(p.recovery_period_in_days.value_or(0))
                 : " no-pitr";
    for (const auto& tag : tags->tags) shape += " " + tag.key + "=" + tag.value;
  }
  auto backups = db.ListBackups({});
  EXPECT_TRUE(backups.ok());
  if (backups.ok()) {
    for (const auto& b : backups->backup_summaries)
      snapshot.backups.insert(b.table_name + "/" + b.backup_name);
  }
  return snapshot;
}

void ExpectTablesConsistent(Engine& db) {
  auto tables = db.ListTables({});
  ASSERT_TRUE(tables.ok());
  for (const std::string& name : tables->table_names) {
    auto described = db.DescribeTable({name});
    ASSERT_TRUE(described.ok()) << described.status().ToString();
    const dynamo::TableDescription& d = described->table;
    const auto items = ScanAll(db, name);
    EXPECT_EQ(d.item_count, static_cast<int64_t>(items.size())) << name;
    EXPECT_EQ(d.table_size_bytes, SizeOf(items)) << name;
    // Local secondary indexes are checked as GSIs with the table's partition key.
    std::vector<dynamo::GlobalSecondaryIndexDescription> indexes = d.global_secondary_indexes;
    for (const auto& l : d.local_secondary_indexes) {
      dynamo::GlobalSecondaryIndexDescription g;
      g.index_name = l.index_name;
      g.key_schema = l.key_schema;
      g.projection = l.projection;
      g.item_count = l.item_count;
      g.index_size_bytes = l.index_size_bytes;
      indexes.push_back(std::move(g));
    }
    for (const auto& g : indexes) {
      EXPECT_EQ(g.index_status, dynamo::IndexStatus::kActive) << name << "/" << g.index_name;
      EXPECT_FALSE(g.backfilling) << name << "/" << g.index_name;
      Items expected;
      for (const auto& [k, item] : items) {
        if (auto entry = EntryOf(d, g, item))
          expected.emplace(dynamo::ItemDebugString(*entry), std::move(*entry));
      }
      const auto found = Keys(ScanAll(db, name, g.index_name));
      EXPECT_TRUE(found == Keys(expected))
          << name << "/" << g.index_name << Difference(found, Keys(expected));
      EXPECT_EQ(g.item_count, static_cast<int64_t>(expected.size())) << name << "/" << g.index_name;
      EXPECT_EQ(g.index_size_bytes, SizeOf(expected)) << name << "/" << g.index_name;
    }
  }
}

void ExpectNoLeftovers(const std::string& dir) {
  ManualClock clock(kStart);
  CustomEnv env(&clock);
  const EngineOptions options = TestOptions(dir, &env);
  std::vector<rocksdb::ColumnFamilyDescriptor> families = EngineColumnFamilies(options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir, families, &handles, &raw);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<rocksdb::DB> db(raw);
  // Live tables (by id) and their live indexes.
  std::map<uint32_t, std::set<uint8_t>> live;
  std::set<std::string> backups;
  std::set<uint32_t> catalog_ids;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[0]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      for (const char* marker : {"r/", "b/", "g", "p"}) {
        EXPECT_FALSE(key.starts_with(marker)) << "marker left behind: " << key;
      }
      if (key.starts_with("k/")) backups.insert(key.substr(2));
      // Time-to-live markers and item-collection sizes belong to live tables.
      if ((key.starts_with("x") || key.starts_with("c")) && key.size() >= 5)
        catalog_ids.insert(DecodeFixed32BE(key.data() + 1));
      if (!key.starts_with("t/")) continue;
      auto desc = ParseTableDesc(it->value().ToStringView());
      ASSERT_TRUE(desc.ok());
      auto& indexes = live[desc->id];
      indexes.insert(0);
      for (const IndexDesc& i : desc->indexes) indexes.insert(i.id);
    }
  }
  for (uint32_t id : catalog_ids)
    EXPECT_TRUE(live.contains(id)) << "a catalog key of a table that does not exist: " << id;
  for (size_t cf : {size_t{1}, size_t{2}}) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[cf]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      ASSERT_GE(key.size(), 5u);
      const uint32_t table_id = DecodeFixed32BE(key.data());
      auto table = live.find(table_id);
      ASSERT_NE(table, live.end()) << "a key of a table that does not exist: " << table_id;
      if (cf == 1) {
        EXPECT_TRUE(table->second.contains(static_cast<uint8_t>(key[4])))
            << "an entry of an index that does not exist: " << static_cast<int>(key[4]);
      }
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  std::error_code ec;
  EXPECT_TRUE(std::filesystem::is_empty(dir + "/tmp", ec) || ec) << "staging files left";
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/backups", ec)) {
    EXPECT_TRUE(backups.contains(entry.path().filename().string()))
        << "a checkpoint without metadata: " << entry.path();
  }
}

}  // namespace issuetracker::engine::crash_test
