// Behaviour suite, multi-item writes and reads: BatchGetItem, BatchWriteItem,
// TransactWriteItems and TransactGetItems.
#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

using dynamo::ScalarType;

class BatchTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;  // the backend cannot run here
    auto r = TableRequest("Accounts", "id");
    AddGsi(&r, "ByOwner", "owner");
    Create(r);
    Create(TableRequest("Ledger", "id", ScalarType::kS, "seq", ScalarType::kN));
  }
  static Item Id(const std::string& id) { return MakeItem({{"id", S(id)}}); }
  // The number of Accounts items of `owner`, by a Query on the ByOwner index.
  int64_t OwnerCount(const std::string& owner) {
    dynamo::QueryRequest q;
    q.table_name = "Accounts";
    q.index_name = "ByOwner";
    q.key_condition_expression = "#o = :o";
    q.expression_attribute_names = {{"#o", "owner"}};
    q.expression_attribute_values = {{":o", S(owner)}};
    q.select = dynamo::Select::kCount;
    auto r = db().Query(q);
    return r.ok() ? r->count : -1;
  }
  int64_t Balance(const std::string& id) {
    auto item = Get("Accounts", Id(id));
    return item ? *item->at("balance").n().ToInt64() : -1;
  }
  static dynamo::TransactWriteItem Transfer(const std::string& id, int64_t delta,
                                            bool require_funds) {
    dynamo::TransactUpdate u;
    u.table_name = "Accounts";
    u.key = Id(id);
    u.update_expression = "SET balance = balance + :d";
    u.expression_attribute_values = {{":d", N(delta)}};
    if (require_funds) {
      u.condition_expression = "balance >= :need";
      u.expression_attribute_values[":need"] = N(-delta);
    }
    dynamo::TransactWriteItem w;
    w.update = std::move(u);
    return w;
  }
};

TEST_P(BatchTest, BatchWriteThenBatchGet) {
  dynamo::BatchWriteItemRequest w;
  for (int i = 0; i < 20; ++i) {
    dynamo::WriteRequest put;
    put.put_item =
        MakeItem({{"id", S("a" + std::to_string(i))}, {"owner", S("ann")}, {"balance", N(i)}});
    w.request_items["Accounts"].push_back(put);
  }
  dynamo::WriteRequest ledger;
  ledger.put_item = MakeItem({{"id", S("L")}, {"seq", N(1)}});
  w.request_items["Ledger"].push_back(ledger);
  w.return_consumed_capacity = dynamo::ReturnConsumedCapacity::kTotal;
  auto written = db().BatchWriteItem(w);
  ASSERT_OK(written);
  EXPECT_TRUE(written->unprocessed_items.empty());
  EXPECT_EQ(written->consumed_capacity.size(), 2u);

  dynamo::BatchGetItemRequest g;
  for (int i = 0; i < 25; ++i)
    g.request_items["Accounts"].keys.push_back(Id("a" + std::to_string(i)));
  g.request_items["Accounts"].projection_expression = "id, balance";
  g.request_items["Ledger"].keys.push_back(MakeItem({{"id", S("L")}, {"seq", N(1)}}));
  auto got = db().BatchGetItem(g);
  ASSERT_OK(got);
  EXPECT_EQ(got->responses["Accounts"].size(), 20u);  // 5 keys do not exist
  EXPECT_EQ(got->responses["Accounts"][0].size(), 2u);
  EXPECT_EQ(got->responses["Ledger"].size(), 1u);

  // Deletes in a batch.
  dynamo::BatchWriteItemRequest d;
  for (int i = 0; i < 10; ++i) {
    dynamo::WriteRequest del;
    del.delete_key = Id("a" + std::to_string(i));
    d.request_items["Accounts"].push_back(del);
  }
  ASSERT_OK(db().BatchWriteItem(d));
  dynamo::QueryRequest q;
  q.table_name = "Accounts";
  q.index_name = "ByOwner";
  q.key_condition_expression = "#o = :o";
  q.expression_attribute_names = {{"#o", "owner"}};
  q.expression_attribute_values = {{":o", S("ann")}};
  EXPECT_EQ(db().Query(q)->count, 10);
}

