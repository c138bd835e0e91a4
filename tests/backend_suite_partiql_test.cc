// Behaviour suite, PartiQL: ExecuteStatement (SELECT on keys and with filters, paging with
// NextToken, INSERT, UPDATE, DELETE, parameters, errors), BatchExecuteStatement and
// ExecuteTransaction.
#include <set>

#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

using dynamo::ScalarType;

class PartiqlTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    auto r = TableRequest("Pql", "pk", ScalarType::kS, "n", ScalarType::kN);
    AddGsi(&r, "ByKind", "kind");
    Create(r);
    for (int i = 0; i < 6; ++i) {
      Put("Pql", MakeItem({{"pk", S("p")},
                           {"n", N(i)},
                           {"kind", S(i % 2 ? "odd" : "even")},
                           {"doc", AttributeValue::M({{"x", N(i * 10)}})}}));
    }
  }

  Result<dynamo::ExecuteStatementResponse> Exec(const std::string& statement,
                                                std::vector<AttributeValue> parameters = {}) {
    dynamo::ExecuteStatementRequest r;
    r.statement = statement;
    r.parameters = std::move(parameters);
    return db().ExecuteStatement(r);
  }

  static std::vector<int64_t> Ns(const std::vector<Item>& items) {
    std::vector<int64_t> out;
    for (const auto& item : items) out.push_back(*item.at("n").n().ToInt64());
    return out;
  }
  static std::multiset<int64_t> NsSet(const std::vector<Item>& items) {
    auto v = Ns(items);
    return {v.begin(), v.end()};
  }
  // dynalite has no PartiQL (C35): its answer is UnknownOperationException.
  bool NoPartiql() {
    if (!Departs("dynalite", "C35")) return false;
    auto r = Exec("SELECT * FROM Pql");
    EXPECT_FALSE(r.ok());
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kUnknownOperation) << r.status().ToString();
    }
    return true;
  }
};

TEST_P(PartiqlTest, SelectOnKeysWithFiltersProjectionsAndIndexes) {
  if (NoPartiql()) return;
  auto r = Exec(R"(SELECT * FROM "Pql" WHERE pk = 'p' AND n >= 2 AND kind = 'odd')");
  ASSERT_OK(r);
  EXPECT_EQ(Ns(r->items), (std::vector<int64_t>{3, 5}));

  r = Exec("SELECT n, doc.x FROM Pql WHERE pk = ? AND n BETWEEN ? AND ?", {S("p"), N(1), N(2)});
  ASSERT_OK(r);
  if (Departs("moto", "C38")) {  // BETWEEN with parameters selects the wrong items
    EXPECT_NE(r->items.size(), 2u);
    return;
  }
  ASSERT_EQ(r->items.size(), 2u);
  EXPECT_EQ(r->items[1], MakeItem({{"n", N(2)}, {"doc", AttributeValue::M({{"x", N(20)}})}}));

  // No key equality: a scan with the condition as filter.
  r = Exec("SELECT * FROM Pql WHERE n IN [0, 4] OR begins_with(kind, 'od')");
  ASSERT_OK(r);
  EXPECT_EQ(NsSet(r->items), (std::multiset<int64_t>{0, 1, 3, 4, 5}));

  // Two conditions on the sort key: more than a key condition holds.
  r = Exec("SELECT * FROM Pql WHERE pk = 'p' AND n > 1 AND n < 4");
  ASSERT_OK(r);
  EXPECT_EQ(NsSet(r->items), (std::multiset<int64_t>{2, 3}));

  r = Exec(R"(SELECT n FROM "Pql"."ByKind" WHERE kind = 'even')");
  ASSERT_OK(r);
  EXPECT_EQ(NsSet(r->items), (std::multiset<int64_t>{0, 2, 4}));

  r = Exec("SELECT * FROM Pql WHERE pk = 'p' AND doc IS MISSING");
  ASSERT_OK(r);
  EXPECT_TRUE(r->items.empty());
}

