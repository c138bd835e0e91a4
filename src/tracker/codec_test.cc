#include "tracker/codec.h"

#include <gtest/gtest.h>

#include "tests/scope_test_peer.h"
#include "tracker/dates.h"
#include "tracker/tracker_test_util.h"

namespace issuetracker::tracker {
namespace {

using dynamo::AttributeValue;
using dynamo::Item;
using tenancy::CompanyScope;

AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
AttributeValue N(int64_t n) { return AttributeValue::N(n); }
AttributeValue L(std::vector<std::string> v) {
  dynamo::AttributeList l;
  for (auto& s : v) l.push_back(S(s));
  return AttributeValue::L(std::move(l));
}

class CodecTest : public ::testing::Test {
 protected:
  tenancy::Layout layout_{tenancy::SchemaConfig{}};
  CompanyScope pooled_ = testing::ScopeTestPeer::Make(Cid("COMPANY001"), Tier::kBasic);
  CompanyScope silo_ = testing::ScopeTestPeer::Make(Cid("BIGCORP"), Tier::kPlatinum);

  Issue SampleIssue(const CompanyId& company) {
    return Issue{
        .issue_id = IssueId::FromSequence(1),
        .company_id = company,
        .title = "User login page loading slowly",
        .description = "Users reporting that the login page takes more than 5 seconds to load",
        .status = IssueStatus::kOpen,
        .priority = Priority::kHigh,
        .issue_type = IssueType::kBug,
        .assigned_user = Email("john@techstart.com"),
        .assigned_team = TeamId::FromSequence(1),
        .reporter = Email("sarah@techstart.com"),
        .created_date = "2024-01-15",
        .updated_date = "2024-01-15",
        .due_date = "2024-01-20",
        .labels = {"performance", "login", "urgent"},
        .estimated_hours = 8,
        .story_points = 3};
  }
};

TEST_F(CodecTest, SampleIssueEncodesExactlyAsTheSpec) {
  Item expected{
      {"company_issue_id", S("COMPANY001#ISSUE#ISS-001")},
      {"company_id", S("COMPANY001")},
      {"issue_id", S("ISS-001")},
      {"title", S("User login page loading slowly")},
      {"description", S("Users reporting that the login page takes more than 5 seconds to load")},
      {"status", S("Open")},
      {"priority", S("High")},
      {"issue_type", S("Bug")},
      {"assigned_user", S("john@techstart.com")},
      {"assigned_team", S("TEAM-001")},
      {"reporter", S("sarah@techstart.com")},
      {"created_date", S("2024-01-15")},
      {"updated_date", S("2024-01-15")},
      {"due_date", S("2024-01-20")},
      {"labels", L({"performance", "login", "urgent"})},
      {"estimated_hours", N(8)},
      {"story_points", N(3)}};
  EXPECT_EQ(EncodeIssue(layout_, pooled_, SampleIssue(pooled_.company_id())), expected);
}

TEST_F(CodecTest, IssueRoundTripsInBothLayouts) {
  for (const CompanyScope& scope : {pooled_, silo_}) {
    Issue issue = SampleIssue(scope.company_id());
    issue.version = 7;
    issue.due_date.reset();
    issue.assigned_team.reset();
    Item item = EncodeIssue(layout_, scope, issue);
    EXPECT_EQ(item.at("due_date"), S("9999-12-31"));
    EXPECT_FALSE(item.contains("assigned_team"));
    auto back = DecodeIssue(layout_, scope, item);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->issue_id, issue.issue_id);
    EXPECT_EQ(back->title, issue.title);
    EXPECT_EQ(back->priority, Priority::kHigh);
    EXPECT_FALSE(back->due_date.has_value());
    EXPECT_FALSE(back->assigned_team.has_value());
    EXPECT_EQ(back->assigned_user, issue.assigned_user);
    EXPECT_EQ(back->labels, issue.labels);
    EXPECT_EQ(back->version, 7);
  }
}

TEST_F(CodecTest, DecodingAnotherCompanysItemFails) {
  CompanyScope other = testing::ScopeTestPeer::Make(Cid("COMPANY002"), Tier::kPremium);
  Item item = EncodeIssue(layout_, other, SampleIssue(other.company_id()));
  auto decoded = DecodeIssue(layout_, pooled_, item);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("Isolation"), std::string::npos);
}

