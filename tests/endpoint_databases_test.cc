// `issuetracker dynamodb` as parallel test workers use it: a database per access key and
// region (on disk and --in-memory), one for everyone with --shared-db, access keys that
// cannot name a database refused, the first requests of a new key racing, and SIGTERM
// closing every open database cleanly. The endpoint runs as a real child process.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "dynamo/client/client.h"
#include "engine/engine.h"
#include "tests/backend_factory.h"
#include "tests/child_process.h"

namespace issuetracker::testing {
namespace {

namespace fs = std::filesystem;

// The endpoint started in `cwd` with `flags`, its standard error kept in a file.
class Endpoint : public PortPrintingProcess {
 public:
  Endpoint(const std::string& cwd, const std::vector<std::string>& flags)
      : PortPrintingProcess(Args(flags), cwd + ".err", cwd) {}

  // A client signing as `key` in `region`.
  std::unique_ptr<dynamo::client::DynamoClient> Client(const std::string& key,
                                                       const std::string& region = "us-east-1") {
    dynamo::client::ClientOptions o;
    o.endpoint = *dynamo::client::ParseEndpoint("http://127.0.0.1:" + std::to_string(port()));
    o.region = region;
    o.credentials = {key, "secret", "", "test"};
    o.retry.max_attempts = 1;
    auto c = dynamo::client::DynamoClient::Open(o);
    EXPECT_TRUE(c.ok());
    return std::move(c).value();
  }

 private:
  static std::vector<std::string> Args(const std::vector<std::string>& flags) {
    std::vector<std::string> args = {IT_ISSUETRACKER_BINARY, "dynamodb",  "--port", "0",
                                     "--print-port",         "--threads", "2"};
    args.insert(args.end(), flags.begin(), flags.end());
    return args;
  }
};

Status CreateTable(dynamo::Backend& backend, const std::string& name) {
  dynamo::CreateTableRequest r;
  r.table_name = name;
  r.attribute_definitions = {{"pk", dynamo::ScalarType::kS}};
  r.key_schema = {{"pk", dynamo::KeyType::kHash}};
  r.billing_mode = dynamo::BillingMode::kPayPerRequest;
  return backend.CreateTable(r).status();
}

std::set<std::string> Tables(dynamo::Backend& backend) {
  auto list = backend.ListTables({});
  EXPECT_TRUE(list.ok()) << list.status().ToString();
  if (!list.ok()) return {};
  return {list->table_names.begin(), list->table_names.end()};
}

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) names.insert(e.path().filename());
  return names;
}

// What every mode must do: keys and regions apart (or together with --shared-db).
void ExpectIsolation(Endpoint& endpoint, bool shared) {
  auto a = endpoint.Client("AKIDA");
  auto b = endpoint.Client("AKIDB");
  auto a_eu = endpoint.Client("AKIDA", "eu-west-1");
  ASSERT_TRUE(CreateTable(*a, "TableOfA").ok());
  ASSERT_TRUE(CreateTable(*a_eu, "TableOfAInEu").ok());
  dynamo::PutItemRequest put;
  put.table_name = "TableOfA";
  put.item = {{"pk", dynamo::AttributeValue::S("x")}};
  ASSERT_TRUE(a->PutItem(put).ok());
  if (shared) {
    const std::set<std::string> both = {"TableOfA", "TableOfAInEu"};
    EXPECT_EQ(Tables(*a), both);
    EXPECT_EQ(Tables(*b), both);
    EXPECT_EQ(Tables(*a_eu), both);
  } else {
    EXPECT_EQ(Tables(*a), std::set<std::string>{"TableOfA"});
    EXPECT_EQ(Tables(*b), std::set<std::string>{});
    EXPECT_EQ(Tables(*a_eu), std::set<std::string>{"TableOfAInEu"});
    // B may create a table of the same name: it is another database.
    EXPECT_TRUE(CreateTable(*b, "TableOfA").ok());
    dynamo::GetItemRequest get;
    get.table_name = "TableOfA";
    get.key = {{"pk", dynamo::AttributeValue::S("x")}};
    auto got = b->GetItem(get);
    ASSERT_TRUE(got.ok());
    EXPECT_FALSE(got->item.has_value());
  }
  // ARNs carry the region of the database (the caller's, per key).
  dynamo::DescribeTableRequest d;
  d.table_name = "TableOfAInEu";
  auto described = a_eu->DescribeTable(d);
  ASSERT_TRUE(described.ok());
  EXPECT_NE(described->table.table_arn.find(shared ? ":us-east-1:" : ":eu-west-1:"),
            std::string::npos)
      << described->table.table_arn;
}

