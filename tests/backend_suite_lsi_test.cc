// Behaviour suite, local secondary indexes: CreateTable's rules for them, DescribeTable's
// view, Query and Scan on them (strongly consistent reads, projections and fetching
// attributes they do not project, pagination), index upkeep on every write, and
// ItemCollectionMetrics.
#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

using dynamo::ProjectionType;
using dynamo::ScalarType;

class LsiTest : public BackendTest {
 protected:
  // Thread(forum, subject) with three LSIs: ByDate (ALL), ByVotes (KEYS_ONLY, number),
  // ByAuthor (INCLUDE title).
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;  // the backend cannot run here
    auto r = TableRequest("Thread", "forum", ScalarType::kS, "subject", ScalarType::kS);
    AddLsi(&r, "ByDate", "date");
    AddLsi(&r, "ByVotes", "votes", ProjectionType::kKeysOnly, ScalarType::kN);
    AddLsi(&r, "ByAuthor", "author", ProjectionType::kInclude, ScalarType::kS, {"title"});
    Create(r);
    for (int i = 0; i < 6; ++i) {
      Item item = MakeItem({{"forum", S("db")},
                            {"subject", S("s" + std::to_string(i))},
                            {"date", S("2024-0" + std::to_string(6 - i))},
                            {"votes", N(10 * ((i * 7) % 6))},
                            {"title", S("t" + std::to_string(i))},
                            {"body", S("b" + std::to_string(i))}});
      if (i != 5) item.emplace("author", S("a" + std::to_string(i % 2)));
      Put("Thread", item);
    }
    Put("Thread", MakeItem({{"forum", S("other")}, {"subject", S("x")}, {"date", S("2024-01")}}));
  }

  dynamo::QueryRequest Q(const std::string& index, const std::string& condition,
                         dynamo::ExpressionValues values) {
    dynamo::QueryRequest q;
    q.table_name = "Thread";
    q.index_name = index;
    q.key_condition_expression = condition;
    q.expression_attribute_values = std::move(values);
    return q;
  }

  static std::vector<std::string> Subjects(const dynamo::QueryResponse& r) {
    std::vector<std::string> out;
    for (const auto& item : r.items) out.push_back(item.at("subject").s());
    return out;
  }
};

TEST_P(LsiTest, CreateTableRules) {
  if (Departs("moto", "C39")) GTEST_SKIP() << "moto does not check LSI rules (C39)";
  auto base = TableRequest("Bad", "pk", ScalarType::kS, "sk");
  {  // a table without a sort key cannot have LSIs
    auto r = TableRequest("Bad", "pk");
    AddLsi(&r, "ByX", "x");
    EXPECT_ERROR(db().CreateTable(r), kValidation,
                 "Table KeySchema does not have a range key, which is required when specifying a "
                 "LocalSecondaryIndex");
  }
  {  // at most five
    auto r = base;
    for (int i = 0; i < 6; ++i) AddLsi(&r, "Index" + std::to_string(i), "x" + std::to_string(i));
    EXPECT_ERROR(db().CreateTable(r), kValidation, "LocalSecondaryIndex");
  }
  {  // the table's partition key
    auto r = base;
    AddLsi(&r, "ByX", "x");
    r.attribute_definitions.push_back({"other", ScalarType::kS});
    r.local_secondary_indexes[0].key_schema[0].attribute_name = "other";
    EXPECT_ERROR(db().CreateTable(r), kValidation,
                 "Index KeySchema does not have the same leading hash key as table KeySchema");
  }
  {  // a sort key of its own
    auto r = base;
    AddLsi(&r, "ByX", "x");
    r.local_secondary_indexes[0].key_schema.pop_back();
    r.attribute_definitions.pop_back();
    EXPECT_ERROR(db().CreateTable(r), kValidation, "");
  }
  {  // names unique across GSIs and LSIs
    auto r = base;
    AddGsi(&r, "Same", "g");
    AddLsi(&r, "Same", "x");
    EXPECT_ERROR(db().CreateTable(r), kValidation, "Duplicate index name: Same");
  }
  {  // five are fine
    auto r = base;
    for (int i = 0; i < 5; ++i) AddLsi(&r, "Index" + std::to_string(i), "x" + std::to_string(i));
    r.table_name = "Five";
    ASSERT_OK(db().CreateTable(r));
  }
}

