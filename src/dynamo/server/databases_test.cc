// DatabasePool: a database per access key and region, opened once on first use even when
// the first requests race, names that are safe as directory names, the bound on open
// databases, clean closing.
#include "dynamo/server/databases.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "dynamo/server/endpoint.h"
#include "tests/backend_factory.h"

namespace issuetracker::dynamo::server {
namespace {

class DatabasePoolTest : public ::testing::Test {
 protected:
  // A pool whose databases are embedded engines under dir_/<name>, counting opens.
  std::unique_ptr<DatabasePool> Pool(bool shared, size_t max_open = 64,
                                     std::chrono::milliseconds open_delay = {}) {
    DatabasePoolOptions o;
    o.shared = shared;
    o.max_open = max_open;
    o.open = [this, open_delay](const std::string& name,
                                const Caller&) -> Result<std::unique_ptr<Backend>> {
      ++opens_;
      if (fail_next_.exchange(false)) return Status::IOError("disk on fire");
      std::this_thread::sleep_for(open_delay);
      std::string unavailable;
      std::filesystem::create_directories(dir_.path() + "/" + name);
      auto backend = testing::MakeBackend("embedded", dir_.path() + "/" + name, &unavailable);
      if (!backend) return Status::IOError(unavailable);
      return backend;
    };
    auto pool = DatabasePool::Create(std::move(o));
    EXPECT_TRUE(pool.ok()) << pool.status().ToString();
    return std::move(pool).value();
  }

  static Status CreateTable(Backend& backend, const std::string& name) {
    CreateTableRequest r;
    r.table_name = name;
    r.attribute_definitions = {{"pk", ScalarType::kS}};
    r.key_schema = {{"pk", KeyType::kHash}};
    r.billing_mode = BillingMode::kPayPerRequest;
    return backend.CreateTable(r).status();
  }

  static std::vector<std::string> Tables(Backend& backend) {
    auto list = backend.ListTables({});
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? list->table_names : std::vector<std::string>{};
  }

