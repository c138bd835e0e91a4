#include "tenancy/provision.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tenancy/lifecycle.h"
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
  ASSERT_EQ(first.tables.size(), 8u) << first.ToString();
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
    // Wanted everywhere but CompanyStackMapping and the service's IdempotencyKeys; applied
    // or reported as not applicable.
    EXPECT_EQ(mentions_pitr, t.table != "IssueTracker-CompanyStackMapping" &&
                                 t.table != "IssueTracker-IdempotencyKeys")
        << t.table;
  }
}

TEST_F(ProvisionTest, IdempotencyKeysExpireThroughTimeToLive) {
  ASSERT_TRUE(Provisioner(*backend_, catalog_).ProvisionAll().ok());
  auto ttl = backend_->DescribeTimeToLive({"IssueTracker-IdempotencyKeys"});
  ASSERT_TRUE(ttl.ok()) << ttl.status().ToString();
  EXPECT_EQ(ttl->time_to_live_description.time_to_live_status, dynamo::TimeToLiveStatus::kEnabled);
  EXPECT_EQ(ttl->time_to_live_description.attribute_name, "expires_at");
  // No other table expires anything.
  auto issues = backend_->DescribeTimeToLive({"IssueTracker-Issues-Pooled"});
  ASSERT_TRUE(issues.ok());
  EXPECT_EQ(issues->time_to_live_description.time_to_live_status,
            dynamo::TimeToLiveStatus::kDisabled);

  // TTL on another attribute is drift, reported and left alone.
  ASSERT_TRUE(
      backend_->UpdateTimeToLive({"IssueTracker-IdempotencyKeys", {"expires_at", false}}).ok());
  ASSERT_TRUE(backend_->UpdateTimeToLive({"IssueTracker-IdempotencyKeys", {"other", true}}).ok());
  ProvisionReport report = Provisioner(*backend_, catalog_).ProvisionAll();
  EXPECT_FALSE(report.ok());
  EXPECT_NE(report.ToString().find("time to live is on other, expected expires_at"),
            std::string::npos)
      << report.ToString();
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

// A registration record: what CompanyLifecycle::Register needs of it.
dynamo::Item TierRecord(Tier tier) {
  return dynamo::Item{
      {std::string(attr::kCompanyTier), AttributeValue::S(std::string(TierName(tier)))}};
}

TEST_F(ProvisionTest, OnboardAndOffboardPlatinum) {
  Provisioner provisioner(*backend_, catalog_);
  ASSERT_TRUE(provisioner.ProvisionAll().ok());
  AdminAccess admin = AdminAccess::Grant("provision_test");
  CompanyLifecycle lifecycle(*backend_, catalog_, *SystemClock::Default());
  const CompanyId bigcorp = CompanyId::Parse("BIGCORP").value();
  auto scope = lifecycle.Register(admin, bigcorp, Tier::kPlatinum, TierRecord(Tier::kPlatinum));
  ASSERT_TRUE(scope.ok()) << scope.status().ToString();
  for (const char* t : {"IssueTracker-Issues-BIGCORP", "IssueTracker-Teams-BIGCORP",
                        "IssueTracker-Comments-BIGCORP", "IssueTracker-Users-BIGCORP"}) {
    EXPECT_TRUE(TableExists(t)) << t;
  }
  auto mapping = backend_->Query(layout_.StackMappingQuery(bigcorp));
  ASSERT_TRUE(mapping.ok());
  EXPECT_EQ(mapping->items.size(), 4u);
  // Onboarding the tables again is idempotent.
  ASSERT_TRUE(provisioner.OnboardPlatinum(admin, *scope, "2024-02-01").ok());

  // A lost silo table is recreated by provision (it is recorded in the mapping).
  ASSERT_TRUE(backend_->DeleteTable({"IssueTracker-Teams-BIGCORP"}).ok());
  ProvisionReport report = provisioner.ProvisionAll();
  ASSERT_TRUE(report.ok()) << report.ToString();
  EXPECT_EQ(report.tables.size(), 12u);
  EXPECT_TRUE(TableExists("IssueTracker-Teams-BIGCORP"));

  // The purge needs the fence first.
  EXPECT_EQ(provisioner.PurgeCompany(admin, *scope).code(), Code::kConflict);
  EXPECT_TRUE(TableExists("IssueTracker-Issues-BIGCORP"));
  ASSERT_TRUE(lifecycle.Offboard(admin, bigcorp).ok());
  EXPECT_FALSE(TableExists("IssueTracker-Issues-BIGCORP"));
  EXPECT_FALSE(TableExists("IssueTracker-Users-BIGCORP"));
  mapping = backend_->Query(layout_.StackMappingQuery(bigcorp));
  ASSERT_TRUE(mapping.ok());
  EXPECT_TRUE(mapping->items.empty());
  EXPECT_TRUE(lifecycle.Offboard(admin, bigcorp).ok());  // idempotent
  // Provisioning no longer recreates its tables.
  ProvisionReport after = provisioner.ProvisionAll();
  ASSERT_TRUE(after.ok()) << after.ToString();
  EXPECT_EQ(after.tables.size(), 8u);
}

// Stubs written before stubs had their own key space (at the pooled user key) are moved
// into it by provision, for active Platinum companies; the Platinum purge removes any left.
TEST_F(ProvisionTest, MovesLegacyDirectoryStubsIntoTheirKeySpace) {
  Provisioner provisioner(*backend_, catalog_);
  ASSERT_TRUE(provisioner.ProvisionAll().ok());
  AdminAccess admin = AdminAccess::Grant("provision_test");
  CompanyLifecycle lifecycle(*backend_, catalog_, *SystemClock::Default());
  const CompanyId bigcorp = CompanyId::Parse("BIGCORP").value();
  auto scope = lifecycle.Register(admin, bigcorp, Tier::kPlatinum, TierRecord(Tier::kPlatinum));
  ASSERT_TRUE(scope.ok()) << scope.status().ToString();
  const std::string pooled = layout_.PooledTableName(Entity::kUser).str();
  const std::string silo = layout_.SiloTableName(Entity::kUser, bigcorp).str();
  std::vector<UserEmail> users;
  for (int i = 0; i < 60; ++i) {  // more than one transaction's worth
    users.push_back(UserEmail::Parse("u" + std::to_string(i) + "@big.com").value());
    dynamo::Item user = layout_.UserIdentity(*scope, users.back());
    user["user_role"] = AttributeValue::S("User");
    ASSERT_TRUE(backend_->PutItem({silo, user}).ok());
    if (i == 59) continue;  // this one's stub is already in the new key space
    dynamo::Item legacy = layout_.LegacyDirectoryStubKey(*scope, users.back());
    legacy["company_id"] = AttributeValue::S("BIGCORP");
    legacy["email"] = AttributeValue::S(users.back().str());
    ASSERT_TRUE(backend_->PutItem({pooled, legacy}).ok());
  }
  ASSERT_TRUE(backend_->PutItem({pooled, layout_.DirectoryStub(*scope, users.back())}).ok());
  auto get = [&](const dynamo::Item& key) {
    auto got = backend_->GetItem({pooled, key, true});
    EXPECT_TRUE(got.ok());
    return got.ok() ? got->item : std::nullopt;
  };

  ProvisionReport report = provisioner.ProvisionAll();
  ASSERT_TRUE(report.ok()) << report.ToString();
  EXPECT_NE(report.ToString().find("moved 59 login directory stubs of BIGCORP"), std::string::npos)
      << report.ToString();
  for (const UserEmail& u : users) {
    EXPECT_EQ(get(layout_.DirectoryStubKey(*scope, u)), layout_.DirectoryStub(*scope, u))
        << u.str();
    EXPECT_FALSE(get(layout_.LegacyDirectoryStubKey(*scope, u)).has_value()) << u.str();
  }
  // Once moved, provision only reads.
  ProvisionReport again = provisioner.ProvisionAll();
  ASSERT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(again.ToString().find("moved"), std::string::npos) << again.ToString();

  // A legacy stub left (written after provision ran) goes with the company's purge.
  dynamo::Item legacy = layout_.LegacyDirectoryStubKey(*scope, users[0]);
  legacy["company_id"] = AttributeValue::S("BIGCORP");
  legacy["email"] = AttributeValue::S(users[0].str());
  ASSERT_TRUE(backend_->PutItem({pooled, legacy}).ok());
  ASSERT_TRUE(lifecycle.Offboard(admin, bigcorp).ok());
  EXPECT_FALSE(get(layout_.LegacyDirectoryStubKey(*scope, users[0])).has_value());
  EXPECT_FALSE(get(layout_.DirectoryStubKey(*scope, users[0])).has_value());
  dynamo::ScanRequest scan;
  scan.table_name = pooled;
  auto left = backend_->Scan(scan);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->items.empty());
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
  CompanyLifecycle lifecycle(*backend_, catalog_, *SystemClock::Default());
  const CompanyId acme = CompanyId::Parse("ACME").value();
  auto r = lifecycle.Register(AdminAccess::Grant("test"), acme, Tier::kPlatinum,
                              TierRecord(Tier::kPlatinum));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kConflict);
  EXPECT_NE(r.status().message().find("IssueTracker-Users-ACME"), std::string::npos);
  // The failed registration left no record behind: the id can be registered (as pooled).
  EXPECT_EQ(LoadCompanyState(*backend_, layout_, acme).status().code(), Code::kNotFound);
  EXPECT_TRUE(
      lifecycle.Register(AdminAccess::Grant("test"), acme, Tier::kBasic, TierRecord(Tier::kBasic))
          .ok());
}

}  // namespace
}  // namespace issuetracker::tenancy
