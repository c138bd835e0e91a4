// Behaviour suite, time to live and the small operations and fields: UpdateTimeToLive and
// DescribeTimeToLive (statuses, errors), expired items still readable until deleted,
// DescribeLimits, DescribeEndpoints, ReturnValuesOnConditionCheckFailure on every write.
#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

using dynamo::ScalarType;
using dynamo::TimeToLiveStatus;

class TtlTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;  // the backend cannot run here
    Create(TableRequest("Sessions", "id"));
  }
  Result<dynamo::UpdateTimeToLiveResponse> SetTtl(bool enabled, const std::string& attr) {
    dynamo::UpdateTimeToLiveRequest r;
    r.table_name = "Sessions";
    r.time_to_live_specification = {attr, enabled};
    return db().UpdateTimeToLive(r);
  }
  dynamo::TimeToLiveDescription Describe() {
    auto r = db().DescribeTimeToLive({"Sessions"});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->time_to_live_description : dynamo::TimeToLiveDescription{};
  }
};

TEST_P(TtlTest, EnableDescribeDisable) {
  if (Departs("dynalite", "C43")) GTEST_SKIP() << "dynalite has no time to live (C43)";
  EXPECT_EQ(Describe().time_to_live_status, TimeToLiveStatus::kDisabled);
  EXPECT_FALSE(Describe().attribute_name.has_value());
  auto enabled = SetTtl(true, "expires");
  ASSERT_OK(enabled);
  EXPECT_EQ(enabled->time_to_live_specification.attribute_name, "expires");
  EXPECT_TRUE(enabled->time_to_live_specification.enabled);
  auto d = Describe();
  EXPECT_EQ(d.time_to_live_status, TimeToLiveStatus::kEnabled);
  EXPECT_EQ(d.attribute_name, "expires");

  if (Departs("moto", "C44")) return;  // moto accepts any change (C44)
  EXPECT_ERROR(SetTtl(true, "expires"), kValidation, "TimeToLive is already enabled");
  EXPECT_ERROR(SetTtl(false, "other"), kValidation,
               "TimeToLive is active on a different AttributeName");
  auto disabled = SetTtl(false, "expires");
  ASSERT_OK(disabled);
  EXPECT_FALSE(disabled->time_to_live_specification.enabled);
  EXPECT_EQ(Describe().time_to_live_status, TimeToLiveStatus::kDisabled);
  EXPECT_ERROR(SetTtl(false, "expires"), kValidation, "TimeToLive is already disabled");
}

TEST_P(TtlTest, Errors) {
  if (Departs("dynalite", "C43")) GTEST_SKIP() << "dynalite has no time to live (C43)";
  if (!Departs("moto", "C44")) {
    EXPECT_ERROR(SetTtl(true, ""), kValidation, "attributeName");
  }
  dynamo::UpdateTimeToLiveRequest r;
  r.table_name = "Missing";
  r.time_to_live_specification = {"expires", true};
  // moto answers ValidationException for a missing table (C44).
  const Code missing = Departs("moto", "C44") ? Code::kValidation : Code::kResourceNotFound;
  auto updated = db().UpdateTimeToLive(r);
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.status().code(), missing) << updated.status().ToString();
  auto described = db().DescribeTimeToLive({"Missing"});
  ASSERT_FALSE(described.ok());
  EXPECT_EQ(described.status().code(), missing) << described.status().ToString();
}

TEST_P(TtlTest, ExpiredItemsStayReadableUntilDeleted) {
  if (Departs("dynalite", "C43")) GTEST_SKIP() << "dynalite has no time to live (C43)";
  ASSERT_OK(SetTtl(true, "expires"));
  // Expired more than five years ago: DynamoDB never deletes it; a string never expires.
  Put("Sessions", MakeItem({{"id", S("ancient")}, {"expires", N(1000)}}));
  Put("Sessions", MakeItem({{"id", S("text")}, {"expires", S("1000")}}));
  Put("Sessions", MakeItem({{"id", S("future")}, {"expires", N(32503680000)}}));  // year 3000
  EXPECT_TRUE(Get("Sessions", MakeItem({{"id", S("ancient")}})).has_value());
  EXPECT_TRUE(Get("Sessions", MakeItem({{"id", S("text")}})).has_value());
  EXPECT_TRUE(Get("Sessions", MakeItem({{"id", S("future")}})).has_value());
  dynamo::ScanRequest s;
  s.table_name = "Sessions";
  auto scan = db().Scan(s);
  ASSERT_OK(scan);
  EXPECT_EQ(scan->count, 3);
}

TEST_P(TtlTest, DescribeLimitsAndEndpoints) {
  if (Departs("dynalite", "C43")) GTEST_SKIP() << "dynalite has no DescribeEndpoints (C43)";
  auto limits = db().DescribeLimits({});
  ASSERT_OK(limits);
  EXPECT_GT(limits->account_max_read_capacity_units, 0);
  EXPECT_GT(limits->account_max_write_capacity_units, 0);
  EXPECT_GE(limits->account_max_read_capacity_units, limits->table_max_read_capacity_units);
  EXPECT_GT(limits->table_max_write_capacity_units, 0);
  auto endpoints = db().DescribeEndpoints({});
  ASSERT_OK(endpoints);
  ASSERT_EQ(endpoints->endpoints.size(), 1u);
  EXPECT_FALSE(endpoints->endpoints[0].address.empty());
  EXPECT_EQ(endpoints->endpoints[0].cache_period_in_minutes, 1440);
}

TEST_P(TtlTest, ReturnValuesOnConditionCheckFailureOnUpdateAndDelete) {
  if (Departs("dynalite", "C15")) GTEST_SKIP() << "dynalite ignores it (C15)";
  Put("Sessions", MakeItem({{"id", S("a")}, {"v", N(1)}}));
  const auto kAllOld = dynamo::ReturnValuesOnConditionCheckFailure::kAllOld;
  dynamo::UpdateItemRequest u;
  u.table_name = "Sessions";
  u.key = MakeItem({{"id", S("a")}});
  u.update_expression = "SET v = :two";
  u.condition_expression = "v = :zero";
  u.expression_attribute_values = {{":two", N(2)}, {":zero", N(0)}};
  u.return_values_on_condition_check_failure = kAllOld;
  auto updated = db().UpdateItem(u);
  ASSERT_FALSE(updated.ok());
  auto* detail =
      dynamic_cast<const dynamo::ConditionalCheckFailedDetail*>(updated.status().detail());
  ASSERT_NE(detail, nullptr);
  EXPECT_EQ(detail->item.at("v"), N(1));

  dynamo::DeleteItemRequest d;
  d.table_name = "Sessions";
  d.key = MakeItem({{"id", S("a")}});
  d.condition_expression = "attribute_not_exists(id)";
  d.return_values_on_condition_check_failure = kAllOld;
  auto deleted = db().DeleteItem(d);
  ASSERT_FALSE(deleted.ok());
  detail = dynamic_cast<const dynamo::ConditionalCheckFailedDetail*>(deleted.status().detail());
  ASSERT_NE(detail, nullptr);
  EXPECT_EQ(detail->item.at("id"), S("a"));
  // Without it, no item.
  d.return_values_on_condition_check_failure = dynamo::ReturnValuesOnConditionCheckFailure::kNone;
  deleted = db().DeleteItem(d);
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.status().detail(), nullptr);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, TtlTest, ::testing::ValuesIn(BackendKinds()), KindName);

}  // namespace
}  // namespace issuetracker::testing