TEST(EndpointDatabasesTest, EachAccessKeyAndRegionHasItsOwnDatabaseOnDisk) {
  TempDir dir;
  Endpoint endpoint(dir.path(), {"--data-dir", "data"});
  ASSERT_GT(endpoint.port(), 0) << endpoint.Stderr();
  ExpectIsolation(endpoint, /*shared=*/false);
  EXPECT_EQ(endpoint.Terminate(), 0);
  // DynamoDB Local's layout: a database per <access key>_<region>.
  EXPECT_EQ(Entries(dir.path() + "/data"),
            (std::set<std::string>{"AKIDA_us-east-1", "AKIDA_eu-west-1", "AKIDB_us-east-1"}));
  EXPECT_NE(endpoint.Stderr().find("stopped; the store is closed (3 database(s))"),
            std::string::npos)
      << endpoint.Stderr();
}

TEST(EndpointDatabasesTest, SharedDbServesEveryKeyFromTheDataDirectory) {
  TempDir dir;
  Endpoint endpoint(dir.path(), {"--data-dir", "data", "--shared-db"});
  ASSERT_GT(endpoint.port(), 0) << endpoint.Stderr();
  ExpectIsolation(endpoint, /*shared=*/true);
  EXPECT_EQ(endpoint.Terminate(), 0);
  EXPECT_TRUE(fs::exists(dir.path() + "/data/CURRENT"));  // the directory is the database
  // A directory laid out for one mode is refused by the other, with the way out.
  Endpoint per_key(dir.path(), {"--data-dir", "data"});
  EXPECT_EQ(per_key.port(), 0);
  EXPECT_EQ(per_key.Wait(), 1);
  EXPECT_NE(per_key.Stderr().find("serve it with --shared-db"), std::string::npos)
      << per_key.Stderr();
}

TEST(EndpointDatabasesTest, InMemoryBehavesTheSameAndWritesNoFile) {
  for (bool shared : {false, true}) {
    TempDir dir;
    std::vector<std::string> flags = {"--in-memory"};
    if (shared) flags.push_back("--shared-db");
    Endpoint endpoint(dir.path(), flags);
    ASSERT_GT(endpoint.port(), 0) << endpoint.Stderr();
    ExpectIsolation(endpoint, shared);
    // Backups and streams live in memory too.
    auto a = endpoint.Client("AKIDA");
    dynamo::CreateBackupRequest backup;
    backup.table_name = "TableOfA";
    backup.backup_name = "InMemoryBackup";
    EXPECT_TRUE(a->CreateBackup(backup).ok());
    EXPECT_EQ(endpoint.Terminate(), 0);
    EXPECT_EQ(Entries(dir.path()), std::set<std::string>{}) << "shared " << shared;
  }
  // --in-memory takes no directory.
  TempDir dir;
  Endpoint bad(dir.path(), {"--in-memory", "--data-dir", "data"});
  EXPECT_EQ(bad.Wait(), 1);
  EXPECT_NE(bad.Stderr().find("--in-memory writes no files"), std::string::npos) << bad.Stderr();
}