TEST_P(LsiTest, DescribeTableShowsThem) {
  auto d = db().DescribeTable({"Thread"});
  ASSERT_OK(d);
  const auto& lsis = d->table.local_secondary_indexes;
  ASSERT_EQ(lsis.size(), 3u);
  EXPECT_TRUE(d->table.global_secondary_indexes.empty());
  EXPECT_EQ(lsis[0].index_name, "ByDate");
  ASSERT_EQ(lsis[0].key_schema.size(), 2u);
  EXPECT_EQ(lsis[0].key_schema[0].attribute_name, "forum");
  EXPECT_EQ(lsis[0].key_schema[1].attribute_name, "date");
  EXPECT_EQ(lsis[0].key_schema[1].key_type, dynamo::KeyType::kRange);
  EXPECT_EQ(lsis[0].projection.projection_type, ProjectionType::kAll);
  if (!Departs("moto", "C40")) {
    EXPECT_EQ(lsis[0].index_arn, d->table.table_arn + "/index/ByDate");
  }
  EXPECT_EQ(lsis[1].projection.projection_type, ProjectionType::kKeysOnly);
  EXPECT_EQ(lsis[2].projection.projection_type, ProjectionType::kInclude);
  EXPECT_EQ(lsis[2].projection.non_key_attributes, std::vector<std::string>{"title"});
  if (GetParam() == "embedded") {  // exact counts (DynamoDB refreshes them every 6 hours)
    EXPECT_EQ(lsis[0].item_count, 7);
    EXPECT_EQ(lsis[2].item_count, 5);  // sparse: one item has no author
    EXPECT_GT(lsis[0].index_size_bytes, lsis[1].index_size_bytes);
  }
}

TEST_P(LsiTest, QueryOrdersByTheIndexSortKeyWithConsistentReads) {
  auto q = Q("ByDate", "forum = :f", {{":f", S("db")}});
  q.consistent_read = true;  // allowed on an LSI
  auto r = db().Query(q);
  ASSERT_OK(r);
  EXPECT_EQ(Subjects(*r), (std::vector<std::string>{"s5", "s4", "s3", "s2", "s1", "s0"}));
  EXPECT_EQ(r->items[0].at("body").s(), "b5");  // ALL projection

  q = Q("ByDate", "forum = :f AND #d BETWEEN :a AND :b",
        {{":f", S("db")}, {":a", S("2024-02")}, {":b", S("2024-04")}});
  q.expression_attribute_names = {{"#d", "date"}};
  q.scan_index_forward = false;
  r = db().Query(q);
  ASSERT_OK(r);
  EXPECT_EQ(Subjects(*r), (std::vector<std::string>{"s2", "s3", "s4"}));
}

TEST_P(LsiTest, QueryPagesWithIndexAndTableKeys) {
  auto q = Q("ByVotes", "forum = :f", {{":f", S("db")}});
  q.limit = 4;
  auto first = db().Query(q);
  ASSERT_OK(first);
  ASSERT_EQ(first->items.size(), 4u);
  ASSERT_TRUE(first->last_evaluated_key.has_value());
  const Item& lek = *first->last_evaluated_key;
  EXPECT_EQ(lek.size(), 3u);  // forum, subject, votes
  EXPECT_TRUE(lek.contains("votes"));
  EXPECT_TRUE(lek.contains("subject"));
  q.exclusive_start_key = lek;
  q.limit.reset();
  auto rest = db().Query(q);
  ASSERT_OK(rest);
  EXPECT_EQ(rest->items.size(), 2u);
  std::vector<int64_t> votes;
  for (const auto* page : {&*first, &*rest}) {
    for (const auto& item : page->items) votes.push_back(*item.at("votes").n().ToInt64());
  }
  EXPECT_TRUE(std::is_sorted(votes.begin(), votes.end()));
}

