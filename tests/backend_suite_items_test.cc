// Behaviour suite, single items: PutItem, GetItem, UpdateItem, DeleteItem with
// conditions, return values, limits, validation and consumed capacity.
#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

using dynamo::ReturnConsumedCapacity;
using dynamo::ReturnValue;
using dynamo::ScalarType;

class ItemsTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;  // the backend cannot run here
    auto r = TableRequest("Items", "pk", ScalarType::kS, "sk", ScalarType::kN);
    AddGsi(&r, "ByOwner", "owner", "rank", dynamo::ProjectionType::kAll, ScalarType::kS,
           ScalarType::kN);
    Create(r);
  }
  static Item Key(const std::string& pk, int64_t sk) {
    return MakeItem({{"pk", S(pk)}, {"sk", N(sk)}});
  }
  Result<dynamo::UpdateItemResponse> Update(Item key, const std::string& expr,
                                            dynamo::ExpressionValues values = {},
                                            dynamo::ExpressionNames names = {},
                                            std::optional<std::string> condition = std::nullopt,
                                            ReturnValue rv = ReturnValue::kNone) {
    dynamo::UpdateItemRequest r;
    r.table_name = "Items";
    r.key = std::move(key);
    r.update_expression = expr;
    r.expression_attribute_values = std::move(values);
    r.expression_attribute_names = std::move(names);
    r.condition_expression = std::move(condition);
    r.return_values = rv;
    return db().UpdateItem(r);
  }
};

TEST_P(ItemsTest, PutGetRoundTripsEveryType) {
  Item item = Key("a", 1);
  item.emplace("s", S("text"));
  item.emplace("n", Num("-12.50"));
  item.emplace("b", AttributeValue::B(std::string("\x00\xff\x01", 3)));
  item.emplace("t", AttributeValue::Bool(true));
  item.emplace("z", AttributeValue::Null());
  item.emplace("m", AttributeValue::M({{"inner", AttributeValue::L({S("x"), N(2)})}}));
  item.emplace("ss", AttributeValue::SS({"b", "a"}));
  item.emplace("ns",
               AttributeValue::NS({dynamo::Number::FromInt64(3), dynamo::Number::FromInt64(1)}));
  item.emplace("bs", AttributeValue::BS({"y", "x"}));
  item.emplace("empty", S(""));
  Put("Items", item);
  auto got = Get("Items", Key("a", 1));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, item);
  EXPECT_EQ(got->at("n").n().ToString(), "-12.5");
  EXPECT_FALSE(Get("Items", Key("a", 2)).has_value());
}

