// Pagination and unprocessed-key helpers (dynamo/paging.h) over a backend that answers in
// small parts, as DynamoDB does under load.
#include "dynamo/paging.h"

#include <gtest/gtest.h>

#include "tests/forwarding_backend.h"
#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

// The engine, but BatchGetItem serves one key per call and returns the rest unprocessed.
class StingyBackend : public ForwardingBackend {
 public:
  explicit StingyBackend(dynamo::Backend* engine) : ForwardingBackend(engine, {}) {}
  Result<dynamo::BatchGetItemResponse> BatchGetItem(const dynamo::BatchGetItemRequest& r) override {
    ++calls;
    dynamo::BatchGetItemRequest one;
    dynamo::BatchGetItemResponse rest;
    bool taken = false;
    for (const auto& [table, keys] : r.request_items) {
      for (const auto& key : keys.keys) {
        auto& slot = taken ? rest.unprocessed_keys[table] : one.request_items[table];
        slot.consistent_read = keys.consistent_read;
        slot.keys.push_back(key);
        taken = true;
      }
    }
    auto served = ForwardingBackend::BatchGetItem(one);
    if (!served.ok()) return served;
    served->unprocessed_keys = std::move(rest.unprocessed_keys);
    return served;
  }
  int calls = 0;
};

TEST(PagingTest, QueryAndScanFollowEveryPage) {
  TempDir dir;
  std::string unavailable;
  auto engine = MakeBackend("embedded", dir.path(), &unavailable);
  ASSERT_TRUE(engine
                  ->CreateTable(TableRequest("Tab", "pk", dynamo::ScalarType::kS, "n",
                                             dynamo::ScalarType::kN))
                  .ok());
  for (int i = 0; i < 37; ++i) {
    ASSERT_TRUE(engine->PutItem({"Tab", MakeItem({{"pk", S("p")}, {"n", N(i)}})}).ok());
  }
  dynamo::QueryRequest q;
  q.table_name = "Tab";
  q.key_condition_expression = "pk = :p";
  q.expression_attribute_values = {{":p", S("p")}};
  q.limit = 5;
  int pages = 0;
  ASSERT_TRUE(dynamo::ForEachQueryPage(*engine, q, [&](dynamo::QueryResponse&) {
                ++pages;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(pages, 8);  // 7 full pages and a last one (DynamoDB may end with an empty page)
  auto all = dynamo::QueryAll(*engine, q);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 37u);
  for (int i = 0; i < 37; ++i) EXPECT_EQ(all->at(i).at("n"), N(i));
  dynamo::ScanRequest s;
  s.table_name = "Tab";
  s.limit = 4;
  auto scanned = dynamo::ScanAll(*engine, s);
  ASSERT_TRUE(scanned.ok());
  EXPECT_EQ(scanned->size(), 37u);
  // A page callback's error stops the walk.
  EXPECT_EQ(dynamo::ForEachScanPage(
                *engine, s, [](dynamo::ScanResponse&) { return Status::Validation("stop"); })
                .code(),
            Code::kValidation);
}

TEST(PagingTest, BatchGetAllResendsUnprocessedKeys) {
  TempDir dir;
  std::string unavailable;
  auto engine = MakeBackend("embedded", dir.path(), &unavailable);
  ASSERT_TRUE(engine->CreateTable(TableRequest("Tab", "id")).ok());
  std::map<std::string, dynamo::KeysAndAttributes> wanted;
  for (int i = 0; i < 150; ++i) {
    const std::string id = "k" + std::to_string(i);
    if (i % 3 != 0) {
      ASSERT_TRUE(engine->PutItem({"Tab", MakeItem({{"id", S(id)}})}).ok());
    }
    wanted["Tab"].keys.push_back(MakeItem({{"id", S(id)}}));
  }
  StingyBackend stingy(engine.get());
  dynamo::BatchRetryOptions fast;
  fast.base_delay = std::chrono::milliseconds(0);
  fast.max_rounds = 200;
  auto got = dynamo::BatchGetAll(stingy, wanted, fast);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->at("Tab").size(), 100u);  // the keys that exist
  EXPECT_EQ(stingy.calls, 150);            // one key per call, every key asked
  fast.max_rounds = 3;
  auto gave_up = dynamo::BatchGetAll(stingy, wanted, fast);
  ASSERT_FALSE(gave_up.ok());
  EXPECT_EQ(gave_up.status().code(), Code::kThrottling);
}

}  // namespace
}  // namespace issuetracker::testing