TEST_P(LsiTest, ProjectionsAndFetchingOtherAttributes) {
  if (Departs("dynalite", "C41") || Departs("moto", "C41"))
    GTEST_SKIP() << GetParam() << " does not fetch attributes an LSI does not project (C41)";
  // KEYS_ONLY: by default the keys only.
  auto r = db().Query(Q("ByVotes", "forum = :f", {{":f", S("db")}}));
  ASSERT_OK(r);
  ASSERT_EQ(r->items.size(), 6u);
  EXPECT_EQ(r->items[0].size(), 3u);
  // ALL_ATTRIBUTES on an LSI fetches the whole item from the table.
  auto q = Q("ByVotes", "forum = :f", {{":f", S("db")}});
  q.select = dynamo::Select::kAllAttributes;
  r = db().Query(q);
  ASSERT_OK(r);
  ASSERT_EQ(r->items.size(), 6u);
  EXPECT_TRUE(r->items[0].contains("body"));
  EXPECT_TRUE(r->items[0].contains("title"));
  // A projection naming an attribute the index does not hold fetches it.
  q = Q("ByAuthor", "forum = :f AND author = :a", {{":f", S("db")}, {":a", S("a1")}});
  q.projection_expression = "subject, title, body";
  r = db().Query(q);
  ASSERT_OK(r);
  ASSERT_EQ(r->items.size(), 2u);  // s1, s3
  EXPECT_EQ(r->items[0].at("body").s(), "b1");
  EXPECT_EQ(r->items[0].size(), 3u);
  // INCLUDE by default: keys and the included attribute, not the others.
  q = Q("ByAuthor", "forum = :f AND author = :a", {{":f", S("db")}, {":a", S("a0")}});
  r = db().Query(q);
  ASSERT_OK(r);
  ASSERT_EQ(r->items.size(), 3u);
  EXPECT_TRUE(r->items[0].contains("title"));
  EXPECT_FALSE(r->items[0].contains("body"));
  // A filter on an attribute the index does not hold is evaluated on the table's item.
  q = Q("ByAuthor", "forum = :f AND author = :a",
        {{":f", S("db")}, {":a", S("a0")}, {":b", S("b2")}});
  q.filter_expression = "body = :b";
  r = db().Query(q);
  ASSERT_OK(r);
  EXPECT_EQ(Subjects(*r), std::vector<std::string>{"s2"});
}

TEST_P(LsiTest, WritesKeepTheIndexExact) {
  // Changing the index key moves the entry; removing it drops it; deleting drops it.
  dynamo::UpdateItemRequest u;
  u.table_name = "Thread";
  u.key = MakeItem({{"forum", S("db")}, {"subject", S("s0")}});
  u.update_expression = "SET #d = :d";
  u.expression_attribute_names = {{"#d", "date"}};
  u.expression_attribute_values = {{":d", S("2023-12")}};
  ASSERT_OK(db().UpdateItem(u));
  u.key = MakeItem({{"forum", S("db")}, {"subject", S("s1")}});
  u.update_expression = "REMOVE #d";
  u.expression_attribute_values.clear();
  ASSERT_OK(db().UpdateItem(u));
  dynamo::DeleteItemRequest del;
  del.table_name = "Thread";
  del.key = MakeItem({{"forum", S("db")}, {"subject", S("s2")}});
  ASSERT_OK(db().DeleteItem(del));
  auto q = Q("ByDate", "forum = :f", {{":f", S("db")}});
  q.consistent_read = true;
  auto r = db().Query(q);
  ASSERT_OK(r);
  EXPECT_EQ(Subjects(*r), (std::vector<std::string>{"s0", "s5", "s4", "s3"}));
  // A write whose LSI key has the wrong type is rejected.
  dynamo::PutItemRequest p;
  p.table_name = "Thread";
  p.item = MakeItem({{"forum", S("db")}, {"subject", S("bad")}, {"votes", S("many")}});
  if (Departs("moto", "C13")) {  // moto accepts index keys of the wrong type
    EXPECT_TRUE(db().PutItem(p).ok());
  } else {
    EXPECT_ERROR(db().PutItem(p), kValidation, "");
  }
}

TEST_P(LsiTest, ScanAnIndex) {
  dynamo::ScanRequest s;
  s.table_name = "Thread";
  s.index_name = "ByAuthor";
  s.consistent_read = true;
  auto r = db().Scan(s);
  ASSERT_OK(r);
  EXPECT_EQ(r->count, 5);  // the item without an author is not in the index
}