TEST_P(BatchTest, BatchLimitsAndErrors) {
  dynamo::BatchWriteItemRequest w;
  for (int i = 0; i < 26; ++i) {
    dynamo::WriteRequest put;
    put.put_item = Id("x" + std::to_string(i));
    w.request_items["Accounts"].push_back(put);
  }
  if (!Departs("moto", "C16")) {
    // 26 for one table break the map value's length constraint; 26 over two tables are
    // "too many items".
    EXPECT_ERROR(db().BatchWriteItem(w), kValidation,
                 "Member must have length less than or equal to 25");
    if (!Is("dynalite")) {  // dynalite looks for the tables first
      dynamo::BatchWriteItemRequest two = w;
      two.request_items["Accounts"].resize(13);
      two.request_items["Other"] = w.request_items["Accounts"];
      two.request_items["Other"].resize(13);
      EXPECT_ERROR(db().BatchWriteItem(two), kValidation,
                   "Too many items requested for the BatchWriteItem call");
    }
  }
  w.request_items["Accounts"].resize(2);
  w.request_items["Accounts"][1].put_item = Id("x0");
  EXPECT_ERROR(db().BatchWriteItem(w), kValidation,
               "Provided list of item keys contains duplicates");
  w.request_items["Accounts"][1].put_item = MakeItem({{"id", N(1)}});
  EXPECT_ERROR(db().BatchWriteItem(w), kValidation,
               Msg("Type mismatch for key id",
                   {{"dynalite", "The provided key element does not match the schema"}}));
  // Nothing of a rejected batch is written.
  EXPECT_EQ(Get("Accounts", Id("x0")).has_value(), Departs("moto", "C26"));
  dynamo::BatchWriteItemRequest missing;
  missing.request_items["Nope"].push_back(dynamo::WriteRequest{Id("a"), std::nullopt});
  EXPECT_ERROR(db().BatchWriteItem(missing), kResourceNotFound, "Requested resource not found");

  dynamo::BatchGetItemRequest g;
  for (int i = 0; i < 101; ++i)
    g.request_items["Accounts"].keys.push_back(Id("k" + std::to_string(i)));
  EXPECT_ERROR(db().BatchGetItem(g), kValidation,
               Msg("Too many items requested for the BatchGetItem call",
                   {{"dynalite", "Member must have length less than or equal to 100"},
                    {"moto", "Member must have length less than or equal to 100"}}));
  g.request_items["Accounts"].keys = {Id("k"), Id("k")};
  EXPECT_ERROR(db().BatchGetItem(g), kValidation, "Provided list of item keys contains duplicates");
}

TEST_P(BatchTest, TransactionCommitsAllOrNothing) {
  Put("Accounts", MakeItem({{"id", S("alice")}, {"balance", N(100)}}));
  Put("Accounts", MakeItem({{"id", S("bob")}, {"balance", N(0)}}));
  dynamo::TransactWriteItemsRequest t;
  t.transact_items = {Transfer("alice", -60, true), Transfer("bob", 60, false)};
  dynamo::TransactWriteItem log;
  log.put = dynamo::TransactPut{
      "Ledger", MakeItem({{"id", S("tx")}, {"seq", N(1)}}), "attribute_not_exists(id)", {}, {}, {}};
  t.transact_items.push_back(log);
  if (Departs("dynalite", "C20")) {
    EXPECT_ERROR(db().TransactWriteItems(t), kUnknownOperation, "");
    return;
  }
  ASSERT_OK(db().TransactWriteItems(t));
  EXPECT_EQ(Balance("alice"), 40);
  EXPECT_EQ(Balance("bob"), 60);

  // Second run: alice lacks funds and the ledger entry exists: both reasons reported, nothing
  // applied.
  auto failed = db().TransactWriteItems(t);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Code::kTransactionCanceled);
  EXPECT_NE(
      failed.status().message().find("[ConditionalCheckFailed, None, ConditionalCheckFailed]"),
      std::string::npos)
      << failed.status().message();
  auto* detail = failed.status().DetailAs<dynamo::TransactionCanceledDetail>();
  ASSERT_NE(detail, nullptr);
  ASSERT_EQ(detail->reasons.size(), 3u);
  EXPECT_EQ(detail->reasons[0].code, "ConditionalCheckFailed");
  EXPECT_EQ(detail->reasons[1].code, "None");
  EXPECT_EQ(Balance("alice"), 40);
  EXPECT_EQ(Balance("bob"), 60);
}