TEST_P(ItemsTest, ValidatesKeysAndItems) {
  if (!IsPeer(GetParam())) {
    // An attribute name is at most 65535 bytes, in an item or an expression.
    dynamo::PutItemRequest long_name;
    long_name.table_name = "Items";
    long_name.item = Key("a", 1);
    long_name.item.emplace(std::string(65536, 'n'), N(1));
    EXPECT_ERROR(db().PutItem(long_name), kValidation, "Attribute name is too large");
    EXPECT_ERROR(
        Update(Key("a", 1), "SET #n = :v", {{":v", N(1)}}, {{"#n", std::string(65536, 'n')}}),
        kValidation, "Attribute name is too large");
    // A table name no table can have is invalid rather than missing.
    long_name.table_name = "non!existent!table";
    EXPECT_ERROR(db().PutItem(long_name), kValidation, "regular expression pattern");
    long_name.table_name = "xx";
    EXPECT_ERROR(db().PutItem(long_name), kValidation, "at least 3 characters");
  }
  dynamo::PutItemRequest put;
  put.table_name = "Items";
  put.item = MakeItem({{"pk", S("a")}});
  EXPECT_ERROR(db().PutItem(put), kValidation, "Missing the key sk in the item");
  put.item = MakeItem({{"pk", N(1)}, {"sk", N(1)}});
  EXPECT_ERROR(db().PutItem(put), kValidation, "Type mismatch for key pk expected: S actual: N");
  put.item = MakeItem({{"pk", S("")}, {"sk", N(1)}});
  EXPECT_ERROR(db().PutItem(put), kValidation,
               Msg("cannot contain an empty string value. Key: pk",
                   {{"moto", "An AttributeValue may not contain an empty string. Key: pk"}}));
  put.item = Key("a", 1);
  put.item.emplace("owner", N(5));
  if (!Departs("moto", "C13")) {
    EXPECT_ERROR(db().PutItem(put), kValidation,
                 Msg("Type mismatch for Index Key owner Expected: S Actual: N IndexName: ByOwner",
                     {{"dynalite", "Type mismatch for Index Key owner"}}));
  }
  put.item = Key("a", 1);
  put.item.emplace("owner", S(""));
  if (Departs("dynalite", "C14")) {
    EXPECT_TRUE(db().PutItem(put).ok());
  } else if (!Departs("moto", "C13")) {
    EXPECT_ERROR(db().PutItem(put), kValidation, "secondary index key");
  }
  put.item = Key(std::string(2049, 'k'), 1);
  if (!Departs("moto", "C27")) EXPECT_ERROR(db().PutItem(put), kValidation, "limit of2048 bytes");
  put.item = Key("a", 1);
  put.item.emplace("dups", AttributeValue::SS({"x", "x"}));
  if (!Departs("moto", "C30")) EXPECT_ERROR(db().PutItem(put), kValidation, "contains duplicates");
  put.item = Key("a", 1);
  put.item.emplace("big", S(std::string(400 * 1024, 'x')));
  EXPECT_ERROR(db().PutItem(put), kValidation, "Item size has exceeded the maximum allowed size");
  put.item = Key("a", 1);
  put.item.emplace("big", S(std::string(400 * 1024 - 20, 'x')));
  if (Departs("moto", "C31")) {
    EXPECT_ERROR(db().PutItem(put), kValidation, "Item size has exceeded");
  } else {
    ASSERT_OK(db().PutItem(put));  // just under 400 KB including names
  }

  auto range_table = TableRequest("Ranged", "pk", ScalarType::kS, "sk", ScalarType::kB);
  Create(range_table);
  put.table_name = "Ranged";
  put.item = MakeItem({{"pk", S("a")}, {"sk", AttributeValue::B(std::string(1025, 'b'))}});
  EXPECT_ERROR(db().PutItem(put), kValidation,
               "range keys has exceeded the size limit of 1024 bytes");

  dynamo::GetItemRequest get;
  get.table_name = "Items";
  get.key = MakeItem({{"pk", S("a")}});
  EXPECT_ERROR(db().GetItem(get), kValidation,
               Msg("The provided key element does not match the schema",
                   {{"moto", "Validation Exception"}}));
  get.key = MakeItem({{"pk", S("a")}, {"sk", N(1)}, {"x", N(1)}});
  if (!Departs("moto", "C16")) {
    EXPECT_ERROR(db().GetItem(get), kValidation,
                 "The provided key element does not match the schema");
  }
  get.key = MakeItem({{"pk", S("a")}, {"sk", S("1")}});
  if (!Departs("moto", "C16")) {
    EXPECT_ERROR(db().GetItem(get), kValidation,
                 "The provided key element does not match the schema");
  }
  get.table_name = "Missing";
  get.key = Key("a", 1);
  EXPECT_ERROR(db().GetItem(get), kResourceNotFound, "Requested resource not found");
}

// Regression: an item nested deeper than the item decoder reads was stored, and every read
// of it then failed ("malformed item"). DynamoDB refuses values nested beyond 32 levels;
// so do writes here, PutItem's and UpdateItem's, and what is stored reads back.
TEST_P(ItemsTest, ItemsNestedBeyond32LevelsAreRefusedNotStoredUnreadable) {
  auto nested = [](int maps) {
    AttributeValue v = S("leaf");
    for (int i = 0; i < maps; ++i) v = AttributeValue::M({{"n", std::move(v)}});
    return v;
  };
  dynamo::PutItemRequest put;
  put.table_name = "Items";
  put.item = Key("deep", 1);
  put.item.emplace("m", nested(31));  // the leaf is at level 32: allowed
  ASSERT_OK(db().PutItem(put));
  auto got = Get("Items", Key("deep", 1));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, put.item);
  if (Departs("dynalite", "C33") || Departs("moto", "C33")) {
    put.item = Key("deep", 2);
    put.item.emplace("m", nested(32));
    EXPECT_TRUE(db().PutItem(put).ok());  // stored, nesting unchecked
    return;
  }
  for (int maps : {32, 70}) {
    put.item = Key("deep", 2);
    put.item.emplace("m", nested(maps));
    EXPECT_ERROR(db().PutItem(put), kValidation, "Nesting Levels have exceeded supported limits");
  }
  EXPECT_ERROR(Update(Key("deep", 1), "SET m.n = :v", {{":v", nested(31)}}), kValidation,
               "Nesting Levels have exceeded supported limits");
  EXPECT_FALSE(Get("Items", Key("deep", 2)).has_value());
  got = Get("Items", Key("deep", 1));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->at("m"), nested(31));
}

