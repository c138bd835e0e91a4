// Helpers for the backend behaviour suites: terse item construction and common tables.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "dynamo/backend.h"
#include "dynamo/extensions.h"
#include "tests/backend_factory.h"

namespace issuetracker::testing {

using dynamo::AttributeValue;
using dynamo::Item;

inline AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
inline AttributeValue N(int64_t n) { return AttributeValue::N(n); }
inline AttributeValue Num(std::string_view text) { return AttributeValue::N(text); }
Item MakeItem(std::initializer_list<std::pair<std::string, AttributeValue>> attrs);

// A CreateTable request: hash key (and optional range key) of the given types,
// PAY_PER_REQUEST.
dynamo::CreateTableRequest TableRequest(const std::string& name, const std::string& hash,
                                        dynamo::ScalarType hash_type = dynamo::ScalarType::kS,
                                        const std::string& range = "",
                                        dynamo::ScalarType range_type = dynamo::ScalarType::kS);
// Adds a GSI (and the attribute definitions it needs) to a CreateTable request.
void AddGsi(dynamo::CreateTableRequest* r, const std::string& name, const std::string& hash,
            const std::string& range = "",
            dynamo::ProjectionType projection = dynamo::ProjectionType::kAll,
            dynamo::ScalarType hash_type = dynamo::ScalarType::kS,
            dynamo::ScalarType range_type = dynamo::ScalarType::kS);

// Adds an LSI on `range` (the table's partition key, and the attribute definition it
// needs) to a CreateTable request.
void AddLsi(dynamo::CreateTableRequest* r, const std::string& name, const std::string& range,
            dynamo::ProjectionType projection = dynamo::ProjectionType::kAll,
            dynamo::ScalarType range_type = dynamo::ScalarType::kS,
            std::vector<std::string> non_key_attributes = {});

// The spec's IssueTracker-Issues-Pooled request (four GSIs), with the given name.
dynamo::CreateTableRequest IssuesPooledRequest(const std::string& name);

// Names parameterised cases after their backend kind ("PutGet/dynalite").
inline std::string KindName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

// Fixture: one fresh backend per test, parameterised by backend kind.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string unavailable;
    backend_ = MakeBackend(GetParam(), dir_.path(), &unavailable);
    if (!backend_) GTEST_SKIP() << GetParam() << " cannot run here: " << unavailable;
  }
  // Whether the backend under test is `kind`.
  bool Is(const char* kind) const { return GetParam() == kind; }
  // Whether the backend under test is the peer `kind` departing from DynamoDB here, as entry
  // `id` of docs/compatibility.md records; the call site then asserts the peer's behaviour
  // instead of DynamoDB's (so a peer that changes is noticed).
  bool Departs(const char* kind, const char* id) const {
    (void)id;
    return GetParam() == kind;
  }
  // The text an error message must contain: DynamoDB's (the engine's), or the wording a peer
  // uses instead (docs/compatibility.md, "Message wording").
  std::string Msg(std::string dynamodb,
                  std::initializer_list<std::pair<const char*, const char*>> peers = {}) const {
    for (const auto& [kind, text] : peers) {
      if (GetParam() == kind) return text;
    }
    return dynamodb;
  }
  dynamo::Backend& db() { return *backend_; }
  // The backend's extensions and metrics, or nullptr where it has none (tests of them
  // skip themselves there with IT_REQUIRE).
  dynamo::Extensions* extensions() { return dynamo::FindExtensions(*backend_); }
  dynamo::TableMetricsSource* metrics() { return dynamo::FindTableMetrics(*backend_); }

  // Creates a table and waits until it and its indexes are ACTIVE (DynamoDB creates tables
  // asynchronously); fails the test on error.
  void Create(const dynamo::CreateTableRequest& r);
  // Waits (up to 30 s) until `table` and its indexes are ACTIVE.
  void WaitActive(const std::string& table);
  // Waits (up to 30 s) until DescribeTable says `table` does not exist.
  void WaitGone(const std::string& table);
  void Put(const std::string& table, Item item);
  std::optional<Item> Get(const std::string& table, Item key, bool consistent = true);

  TempDir dir_;
  std::unique_ptr<dynamo::Backend> backend_;
};

// Skips the current test, with the reason, when `pointer` is null (a capability the
// backend under test does not offer).
#define IT_REQUIRE(pointer)                                                             \
  do {                                                                                  \
    if ((pointer) == nullptr) GTEST_SKIP() << GetParam() << " backend lacks " #pointer; \
  } while (0)

// Asserts that `result` failed with `code` and (when given) a message containing `text`.
#define EXPECT_ERROR(result, code_, text)                                                          \
  do {                                                                                             \
    auto&& it_r_ = (result);                                                                       \
    ASSERT_FALSE(it_r_.ok()) << "expected " #code_;                                                \
    EXPECT_EQ(::issuetracker::ErrorName(it_r_.status().code()),                                    \
              ::issuetracker::ErrorName(::issuetracker::Code::code_))                              \
        << it_r_.status().ToString();                                                              \
    EXPECT_NE(it_r_.status().message().find(text), std::string::npos) << it_r_.status().message(); \
  } while (0)

#define EXPECT_STATUS_ERROR(status, code_, text)                                 \
  do {                                                                           \
    ::issuetracker::Status it_s_ = (status);                                     \
    ASSERT_FALSE(it_s_.ok()) << "expected " #code_;                              \
    EXPECT_EQ(it_s_.code(), ::issuetracker::Code::code_) << it_s_.ToString();    \
    EXPECT_NE(it_s_.message().find(text), std::string::npos) << it_s_.message(); \
  } while (0)

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    auto&& it_ok_ = (expr);                                 \
    ASSERT_TRUE(it_ok_.ok()) << it_ok_.status().ToString(); \
  } while (0)

#define ASSERT_STATUS_OK(expr)                     \
  do {                                             \
    ::issuetracker::Status it_ok_ = (expr);        \
    ASSERT_TRUE(it_ok_.ok()) << it_ok_.ToString(); \
  } while (0)

}  // namespace issuetracker::testing