TEST_P(PartiqlTest, LimitAndNextTokenPageThroughResults) {
  if (NoPartiql()) return;
  dynamo::ExecuteStatementRequest request;
  request.statement = "SELECT * FROM Pql WHERE pk = 'p'";
  request.limit = 4;
  std::vector<int64_t> seen;
  int pages = 0;
  do {
    auto r = db().ExecuteStatement(request);
    ASSERT_OK(r);
    for (int64_t n : Ns(r->items)) seen.push_back(n);
    request.next_token = r->next_token;
    ASSERT_LT(++pages, 5);
  } while (request.next_token);
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
}

// A partition key IN list (or ORed equalities) reads each partition with a Query, in key
// order (DESC with ORDER BY), and pages across them with NextToken; ORDER BY on the sort
// key reverses each partition; statements read local secondary indexes.
TEST_P(PartiqlTest, InOnThePartitionKeyOrderByAndLocalIndexes) {
  if (NoPartiql()) return;
  auto r = TableRequest("PqlMulti", "pk", ScalarType::kS, "n", ScalarType::kN);
  AddLsi(&r, "ByRank", "rank", dynamo::ProjectionType::kAll, ScalarType::kN);
  Create(r);
  for (const char* pk : {"a", "b", "c"}) {
    for (int i = 0; i < 3; ++i) {
      Put("PqlMulti", MakeItem({{"pk", S(pk)}, {"n", N(i)}, {"rank", N(10 - i)}}));
    }
  }
  auto keys = [](const std::vector<Item>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item.at("pk").s() + item.at("n").n().ToString());
    return out;
  };
  // moto (C38): IN on the partition key reads one value, ORDER BY is ignored, NextToken
  // stops after one partition, and statements on local secondary indexes fail.
  if (Departs("moto", "C38")) return;
  auto got = Exec("SELECT * FROM PqlMulti WHERE pk IN ['c', 'a'] AND n >= 1");
  ASSERT_OK(got);
  EXPECT_EQ(keys(got->items), (std::vector<std::string>{"a1", "a2", "c1", "c2"}));

  got =
      Exec("SELECT * FROM PqlMulti WHERE (pk = 'b' OR pk = ?) ORDER BY pk DESC, n DESC", {S("a")});
  ASSERT_OK(got);
  EXPECT_EQ(keys(got->items), (std::vector<std::string>{"b2", "b1", "b0", "a2", "a1", "a0"}));

  // Pages of two across three partitions: every item once, in order.
  dynamo::ExecuteStatementRequest paged;
  paged.statement = "SELECT * FROM PqlMulti WHERE pk IN ['a', 'b', 'c', 'zz']";
  paged.limit = 2;
  std::vector<std::string> seen;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 8);
    auto page = db().ExecuteStatement(paged);
    ASSERT_OK(page);
    for (auto& k : keys(page->items)) seen.push_back(k);
    if (!page->next_token) break;
    paged.next_token = page->next_token;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a0", "a1", "a2", "b0", "b1", "b2", "c0", "c1", "c2"}));

  // A local secondary index: sort key rank (10 - n), so ascending rank is descending n.
  got = Exec(R"(SELECT pk, n FROM "PqlMulti"."ByRank" WHERE pk = 'b' AND rank >= 9)");
  ASSERT_OK(got);
  EXPECT_EQ(keys(got->items), (std::vector<std::string>{"b1", "b0"}));

  // ORDER BY needs a partition key condition and names key attributes only.
  EXPECT_EQ(Exec("SELECT * FROM PqlMulti ORDER BY pk").status().code(), Code::kValidation);
  EXPECT_EQ(Exec("SELECT * FROM PqlMulti WHERE pk = 'a' ORDER BY rank").status().code(),
            Code::kValidation);
}