TEST_P(ItemsTest, ConditionalPutAndReturnValues) {
  dynamo::PutItemRequest put;
  put.table_name = "Items";
  put.item = Key("a", 1);
  put.item.emplace("v", N(1));
  put.condition_expression = "attribute_not_exists(pk)";
  ASSERT_OK(db().PutItem(put));
  EXPECT_ERROR(db().PutItem(put), kConditionalCheckFailed, "The conditional request failed");

  put.condition_expression = "v = :one";
  put.expression_attribute_values = {{":one", N(1)}};
  put.item["v"] = N(2);
  put.return_values = ReturnValue::kAllOld;
  auto replaced = db().PutItem(put);
  ASSERT_OK(replaced);
  ASSERT_TRUE(replaced->attributes.has_value());
  EXPECT_EQ(replaced->attributes->at("v"), N(1));

  put.return_values = ReturnValue::kAllNew;
  EXPECT_ERROR(db().PutItem(put), kValidation,
               Msg("ReturnValues can only be ALL_OLD or NONE",
                   {{"moto", "Return values set to invalid value"}}));

  put.return_values = ReturnValue::kNone;
  put.return_values_on_condition_check_failure =
      dynamo::ReturnValuesOnConditionCheckFailure::kAllOld;
  auto failed = db().PutItem(put);  // v is 2 now
  ASSERT_FALSE(failed.ok());
  auto* detail = failed.status().DetailAs<dynamo::ConditionalCheckFailedDetail>();
  if (Departs("dynalite", "C15")) {
    EXPECT_EQ(detail, nullptr);
  } else {
    ASSERT_NE(detail, nullptr);
    EXPECT_EQ(detail->item.at("v"), N(2));
  }

  dynamo::PutItemRequest unused;
  unused.table_name = "Items";
  unused.item = Key("b", 1);
  unused.condition_expression = "attribute_not_exists(pk)";
  unused.expression_attribute_values = {{":x", N(1)}};
  if (Departs("moto", "C16")) return;
  EXPECT_ERROR(db().PutItem(unused), kValidation, "unused in expressions: keys: {:x}");
  unused.condition_expression.reset();
  EXPECT_ERROR(db().PutItem(unused), kValidation,
               "ExpressionAttributeValues can only be specified when using expressions");
}

TEST_P(ItemsTest, UpdateExpressionsAndReturnValues) {
  auto created = Update(Key("u", 1), "SET #c = :zero, tags = :tags",
                        {{":zero", N(0)}, {":tags", AttributeValue::SS({"x"})}}, {{"#c", "count"}},
                        std::nullopt, ReturnValue::kAllNew);
  ASSERT_OK(created);
  ASSERT_TRUE(created->attributes.has_value());
  EXPECT_EQ(created->attributes->at("count"), N(0));
  EXPECT_EQ(created->attributes->at("pk"), S("u"));

  auto added = Update(Key("u", 1), "ADD #c :five, tags :more",
                      {{":five", N(5)}, {":more", AttributeValue::SS({"y"})}}, {{"#c", "count"}},
                      std::nullopt, ReturnValue::kUpdatedNew);
  ASSERT_OK(added);
  EXPECT_EQ(added->attributes->at("count"), N(5));
  EXPECT_EQ(added->attributes->at("tags"), AttributeValue::SS({"x", "y"}));
  EXPECT_EQ(added->attributes->size(), 2u);

  auto old = Update(Key("u", 1), "SET #c = #c - :one REMOVE tags", {{":one", N(1)}},
                    {{"#c", "count"}}, "#c > :one", ReturnValue::kUpdatedOld);
  ASSERT_OK(old);
  EXPECT_EQ(old->attributes->at("count"), N(5));
  EXPECT_TRUE(old->attributes->contains("tags"));
  auto item = Get("Items", Key("u", 1));
  EXPECT_EQ(item->at("count"), N(4));
  EXPECT_FALSE(item->contains("tags"));

  if (Departs("moto", "C8")) {
    EXPECT_ERROR(
        Update(Key("u", 1), "SET #c = :one", {{":one", N(1)}}, {{"#c", "count"}}, "#c > :ten"),
        kInternalServerError, "HTTP 500");
  } else {
    EXPECT_ERROR(
        Update(Key("u", 1), "SET #c = :one", {{":one", N(1)}}, {{"#c", "count"}}, "#c > :ten"),
        kValidation,
        "An expression attribute value used in expression is not defined; attribute value: :ten");
  }
  EXPECT_ERROR(Update(Key("u", 1), "SET #c = :one", {{":one", N(1)}, {":ten", N(10)}},
                      {{"#c", "count"}}, "#c > :ten"),
               kConditionalCheckFailed, "conditional request failed");
  EXPECT_ERROR(Update(Key("u", 1), "SET pk = :v", {{":v", S("x")}}), kValidation,
               "Cannot update attribute pk. This attribute is part of the key");
  if (!Departs("moto", "C13")) {
    EXPECT_ERROR(Update(Key("u", 1), "SET #o = :v", {{":v", N(1)}}, {{"#o", "owner"}}), kValidation,
                 "Type mismatch for Index Key owner");
  }
  EXPECT_ERROR(Update(Key("u", 1), "SET status = :v", {{":v", N(1)}}), kValidation,
               "reserved keyword");
  EXPECT_ERROR(Update(Key("u", 1), "SET big = :v", {{":v", S(std::string(400 * 1024, 'x'))}}),
               kValidation, "Item size to update has exceeded the maximum allowed size");
  // Nothing stored changed through the failures.
  EXPECT_EQ(Get("Items", Key("u", 1))->at("count"), N(4));
}