TEST_P(LsiTest, ConsistentReadsStayRejectedOnGsis) {
  auto r = TableRequest("WithGsi", "pk", ScalarType::kS, "sk");
  AddGsi(&r, "Gsi", "g");
  Create(r);
  dynamo::QueryRequest q;
  q.table_name = "WithGsi";
  q.index_name = "Gsi";
  q.key_condition_expression = "g = :g";
  q.expression_attribute_values = {{":g", S("x")}};
  q.consistent_read = true;
  EXPECT_ERROR(db().Query(q), kValidation,
               "Consistent reads are not supported on global secondary indexes");
}

TEST_P(LsiTest, ItemCollectionMetricsWhenAsked) {
  if (Departs("dynalite", "C42") || Departs("moto", "C42"))
    GTEST_SKIP() << GetParam() << " answers no ItemCollectionMetrics (C42)";
  const auto kSize = dynamo::ReturnItemCollectionMetrics::kSize;
  dynamo::PutItemRequest p;
  p.table_name = "Thread";
  p.item = MakeItem({{"forum", S("db")}, {"subject", S("new")}, {"date", S("2025-01")}});
  p.return_item_collection_metrics = kSize;
  auto put = db().PutItem(p);
  ASSERT_OK(put);
  ASSERT_TRUE(put->item_collection_metrics.has_value());
  EXPECT_EQ(put->item_collection_metrics->item_collection_key, MakeItem({{"forum", S("db")}}));
  ASSERT_EQ(put->item_collection_metrics->size_estimate_range_gb.size(), 2u);
  EXPECT_LE(put->item_collection_metrics->size_estimate_range_gb[0],
            put->item_collection_metrics->size_estimate_range_gb[1]);

  p.return_item_collection_metrics = dynamo::ReturnItemCollectionMetrics::kNone;
  put = db().PutItem(p);
  ASSERT_OK(put);
  EXPECT_FALSE(put->item_collection_metrics.has_value());

  dynamo::UpdateItemRequest u;
  u.table_name = "Thread";
  u.key = MakeItem({{"forum", S("db")}, {"subject", S("new")}});
  u.update_expression = "SET votes = :v";
  u.expression_attribute_values = {{":v", N(3)}};
  u.return_item_collection_metrics = kSize;
  auto updated = db().UpdateItem(u);
  ASSERT_OK(updated);
  EXPECT_TRUE(updated->item_collection_metrics.has_value());

  dynamo::BatchWriteItemRequest b;
  b.request_items["Thread"].push_back(
      {MakeItem({{"forum", S("other")}, {"subject", S("y")}}), std::nullopt});
  b.request_items["Thread"].push_back(
      {MakeItem({{"forum", S("db")}, {"subject", S("z")}}), std::nullopt});
  b.return_item_collection_metrics = kSize;
  auto batch = db().BatchWriteItem(b);
  ASSERT_OK(batch);
  ASSERT_TRUE(batch->item_collection_metrics.contains("Thread"));
  EXPECT_EQ(batch->item_collection_metrics.at("Thread").size(), 2u);

  dynamo::TransactWriteItemsRequest t;
  dynamo::TransactWriteItem action;
  action.delete_item =
      dynamo::TransactDelete{"Thread", MakeItem({{"forum", S("db")}, {"subject", S("new")}})};
  t.transact_items.push_back(action);
  t.return_item_collection_metrics = kSize;
  auto tx = db().TransactWriteItems(t);
  ASSERT_OK(tx);
  ASSERT_TRUE(tx->item_collection_metrics.contains("Thread"));
  EXPECT_EQ(tx->item_collection_metrics.at("Thread").size(), 1u);

  dynamo::DeleteItemRequest d;
  d.table_name = "Thread";
  d.key = MakeItem({{"forum", S("db")}, {"subject", S("z")}});
  d.return_item_collection_metrics = kSize;
  auto deleted = db().DeleteItem(d);
  ASSERT_OK(deleted);
  EXPECT_TRUE(deleted->item_collection_metrics.has_value());

  // Tables without LSIs have no item collections to report.
  Create(TableRequest("Plain", "pk"));
  dynamo::PutItemRequest plain;
  plain.table_name = "Plain";
  plain.item = MakeItem({{"pk", S("a")}});
  plain.return_item_collection_metrics = kSize;
  auto plain_put = db().PutItem(plain);
  ASSERT_OK(plain_put);
  EXPECT_FALSE(plain_put->item_collection_metrics.has_value());
}