TEST_P(PartiqlTest, InsertUpdateDelete) {
  if (NoPartiql()) return;
  if (Departs("moto", "C38")) {  // HTTP 500 for a set literal
    EXPECT_ERROR(Exec("INSERT INTO Pql VALUE {'pk': 'q', 'n': 1, 'c': 1, 'tags': <<'a'>>}"),
                 kInternalServerError, "");
    return;
  }
  ASSERT_OK(Exec("INSERT INTO Pql VALUE {'pk': 'q', 'n': 1, 'c': 1, 'tags': <<'a'>>}"));
  EXPECT_ERROR(Exec("INSERT INTO Pql VALUE {'pk': 'q', 'n': 1}"), kDuplicateItem,
               "Duplicate primary key exists in table");

  dynamo::ExecuteStatementRequest update;
  update.statement =
      "UPDATE Pql SET c = c + 2 SET note = ? SET tags = set_add(tags, <<'b'>>) REMOVE gone "
      "WHERE pk = 'q' AND n = 1 RETURNING ALL NEW *";
  update.parameters = {S("hello")};
  auto r = db().ExecuteStatement(update);
  ASSERT_OK(r);
  ASSERT_EQ(r->items.size(), 1u);
  EXPECT_EQ(r->items[0], MakeItem({{"pk", S("q")},
                                   {"n", N(1)},
                                   {"c", N(3)},
                                   {"note", S("hello")},
                                   {"tags", AttributeValue::SS({"a", "b"})}}));

  // UPDATE of a missing item, or with a WHERE condition that fails.
  EXPECT_ERROR(Exec("UPDATE Pql SET c = 1 WHERE pk = 'q' AND n = 99"), kConditionalCheckFailed, "");
  EXPECT_ERROR(Exec("UPDATE Pql SET c = 1 WHERE pk = 'q' AND n = 1 AND c > 10"),
               kConditionalCheckFailed, "");
  EXPECT_ERROR(Exec("UPDATE Pql SET c = 1 WHERE pk = 'q'"), kValidation, "");

  EXPECT_ERROR(Exec("DELETE FROM Pql WHERE pk = 'q' AND n = 1 AND c = 4"), kConditionalCheckFailed,
               "");
  r = Exec("DELETE FROM Pql WHERE pk = 'q' AND n = 1 RETURNING ALL OLD *");
  ASSERT_OK(r);
  ASSERT_EQ(r->items.size(), 1u);
  EXPECT_EQ(r->items[0].at("c"), N(3));
  EXPECT_FALSE(Get("Pql", MakeItem({{"pk", S("q")}, {"n", N(1)}})).has_value());
}

TEST_P(PartiqlTest, ErrorsAreDynamoDBs) {
  if (NoPartiql()) return;
  if (Departs("moto", "C38")) {  // HTTP 500 for a malformed statement
    EXPECT_ERROR(Exec("SELEKT * FROM Pql"), kInternalServerError, "");
    return;
  }
  EXPECT_ERROR(Exec("SELEKT * FROM Pql"), kValidation,
               "Statement wasn't well formed, can't be processed");
  EXPECT_ERROR(Exec("SELECT * FROM Pql WHERE pk = ?"), kValidation,
               "Number of parameters in request and statement don't match");
  EXPECT_ERROR(Exec("SELECT * FROM Missing WHERE pk = 'a'"), kResourceNotFound, "");
}

