// Company isolation, crafted attacks on companies of the three tiers (54 on the embedded
// engine, 12 through a server): ids containing '#', another company's ids in "paths" and
// "bodies", a Platinum company's data looked for in pooled tables, stolen and forged page
// tokens, offboarding one company among many. (The randomised property test, with
// concurrent clients and companies offboarded and registered again while it runs, is
// isolation_property_test.cc.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <random>
#include <set>

#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tenancy/schema_names.h"
#include "tenancy/store_util.h"
#include "tests/backend_factory.h"
#include "tests/scope_test_peer.h"
#include "tracker/tracker.h"
#include "tracker/tracker_test_util.h"
#include "tracker/workflow.h"

namespace issuetracker::tracker {
namespace {

using tenancy::AdminAccess;
using tenancy::TenantContext;

// Companies per tier: 18 on the embedded engine; 4 through a server process (moto, our
// endpoint), where creating them (a Platinum company's are four tables) was most of the
// run. The attacks use the first two Basic companies and the first Platinum one; the others
// are the crowd that offboarding and the shared consultant must leave untouched.
int CompaniesPerTier() {
  static const int n = testing::IsServerProcess(testing::TestBackendKind()) ? 4 : 18;
  return n;
}

// What the test knows about one company (the oracle).
struct Known {
  CompanyId id;
  Tier tier;
  std::vector<UserEmail> users;  // users[0] is the Admin
  std::vector<TeamId> teams;
  std::set<std::string> issues;
};

class IsolationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = testing::MakeTestBackend(dir_.path());
    tenancy::SchemaCatalog catalog(layout_);
    ASSERT_TRUE(tenancy::Provisioner(*backend_, catalog).ProvisionAll().ok());
    tracker_ = std::make_unique<Tracker>(*backend_, layout_);
    const std::pair<Tier, const char*> tiers[] = {
        {Tier::kBasic, "BASIC"}, {Tier::kPremium, "PREMIUM"}, {Tier::kPlatinum, "PLATINUM"}};
    for (const auto& [tier, name] : tiers) {
      for (int i = 0; i < CompaniesPerTier(); ++i) AddCompany(name + std::to_string(i), tier);
    }
  }

  void AddCompany(const std::string& raw_id, Tier tier) {
    CompanyId id = CompanyId::Parse(raw_id).value();
    std::string domain = raw_id + ".example.com";
    for (char& c : domain) c = static_cast<char>(std::tolower(c));
    ASSERT_TRUE(tracker_->companies()
                    .Create(admin_, {id, "Company " + raw_id, tier, Email("admin@" + domain)})
                    .ok());
    TenantContext root = admin_.ContextFor(*backend_, layout_, id).value();
    Known known{id, tier, {}, {}, {}};
    // The same local parts in every company, plus one consultant shared by all.
    for (const std::string& local : {std::string("admin"), std::string("dev"), std::string("qa")}) {
      Role role = local == "admin" ? Role::kAdmin : Role::kUser;
      ASSERT_TRUE(tracker_->users().Create(root, {Email(local + "@" + domain), local, role}).ok());
      known.users.push_back(Email(local + "@" + domain));
    }
    ASSERT_TRUE(tracker_->users()
                    .Create(root, {Email("consultant@shared.example.com"), "C", Role::kUser})
                    .ok());
    known.users.push_back(Email("consultant@shared.example.com"));
    auto team = tracker_->teams().Create(
        root,
        {.team_name = raw_id + " team", .team_lead = known.users[0], .members = {known.users[1]}});
    ASSERT_TRUE(team.ok()) << team.status().ToString();
    known.teams.push_back(team->team_id);
    companies_.push_back(std::move(known));
  }

  TenantContext SignIn(const Known& c, const UserEmail& user) {
    auto ctx = tracker_->auth().SignIn({user, c.id});
    EXPECT_TRUE(ctx.ok()) << ctx.status().ToString();
    EXPECT_EQ(ctx->company_id(), c.id);
    EXPECT_EQ(ctx->tier(), c.tier);
    return std::move(ctx).value();
  }

