#include "dynamo/legacy.h"

#include <gtest/gtest.h>

namespace issuetracker::dynamo::legacy {
namespace {

Condition Cond(ComparisonOperator op, std::vector<AttributeValue> args = {}) {
  return Condition{op, std::move(args)};
}

TEST(LegacyTest, AttributesToGetBecomesProjection) {
  GetItemRequest r;
  r.attributes_to_get = AttributeNames{"a", "b"};
  ASSERT_TRUE(Uses(r));
  ASSERT_TRUE(Translate(&r).ok());
  EXPECT_EQ(*r.projection_expression, "#lgc0, #lgc1");
  EXPECT_EQ(r.expression_attribute_names.at("#lgc0"), "a");
  EXPECT_EQ(r.expression_attribute_names.at("#lgc1"), "b");
  EXPECT_FALSE(Uses(r));
}

TEST(LegacyTest, AttributesToGetErrors) {
  GetItemRequest r;
  r.attributes_to_get = AttributeNames{};
  EXPECT_EQ(Translate(&r).message(),
            "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1");
  r.attributes_to_get = AttributeNames{"a", "a"};
  EXPECT_EQ(Translate(&r).message(),
            "One or more parameter values were invalid: Duplicate value in attribute name: a");
  r.attributes_to_get = AttributeNames{"a"};
  r.projection_expression = "a";
  EXPECT_EQ(Translate(&r).message(),
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {AttributesToGet} Expression parameters: "
            "{ProjectionExpression}");
  r.projection_expression.reset();
  r.expression_attribute_names["#a"] = "a";
  EXPECT_EQ(Translate(&r).message(),
            "ExpressionAttributeNames can only be specified when using expressions");
}

TEST(LegacyTest, KeyConditionsAndFilter) {
  QueryRequest r;
  r.key_conditions["pk"] = Cond(ComparisonOperator::kEq, {AttributeValue::S("p")});
  r.key_conditions["sk"] =
      Cond(ComparisonOperator::kBetween, {AttributeValue::N(1), AttributeValue::N(5)});
  r.query_filter["x"] = Cond(ComparisonOperator::kNotNull);
  r.query_filter["y"] =
      Cond(ComparisonOperator::kIn, {AttributeValue::S("a"), AttributeValue::S("b")});
  r.conditional_operator = ConditionalOperator::kOr;
  ASSERT_TRUE(Translate(&r).ok());
  EXPECT_EQ(*r.key_condition_expression, "#lgc0 = :lgc0 AND #lgc1 BETWEEN :lgc1 AND :lgc2");
  EXPECT_EQ(*r.filter_expression, "(attribute_exists(#lgc2)) OR (#lgc3 IN (:lgc3, :lgc4))");
  EXPECT_FALSE(r.conditional_operator.has_value());
  EXPECT_EQ(r.expression_attribute_values.size(), 5u);
}

TEST(LegacyTest, KeyConditionsWithFilterExpressionAvoidsUserPlaceholders) {
  QueryRequest r;
  r.key_conditions["pk"] = Cond(ComparisonOperator::kEq, {AttributeValue::S("p")});
  r.filter_expression = "#lgc0 = :lgc0";
  r.expression_attribute_names["#lgc0"] = "x";
  r.expression_attribute_values[":lgc0"] = AttributeValue::N(1);
  ASSERT_TRUE(Translate(&r).ok());
  EXPECT_EQ(*r.key_condition_expression, "#lgcx0 = :lgcx0");
  EXPECT_EQ(r.expression_attribute_names.at("#lgc0"), "x");
  EXPECT_EQ(r.expression_attribute_names.at("#lgcx0"), "pk");
}

TEST(LegacyTest, QueryMixing) {
  QueryRequest r;
  r.key_conditions["pk"] = Cond(ComparisonOperator::kEq, {AttributeValue::S("p")});
  r.key_condition_expression = "pk = :p";
  r.query_filter["x"] = Cond(ComparisonOperator::kNull);
  r.filter_expression = "y = :p";
  EXPECT_EQ(Translate(&r).message(),
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {QueryFilter, KeyConditions} Expression parameters: "
            "{FilterExpression, KeyConditionExpression}");
}

TEST(LegacyTest, KeyConditionOperatorMustBeIndexable) {
  QueryRequest r;
  r.key_conditions["pk"] = Cond(ComparisonOperator::kNe, {AttributeValue::S("p")});
  EXPECT_EQ(Translate(&r).message(),
            "Attempted conditional constraint is not an indexable operation");
}

TEST(LegacyTest, ConditionArgumentErrors) {
  struct Case {
    Condition condition;
    std::string message;
  };
  const std::vector<Case> cases = {
      {Cond(ComparisonOperator::kEq),
       "One or more parameter values were invalid: Invalid number of "
       "argument(s) for the EQ ComparisonOperator"},
      {Cond(ComparisonOperator::kNull, {AttributeValue::S("a")}),
       "One or more parameter values were invalid: Invalid number of argument(s) for the NULL "
       "ComparisonOperator"},
      {Cond(ComparisonOperator::kIn),
       "One or more parameter values were invalid: Invalid number "
       "of argument(s) for the IN ComparisonOperator"},
      {Cond(ComparisonOperator::kBetween, {AttributeValue::N(1)}),
       "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN "
       "ComparisonOperator"},
      {Cond(ComparisonOperator::kIn, {AttributeValue::S("a"), AttributeValue::N(1)}),
       "One or more parameter values were invalid: AttributeValues inside AttributeValueList "
       "must be of same type"},
      {Cond(ComparisonOperator::kLt, {AttributeValue::SS({"a"})}),
       "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS "
       "AttributeValue type"},
      {Cond(ComparisonOperator::kBeginsWith, {AttributeValue::N(1)}),
       "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid "
       "for N AttributeValue type"},
      {Cond(ComparisonOperator::kContains, {AttributeValue::Bool(true)}),
       "One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid for "
       "BOOL AttributeValue type"},
      {Cond(ComparisonOperator::kBetween, {AttributeValue::N(5), AttributeValue::N(1)}),
       "The BETWEEN condition was provided a range where the lower bound is greater than the "
       "upper bound"},
  };
  for (const Case& c : cases) {
    ScanRequest r;
    r.scan_filter["a"] = c.condition;
    EXPECT_EQ(Translate(&r).message(), c.message);
  }
}

TEST(LegacyTest, EveryOperatorTranslates) {
  ScanRequest r;
  const AttributeValue s = AttributeValue::S("v");
  r.scan_filter["a"] = Cond(ComparisonOperator::kNe, {s});
  r.scan_filter["b"] = Cond(ComparisonOperator::kLe, {s});
  r.scan_filter["c"] = Cond(ComparisonOperator::kLt, {s});
  r.scan_filter["d"] = Cond(ComparisonOperator::kGe, {s});
  r.scan_filter["e"] = Cond(ComparisonOperator::kGt, {s});
  r.scan_filter["f"] = Cond(ComparisonOperator::kNull);
  r.scan_filter["g"] = Cond(ComparisonOperator::kContains, {s});
  r.scan_filter["h"] = Cond(ComparisonOperator::kNotContains, {s});
  r.scan_filter["i"] = Cond(ComparisonOperator::kBeginsWith, {s});
  r.attributes_to_get = AttributeNames{"a"};
  ASSERT_TRUE(Translate(&r).ok());
  EXPECT_EQ(*r.filter_expression,
            "(#lgc0 <> :lgc0) AND (#lgc1 <= :lgc1) AND (#lgc2 < :lgc2) AND (#lgc3 >= :lgc3) AND "
            "(#lgc4 > :lgc4) AND (attribute_not_exists(#lgc5)) AND (contains(#lgc6, :lgc5)) AND "
            "(NOT contains(#lgc7, :lgc6)) AND (begins_with(#lgc8, :lgc7))");
  EXPECT_EQ(*r.projection_expression, "#lgc0");
}

TEST(LegacyTest, SelectRules) {
  ScanRequest r;
  r.attributes_to_get = AttributeNames{"a"};
  r.select = Select::kCount;
  EXPECT_EQ(Translate(&r).message(),
            "Cannot specify the AttributesToGet when choosing to get only the Count");
  r.select = Select::kAllAttributes;
  EXPECT_EQ(Translate(&r).message(),
            "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES");
  QueryRequest q;
  q.attributes_to_get = AttributeNames{"a"};
  q.select = Select::kAllProjectedAttributes;
  EXPECT_EQ(Translate(&q).message(),
            "Cannot specify the AttributesToGet when choosing to get ALL_PROJECTED_ATTRIBUTES");
  q.select = Select::kSpecificAttributes;
  EXPECT_TRUE(Translate(&q).ok());
}

TEST(LegacyTest, ConditionalOperatorNeedsConditions) {
  ScanRequest r;
  r.conditional_operator = ConditionalOperator::kAnd;
  EXPECT_EQ(Translate(&r).message(),
            "ConditionalOperator cannot be used without Filter or Expected");
}

TEST(LegacyTest, ExpectedTranslates) {
  PutItemRequest r;
  r.expected["a"].value = AttributeValue::S("x");
  r.expected["b"].exists = false;
  r.expected["c"].comparison_operator = ComparisonOperator::kGt;
  r.expected["c"].value = AttributeValue::N(3);
  r.expected["d"].exists = true;
  r.expected["d"].value = AttributeValue::N(4);
  ASSERT_TRUE(Translate(&r).ok());
  EXPECT_EQ(*r.condition_expression,
            "(#lgc0 = :lgc0) AND (attribute_not_exists(#lgc1)) AND (#lgc2 > :lgc1) AND "
            "(#lgc3 = :lgc2)");
  EXPECT_TRUE(r.expected.empty());
}

TEST(LegacyTest, ExpectedErrors) {
  struct Case {
    ExpectedAttributeValue e;
    std::string message;
  };
  std::vector<Case> cases(6);
  cases[0].message = "Value must be provided when Exists is null for Attribute: a";
  cases[1].e.exists = true;
  cases[1].message = "Value must be provided when Exists is true for Attribute: a";
  cases[2].e.exists = false;
  cases[2].e.value = AttributeValue::S("x");
  cases[2].message = "Value cannot be used when Exists is false for Attribute: a";
  cases[3].e.value = AttributeValue::S("x");
  cases[3].e.attribute_value_list = std::vector<AttributeValue>{AttributeValue::S("x")};
  cases[3].message = "Value and AttributeValueList cannot be used together for Attribute: a";
  cases[4].e.comparison_operator = ComparisonOperator::kEq;
  cases[4].e.exists = true;
  cases[4].message = "Exists and ComparisonOperator cannot be used together for Attribute: a";
  cases[5].e.comparison_operator = ComparisonOperator::kEq;
  cases[5].message =
      "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a";
  for (const Case& c : cases) {
    DeleteItemRequest r;
    r.expected["a"] = c.e;
    EXPECT_EQ(Translate(&r).message(), "One or more parameter values were invalid: " + c.message);
  }
  DeleteItemRequest r;
  r.expected["a"].attribute_value_list = std::vector<AttributeValue>{};
  EXPECT_EQ(Translate(&r).message(),
            "One or more parameter values were invalid: AttributeValueList can only be used with "
            "a ComparisonOperator for Attribute: a");
}

TEST(LegacyTest, ExpectedComparesListsAndMaps) {
  PutItemRequest r;
  r.expected["m"].comparison_operator = ComparisonOperator::kEq;
  r.expected["m"].attribute_value_list =
      std::vector<AttributeValue>{AttributeValue::M({{"k", AttributeValue::N(1)}})};
  ASSERT_TRUE(Translate(&r).ok());
  EXPECT_EQ(*r.condition_expression, "#lgc0 = :lgc0");
  // Other operators take scalars in Expected as in filters: CONTAINS of a list is invalid.
  PutItemRequest contains_list;
  contains_list.expected["m"].comparison_operator = ComparisonOperator::kContains;
  contains_list.expected["m"].attribute_value_list =
      std::vector<AttributeValue>{AttributeValue::L({AttributeValue::N(1)})};
  EXPECT_EQ(Translate(&contains_list).message(),
            "One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid "
            "for L AttributeValue type");
  // NOT_CONTAINS in Expected is false for a missing attribute.
  PutItemRequest not_contains;
  not_contains.expected["m"].comparison_operator = ComparisonOperator::kNotContains;
  not_contains.expected["m"].attribute_value_list =
      std::vector<AttributeValue>{AttributeValue::S("x")};
  ASSERT_TRUE(Translate(&not_contains).ok());
  EXPECT_EQ(*not_contains.condition_expression,
            "attribute_exists(#lgc0) AND NOT contains(#lgc0, :lgc0)");
  // So may filters: EQ and NE take values of every type (DynamoDB compares lists, maps and
  // booleans too); the ordering operators only scalars.
  auto filter = [](ComparisonOperator op, AttributeValue v) {
    ScanRequest s;
    s.scan_filter["m"] = Cond(op, {std::move(v)});
    return Translate(&s);
  };
  EXPECT_TRUE(filter(ComparisonOperator::kEq, AttributeValue::L({})).ok());
  EXPECT_TRUE(filter(ComparisonOperator::kNe, AttributeValue::Bool(true)).ok());
  EXPECT_EQ(filter(ComparisonOperator::kLt, AttributeValue::L({})).message(),
            "One or more parameter values were invalid: ComparisonOperator LT is not valid for L "
            "AttributeValue type");
}

TEST(LegacyTest, AttributeUpdatesTranslate) {
  UpdateItemRequest r;
  r.attribute_updates["a"] = {AttributeValue::S("x"), std::nullopt};
  r.attribute_updates["b"] = {std::nullopt, AttributeAction::kDelete};
  r.attribute_updates["c"] = {AttributeValue::N(1), AttributeAction::kAdd};
  r.attribute_updates["d"] = {AttributeValue::SS({"s"}), AttributeAction::kDelete};
  r.attribute_updates["e"] = {AttributeValue::L({AttributeValue::N(1)}), AttributeAction::kAdd};
  r.expected["a"].exists = false;
  ASSERT_TRUE(Translate(&r).ok());
  EXPECT_EQ(*r.update_expression,
            "SET #lgc0 = :lgc0, #lgc4 = list_append(if_not_exists(#lgc4, :lgc3), :lgc4) "
            "REMOVE #lgc1 ADD #lgc2 :lgc1 DELETE #lgc3 :lgc2");
  EXPECT_EQ(*r.condition_expression, "attribute_not_exists(#lgc0)");
}

TEST(LegacyTest, AttributeUpdatesErrors) {
  UpdateItemRequest r;
  r.attribute_updates["a"] = {std::nullopt, AttributeAction::kPut};
  EXPECT_EQ(Translate(&r).message(),
            "One or more parameter values were invalid: Only DELETE action is allowed when no "
            "attribute value is specified");
  r.attribute_updates["a"] = {AttributeValue::S("x"), AttributeAction::kAdd};
  EXPECT_EQ(
      Translate(&r).message(),
      "One or more parameter values were invalid: ADD action is not supported for the type S");
  r.attribute_updates["a"] = {AttributeValue::N(1), AttributeAction::kDelete};
  EXPECT_EQ(Translate(&r).message(),
            "One or more parameter values were invalid: DELETE action with value is not "
            "supported for the type N");
  r.attribute_updates["a"] = {AttributeValue::N(1), AttributeAction::kPut};
  r.update_expression = "SET b = :b";
  r.condition_expression = "attribute_exists(b)";
  r.expected["z"].exists = false;
  EXPECT_EQ(Translate(&r).message(),
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: "
            "{UpdateExpression, ConditionExpression}");
}

TEST(LegacyTest, ValuesWithoutExpressions) {
  PutItemRequest r;
  r.expected["a"].exists = false;
  r.expression_attribute_values[":v"] = AttributeValue::N(1);
  EXPECT_EQ(Translate(&r).message(),
            "ExpressionAttributeValues can only be specified when using expressions");
}

TEST(LegacyTest, BatchGetAttributesToGet) {
  BatchGetItemRequest r;
  r.request_items["t"].attributes_to_get = AttributeNames{"x"};
  ASSERT_TRUE(Uses(r));
  ASSERT_TRUE(Translate(&r).ok());
  EXPECT_EQ(*r.request_items["t"].projection_expression, "#lgc0");
}

}  // namespace
}  // namespace issuetracker::dynamo::legacy