TEST_P(ItemsTest, RemovingFromAMissingItemLeavesItMissing) {
  if (Departs("dynalite", "C46") || Departs("moto", "C46")) {
    // They create the item, keys only.
    auto r = Update(Key("gone", 1), "REMOVE a", {}, {}, std::nullopt, ReturnValue::kAllNew);
    ASSERT_OK(r);
    EXPECT_EQ(Get("Items", Key("gone", 1)), std::optional<Item>(Key("gone", 1)));
    return;
  }
  // REMOVE (of a top-level or a nested path) and DELETE of a missing item write nothing and
  // return nothing, whatever ReturnValues asks.
  for (const char* expression : {"REMOVE a", "REMOVE a.b", "REMOVE a[0]", "DELETE s :set"}) {
    dynamo::ExpressionValues values;
    if (std::string_view(expression).starts_with("DELETE"))
      values = {{":set", AttributeValue::SS({"x"})}};
    auto r = Update(Key("gone", 1), expression, values, {}, std::nullopt, ReturnValue::kAllNew);
    ASSERT_OK(r);
    EXPECT_FALSE(r->attributes.has_value()) << expression;
    EXPECT_FALSE(Get("Items", Key("gone", 1)).has_value()) << expression;
  }
  // Anything else creates it, an update of nothing but the key included.
  ASSERT_OK(Update(Key("gone", 1), "SET a = :v REMOVE b", {{":v", N(1)}}));
  EXPECT_EQ(Get("Items", Key("gone", 1))->at("a"), N(1));
}

TEST_P(ItemsTest, ExpressionFunctionsAndValuesAsDynamoDbChecksThem) {
  ASSERT_OK(Update(Key("f", 1), "SET l = :l", {{":l", AttributeValue::L({N(1)})}}));
  // attribute_type's first operand may be a value.
  ASSERT_OK(Update(Key("f", 1), "SET c = :v", {{":v", N(0)}, {":t", S("N")}}, {},
                   "attribute_type(:v, :t)"));
  EXPECT_ERROR(Update(Key("f", 1), "SET c = :v", {{":v", N(0)}, {":t", S("S")}}, {},
                      "attribute_type(:v, :t)"),
               kConditionalCheckFailed, "conditional request failed");
  // list_append may not take list_append.
  if (!Departs("dynalite", "C49") && !Departs("moto", "C49")) {
    EXPECT_ERROR(Update(Key("f", 1), "SET l = list_append(list_append(:a, :b), :c)",
                        {{":a", AttributeValue::L({N(1)})},
                         {":b", AttributeValue::L({N(2)})},
                         {":c", AttributeValue::L({N(3)})}}),
                 kValidation, "The function is not allowed to be used this way in an expression");
  }
  // ExpressionAttributeValues are validated as item values are.
  if (!Departs("dynalite", "C47") && !Departs("moto", "C47")) {
    EXPECT_ERROR(Update(Key("f", 1), "DELETE s :set", {{":set", AttributeValue::SS({})}}),
                 kValidation,
                 "ExpressionAttributeValues contains invalid value: One or more parameter values "
                 "were invalid: An string set  may not be empty for key :set");
  }
  EXPECT_EQ(Get("Items", Key("f", 1))->at("l"), AttributeValue::L({N(1)}));
}

