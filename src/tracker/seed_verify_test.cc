// Sample data, synthetic data and the verifier, on the embedded engine.
#include <gtest/gtest.h>

#include <cctype>

#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tests/backend_factory.h"
#include "tracker/codec.h"
#include "tracker/sample_data.h"
#include "tracker/synthetic.h"
#include "tracker/tracker.h"
#include "tracker/verifier.h"
#include "tracker/workflow.h"

namespace issuetracker::tracker {
namespace {

using dynamo::AttributeValue;
using dynamo::Item;
using tenancy::AdminAccess;

AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
AttributeValue N(int64_t n) { return AttributeValue::N(n); }

class SeedVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override { backend_ = testing::MakeTestBackend(dir_.path()); }
  void Provision() {
    tenancy::SchemaCatalog catalog(layout_);
    ASSERT_TRUE(tenancy::Provisioner(*backend_, catalog).ProvisionAll().ok());
  }
  std::optional<Item> Get(const std::string& table, Item key) {
    auto r = backend_->GetItem({table, std::move(key), true});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->item : std::nullopt;
  }
  const CheckResult* Find(const VerifyReport& report, std::string_view name_part) {
    for (const auto& c : report.checks) {
      if (c.name.find(name_part) != std::string::npos) return &c;
    }
    return nullptr;
  }

  // Issues per synthetic company: 120 on the embedded engine and our endpoint, 40 against a
  // peer (moto imports them one request at a time: the test took 13 s there).
  static uint64_t SyntheticIssues() { return static_cast<uint64_t>(testing::RoundsFor(120, 40)); }

  // A synthetic company is consistent: counters, seats, workloads, sign-in, next id.
  void CheckSyntheticCompany(Tracker& tracker, const CompanyId& id) {
    auto ctx = admin_.ContextFor(*backend_, layout_, id);
    ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
    auto company = tracker.companies().Get(*ctx);
    ASSERT_TRUE(company.ok());
    EXPECT_EQ(company->issue_counter, SyntheticIssues());
    EXPECT_LE(company->current_users, company->max_users);
    auto teams = tracker.teams().ListByCompany(*ctx, {});
    ASSERT_TRUE(teams.ok()) << teams.status().ToString();
    ASSERT_EQ(teams->items.size(), 3u);
    for (const Team& team : teams->items) {
      int64_t open = 0;
      PageRequest page{kMaxPageSize, ""};
      while (true) {
        auto p = tracker.issues().List(*ctx, IssueQuery::OfTeam(team.team_id), page);
        ASSERT_TRUE(p.ok()) << p.status().ToString();
        for (const Issue& issue : p->items) open += CountsAsOpen(issue.status) ? 1 : 0;
        if (!p->next_token) break;
        page.token = *p->next_token;
      }
      EXPECT_EQ(team.current_workload, open) << id.str() << " " << team.team_id.str();
    }
    // Users sign in (Platinum ones through the login directory); ids continue.
    std::string domain = id.str();
    for (char& c : domain) c = static_cast<char>(std::tolower(c));
    auto user = UserEmail::Parse("user2@" + domain + ".example.com");
    ASSERT_TRUE(user.ok());
    auto companies = tracker.auth().CompaniesOf(*user);
    ASSERT_TRUE(companies.ok());
    EXPECT_EQ(*companies, std::vector<CompanyId>{id});
    auto signed_in = tracker.auth().SignIn({*user, id});
    ASSERT_TRUE(signed_in.ok()) << signed_in.status().ToString();
    auto next = tracker.issues().Create(*signed_in, {.title = "after seeding"});
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    EXPECT_EQ(next->issue_id.str(), IssueId::FromSequence(SyntheticIssues() + 1).str());
  }

  testing::TempDir dir_;
  std::unique_ptr<dynamo::Backend> backend_;
  tenancy::Layout layout_{tenancy::SchemaConfig{}};
  AdminAccess admin_ = AdminAccess::Grant("seed_verify_test");
};

TEST_F(SeedVerifyTest, SampleNeedsTables) {
  auto r = SeedSampleData(*backend_, layout_, admin_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("provision"), std::string::npos);
}

TEST_F(SeedVerifyTest, SampleIsExactAndIdempotent) {
  Provision();
  auto counts = SeedSampleData(*backend_, layout_, admin_);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->ToString(), "2 companies, 7 users, 2 teams, 2 issues, 2 comments");

