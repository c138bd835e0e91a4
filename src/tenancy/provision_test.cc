#include "tenancy/provision.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tenancy/schema_names.h"
#include "tests/backend_factory.h"

namespace issuetracker::tenancy {
namespace {

using dynamo::AttributeValue;

class ProvisionTest : public ::testing::Test {
 protected:
  void SetUp() override { backend_ = testing::MakeTestBackend(dir_.path()); }

  bool TableExists(const std::string& name) { return backend_->DescribeTable({name}).ok(); }

  std::vector<dynamo::Tag> TagsOf(const std::string& name) {
    auto d = backend_->DescribeTable({name});
    EXPECT_TRUE(d.ok());
    auto tags = backend_->ListTagsOfResource({d->table.table_arn, std::nullopt});
    EXPECT_TRUE(tags.ok()) << tags.status().ToString();
    return tags.ok() ? tags->tags : std::vector<dynamo::Tag>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<dynamo::Backend> backend_;
  Layout layout_{SchemaConfig{"IssueTracker-", "Development"}};
  SchemaCatalog catalog_{layout_};
};

TEST_F(ProvisionTest, CreatesTheSevenTablesThenIsIdempotent) {
  Provisioner provisioner(*backend_, catalog_);
  ProvisionReport first = provisioner.ProvisionAll();
  ASSERT_TRUE(first.ok()) << first.ToString();
  ASSERT_EQ(first.tables.size(), 7u) << first.ToString();
  for (const auto& t : first.tables) {
    EXPECT_EQ(t.state, TableOutcome::State::kCreated) << t.table;
    EXPECT_TRUE(TableExists(t.table));
  }
  auto tags = TagsOf("IssueTracker-Issues-Pooled");
  EXPECT_NE(std::find(tags.begin(), tags.end(), dynamo::Tag{"Project", "IssueTrackingSaaS"}),
            tags.end());
  EXPECT_NE(std::find(tags.begin(), tags.end(), dynamo::Tag{"Environment", "Development"}),
            tags.end());
  auto described = backend_->DescribeTable({"IssueTracker-Users-Pooled"});
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->table.global_secondary_indexes.size(), 3u);
  EXPECT_EQ(described->table.billing_mode_summary->billing_mode,
            dynamo::BillingMode::kPayPerRequest);

