#include "tenancy/schema.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace issuetracker::tenancy {
namespace {

using dynamo::KeyType;

// The TableDescription a backend would give for a table created from `request`.
dynamo::TableDescription Describe(const dynamo::CreateTableRequest& request) {
  dynamo::TableDescription d;
  d.table_name = request.table_name;
  d.key_schema = request.key_schema;
  d.attribute_definitions = request.attribute_definitions;
  for (const auto& g : request.global_secondary_indexes) {
    dynamo::GlobalSecondaryIndexDescription gd;
    gd.index_name = g.index_name;
    gd.key_schema = g.key_schema;
    gd.projection = g.projection;
    d.global_secondary_indexes.push_back(gd);
  }
  d.billing_mode_summary = dynamo::BillingModeSummary{dynamo::BillingMode::kPayPerRequest, 0};
  d.table_class_summary = dynamo::TableClassSummary{dynamo::TableClass::kStandard};
  return d;
}

class SchemaTest : public ::testing::Test {
 protected:
  Layout layout_{SchemaConfig{"IssueTracker-", "Development"}};
  SchemaCatalog catalog_{layout_};
};

TEST_F(SchemaTest, SevenSharedTablesAsInTheSpec) {
  std::vector<TableSpec> tables = catalog_.SharedTables();
  std::vector<std::string> names;
  for (const auto& t : tables) names.push_back(t.name.str());
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "IssueTracker-CompanyManagement", "IssueTracker-CompanyStackMapping",
                "IssueTracker-ApiKeys", "IssueTracker-Issues-Pooled", "IssueTracker-Teams-Pooled",
                "IssueTracker-Comments-Pooled", "IssueTracker-Users-Pooled"}));
  auto find = [&](std::string_view name) {
    return *std::find_if(tables.begin(), tables.end(),
                         [&](const TableSpec& t) { return t.name.str() == name; });
  };
  TableSpec issues = find("IssueTracker-Issues-Pooled");
  EXPECT_EQ(issues.partition_key, "company_issue_id");
  EXPECT_FALSE(issues.sort_key.has_value());
  ASSERT_EQ(issues.indexes.size(), 4u);
  EXPECT_EQ(issues.indexes[0].name, "CompanyStatusIndex");
  EXPECT_EQ(issues.indexes[0].sort_key.value(), "status");
  TableSpec comments = find("IssueTracker-Comments-Pooled");
  EXPECT_EQ(comments.sort_key.value(), "created_date");
  EXPECT_EQ(comments.indexes[0].partition_key, "company_issue_id");
  TableSpec users = find("IssueTracker-Users-Pooled");
  EXPECT_EQ(users.indexes[1].name, "EmailIndex");
  EXPECT_FALSE(users.indexes[1].sort_key.has_value());
  TableSpec stack = find("IssueTracker-CompanyStackMapping");
  EXPECT_EQ(stack.sort_key.value(), "stack_name");
  EXPECT_FALSE(stack.point_in_time_recovery);
  EXPECT_TRUE(find("IssueTracker-CompanyManagement").point_in_time_recovery);
  EXPECT_EQ(find("IssueTracker-ApiKeys").partition_key, "tier_name");
}

TEST_F(SchemaTest, CreateRequestIsOnDemandTaggedAndComplete) {
  TableSpec issues = catalog_.SharedTables()[3];
  dynamo::CreateTableRequest r = catalog_.CreateRequest(issues);
  EXPECT_EQ(r.table_name, "IssueTracker-Issues-Pooled");
  EXPECT_EQ(r.billing_mode.value(), dynamo::BillingMode::kPayPerRequest);
  EXPECT_EQ(r.table_class.value(), dynamo::TableClass::kStandard);
  EXPECT_FALSE(r.sse_specification.has_value());  // default encryption: AWS owned key
  EXPECT_EQ(r.tags, (std::vector<dynamo::Tag>{{"Project", "IssueTrackingSaaS"},
                                              {"Environment", "Development"}}));
  // Every key attribute defined once, as a string.
  std::vector<std::string> defined;
  for (const auto& d : r.attribute_definitions) {
    EXPECT_EQ(d.attribute_type, dynamo::ScalarType::kS);
    defined.push_back(d.attribute_name);
  }
  std::sort(defined.begin(), defined.end());
  EXPECT_EQ(defined, (std::vector<std::string>{"assigned_team", "assigned_user", "company_id",
                                               "company_issue_id", "priority", "status"}));
  EXPECT_EQ(r.global_secondary_indexes.size(), 4u);
  for (const auto& g : r.global_secondary_indexes) {
    EXPECT_EQ(g.projection.projection_type, dynamo::ProjectionType::kAll);
  }
}