  auto company = Get("IssueTracker-CompanyManagement", {{"company_id", S("COMPANY002")}});
  ASSERT_TRUE(company.has_value());
  Item spec{{"company_id", S("COMPANY002")},
            {"company_name", S("DevCorp Enterprise")},
            {"company_tier", S("Premium")},
            {"contact_email", S("admin@devcorp.com")},
            {"subscription_status", S("active")},
            {"created_date", S("2024-01-10")},
            {"monthly_quota", N(10000)},
            {"api_calls_used", N(3456)},
            {"max_users", N(25)},
            {"current_users", N(12)}};
  for (const auto& [name, value] : spec) EXPECT_EQ(company->at(name), value) << name;
  EXPECT_EQ(company->at("issue_counter"), N(1));
  EXPECT_EQ(company->at("team_counter"), N(2));

  auto team =
      Get("IssueTracker-Teams-Pooled", {{"company_team_id", S("COMPANY002#TEAM#TEAM-002")}});
  ASSERT_TRUE(team.has_value());
  EXPECT_EQ(team->size(), 11u);
  EXPECT_EQ(team->at("current_workload"), N(22));
  EXPECT_EQ(team->at("members").l().size(), 3u);
  auto comment =
      Get("IssueTracker-Comments-Pooled", {{"company_comment_id", S("COMPANY002#COMMENT#CMT-001")},
                                           {"created_date", S("2024-01-12T09:15:00Z")}});
  ASSERT_TRUE(comment.has_value());
  EXPECT_EQ(comment->size(), 11u);
  EXPECT_EQ(comment->at("attachments").l().at(0), S("darkmode-mockup.png"));
  auto issue =
      Get("IssueTracker-Issues-Pooled", {{"company_issue_id", S("COMPANY001#ISSUE#ISS-001")}});
  ASSERT_TRUE(issue.has_value());
  EXPECT_EQ(issue->size(), 17u);
  EXPECT_EQ(issue->at("status"), S("Open"));

  // Work happens; re-seeding restores the sample but never rewinds the id counters.
  Tracker tracker(*backend_, layout_);
  auto ctx = tracker.auth().SignIn(
      {UserEmail::Parse("sarah@techstart.com").value(), CompanyId::Parse("COMPANY001").value()});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  auto created = tracker.issues().Create(*ctx, {.title = "Second"});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->issue_id.str(), "ISS-002");
  ASSERT_TRUE(SeedSampleData(*backend_, layout_, admin_).ok());
  auto third = tracker.issues().Create(*ctx, {.title = "Third"});
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->issue_id.str(), "ISS-003");
  EXPECT_EQ(
      *Get("IssueTracker-Issues-Pooled", {{"company_issue_id", S("COMPANY001#ISSUE#ISS-001")}}),
      *issue);
}

TEST_F(SeedVerifyTest, VerifyPassesOnTheSample) {
  Provision();
  ASSERT_TRUE(SeedSampleData(*backend_, layout_, admin_).ok());
  VerifyReport report = RunVerification(*backend_, layout_, admin_);
  EXPECT_TRUE(report.ok()) << report.ToTable();
  EXPECT_GE(report.checks.size(), 18u);
  std::string table = report.ToTable();
  EXPECT_NE(table.find("Test 1: all issues of COMPANY001 (CompanyStatusIndex)"), std::string::npos);
  EXPECT_NE(table.find("0 failed"), std::string::npos);
  const CheckResult* pitr = Find(report, "Point-in-time recovery");
  ASSERT_NE(pitr, nullptr);
  EXPECT_EQ(pitr->outcome, CheckResult::Outcome::kPass) << pitr->detail;
}

TEST_F(SeedVerifyTest, VerifyFailsWithoutTablesOrData) {
  VerifyReport empty = RunVerification(*backend_, layout_, admin_);
  EXPECT_FALSE(empty.ok());
  Provision();
  VerifyReport no_data = RunVerification(*backend_, layout_, admin_);
  EXPECT_FALSE(no_data.ok());
  const CheckResult* t1 = Find(no_data, "Test 1:");
  ASSERT_NE(t1, nullptr);
  EXPECT_EQ(t1->outcome, CheckResult::Outcome::kFail);
  EXPECT_NE(t1->detail.find("no items"), std::string::npos);
}