TEST_P(LsiTest, ConsumedCapacityListsLocalIndexes) {
  // ReturnConsumedCapacity INDEXES: what a write or a Query consumed on each LSI comes
  // under LocalSecondaryIndexes, as DynamoDB's ConsumedCapacity has it (GSIs apart).
  const auto kIndexes = dynamo::ReturnConsumedCapacity::kIndexes;
  dynamo::PutItemRequest p;
  p.table_name = "Thread";
  p.item = MakeItem({{"forum", S("db")},
                     {"subject", S("cap")},
                     {"date", S("2025-01")},
                     {"votes", N(1)},
                     {"author", S("z")},
                     {"title", S("t")}});
  p.return_consumed_capacity = kIndexes;
  auto put = db().PutItem(p);
  ASSERT_OK(put);
  ASSERT_TRUE(put->consumed_capacity.has_value());
  const dynamo::ConsumedCapacity& w = *put->consumed_capacity;
  EXPECT_EQ(w.table_name, "Thread");
  if (Departs("moto", "C17")) return;
  if (Departs("dynalite", "C25")) {
    EXPECT_TRUE(w.local_secondary_indexes.empty());
    return;
  }
  EXPECT_TRUE(w.global_secondary_indexes.empty());
  ASSERT_EQ(w.local_secondary_indexes.size(), 3u);
  for (const char* index : {"ByDate", "ByVotes", "ByAuthor"}) {
    ASSERT_TRUE(w.local_secondary_indexes.contains(index)) << index;
    EXPECT_DOUBLE_EQ(w.local_secondary_indexes.at(index).capacity_units, 1) << index;
  }
  ASSERT_TRUE(w.table.has_value());
  EXPECT_DOUBLE_EQ(w.table->capacity_units, 1);
  EXPECT_DOUBLE_EQ(w.capacity_units, 4);
  EXPECT_DOUBLE_EQ(w.write_capacity_units, 4);

  // An item without the index's sort key writes nothing there: no units for it.
  p.item = MakeItem({{"forum", S("db")}, {"subject", S("cap2")}, {"date", S("2025-02")}});
  put = db().PutItem(p);
  ASSERT_OK(put);
  EXPECT_EQ(put->consumed_capacity->local_secondary_indexes.size(), 1u);
  EXPECT_TRUE(put->consumed_capacity->local_secondary_indexes.contains("ByDate"));

  auto q = Q("ByDate", "forum = :f", {{":f", S("db")}});
  q.consistent_read = true;
  q.return_consumed_capacity = kIndexes;
  auto r = db().Query(q);
  ASSERT_OK(r);
  ASSERT_TRUE(r->consumed_capacity.has_value());
  const dynamo::ConsumedCapacity& c = *r->consumed_capacity;
  EXPECT_TRUE(c.global_secondary_indexes.empty());
  ASSERT_TRUE(c.local_secondary_indexes.contains("ByDate"));
  EXPECT_DOUBLE_EQ(c.local_secondary_indexes.at("ByDate").capacity_units, 1);  // under 4 KB
  EXPECT_DOUBLE_EQ(c.local_secondary_indexes.at("ByDate").read_capacity_units, 1);
  EXPECT_DOUBLE_EQ(c.capacity_units, 1);

  // TOTAL: no breakdown.
  q.return_consumed_capacity = dynamo::ReturnConsumedCapacity::kTotal;
  r = db().Query(q);
  ASSERT_OK(r);
  EXPECT_TRUE(r->consumed_capacity->local_secondary_indexes.empty());
  EXPECT_FALSE(r->consumed_capacity->table.has_value());
}

INSTANTIATE_TEST_SUITE_P(AllBackends, LsiTest, ::testing::ValuesIn(BackendKinds()), KindName);

}  // namespace
}  // namespace issuetracker::testing