TEST_F(CodecTest, SampleCommentEncodesExactlyAsTheSpec) {
  Comment c{.comment_id = CommentId::FromSequence(1),
            .issue_id = IssueId::FromSequence(1),
            .company_id = Cid("COMPANY001"),
            .author_email = Email("john@techstart.com"),
            .author_name = "John Smith",
            .content = "I've identified the issue",
            .created_date = "2024-01-15T14:30:00Z",
            .is_internal = false,
            .attachments = {},
            .mentions = {Email("sarah@techstart.com")}};
  Item expected{{"company_comment_id", S("COMPANY001#COMMENT#CMT-001")},
                {"company_issue_id", S("COMPANY001#ISSUE#ISS-001")},
                {"company_id", S("COMPANY001")},
                {"comment_id", S("CMT-001")},
                {"author_email", S("john@techstart.com")},
                {"author_name", S("John Smith")},
                {"content", S("I've identified the issue")},
                {"created_date", S("2024-01-15T14:30:00Z")},
                {"is_internal", AttributeValue::Bool(false)},
                {"attachments", L({})},
                {"mentions", L({"sarah@techstart.com"})}};
  EXPECT_EQ(EncodeComment(layout_, pooled_, c), expected);
  auto back = DecodeComment(layout_, pooled_, expected);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->mentions, c.mentions);
  Item silo = EncodeComment(layout_, silo_,
                            Comment{c.comment_id, c.issue_id, silo_.company_id(), c.author_email});
  EXPECT_EQ(silo.at("issue_id"), S("ISS-001"));
  EXPECT_TRUE(DecodeComment(layout_, silo_, silo).ok());
}

TEST_F(CodecTest, TeamUserAndCompanyRoundTrip) {
  Team team{.team_id = TeamId::FromSequence(1),
            .company_id = Cid("COMPANY001"),
            .team_name = "Backend Development",
            .description = "Responsible for server-side development and APIs",
            .team_lead = Email("john@techstart.com"),
            .members = {Email("john@techstart.com"), Email("sarah@techstart.com")},
            .created_date = "2024-01-15",
            .max_members = 5,
            .current_workload = 15};
  Item item = EncodeTeam(layout_, pooled_, team);
  EXPECT_EQ(item.at("company_team_id"), S("COMPANY001#TEAM#TEAM-001"));
  EXPECT_EQ(item.at("status"), S("active"));
  EXPECT_EQ(item.size(), 11u);  // exactly the spec's attributes
  auto t = DecodeTeam(layout_, pooled_, item);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->members, team.members);
  EXPECT_EQ(t->current_workload, 15);

  User user{.email = Email("ceo@bigcorp.com"),
            .company_id = silo_.company_id(),
            .full_name = "C. E. O.",
            .role = Role::kRootUser,
            .created_date = "x"};
  Item u = EncodeUser(layout_, silo_, user);
  EXPECT_EQ(u.at("last_login_date"), S(std::string(kNeverSignedIn)));
  EXPECT_EQ(u.at("user_role"), S("Root User"));
  auto back = DecodeUser(layout_, silo_, u);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->last_login_date.has_value());
  EXPECT_EQ(back->role, Role::kRootUser);

  Company company{.company_id = Cid("COMPANY001"),
                  .company_name = "TechStart Solutions",
                  .company_tier = Tier::kBasic,
                  .contact_email = Email("admin@techstart.com"),
                  .created_date = "2024-01-15",
                  .monthly_quota = 1000,
                  .api_calls_used = 245,
                  .max_users = 5,
                  .current_users = 3};
  Item c = EncodeCompany(layout_, company);
  EXPECT_EQ(c.size(), 10u);  // the spec's ten attributes; counters only once used
  auto cb = DecodeCompany(layout_, c);
  ASSERT_TRUE(cb.ok()) << cb.status().ToString();
  EXPECT_EQ(cb->api_calls_used, 245);
  EXPECT_EQ(cb->company_tier, Tier::kBasic);
}

TEST_F(CodecTest, CorruptItemsAreReported) {
  Item item = EncodeIssue(layout_, pooled_, SampleIssue(pooled_.company_id()));
  item["status"] = S("Done");
  auto r = DecodeIssue(layout_, pooled_, item);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption);
  item = EncodeIssue(layout_, pooled_, SampleIssue(pooled_.company_id()));
  item["story_points"] = S("three");
  EXPECT_EQ(DecodeIssue(layout_, pooled_, item).status().code(), Code::kCorruption);
}

TEST(DatesTest, Formats) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(1705329000123456), "2024-01-15T14:30:00.123456Z");
  EXPECT_EQ(FormatDate(1705329000123456), "2024-01-15");
  EXPECT_EQ(FormatTimestamp(951782400000000), "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestamp(253402300799999999), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestamp(253402300800000000), "10000-01-01T00:00:00.000000Z");
  EXPECT_TRUE(IsCalendarDate("2024-02-29"));
  EXPECT_FALSE(IsCalendarDate("2023-02-29"));
  EXPECT_FALSE(IsCalendarDate("2024-13-01"));
  EXPECT_FALSE(IsCalendarDate("2024-1-01"));
  EXPECT_FALSE(IsCalendarDate("2024-01-15T00:00:00Z"));
  EXPECT_LT(std::string(kNeverSignedIn), FormatTimestamp(0));
}

}  // namespace
}  // namespace issuetracker::tracker