TEST_F(SeedVerifyTest, VerifyCatchesALeak) {
  Provision();
  ASSERT_TRUE(SeedSampleData(*backend_, layout_, admin_).ok());
  // An item whose key says COMPANY002 but which sits in COMPANY001's index partition.
  dynamo::PutItemRequest put;
  put.table_name = "IssueTracker-Issues-Pooled";
  put.item = {{"company_issue_id", S("COMPANY002#ISSUE#ISS-999")},
              {"company_id", S("COMPANY001")},
              {"status", S("Open")},
              {"priority", S("High")}};
  ASSERT_TRUE(backend_->PutItem(put).ok());
  VerifyReport report = RunVerification(*backend_, layout_, admin_);
  EXPECT_FALSE(report.ok());
  const CheckResult* t1 = Find(report, "Test 1:");
  ASSERT_NE(t1, nullptr);
  EXPECT_EQ(t1->outcome, CheckResult::Outcome::kFail);
  EXPECT_NE(t1->detail.find("LEAK"), std::string::npos) << t1->detail;
}

TEST_F(SeedVerifyTest, SyntheticDataIsConsistent) {
  Provision();
  SyntheticOptions options;
  options.companies = 12;
  const uint64_t issues = SyntheticIssues();
  options.issues_per_company = static_cast<int>(issues);
  options.comments_per_company = static_cast<int>(issues / 3);
  options.teams_per_company = 3;
  options.users_per_company = 7;
  options.threads = 3;
  int progress_calls = 0;
  SyntheticProgress last;
  auto report = SeedSynthetic(*backend_, layout_, admin_, options, [&](const SyntheticProgress& p) {
    ++progress_calls;
    last = p;
  });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GE(progress_calls, 1);
  // The final report accounts for every item and issue written.
  EXPECT_EQ(last.issues_done, last.issues_total);
  EXPECT_EQ(last.issues_total, 12 * issues);
  EXPECT_EQ(last.items_done, last.items_total);
  EXPECT_EQ(report->counts.issues, static_cast<int>(12 * issues));
  EXPECT_EQ(report->platinum, 2);
  EXPECT_EQ(report->premium, 5);
  EXPECT_EQ(report->basic, 5);
  EXPECT_GT(report->issues_per_second, 0);

  Tracker tracker(*backend_, layout_);
  for (int i = 0; i < options.companies; ++i) {
    std::string digits = std::to_string(i + 1);
    CheckSyntheticCompany(
        tracker, CompanyId::Parse("SYNTH" + std::string(6 - digits.size(), '0') + digits).value());
  }
  // Re-running rewrites the same items (the imports conflict, so every chunk is encoded
  // again for BatchWriteItem) but never rewinds the counters (the id after the last seeded one
  // exists).
  auto stored_issues = [&] {  // a Platinum and a Premium company's issues, as stored
    std::vector<dynamo::Item> out;
    for (const char* company : {"SYNTH000001", "SYNTH000002"}) {
      auto ctx = admin_.ContextFor(*backend_, layout_, CompanyId::Parse(company).value());
      EXPECT_TRUE(ctx.ok());
      for (uint64_t n : {uint64_t{1}, issues / 2, issues}) {
        auto issue = tracker.issues().Get(*ctx, IssueId::FromSequence(n));
        EXPECT_TRUE(issue.ok()) << company << " " << n;
        if (issue.ok()) out.push_back(EncodeIssue(layout_, ctx->scope(), *issue));
      }
    }
    return out;
  };
  const std::vector<dynamo::Item> before = stored_issues();
  ASSERT_TRUE(SeedSynthetic(*backend_, layout_, admin_, options, {}).ok());
  EXPECT_EQ(stored_issues(), before);
  auto ctx = admin_.ContextFor(*backend_, layout_, CompanyId::Parse("SYNTH000003").value());
  ASSERT_TRUE(ctx.ok());
  auto next = tracker.issues().Create(*ctx, {.title = "after re-seeding"});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->issue_id.str(), IssueId::FromSequence(issues + 2).str());
  EXPECT_TRUE(backend_->DescribeTable({"IssueTracker-Issues-SYNTH000001"}).ok());
  EXPECT_FALSE(backend_->DescribeTable({"IssueTracker-Issues-SYNTH000002"}).ok());
}

}  // namespace
}  // namespace issuetracker::tracker