TEST_P(ItemsTest, UpdateMovesIndexEntries) {
  ASSERT_OK(Update(Key("i", 1), "SET #o = :o, #r = :r", {{":o", S("ann")}, {":r", N(1)}},
                   {{"#r", "rank"}, {"#o", "owner"}}));
  dynamo::QueryRequest q;
  q.table_name = "Items";
  q.index_name = "ByOwner";
  q.key_condition_expression = "#o = :o";
  q.expression_attribute_names = {{"#o", "owner"}};
  q.expression_attribute_values = {{":o", S("ann")}};
  EXPECT_EQ(db().Query(q)->count, 1);
  ASSERT_OK(Update(Key("i", 1), "SET #o = :o", {{":o", S("bob")}}, {{"#o", "owner"}}));
  EXPECT_EQ(db().Query(q)->count, 0);
  q.expression_attribute_values = {{":o", S("bob")}};
  EXPECT_EQ(db().Query(q)->count, 1);
  ASSERT_OK(Update(Key("i", 1), "REMOVE #r", {}, {{"#r", "rank"}}));
  EXPECT_EQ(db().Query(q)->count, 0);  // sparse: no range key, no entry
}

TEST_P(ItemsTest, DeleteWithConditionAndReturnValues) {
  Item item = Key("d", 1);
  item.emplace("state", S("open"));
  Put("Items", item);
  dynamo::DeleteItemRequest del;
  del.table_name = "Items";
  del.key = Key("d", 1);
  del.condition_expression = "#s = :closed";
  del.expression_attribute_names = {{"#s", "state"}};
  del.expression_attribute_values = {{":closed", S("closed")}};
  EXPECT_ERROR(db().DeleteItem(del), kConditionalCheckFailed, "conditional request failed");
  EXPECT_TRUE(Get("Items", Key("d", 1)).has_value());
  del.expression_attribute_values = {{":closed", S("open")}};
  del.return_values = ReturnValue::kAllOld;
  auto deleted = db().DeleteItem(del);
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted->attributes, item);
  EXPECT_FALSE(Get("Items", Key("d", 1)).has_value());
  // Deleting a missing item succeeds and returns nothing.
  del.condition_expression.reset();
  del.expression_attribute_names.clear();
  del.expression_attribute_values.clear();
  auto again = db().DeleteItem(del);
  ASSERT_OK(again);
  EXPECT_FALSE(again->attributes.has_value());
}

TEST_P(ItemsTest, GetItemProjection) {
  Item item = Key("p", 1);
  item.emplace("a",
               AttributeValue::M({{"b", AttributeValue::L({N(0), N(1), N(2)})}, {"c", S("x")}}));
  item.emplace("name", S("n"));
  Put("Items", item);
  dynamo::GetItemRequest get;
  get.table_name = "Items";
  get.key = Key("p", 1);
  get.projection_expression = "a.b[1], #n";
  get.expression_attribute_names = {{"#n", "name"}};
  auto got = db().GetItem(get);
  ASSERT_OK(got);
  EXPECT_EQ(*got->item, MakeItem({{"a", AttributeValue::M({{"b", AttributeValue::L({N(1)})}})},
                                  {"name", S("n")}}));
  get.projection_expression = "a, #unused";
  get.expression_attribute_names = {{"#unused", "x"}, {"#other", "y"}};
  EXPECT_ERROR(db().GetItem(get), kValidation, "unused in expressions: keys: {#other}");
}