TEST_P(PartiqlTest, BatchExecuteStatementReportsEachStatement) {
  if (NoPartiql()) return;
  dynamo::BatchExecuteStatementRequest writes;
  writes.statements = {
      {"INSERT INTO Pql VALUE {'pk': 'b', 'n': 1}", {}, false, {}},
      {"INSERT INTO Pql VALUE {'pk': 'p', 'n': 0}", {}, false, {}},  // exists
      {"UPDATE Pql SET v = 1 WHERE pk = 'p' AND n = 1", {}, false, {}},
  };
  auto w = db().BatchExecuteStatement(writes);
  if (Departs("moto", "C38")) {  // the batch fails as a whole instead of per statement
    EXPECT_FALSE(w.ok());
    return;
  }
  ASSERT_OK(w);
  ASSERT_EQ(w->responses.size(), 3u);
  EXPECT_FALSE(w->responses[0].error.has_value());
  ASSERT_TRUE(w->responses[1].error.has_value());
  EXPECT_EQ(w->responses[1].error->code, "DuplicateItem");
  EXPECT_FALSE(w->responses[2].error.has_value());

  dynamo::BatchExecuteStatementRequest reads;
  reads.statements = {
      {"SELECT * FROM Pql WHERE pk = 'b' AND n = 1", {}, false, {}},
      {"SELECT v FROM Pql WHERE pk = ? AND n = ?", {S("p"), N(1)}, true, {}},
      {"SELECT * FROM Pql WHERE pk = 'p'", {}, false, {}},  // not the full key
  };
  auto r = db().BatchExecuteStatement(reads);
  ASSERT_OK(r);
  ASSERT_EQ(r->responses.size(), 3u);
  ASSERT_TRUE(r->responses[0].item.has_value());
  EXPECT_EQ(r->responses[0].item->at("pk"), S("b"));
  ASSERT_TRUE(r->responses[1].item.has_value());
  EXPECT_EQ(*r->responses[1].item, MakeItem({{"v", N(1)}}));
  ASSERT_TRUE(r->responses[2].error.has_value());
  EXPECT_EQ(r->responses[2].error->code, "ValidationError");

  // A batch is all reads or all writes.
  dynamo::BatchExecuteStatementRequest mixed;
  mixed.statements = {{"SELECT * FROM Pql WHERE pk = 'b' AND n = 1", {}, false, {}},
                      {"DELETE FROM Pql WHERE pk = 'b' AND n = 1", {}, false, {}}};
  EXPECT_ERROR(db().BatchExecuteStatement(mixed), kValidation, "all reads or all writes");
  EXPECT_TRUE(Get("Pql", MakeItem({{"pk", S("b")}, {"n", N(1)}})).has_value());
}

TEST_P(PartiqlTest, ExecuteTransactionIsAllOrNothing) {
  if (NoPartiql()) return;
  dynamo::ExecuteTransactionRequest t;
  t.transact_statements = {
      {"INSERT INTO Pql VALUE {'pk': 't', 'n': 1}", {}, {}},
      {"UPDATE Pql SET v = 7 WHERE pk = 'p' AND n = 2", {}, {}},
      {"INSERT INTO Pql VALUE {'pk': 'p', 'n': 3}", {}, {}},  // exists: cancels all
  };
  auto status = db().ExecuteTransaction(t);
  if (Departs("moto", "C38")) {  // HTTP 500 instead of the cancellation
    EXPECT_ERROR(status, kInternalServerError, "");
    return;
  }
  EXPECT_ERROR(status, kTransactionCanceled, "");
  const auto* detail = status.status().DetailAs<dynamo::TransactionCanceledDetail>();
  ASSERT_NE(detail, nullptr);
  ASSERT_EQ(detail->reasons.size(), 3u);
  EXPECT_EQ(detail->reasons[0].code, "None");
  EXPECT_EQ(detail->reasons[2].code, "DuplicateItem");
  EXPECT_FALSE(Get("Pql", MakeItem({{"pk", S("t")}, {"n", N(1)}})).has_value());

  t.transact_statements.pop_back();
  t.transact_statements.push_back(
      {"EXISTS(SELECT * FROM Pql WHERE pk = 'p' AND n = 3 AND kind = 'odd')", {}, {}});
  t.client_request_token = "partiql-token-1";
  ASSERT_OK(db().ExecuteTransaction(t));
  EXPECT_EQ(Get("Pql", MakeItem({{"pk", S("p")}, {"n", N(2)}}))->at("v"), N(7));

  dynamo::ExecuteTransactionRequest reads;
  reads.transact_statements = {{"SELECT * FROM Pql WHERE pk = 't' AND n = 1", {}, {}},
                               {"SELECT n FROM Pql WHERE pk = 'none' AND n = 1", {}, {}}};
  auto r = db().ExecuteTransaction(reads);
  ASSERT_OK(r);
  ASSERT_EQ(r->responses.size(), 2u);
  EXPECT_TRUE(r->responses[0].item.has_value());
  EXPECT_FALSE(r->responses[1].item.has_value());
}

INSTANTIATE_TEST_SUITE_P(AllBackends, PartiqlTest, ::testing::ValuesIn(BackendKinds()), KindName);

}  // namespace
}  // namespace issuetracker::testing