  ProvisionReport second = provisioner.ProvisionAll();
  ASSERT_TRUE(second.ok()) << second.ToString();
  for (const auto& t : second.tables) {
    EXPECT_EQ(t.state, TableOutcome::State::kUpToDate) << t.table;
  }
}

TEST_F(ProvisionTest, ReportsPointInTimeRecoveryPerTable) {
  Provisioner provisioner(*backend_, catalog_);
  ProvisionReport report = provisioner.ProvisionAll();
  for (const auto& t : report.tables) {
    bool mentions_pitr = std::any_of(t.notes.begin(), t.notes.end(), [](const std::string& n) {
      return n.find("point-in-time recovery") != std::string::npos;
    });
    // Wanted everywhere but CompanyStackMapping; applied or reported as not applicable.
    EXPECT_EQ(mentions_pitr, t.table != "IssueTracker-CompanyStackMapping") << t.table;
  }
}

TEST_F(ProvisionTest, ReportsDriftWithoutTouchingTheTable) {
  dynamo::CreateTableRequest wrong;
  wrong.table_name = "IssueTracker-Issues-Pooled";
  wrong.key_schema = {{"company_issue_id", dynamo::KeyType::kHash},
                      {"created_date", dynamo::KeyType::kRange}};
  wrong.attribute_definitions = {{"company_issue_id", dynamo::ScalarType::kS},
                                 {"created_date", dynamo::ScalarType::kS}};
  wrong.billing_mode = dynamo::BillingMode::kPayPerRequest;
  ASSERT_TRUE(backend_->CreateTable(wrong).ok());

  Provisioner provisioner(*backend_, catalog_);
  ProvisionReport report = provisioner.ProvisionAll();
  EXPECT_FALSE(report.ok());
  auto it = std::find_if(report.tables.begin(), report.tables.end(), [](const TableOutcome& t) {
    return t.table == "IssueTracker-Issues-Pooled";
  });
  ASSERT_NE(it, report.tables.end());
  EXPECT_EQ(it->state, TableOutcome::State::kDrifted);
  std::string text = report.ToString();
  EXPECT_NE(text.find("primary key is company_issue_id (HASH), created_date (RANGE)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("index CompanyStatusIndex is missing"), std::string::npos) << text;
  // The table is left as it was.
  auto d = backend_->DescribeTable({"IssueTracker-Issues-Pooled"});
  EXPECT_EQ(d->table.key_schema.size(), 2u);
}

TEST_F(ProvisionTest, EnvironmentsShareABackendThroughPrefixes) {
  Layout staging_layout(SchemaConfig{"IssueTracker-staging-", "Staging"});
  SchemaCatalog staging(staging_layout);
  ASSERT_TRUE(Provisioner(*backend_, catalog_).ProvisionAll().ok());
  ProvisionReport report = Provisioner(*backend_, staging).ProvisionAll();
  ASSERT_TRUE(report.ok()) << report.ToString();
  EXPECT_TRUE(TableExists("IssueTracker-staging-Issues-Pooled"));
  auto tags = TagsOf("IssueTracker-staging-Issues-Pooled");
  EXPECT_NE(std::find(tags.begin(), tags.end(), dynamo::Tag{"Environment", "Staging"}), tags.end());
  // The same prefix with another environment is reported, not silently shared.
  Layout clash_layout(SchemaConfig{"IssueTracker-", "Production"});
  SchemaCatalog clash(clash_layout);
  ProvisionReport clash_report = Provisioner(*backend_, clash).ProvisionAll();
  EXPECT_FALSE(clash_report.ok());
  EXPECT_NE(clash_report.ToString().find("tag Environment is \"Development\""), std::string::npos);
}

TEST_F(ProvisionTest, OnboardAndOffboardPlatinum) {
  Provisioner provisioner(*backend_, catalog_);
  ASSERT_TRUE(provisioner.ProvisionAll().ok());
  AdminAccess admin = AdminAccess::Grant("provision_test");
  CompanyScope scope(CompanyId::Parse("BIGCORP").value(), Tier::kPlatinum);
  auto onboarded = provisioner.OnboardPlatinum(admin, scope, "2024-02-01");
  ASSERT_TRUE(onboarded.ok()) << onboarded.status().ToString();
  for (const char* t : {"IssueTracker-Issues-BIGCORP", "IssueTracker-Teams-BIGCORP",
                        "IssueTracker-Comments-BIGCORP", "IssueTracker-Users-BIGCORP"}) {
    EXPECT_TRUE(TableExists(t)) << t;
  }
  auto mapping = backend_->Query(layout_.StackMappingQuery(scope.company_id()));
  ASSERT_TRUE(mapping.ok());
  EXPECT_EQ(mapping->items.size(), 4u);
  // Idempotent.
  ASSERT_TRUE(provisioner.OnboardPlatinum(admin, scope, "2024-02-01").ok());

  // A lost silo table is recreated by provision (it is recorded in the mapping).
  ASSERT_TRUE(backend_->DeleteTable({"IssueTracker-Teams-BIGCORP"}).ok());
  ProvisionReport report = provisioner.ProvisionAll();
  ASSERT_TRUE(report.ok()) << report.ToString();
  EXPECT_EQ(report.tables.size(), 11u);
  EXPECT_TRUE(TableExists("IssueTracker-Teams-BIGCORP"));

  ASSERT_TRUE(provisioner.Offboard(admin, scope).ok());
  EXPECT_FALSE(TableExists("IssueTracker-Issues-BIGCORP"));
  EXPECT_FALSE(TableExists("IssueTracker-Users-BIGCORP"));
  mapping = backend_->Query(layout_.StackMappingQuery(scope.company_id()));
  ASSERT_TRUE(mapping.ok());
  EXPECT_TRUE(mapping->items.empty());
  EXPECT_TRUE(provisioner.Offboard(admin, scope).ok());  // idempotent
}

TEST_F(ProvisionTest, OnboardingRefusesASiloTableThatDrifted) {
  Provisioner provisioner(*backend_, catalog_);
  ASSERT_TRUE(provisioner.ProvisionAll().ok());
  dynamo::CreateTableRequest wrong;
  wrong.table_name = "IssueTracker-Users-ACME";
  wrong.key_schema = {{"user_id", dynamo::KeyType::kHash}};
  wrong.attribute_definitions = {{"user_id", dynamo::ScalarType::kS}};
  wrong.billing_mode = dynamo::BillingMode::kPayPerRequest;
  ASSERT_TRUE(backend_->CreateTable(wrong).ok());
  CompanyScope scope(CompanyId::Parse("ACME").value(), Tier::kPlatinum);
  auto r = provisioner.OnboardPlatinum(AdminAccess::Grant("test"), scope, "2024-02-01");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kConflict);
  EXPECT_NE(r.status().message().find("IssueTracker-Users-ACME"), std::string::npos);
}

}  // namespace
}  // namespace issuetracker::tenancy