  testing::TempDir dir_;
  std::atomic<int> opens_{0};
  std::atomic<bool> fail_next_{false};
};

TEST(DatabaseNameTest, LettersAndDigitsAndARegion) {
  EXPECT_EQ(*DatabaseName({"AKIDEXAMPLE", "us-east-1"}), "AKIDEXAMPLE_us-east-1");
  EXPECT_EQ(*DatabaseName({"fakeKey", "local"}), "fakeKey_local");
  EXPECT_EQ(*DatabaseName({std::string(128, 'A'), "US-EAST-1"}),
            std::string(128, 'A') + "_US-EAST-1");
}

TEST(DatabaseNameTest, AnythingThatCouldEscapeTheDataDirectoryIsRefused) {
  for (const std::string& key : std::vector<std::string>{
           "", "..", "../etc", "a/b", "a_b", "a.b", "a-b", "a b", "a\\b", "\xc3\xa9t\xc3\xa9",
           std::string("a\0b", 3), std::string(129, 'A')}) {
    auto name = DatabaseName({key, "us-east-1"});
    ASSERT_FALSE(name.ok()) << key;
    EXPECT_TRUE(name.status().Is(Code::kUnrecognizedClient)) << name.status().ToString();
    EXPECT_EQ(name.status().message(), "The Access Key ID or security token is invalid.");
  }
  for (const std::string& region : std::vector<std::string>{
           "", "..", "us/east", "us_east", "us.east", "a b", std::string(65, 'a')}) {
    auto name = DatabaseName({"AKID", region});
    ASSERT_FALSE(name.ok()) << region;
    EXPECT_TRUE(name.status().Is(Code::kInvalidSignature)) << name.status().ToString();
  }
}

TEST_F(DatabasePoolTest, EachAccessKeyAndRegionHasItsOwnDatabase) {
  auto pool = Pool(/*shared=*/false);
  EXPECT_EQ(opens_, 0);  // nothing is opened before it is needed
  {
    auto a = pool->Acquire({"AKIDA", "us-east-1"});
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(CreateTable(**a, "OnlyA").ok());
  }
  auto b = pool->Acquire({"AKIDB", "us-east-1"});
  auto a_eu = pool->Acquire({"AKIDA", "eu-west-1"});
  auto a = pool->Acquire({"AKIDA", "us-east-1"});
  ASSERT_TRUE(b.ok() && a_eu.ok() && a.ok());
  EXPECT_TRUE(Tables(**b).empty());
  EXPECT_TRUE(Tables(**a_eu).empty());
  EXPECT_EQ(Tables(**a), std::vector<std::string>{"OnlyA"});
  EXPECT_EQ(opens_, 3);
  EXPECT_EQ(pool->stats().open, 3u);
}

TEST_F(DatabasePoolTest, SharedServesEveryCallerFromOneDatabaseOpenedAtCreate) {
  auto pool = Pool(/*shared=*/true);
  EXPECT_EQ(opens_, 1);
  auto a = pool->Acquire({"AKIDA", "us-east-1"});
  auto b = pool->Acquire({"other", "eu-west-1"});
  auto odd = pool->Acquire({"not/a key", ""});  // no name is made from it
  ASSERT_TRUE(a.ok() && b.ok() && odd.ok());
  EXPECT_EQ(&**a, &**b);
  EXPECT_EQ(&**a, &**odd);
  EXPECT_EQ(opens_, 1);
}

TEST_F(DatabasePoolTest, BadNamesAreRefusedBeforeAnyFileIsTouched) {
  auto pool = Pool(/*shared=*/false);
  auto bad = pool->Acquire({"..", "us-east-1"});
  EXPECT_TRUE(bad.status().Is(Code::kUnrecognizedClient));
  auto bad_region = pool->Acquire({"AKID", "../../tmp"});
  EXPECT_TRUE(bad_region.status().Is(Code::kInvalidSignature));
  EXPECT_EQ(opens_, 0);
}

TEST_F(DatabasePoolTest, ConcurrentFirstRequestsOfOneCallerOpenOneDatabase) {
  auto pool = Pool(/*shared=*/false, 64, std::chrono::milliseconds(100));
  constexpr int kThreads = 8;
  std::vector<Backend*> seen(kThreads, nullptr);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready < kThreads) std::this_thread::yield();
      auto lease = pool->Acquire({"AKIDRACE", "us-east-1"});
      ASSERT_TRUE(lease.ok()) << lease.status().ToString();
      seen[t] = &**lease;
      EXPECT_TRUE(Tables(**lease).empty());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(opens_, 1);
  for (Backend* b : seen) EXPECT_EQ(b, seen[0]);
}

TEST_F(DatabasePoolTest, TheLeastRecentlyUsedIdleDatabaseIsClosedAndReopensIntact) {
  auto pool = Pool(/*shared=*/false, /*max_open=*/2);
  {
    auto a = pool->Acquire({"AKIDA", "r1"});
    ASSERT_TRUE(CreateTable(**a, "KeptA").ok());
  }
  { ASSERT_TRUE(pool->Acquire({"AKIDB", "r1"}).ok()); }
  { ASSERT_TRUE(pool->Acquire({"AKIDC", "r1"}).ok()); }  // closes A, the least recent
  EXPECT_EQ(pool->stats().open, 2u);
  EXPECT_EQ(pool->stats().closed, 1u);
  {
    auto a = pool->Acquire({"AKIDA", "r1"});  // reopened from its files, B closed
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(Tables(**a), std::vector<std::string>{"KeptA"});
  }
  EXPECT_EQ(opens_, 4);
  EXPECT_EQ(pool->stats().closed, 2u);
  EXPECT_EQ(pool->stats().open, 2u);
}

TEST_F(DatabasePoolTest, ADatabaseInUseIsNeverClosed) {
  auto pool = Pool(/*shared=*/false, /*max_open=*/1);
  auto a = pool->Acquire({"AKIDA", "r1"});
  auto b = pool->Acquire({"AKIDB", "r1"});  // A is in use: the bound is exceeded for now
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(pool->stats().closed, 0u);
  EXPECT_EQ(pool->stats().open, 2u);
  EXPECT_TRUE(CreateTable(**a, "StillOpen").ok());
}

TEST_F(DatabasePoolTest, AFailedOpenIsAnInternalErrorAndTheNextRequestRetries) {
  auto pool = Pool(/*shared=*/false);
  fail_next_ = true;
  auto first = pool->Acquire({"AKIDA", "r1"});
  ASSERT_FALSE(first.ok());
  EXPECT_TRUE(first.status().Is(Code::kInternalServerError));
  EXPECT_NE(first.status().message().find("AKIDA_r1"), std::string::npos);
  EXPECT_EQ(pool->stats().open, 0u);
  auto second = pool->Acquire({"AKIDA", "r1"});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(pool->stats().open, 1u);
}

TEST_F(DatabasePoolTest, CloseClosesEveryOpenDatabase) {
  auto pool = Pool(/*shared=*/false);
  for (const char* key : {"AKIDA", "AKIDB", "AKIDC"}) {
    auto lease = pool->Acquire({key, "r1"});
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE(CreateTable(**lease, std::string("Table") + key).ok());
  }
  pool->Close();
  EXPECT_EQ(pool->stats().open, 0u);
  // Closed: each opens again elsewhere (RocksDB's lock is released), its table intact.
  for (const char* key : {"AKIDA", "AKIDB", "AKIDC"}) {
    std::string unavailable;
    auto again = testing::MakeBackend("embedded", dir_.path() + "/" + key + "_r1", &unavailable);
    ASSERT_NE(again, nullptr) << unavailable;
    EXPECT_EQ(Tables(*again), std::vector<std::string>{std::string("Table") + key});
  }
}

TEST_F(DatabasePoolTest, TheFirstRequestOfADatabaseIsHandledOffTheIoThreads) {
  auto pool = Pool(/*shared=*/false);
  Endpoint endpoint(*pool, EndpointOptions{});
  net::Request request;
  request.method = net::Method::kPost;
  request.headers.Add("X-Amz-Target", "DynamoDB_20120810.ListTables");
  request.headers.Add("Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKIDNEW/20240101/eu-west-1/dynamodb/"
                      "aws4_request, SignedHeaders=host, Signature=00");
  auto caller = PeekCaller(request);
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->access_key, "AKIDNEW");
  EXPECT_EQ(caller->region, "eu-west-1");
  EXPECT_TRUE(endpoint.ShouldOffload(request));
  { ASSERT_TRUE(pool->Acquire(*caller).ok()); }
  EXPECT_FALSE(endpoint.ShouldOffload(request));  // open now: served on its I/O thread
  net::Request unsigned_request;
  unsigned_request.method = net::Method::kPost;
  EXPECT_FALSE(PeekCaller(unsigned_request).has_value());
  EXPECT_FALSE(endpoint.ShouldOffload(unsigned_request));
}

}  // namespace
}  // namespace issuetracker::dynamo::server