  // Every item a read returned must be of `c`, by its data as well as its key.
  void ExpectOwn(const Known& c, const Issue& i) {
    EXPECT_EQ(i.company_id, c.id);
    EXPECT_EQ(i.title.rfind(c.id.str() + ":", 0), 0u) << i.title;
    EXPECT_TRUE(c.issues.contains(i.issue_id.str())) << c.id.str() << " " << i.issue_id.str();
  }
  void ExpectOwn(const Known& c, const Comment& m) {
    EXPECT_EQ(m.company_id, c.id);
    EXPECT_EQ(m.content.rfind(c.id.str() + ":", 0), 0u) << m.content;
  }
  void ExpectOwn(const Known& c, const Team& t) {
    EXPECT_EQ(t.company_id, c.id);
    EXPECT_EQ(t.team_name, c.id.str() + " team");
  }
  void ExpectOwn(const Known& c, const User& u) {
    EXPECT_EQ(u.company_id, c.id);
    EXPECT_NE(std::find(c.users.begin(), c.users.end(), u.email), c.users.end()) << u.email.str();
  }
  template <typename T>
  void ExpectOwnPage(const Known& c, const Result<Page<T>>& page) {
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++reads_;
    for (const T& item : page->items) ExpectOwn(c, item);
  }

  testing::TempDir dir_;
  std::unique_ptr<dynamo::Backend> backend_;
  tenancy::Layout layout_{tenancy::SchemaConfig{}};
  std::unique_ptr<Tracker> tracker_;
  AdminAccess admin_ = AdminAccess::Grant("isolation_test");
  std::vector<Known> companies_;
  int reads_ = 0;
};

// Needs no companies: the ids are refused before any store is reached.
TEST(IsolationIdsTest, IdsWithDelimitersAreRejected) {
  for (const char* bad : {"BASIC0#ISSUE#ISS-001", "BASIC0#", "#BASIC0", "BASIC0#USER"}) {
    EXPECT_EQ(CompanyId::Parse(bad).status().code(), Code::kValidation) << bad;
  }
  for (const char* bad : {"ISS-001#", "ISS-001#COMMENT#CMT-001", "BASIC1#ISSUE#ISS-001"}) {
    EXPECT_EQ(IssueId::Parse(bad).status().code(), Code::kValidation) << bad;
  }
  EXPECT_EQ(TeamId::Parse("TEAM-001#X").status().code(), Code::kValidation);
  EXPECT_EQ(CommentId::Parse("CMT-001#").status().code(), Code::kValidation);
  EXPECT_EQ(UserEmail::Parse("dev@basic1.example.com#USER#x").status().code(), Code::kValidation);
  EXPECT_EQ(UserEmail::Parse("BASIC1#USER#dev@basic1.example.com").status().code(),
            Code::kValidation);
}