TEST_F(SchemaTest, SiloTemplates) {
  std::vector<TableSpec> silo = catalog_.SiloTables(CompanyId::Parse("BIGCORP").value());
  ASSERT_EQ(silo.size(), 4u);
  EXPECT_EQ(silo[0].name.str(), "IssueTracker-Issues-BIGCORP");
  EXPECT_EQ(silo[0].partition_key, "issue_id");
  EXPECT_EQ(silo[0].sort_key.value(), "created_date");
  EXPECT_EQ(silo[0].indexes[0].name, "StatusIndex");
  EXPECT_EQ(silo[0].indexes[1].sort_key.value(), "due_date");
  EXPECT_EQ(silo[1].indexes[0].name, "LeadIndex");
  EXPECT_EQ(silo[2].partition_key, "issue_id");
  EXPECT_EQ(silo[2].indexes[0].name, "AuthorIndex");
  EXPECT_EQ(silo[3].name.str(), "IssueTracker-Users-BIGCORP");
  EXPECT_EQ(silo[3].partition_key, "email");
  for (const auto& t : silo) EXPECT_TRUE(t.point_in_time_recovery);
}

TEST_F(SchemaTest, CompareTableFindsNoDriftOnAFreshTable) {
  for (const TableSpec& spec : catalog_.SharedTables()) {
    EXPECT_TRUE(CompareTable(spec, Describe(catalog_.CreateRequest(spec))).empty())
        << spec.name.str();
  }
}

TEST_F(SchemaTest, CompareTableReportsEachKindOfDrift) {
  TableSpec issues = catalog_.SharedTables()[3];
  dynamo::TableDescription d = Describe(catalog_.CreateRequest(issues));
  d.key_schema = {{"company_issue_id", KeyType::kHash}, {"created_date", KeyType::kRange}};
  d.global_secondary_indexes.erase(d.global_secondary_indexes.begin() + 3);  // PriorityIndex
  d.global_secondary_indexes[0].key_schema[1].attribute_name = "priority";
  d.global_secondary_indexes[1].projection.projection_type = dynamo::ProjectionType::kKeysOnly;
  dynamo::GlobalSecondaryIndexDescription extra;
  extra.index_name = "ExtraIndex";
  d.global_secondary_indexes.push_back(extra);
  d.billing_mode_summary.reset();
  d.attribute_definitions.push_back({"status", dynamo::ScalarType::kN});
  std::vector<std::string> drift = CompareTable(issues, d);
  auto has = [&](std::string_view text) {
    return std::any_of(drift.begin(), drift.end(),
                       [&](const std::string& s) { return s.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("primary key is company_issue_id (HASH), created_date (RANGE)"));
  EXPECT_TRUE(has("index PriorityIndex is missing"));
  EXPECT_TRUE(has("index CompanyStatusIndex has keys"));
  EXPECT_TRUE(has("index AssigneeIndex projects KEYS_ONLY"));
  EXPECT_TRUE(has("unexpected index ExtraIndex"));
  EXPECT_TRUE(has("billing mode is PROVISIONED"));
  EXPECT_TRUE(has("key attribute status has type N"));
}

}  // namespace
}  // namespace issuetracker::tenancy