TEST(EndpointDatabasesTest, AccessKeysThatCannotNameADatabaseAreRefused) {
  TempDir dir;
  Endpoint endpoint(dir.path(), {"--data-dir", "data"});
  ASSERT_GT(endpoint.port(), 0) << endpoint.Stderr();
  for (const std::string key : {"..", "a_b", "with-dash", "dot.ted"}) {
    auto list = endpoint.Client(key)->ListTables({});
    ASSERT_FALSE(list.ok()) << key;
    EXPECT_TRUE(list.status().Is(Code::kUnrecognizedClient)) << list.status().ToString();
    EXPECT_EQ(list.status().message(), "The Access Key ID or security token is invalid.");
  }
  EXPECT_TRUE(endpoint.Client("AKIDGOOD")->ListTables({}).ok());
  EXPECT_EQ(endpoint.Terminate(), 0);
  EXPECT_EQ(Entries(dir.path()), std::set<std::string>{"data"});
  EXPECT_EQ(Entries(dir.path() + "/data"), std::set<std::string>{"AKIDGOOD_us-east-1"});
  // A verified key that could not name a database is refused at startup.
  Endpoint verified(dir.path(), {"--data-dir", "data", "--access-key", "bad_key:secret"});
  EXPECT_EQ(verified.Wait(), 2);
  EXPECT_NE(verified.Stderr().find("access key 'bad_key' cannot name a database"),
            std::string::npos)
      << verified.Stderr();
}

TEST(EndpointDatabasesTest, TheFirstRequestsOfANewKeyRaceSafely) {
  TempDir dir;
  Endpoint endpoint(dir.path(), {"--data-dir", "data"});
  ASSERT_GT(endpoint.port(), 0) << endpoint.Stderr();
  constexpr int kWorkers = 8;
  std::vector<std::unique_ptr<dynamo::client::DynamoClient>> clients;
  for (int i = 0; i < kWorkers; ++i) clients.push_back(endpoint.Client("AKIDRACE"));
  std::atomic<int> ready{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&, i] {
      ++ready;
      while (ready < kWorkers) std::this_thread::yield();
      Status s = CreateTable(*clients[i], "Worker" + std::to_string(i));
      EXPECT_TRUE(s.ok()) << s.ToString();
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(Tables(*clients[0]).size(), static_cast<size_t>(kWorkers));
  EXPECT_EQ(endpoint.Terminate(), 0);
  EXPECT_EQ(Entries(dir.path() + "/data"), std::set<std::string>{"AKIDRACE_us-east-1"});
}

TEST(EndpointDatabasesTest, SigtermClosesEveryOpenDatabaseCleanly) {
  TempDir dir;
  // A bound of two: one of the three databases is closed and reopened on the way.
  Endpoint endpoint(dir.path(), {"--data-dir", "data", "--max-open-databases", "2"});
  ASSERT_GT(endpoint.port(), 0) << endpoint.Stderr();
  const std::vector<std::string> keys = {"AKIDA", "AKIDB", "AKIDC"};
  for (const std::string& key : keys) {
    auto c = endpoint.Client(key);
    ASSERT_TRUE(CreateTable(*c, "TableOf" + key).ok());
    dynamo::PutItemRequest put;
    put.table_name = "TableOf" + key;
    put.item = {{"pk", dynamo::AttributeValue::S(key)}};
    ASSERT_TRUE(c->PutItem(put).ok());
  }
  EXPECT_EQ(Tables(*endpoint.Client("AKIDA")), std::set<std::string>{"TableOfAKIDA"});
  EXPECT_EQ(endpoint.Terminate(), 0);
  EXPECT_NE(endpoint.Stderr().find("stopped; the store is closed (2 database(s))"),
            std::string::npos)
      << endpoint.Stderr();
  // Every database was closed (its lock released) with every acknowledged write.
  for (const std::string& key : keys) {
    engine::EngineOptions o;
    o.path = dir.path() + "/data/" + key + "_us-east-1";
    o.block_cache_bytes = 8u << 20;
    auto engine = engine::Engine::Open(o);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    dynamo::GetItemRequest get;
    get.table_name = "TableOf" + key;
    get.key = {{"pk", dynamo::AttributeValue::S(key)}};
    auto got = (*engine)->GetItem(get);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(got->item.has_value()) << key;
  }
}

}  // namespace
}  // namespace issuetracker::testing