TEST_F(IsolationTest, AnotherCompanysIdsInPathsAndBodies) {
  Known& a = companies_[0];                       // Basic
  Known& b = companies_[1];                       // Basic
  Known& p = companies_[2 * CompaniesPerTier()];  // Platinum
  TenantContext b_admin = SignIn(b, b.users[0]);
  TenantContext p_admin = SignIn(p, p.users[0]);
  auto b_issue = tracker_->issues().Create(b_admin, {.title = b.id.str() + ":secret"});
  ASSERT_TRUE(b_issue.ok());
  b.issues.insert(b_issue->issue_id.str());
  auto p_issue = tracker_->issues().Create(p_admin, {.title = p.id.str() + ":secret"});
  ASSERT_TRUE(p_issue.ok());
  p.issues.insert(p_issue->issue_id.str());

  TenantContext a_admin = SignIn(a, a.users[0]);
  // B's and P's issue ids, in A's "path": not found in A.
  EXPECT_EQ(tracker_->issues().Get(a_admin, b_issue->issue_id).status().code(), Code::kNotFound);
  EXPECT_EQ(tracker_->comments().Add(a_admin, p_issue->issue_id, {.content = "x"}).status().code(),
            Code::kNotFound);
  EXPECT_EQ(tracker_->comments().ListByIssue(a_admin, b_issue->issue_id, {}).status().code(),
            Code::kNotFound);
  // B's users in A's "body".
  EXPECT_EQ(tracker_->issues()
                .Create(a_admin, {.title = "x", .assigned_user = b.users[1]})
                .status()
                .code(),
            Code::kValidation);
  EXPECT_EQ(tracker_->teams()
                .Create(a_admin, {.team_name = "t", .team_lead = b.users[0]})
                .status()
                .code(),
            Code::kValidation);
  auto a_issue = tracker_->issues().Create(a_admin, {.title = a.id.str() + ":mine"});
  ASSERT_TRUE(a_issue.ok());
  EXPECT_EQ(tracker_->comments()
                .Add(a_admin, a_issue->issue_id, {.content = "x", .mentions = {p.users[2]}})
                .status()
                .code(),
            Code::kValidation);
  EXPECT_EQ(tracker_->teams().AddMember(a_admin, a.teams[0], b.users[2]).status().code(),
            Code::kValidation);
  // Signing in to B with A's identity fails; the role always comes from storage.
  EXPECT_EQ(tracker_->auth().SignIn({a.users[0], b.id}).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(tracker_->auth().SignIn({a.users[0], p.id}).status().code(), Code::kUnauthenticated);
}

TEST_F(IsolationTest, PlatinumDataNeverLandsInPooledTables) {
  Known& p = companies_[2 * CompaniesPerTier()];
  TenantContext p_admin = SignIn(p, p.users[0]);
  auto issue = tracker_->issues().Create(
      p_admin, {.title = p.id.str() + ":silo", .assigned_team = p.teams[0]});
  ASSERT_TRUE(issue.ok());
  ASSERT_TRUE(
      tracker_->comments().Add(p_admin, issue->issue_id, {.content = p.id.str() + ": c"}).ok());
  // Use P's id against the pooled tables, as if it were a pooled company.
  tenancy::CompanyScope as_pooled = testing::ScopeTestPeer::Make(p.id, Tier::kPremium);
  for (auto entity : {tenancy::Entity::kIssue, tenancy::Entity::kTeam, tenancy::Entity::kComment,
                      tenancy::Entity::kUser}) {
    int found = 0;
    ASSERT_TRUE(tenancy::ForEachItem(*backend_, layout_.PooledCompanyItems(as_pooled, entity),
                                     [&](const dynamo::Item&) {
                                       ++found;
                                       return Status::Ok();
                                     })
                    .ok());
    EXPECT_EQ(found, 0) << tenancy::EntityTableStem(entity);
  }
  dynamo::GetItemRequest get{layout_.PooledTableName(tenancy::Entity::kIssue).str(),
                             layout_.IssueKey(as_pooled, issue->issue_id, issue->created_date),
                             true};
  EXPECT_FALSE(backend_->GetItem(get)->item.has_value());
  // Only the login directory stubs (key, company_id, email) are in the pooled Users table.
  dynamo::GetItemRequest stub{layout_.PooledTableName(tenancy::Entity::kUser).str(),
                              layout_.DirectoryStubKey(p_admin.scope(), p.users[0]), true};
  auto found = backend_->GetItem(stub);
  ASSERT_TRUE(found.ok() && found->item.has_value());
  EXPECT_EQ(found->item->size(), 3u);
  // A pooled company asking for P's data by id gets nothing.
  Known& a = companies_[0];
  EXPECT_EQ(tracker_->issues().Get(SignIn(a, a.users[0]), issue->issue_id).status().code(),
            a.issues.contains(issue->issue_id.str()) ? Code::kOk : Code::kNotFound);
}

TEST_F(IsolationTest, StolenAndForgedPageTokens) {
  Known& a = companies_[0];
  Known& b = companies_[1];
  for (Known* c : {&a, &b}) {
    TenantContext admin = SignIn(*c, c->users[0]);
    for (int i = 0; i < 6; ++i) {
      auto issue =
          tracker_->issues().Create(admin, {.title = c->id.str() + ":" + std::to_string(i)});
      ASSERT_TRUE(issue.ok());
      c->issues.insert(issue->issue_id.str());
    }
  }
  TenantContext a_user = SignIn(a, a.users[1]);
  TenantContext b_user = SignIn(b, b.users[1]);
  auto b_page = tracker_->issues().List(b_user, IssueQuery::All(), {2, ""});
  ASSERT_TRUE(b_page.ok() && b_page->next_token);
  // B's token replayed by A.
  auto stolen = tracker_->issues().List(a_user, IssueQuery::All(), {2, *b_page->next_token});
  EXPECT_EQ(stolen.status().code(), Code::kValidation);
  // A token forged from A's own query but starting inside B's partition.
  tenancy::QueryPlan plan = layout_.IssuesByCompany(a_user.scope(), AllStatusNames());
  dynamo::Item b_key{{"company_issue_id", dynamo::AttributeValue::S(b.id.str() + "#ISSUE#ISS-001")},
                     {"company_id", dynamo::AttributeValue::S(b.id.str())},
                     {"status", dynamo::AttributeValue::S("Open")}};
  std::string forged = layout_.EncodePageToken(a_user.scope(), plan, {0, b_key});
  EXPECT_EQ(tracker_->issues().List(a_user, IssueQuery::All(), {2, forged}).status().code(),
            Code::kValidation);
  // Tampered bytes.
  std::string own = tracker_->issues().List(a_user, IssueQuery::All(), {2, ""})->next_token.value();
  own[own.size() / 2] = own[own.size() / 2] == 'A' ? 'B' : 'A';
  auto tampered = tracker_->issues().List(a_user, IssueQuery::All(), {2, own});
  if (tampered.ok()) {
    ExpectOwnPage(a, tampered);  // a harmless token for A's own partition, at most
  } else {
    EXPECT_EQ(tampered.status().code(), Code::kValidation);
  }
}

TEST_F(IsolationTest, OffboardingRemovesOnlyThatCompany) {
  Known& a = companies_[0];
  Known& b = companies_[1];
  Known& p = companies_[2 * CompaniesPerTier()];
  for (Known* c : {&a, &b, &p}) {
    TenantContext admin = SignIn(*c, c->users[0]);
    auto issue = tracker_->issues().Create(admin, {.title = c->id.str() + ":x"});
    ASSERT_TRUE(issue.ok());
    c->issues.insert(issue->issue_id.str());
    ASSERT_TRUE(
        tracker_->comments().Add(admin, issue->issue_id, {.content = c->id.str() + ":y"}).ok());
  }
  ASSERT_TRUE(tracker_->companies().Offboard(admin_, a.id).ok());
  ASSERT_TRUE(tracker_->companies().Offboard(admin_, p.id).ok());
  EXPECT_EQ(tracker_->auth().SignIn({a.users[0], a.id}).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(tracker_->auth().SignIn({p.users[0], p.id}).status().code(), Code::kUnauthenticated);
  EXPECT_FALSE(backend_->DescribeTable({"IssueTracker-Issues-" + p.id.str()}).ok());
  for (auto entity : {tenancy::Entity::kIssue, tenancy::Entity::kComment, tenancy::Entity::kUser,
                      tenancy::Entity::kTeam}) {
    int left = 0;
    ASSERT_TRUE(tenancy::ForEachItem(
                    *backend_,
                    layout_.PooledCompanyItems(testing::ScopeTestPeer::Make(a.id, a.tier), entity),
                    [&](const dynamo::Item&) {
                      ++left;
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(left, 0);
  }
  auto consultant = tracker_->auth().CompaniesOf(Email("consultant@shared.example.com"));
  ASSERT_TRUE(consultant.ok());
  EXPECT_EQ(consultant->size(), companies_.size() - 2);
  // B is untouched.
  TenantContext b_admin = SignIn(b, b.users[0]);
  auto page = tracker_->issues().List(b_admin, IssueQuery::All(), {});
  ExpectOwnPage(b, page);
  EXPECT_EQ(page->items.size(), b.issues.size());
}

}  // namespace
}  // namespace issuetracker::tracker