TEST_P(BatchTest, TransactionConditionCheckDeleteAndReasonsWithItem) {
  Put("Accounts", MakeItem({{"id", S("gate")}, {"open", AttributeValue::Bool(false)}}));
  Put("Accounts", MakeItem({{"id", S("victim")}, {"balance", N(1)}}));
  dynamo::TransactWriteItemsRequest t;
  dynamo::TransactWriteItem check;
  check.condition_check =
      dynamo::TransactConditionCheck{"Accounts",
                                     Id("gate"),
                                     "#o = :t",
                                     {{"#o", "open"}},
                                     {{":t", AttributeValue::Bool(true)}},
                                     dynamo::ReturnValuesOnConditionCheckFailure::kAllOld};
  dynamo::TransactWriteItem del;
  del.delete_item = dynamo::TransactDelete{"Accounts", Id("victim"), std::nullopt, {}, {}, {}};
  t.transact_items = {check, del};
  auto failed = db().TransactWriteItems(t);
  ASSERT_FALSE(failed.ok());
  if (Departs("dynalite", "C20")) {
    EXPECT_EQ(failed.status().code(), Code::kUnknownOperation);
    return;
  }
  auto* detail = failed.status().DetailAs<dynamo::TransactionCanceledDetail>();
  ASSERT_NE(detail, nullptr);
  ASSERT_TRUE(detail->reasons[0].item.has_value());
  EXPECT_EQ(detail->reasons[0].item->at("open"), AttributeValue::Bool(false));
  EXPECT_TRUE(Get("Accounts", Id("victim")).has_value());

  dynamo::UpdateItemRequest open;
  open.table_name = "Accounts";
  open.key = Id("gate");
  open.update_expression = "SET #o = :t";
  open.expression_attribute_names = {{"#o", "open"}};
  open.expression_attribute_values = {{":t", AttributeValue::Bool(true)}};
  ASSERT_OK(db().UpdateItem(open));
  ASSERT_OK(db().TransactWriteItems(t));
  EXPECT_FALSE(Get("Accounts", Id("victim")).has_value());
}

TEST_P(BatchTest, TransactionValidation) {
  dynamo::TransactWriteItemsRequest same;
  same.transact_items = {Transfer("x", 1, false), Transfer("x", 2, false)};
  if (Departs("dynalite", "C20")) {
    EXPECT_ERROR(db().TransactWriteItems(same), kUnknownOperation, "");
    return;
  }
  if (Departs("moto", "C21")) {
    EXPECT_ERROR(db().TransactWriteItems(same), kValidation, "does not exist in the item");
    return;
  }
  EXPECT_ERROR(db().TransactWriteItems(same), kValidation, "multiple operations on one item");
  dynamo::TransactWriteItemsRequest empty;
  EXPECT_ERROR(db().TransactWriteItems(empty), kValidation, "transactItems");
  dynamo::TransactWriteItemsRequest too_many;
  for (int i = 0; i < 101; ++i)
    too_many.transact_items.push_back(Transfer("a" + std::to_string(i), 1, false));
  EXPECT_ERROR(db().TransactWriteItems(too_many), kValidation, "transactItems");
  // An update that fails at evaluation (arithmetic on a missing attribute) cancels.
  dynamo::TransactWriteItemsRequest bad_math;
  bad_math.transact_items = {Transfer("nobody", 1, false)};
  auto r = db().TransactWriteItems(bad_math);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kTransactionCanceled);
  EXPECT_NE(r.status().message().find("ValidationError"), std::string::npos);
  // So does an item that breaks the table's schema (a number for a string key), with a
  // reason per action; nothing is written.
  dynamo::TransactWriteItemsRequest bad_key;
  dynamo::TransactWriteItem ok_put, bad_put;
  ok_put.put.emplace();
  ok_put.put->table_name = "Accounts";
  ok_put.put->item = MakeItem({{"id", S("fine")}});
  bad_put.put = ok_put.put;
  bad_put.put->item = MakeItem({{"id", N(7)}});
  bad_key.transact_items = {ok_put, bad_put};
  r = db().TransactWriteItems(bad_key);
  ASSERT_FALSE(r.ok());
  if (!Departs("moto", "C50")) {
    EXPECT_EQ(r.status().code(), Code::kTransactionCanceled);
    const auto* detail = r.status().DetailAs<dynamo::TransactionCanceledDetail>();
    ASSERT_NE(detail, nullptr);
    ASSERT_EQ(detail->reasons.size(), 2u);
    EXPECT_EQ(detail->reasons[0].code, "None");
    EXPECT_EQ(detail->reasons[1].code, "ValidationError");
  }
  EXPECT_FALSE(Get("Accounts", MakeItem({{"id", S("fine")}})).has_value());
  // A ClientRequestToken is 1 to 36 characters.
  dynamo::TransactWriteItemsRequest long_token;
  long_token.transact_items = {ok_put};
  long_token.client_request_token = std::string(37, 't');
  if (!Departs("moto", "C50")) {
    EXPECT_ERROR(db().TransactWriteItems(long_token), kValidation, "clientRequestToken");
  }
}