TEST_P(ItemsTest, ConsumedCapacityFollowsDynamoRules) {
  dynamo::PutItemRequest put;
  put.table_name = "Items";
  put.item = Key("c", 1);
  put.item.emplace("owner", S("ann"));
  put.item.emplace("rank", N(1));
  put.item.emplace("blob", S(std::string(1500, 'x')));  // ~1.5 KB: 2 write units
  put.return_consumed_capacity = ReturnConsumedCapacity::kIndexes;
  auto r = db().PutItem(put);
  ASSERT_OK(r);
  ASSERT_TRUE(r->consumed_capacity.has_value());
  EXPECT_EQ(r->consumed_capacity->table_name, "Items");
  ASSERT_TRUE(r->consumed_capacity->table.has_value());
  if (Departs("moto", "C17")) return;
  if (Departs("dynalite", "C25")) {
    EXPECT_TRUE(r->consumed_capacity->global_secondary_indexes.empty());
    return;
  }
  EXPECT_DOUBLE_EQ(r->consumed_capacity->table->capacity_units, 2);
  EXPECT_DOUBLE_EQ(r->consumed_capacity->global_secondary_indexes.at("ByOwner").capacity_units, 2);
  EXPECT_DOUBLE_EQ(r->consumed_capacity->capacity_units, 4);

  dynamo::GetItemRequest get;
  get.table_name = "Items";
  get.key = Key("c", 1);
  get.return_consumed_capacity = ReturnConsumedCapacity::kTotal;
  auto eventually = db().GetItem(get);
  ASSERT_OK(eventually);
  EXPECT_DOUBLE_EQ(eventually->consumed_capacity->capacity_units, 0.5);
  get.consistent_read = true;
  EXPECT_DOUBLE_EQ(db().GetItem(get)->consumed_capacity->capacity_units, 1);
  get.key = Key("missing", 1);
  EXPECT_DOUBLE_EQ(db().GetItem(get)->consumed_capacity->capacity_units, 1);
  get.return_consumed_capacity = ReturnConsumedCapacity::kNone;
  EXPECT_FALSE(db().GetItem(get)->consumed_capacity.has_value());
}

TEST_P(ItemsTest, NumbersAreExactDecimals) {
  ASSERT_OK(Update(Key("num", 1), "SET v = :a", {{":a", Num("0.1")}}));
  ASSERT_OK(Update(Key("num", 1), "SET v = v + :b", {{":b", Num("0.2")}}));
  EXPECT_EQ(Get("Items", Key("num", 1))->at("v").n().ToString(), "0.3");
  ASSERT_OK(Update(Key("num", 1), "SET v = :a", {{":a", Num("1E+38")}}));
  if (Departs("dynalite", "C18") || Departs("moto", "C18")) return;
  // DynamoDB calls a result beyond 38 digits an overflow (a literal beyond them is "more
  // than 38 significant digits", NumberTest).
  EXPECT_ERROR(Update(Key("num", 1), "SET v = v + :b", {{":b", N(1)}}), kValidation,
               "Number overflow");
  EXPECT_ERROR(Update(Key("num", 1), "SET v = :a - :b", {{":a", Num("1e50")}, {":b", N(1)}}),
               kValidation, "Number overflow");
}

TEST_P(ItemsTest, MetricsCountRequestsCapacityAndErrors) {
  IT_REQUIRE(metrics());
  Put("Items",
      MakeItem({{"pk", S("m")}, {"sk", N(1)}, {"blob", S(std::string(1500, 'x'))}}));  // 2 WCU
  EXPECT_TRUE(Get("Items", Key("m", 1), /*consistent=*/true).has_value());             // 1 RCU
  dynamo::PutItemRequest failing{"Items", Key("m", 1), "attribute_not_exists(pk)"};
  EXPECT_ERROR(db().PutItem(failing), kConditionalCheckFailed, "");
  dynamo::GetItemRequest bad;
  bad.table_name = "Items";
  bad.key = MakeItem({{"pk", S("m")}});
  EXPECT_ERROR(db().GetItem(bad), kValidation, "");
  auto m = metrics()->DescribeTableMetrics({"Items"});
  ASSERT_OK(m);
  EXPECT_EQ(m->metrics.requests, 4);
  if (!Departs("moto", "C17")) {
    EXPECT_DOUBLE_EQ(m->metrics.consumed_write_capacity_units, 2);
    EXPECT_DOUBLE_EQ(m->metrics.consumed_read_capacity_units, 1);
  }
  EXPECT_EQ(m->metrics.returned_item_count, 1);
  EXPECT_EQ(m->metrics.conditional_check_failed_requests, 1);
  EXPECT_EQ(m->metrics.user_errors, 2);
  EXPECT_EQ(m->metrics.system_errors, 0);
  EXPECT_EQ(m->metrics.throttled_requests, 0);
  EXPECT_GT(m->metrics.successful_request_latency_avg_ms, 0);
  EXPECT_ERROR(metrics()->DescribeTableMetrics({"Missing"}), kResourceNotFound, "Missing");
}

INSTANTIATE_TEST_SUITE_P(AllBackends, ItemsTest, ::testing::ValuesIn(BackendKinds()), KindName);

}  // namespace
}  // namespace issuetracker::testing