TEST_P(BatchTest, TransactionIdempotencyToken) {
  Put("Accounts", MakeItem({{"id", S("c")}, {"balance", N(0)}}));
  dynamo::TransactWriteItemsRequest t;
  t.transact_items = {Transfer("c", 5, false)};
  t.client_request_token = "token-1";
  if (Departs("dynalite", "C20")) {
    EXPECT_ERROR(db().TransactWriteItems(t), kUnknownOperation, "");
    return;
  }
  ASSERT_OK(db().TransactWriteItems(t));
  t.transact_items = {Transfer("c", 6, false)};
  if (Departs("moto", "C22")) {
    EXPECT_TRUE(db().TransactWriteItems(t).ok());
    return;
  }
  EXPECT_ERROR(db().TransactWriteItems(t), kIdempotentParameterMismatch, "same client token");
}

TEST_P(BatchTest, RetriedTransactionWithItsTokenIsAppliedOnce) {
  Put("Accounts", MakeItem({{"id", S("d")}, {"balance", N(0)}}));
  dynamo::TransactWriteItemsRequest t;
  t.transact_items = {Transfer("d", 5, false)};
  t.client_request_token = "retry-token";
  if (Departs("dynalite", "C20")) {
    EXPECT_ERROR(db().TransactWriteItems(t), kUnknownOperation, "");
    return;
  }
  ASSERT_OK(db().TransactWriteItems(t));
  ASSERT_OK(db().TransactWriteItems(t));  // a retry after a lost response
  EXPECT_EQ(Balance("d"), Departs("moto", "C22") ? 10 : 5);
}

TEST_P(BatchTest, TransactGetReadsConsistently) {
  Put("Accounts", MakeItem({{"id", S("a")}, {"balance", N(1)}, {"owner", S("o")}}));
  dynamo::TransactGetItemsRequest g;
  g.transact_items = {dynamo::TransactGet{"Accounts", Id("a"), "balance", {}},
                      dynamo::TransactGet{"Accounts", Id("none"), std::nullopt, {}}};
  g.return_consumed_capacity = dynamo::ReturnConsumedCapacity::kTotal;
  if (Departs("dynalite", "C20")) {
    EXPECT_ERROR(db().TransactGetItems(g), kUnknownOperation, "");
    return;
  }
  auto r = db().TransactGetItems(g);
  ASSERT_OK(r);
  ASSERT_EQ(r->responses.size(), 2u);
  if (Departs("moto", "C23")) {
    EXPECT_EQ(r->responses[0].item->at("balance"), N(1));  // moto ignores the projection
    return;
  }
  EXPECT_EQ(*r->responses[0].item, MakeItem({{"balance", N(1)}}));
  EXPECT_FALSE(r->responses[1].item.has_value());
  ASSERT_EQ(r->consumed_capacity.size(), 1u);
  EXPECT_DOUBLE_EQ(r->consumed_capacity[0].capacity_units, 4);
}

TEST_P(BatchTest, ImportItemsIsAllOrNothing) {
  IT_REQUIRE(extensions());
  dynamo::ImportItemsRequest import;
  import.table_name = "Accounts";
  for (int i = 0; i < 3000; ++i) {
    import.items.push_back(MakeItem({{"id", S("imp" + std::to_string(i))},
                                     {"owner", S(i % 3 ? "ann" : "bob")},
                                     { "tags",
                                       AttributeValue::SS({"z", "a"}) }}));
  }
  auto imported = extensions()->ImportItems(import);
  ASSERT_OK(imported);
  EXPECT_EQ(imported->items_imported, 3000);
  auto item = Get("Accounts", Id("imp42"));
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->at("tags").ss(), (std::vector<std::string>{"a", "z"}));
  EXPECT_EQ(OwnerCount("bob"), 1000);
  auto d = db().DescribeTable({"Accounts"});
  ASSERT_OK(d);
  EXPECT_EQ(d->table.item_count, 3000);
  EXPECT_EQ(d->table.global_secondary_indexes[0].item_count, 3000);

  // One existing key fails the whole import; nothing of it is written.
  dynamo::ImportItemsRequest again;
  again.table_name = "Accounts";
  again.items = {MakeItem({{"id", S("fresh")}}), MakeItem({{"id", S("imp7")}})};
  EXPECT_ERROR(extensions()->ImportItems(again), kConditionalCheckFailed,
               "already exists: " + dynamo::ItemDebugString(Id("imp7")));
  EXPECT_FALSE(Get("Accounts", Id("fresh")).has_value());
  again.items = {MakeItem({{"id", S("fresh")}}), MakeItem({{"id", S("fresh")}})};
  EXPECT_ERROR(extensions()->ImportItems(again), kValidation, "duplicates");
  again.items = {MakeItem({{"id", N(1)}})};
  EXPECT_ERROR(extensions()->ImportItems(again), kValidation, "Type mismatch for key id");
  again.table_name = "Missing";
  EXPECT_ERROR(extensions()->ImportItems(again), kResourceNotFound, "not found");
}

// Items from a source, produced one at a time into the item the backend passes (which
// still holds the previous one): the same result and the same all-or-nothing checks.
std::function<bool(Item*)> SourceOf(int count, std::function<Item(int)> make) {
  return [count, make, n = 0](Item* item) mutable {
    if (n == count) return false;
    *item = make(n++);
    return true;
  };
}

Item SourceItem(int i) {
  Item item = MakeItem({{"id", S("src" + std::to_string(i))}, {"owner", S("cy")}});
  if (i % 2 == 1) item.emplace("tags", AttributeValue::SS({"y", "b"}));  // stored normalised
  return item;
}

TEST_P(BatchTest, ImportItemsFromASource) {
  IT_REQUIRE(extensions());
  dynamo::ImportItemsRequest import;
  import.table_name = "Accounts";
  import.next_item = SourceOf(2500, SourceItem);
  auto imported = extensions()->ImportItems(import);
  ASSERT_OK(imported);
  EXPECT_EQ(imported->items_imported, 2500);
  Item seventh = SourceItem(7);
  seventh.at("tags") = AttributeValue::SS({"b", "y"});
  EXPECT_EQ(*Get("Accounts", Id("src7")), seventh);
  EXPECT_EQ(*Get("Accounts", Id("src8")), SourceItem(8));
  EXPECT_EQ(OwnerCount("cy"), 2500);
  EXPECT_EQ(db().DescribeTable({"Accounts"})->table.item_count, 2500);

  // A bad item anywhere in the source, a duplicate or an existing key: nothing is written.
  auto late = [](int i) { return Id("late" + std::to_string(i)); };
  dynamo::ImportItemsRequest bad;
  bad.table_name = "Accounts";
  bad.next_item = SourceOf(100, [&](int i) {
    return i == 99 ? MakeItem({{"id", N(1)}}) : late(i);
  });
  EXPECT_ERROR(extensions()->ImportItems(bad), kValidation, "Type mismatch for key id");
  bad.next_item = SourceOf(100, [&](int i) { return late(i % 99); });
  EXPECT_ERROR(extensions()->ImportItems(bad), kValidation, "duplicates");
  bad.next_item = SourceOf(100, [&](int i) { return i == 50 ? Id("src3") : late(i); });
  EXPECT_ERROR(extensions()->ImportItems(bad), kConditionalCheckFailed,
               "already exists: " + dynamo::ItemDebugString(Id("src3")));
  EXPECT_FALSE(Get("Accounts", late(0)).has_value());
  EXPECT_EQ(db().DescribeTable({"Accounts"})->table.item_count, 2500);
  bad.items = {Id("both")};
  EXPECT_ERROR(extensions()->ImportItems(bad), kValidation, "not both");
  bad.items.clear();
  bad.next_item = SourceOf(0, SourceItem);
  EXPECT_EQ(extensions()->ImportItems(bad)->items_imported, 0);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, BatchTest, ::testing::ValuesIn(BackendKinds()), KindName);

}  // namespace
}  // namespace issuetracker::testing
