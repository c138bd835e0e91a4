// The repositories end to end on the embedded engine, for a pooled and a silo company.
#include "tracker/tracker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tests/backend_factory.h"
#include "tracker/permissions.h"
#include "tracker/tracker_test_util.h"
#include "tracker/workflow.h"

namespace issuetracker::tracker {
namespace {

using tenancy::AdminAccess;
using tenancy::TenantContext;

class TrackerTest : public ::testing::TestWithParam<Tier> {
 protected:
  void SetUp() override {
    backend_ = testing::MakeTestBackend(dir_.path());
    tenancy::SchemaCatalog catalog(layout_);
    ASSERT_TRUE(tenancy::Provisioner(*backend_, catalog).ProvisionAll().ok());
    tracker_ = std::make_unique<Tracker>(*backend_, layout_);
    ASSERT_OK(
        tracker_->companies().Create(admin_, NewCompany{.company_id = company_,
                                                        .company_name = "Acme",
                                                        .tier = GetParam(),
                                                        .contact_email = Email("root@acme.com"),
                                                        .max_users = 8}));
    auto admin_ctx = admin_.ContextFor(*backend_, layout_, company_);
    ASSERT_OK(admin_ctx);
    admin_ctx_ = std::make_unique<TenantContext>(std::move(admin_ctx).value());
    AddUser("root@acme.com", Role::kRootUser);
    AddUser("super@acme.com", Role::kSuperAdmin);
    AddUser("admin@acme.com", Role::kAdmin);
    AddUser("alice@acme.com", Role::kUser);
    AddUser("bob@acme.com", Role::kUser);
  }

  void AddUser(std::string_view email, Role role) {
    auto u =
        tracker_->users().Create(*admin_ctx_, {Email(email), "Name " + std::string(email), role});
    ASSERT_TRUE(u.ok()) << u.status().ToString();
  }

  TenantContext As(std::string_view email) {
    auto ctx = tracker_->auth().SignIn({Email(email), company_});
    EXPECT_TRUE(ctx.ok()) << ctx.status().ToString();
    return std::move(ctx).value();
  }

  Team MakeTeam(const TenantContext& ctx, std::vector<UserEmail> members = {}) {
    auto t = tracker_->teams().Create(ctx, NewTeam{.team_name = "Backend",
                                                   .team_lead = Email("admin@acme.com"),
                                                   .members = std::move(members)});
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return std::move(t).value();
  }

  int64_t OpenIssuesOf(const TenantContext& ctx, const TeamId& team) {
    int64_t open = 0;
    PageRequest page{kMaxPageSize, ""};
    while (true) {
      auto p = tracker_->issues().List(ctx, IssueQuery::OfTeam(team), page);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
      for (const Issue& i : p->items) open += CountsAsOpen(i.status) ? 1 : 0;
      if (!p->next_token) return open;
      page.token = *p->next_token;
    }
  }

  int64_t WorkloadOf(const TenantContext& ctx, const TeamId& team) {
    return tracker_->teams().Get(ctx, team).value().current_workload;
  }

  testing::TempDir dir_;
  std::unique_ptr<dynamo::Backend> backend_;
  tenancy::Layout layout_{tenancy::SchemaConfig{}};
  std::unique_ptr<Tracker> tracker_;
  AdminAccess admin_ = AdminAccess::Grant("tracker_test");
  CompanyId company_ = Cid("ACME");
  std::unique_ptr<TenantContext> admin_ctx_;
};

INSTANTIATE_TEST_SUITE_P(Tiers, TrackerTest,
                         ::testing::Values(Tier::kBasic, Tier::kPremium, Tier::kPlatinum),
                         [](const auto& info) {
                           return std::string(tenancy::TierName(info.param));
                         });

TEST_P(TrackerTest, AdministrativeContextActsAsRootInTheStoredTier) {
  EXPECT_TRUE(admin_ctx_->administrative());
  EXPECT_EQ(admin_ctx_->role(), Role::kRootUser);
  EXPECT_EQ(admin_ctx_->tier(), GetParam());
  EXPECT_EQ(admin_ctx_->company_id(), company_);
  EXPECT_EQ(admin_ctx_->scope().incarnation().size(), 32u);
  for (Action a : {Action::kDeleteIssue, Action::kManageCompany, Action::kManageUsers}) {
    EXPECT_TRUE(Check(*admin_ctx_, a).ok());
  }
  EXPECT_TRUE(CheckManageRole(*admin_ctx_, Role::kRootUser).ok());
  EXPECT_CODE(admin_.ContextFor(*backend_, layout_, Cid("NOPE")), kNotFound);
}

TEST_P(TrackerTest, IssueIdsAreSequentialPerCompany) {
  TenantContext alice = As("alice@acme.com");
  for (int i = 1; i <= 3; ++i) {
    auto issue = tracker_->issues().Create(alice, {.title = "Issue " + std::to_string(i)});
    ASSERT_OK(issue);
    EXPECT_EQ(issue->issue_id.str(), IssueId::FromSequence(i).str());
    EXPECT_EQ(issue->reporter, Email("alice@acme.com"));
    EXPECT_EQ(issue->status, IssueStatus::kOpen);
    EXPECT_EQ(issue->version, 1);
  }
  // Filed on behalf of a user who is also the assignee (one check per item in the
  // transaction), and on behalf of someone who is not a user here.
  auto on_behalf = tracker_->issues().Create(*admin_ctx_, {.title = "Filed for Alice",
                                                           .assigned_user = Email("alice@acme.com"),
                                                           .reporter = Email("alice@acme.com")});
  ASSERT_OK(on_behalf);
  EXPECT_EQ(on_behalf->reporter, Email("alice@acme.com"));
  EXPECT_CODE(
      tracker_->issues().Create(*admin_ctx_, {.title = "x", .reporter = Email("eve@evil.com")}),
      kValidation);
  EXPECT_CODE(tracker_->issues().Create(alice, {.title = "x", .reporter = Email("bob@acme.com")}),
              kForbidden);
  // Another company starts at ISS-001 too.
  ASSERT_OK(tracker_->companies().Create(
      admin_, {Cid("OTHER"), "Other", Tier::kBasic, Email("o@other.com")}));
  auto other = admin_.ContextFor(*backend_, layout_, Cid("OTHER"));
  ASSERT_OK(other);
  auto first = tracker_->issues().Create(*other, {.title = "Theirs"});
  ASSERT_OK(first);
  EXPECT_EQ(first->issue_id.str(), "ISS-001");
}

TEST_P(TrackerTest, ConcurrentCreatesGetDistinctGaplessIds) {
  constexpr int kThreads = 6;
  // Fewer rounds against moto (these two racing tests took 70 s of its run); the threads
  // and their races are the same.
  const int per_thread = testing::RoundsFor(25, 10);
  TenantContext alice = As("alice@acme.com");
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<uint64_t> ids;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        auto issue = tracker_->issues().Create(alice, {.title = "Concurrent"});
        if (!issue.ok()) {
          ++failures;
          continue;
        }
        std::lock_guard<std::mutex> lock(mu);
        ids.push_back(issue->issue_id.sequence());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<uint64_t> unique(ids.begin(), ids.end());
  ASSERT_EQ(unique.size(), ids.size()) << "an id was handed out twice";
  EXPECT_EQ(*unique.begin(), 1u);
  EXPECT_EQ(*unique.rbegin(), static_cast<uint64_t>(kThreads * per_thread));
  auto company = tracker_->companies().Get(alice);
  ASSERT_OK(company);
  EXPECT_EQ(company->issue_counter, static_cast<uint64_t>(kThreads * per_thread));
}

TEST_P(TrackerTest, WorkflowAndPermissions) {
  TenantContext alice = As("alice@acme.com");
  TenantContext bob = As("bob@acme.com");
  TenantContext admin = As("admin@acme.com");
  auto issue = tracker_->issues().Create(alice, {.title = "Crash on save"});
  ASSERT_OK(issue);
  IssueId id = issue->issue_id;
  // Skipping a step is rejected.
  EXPECT_CODE(tracker_->issues().Transition(alice, id, 1, IssueStatus::kClosed), kConflict);
  EXPECT_CODE(tracker_->issues().Transition(alice, id, 1, IssueStatus::kInReview), kConflict);
  // Bob neither reported nor is assigned.
  EXPECT_CODE(tracker_->issues().Transition(bob, id, 1, IssueStatus::kInProgress), kForbidden);
  auto moved = tracker_->issues().Transition(alice, id, 1, IssueStatus::kInProgress);
  ASSERT_OK(moved);
  EXPECT_EQ(moved->version, 2);
  ASSERT_OK(tracker_->issues().Transition(alice, id, 2, IssueStatus::kInReview));
  // Closing needs Admin.
  auto denied = tracker_->issues().Transition(alice, id, 3, IssueStatus::kClosed);
  EXPECT_CODE(denied, kForbidden);
  EXPECT_NE(denied.status().message().find("requires Admin"), std::string::npos);
  auto closed = tracker_->issues().Transition(admin, id, 3, IssueStatus::kClosed);
  ASSERT_OK(closed);
  EXPECT_EQ(closed->status, IssueStatus::kClosed);
  EXPECT_CODE(tracker_->issues().Transition(admin, id, 4, IssueStatus::kInProgress), kConflict);
  auto reopened = tracker_->issues().Transition(admin, id, 4, IssueStatus::kOpen);
  ASSERT_OK(reopened);
  EXPECT_EQ(reopened->status, IssueStatus::kOpen);
  // Assignment: a User takes an issue for themselves or releases their own, nothing else.
  ASSERT_OK(tracker_->issues().Assign(admin, id, 5, {Email("alice@acme.com"), std::nullopt}));
  EXPECT_CODE(tracker_->issues().Assign(bob, id, 6, {std::nullopt, std::nullopt}), kForbidden);
  EXPECT_CODE(
      tracker_->issues().Assign(bob, id, 6, {Email("alice@acme.com"), TeamId::FromSequence(1)}),
      kForbidden);
  auto taken = tracker_->issues().Assign(bob, id, 6, {Email("bob@acme.com"), std::nullopt});
  ASSERT_OK(taken);
  EXPECT_CODE(tracker_->issues().Assign(alice, id, 7, {Email("admin@acme.com"), std::nullopt}),
              kForbidden);
  auto released = tracker_->issues().Assign(bob, id, 7, {std::nullopt, std::nullopt});
  ASSERT_OK(released);
  EXPECT_FALSE(released->assigned_user.has_value());
  // Deleting needs Super Admin.
  EXPECT_CODE(tracker_->issues().Delete(admin, id, 8), kForbidden);
  ASSERT_TRUE(tracker_->issues().Delete(As("super@acme.com"), id, 8).ok());
  EXPECT_CODE(tracker_->issues().Get(alice, id), kNotFound);
}

TEST_P(TrackerTest, OptimisticConcurrency) {
  TenantContext alice = As("alice@acme.com");
  auto issue = tracker_->issues().Create(alice, {.title = "Typo"});
  ASSERT_OK(issue);
  IssueChanges first;
  first.title = "Typo on the home page";
  auto edited = tracker_->issues().Edit(alice, issue->issue_id, 1, first);
  ASSERT_OK(edited);
  EXPECT_EQ(edited->version, 2);
  EXPECT_GE(edited->updated_date, issue->updated_date);
  IssueChanges stale;
  stale.priority = Priority::kCritical;
  auto conflict = tracker_->issues().Edit(alice, issue->issue_id, 1, stale);
  EXPECT_CODE(conflict, kConflict);
  EXPECT_EQ(tracker_->issues().Get(alice, issue->issue_id)->priority, Priority::kMedium);
  // Concurrent writers with the same version: exactly one wins.
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      IssueChanges c;
      c.story_points = i;
      if (tracker_->issues().Edit(alice, issue->issue_id, 2, c).ok()) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  // Validation.
  IssueChanges bad;
  bad.due_date = std::optional<std::string>("2024-02-30");
  EXPECT_CODE(tracker_->issues().Edit(alice, issue->issue_id, 3, bad), kValidation);
}

TEST_P(TrackerTest, TeamWorkloadEqualsOpenIssues) {
  TenantContext admin = As("admin@acme.com");
  Team backend = MakeTeam(admin, {Email("alice@acme.com")});
  Team frontend = MakeTeam(admin);
  EXPECT_EQ(backend.team_id.str(), "TEAM-001");
  EXPECT_EQ(frontend.team_id.str(), "TEAM-002");
  std::vector<Issue> issues;
  for (int i = 0; i < 5; ++i) {
    auto issue = tracker_->issues().Create(
        admin, {.title = "Work " + std::to_string(i), .assigned_team = backend.team_id});
    ASSERT_OK(issue);
    issues.push_back(*issue);
  }
  EXPECT_EQ(WorkloadOf(admin, backend.team_id), 5);
  // Close one (through the workflow), move one to the other team, delete one.
  Issue& a = issues[0];
  for (IssueStatus s : {IssueStatus::kInProgress, IssueStatus::kInReview, IssueStatus::kClosed}) {
    auto r = tracker_->issues().Transition(admin, a.issue_id, a.version, s);
    ASSERT_OK(r);
    a = *r;
  }
  ASSERT_OK(tracker_->issues().Assign(admin, issues[1].issue_id, 1,
                                      {Email("bob@acme.com"), frontend.team_id}));
  ASSERT_TRUE(tracker_->issues().Delete(As("super@acme.com"), issues[2].issue_id, 1).ok());
  EXPECT_EQ(WorkloadOf(admin, backend.team_id), 2);
  EXPECT_EQ(WorkloadOf(admin, frontend.team_id), 1);
  EXPECT_EQ(OpenIssuesOf(admin, backend.team_id), 2);
  // Reopening counts again; reassigning a closed issue does not.
  ASSERT_OK(tracker_->issues().Transition(admin, a.issue_id, a.version, IssueStatus::kOpen));
  EXPECT_EQ(WorkloadOf(admin, backend.team_id), 3);
  // A team with open issues cannot be deactivated or deleted.
  EXPECT_CODE(tracker_->teams().SetStatus(admin, frontend.team_id, TeamStatus::kInactive),
              kConflict);
  EXPECT_CODE(tracker_->teams().Delete(admin, frontend.team_id), kConflict);
  // Unknown team.
  EXPECT_CODE(
      tracker_->issues().Create(admin, {.title = "x", .assigned_team = TeamId::FromSequence(99)}),
      kValidation);
}

TEST_P(TrackerTest, WorkloadStaysExactUnderConcurrentChanges) {
  TenantContext admin = As("admin@acme.com");
  Team t1 = MakeTeam(admin);
  Team t2 = MakeTeam(admin);
  std::vector<IssueId> ids;
  for (int i = 0; i < 12; ++i) {
    auto issue = tracker_->issues().Create(
        admin, {.title = "w", .assigned_team = i % 2 ? t1.team_id : t2.team_id});
    ASSERT_OK(issue);
    ids.push_back(issue->issue_id);
  }
  std::vector<std::thread> threads;
  const int ops = testing::RoundsFor(60, 25);  // as above
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::minstd_rand rng(t + 1);
      for (int op = 0; op < ops; ++op) {
        const IssueId& id = ids[rng() % ids.size()];
        auto current = tracker_->issues().Get(admin, id);
        if (!current.ok()) continue;
        if (rng() % 3 == 0) {
          TeamId team = rng() % 2 ? t1.team_id : t2.team_id;
          (void)tracker_->issues().Assign(admin, id, current->version, {std::nullopt, team});
        } else {
          auto next = NextStatuses(current->status);
          (void)tracker_->issues().Transition(admin, id, current->version,
                                              next[rng() % next.size()]);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(WorkloadOf(admin, t1.team_id), OpenIssuesOf(admin, t1.team_id));
  EXPECT_EQ(WorkloadOf(admin, t2.team_id), OpenIssuesOf(admin, t2.team_id));
}

TEST_P(TrackerTest, UsersRolesAndQuota) {
  TenantContext admin = As("admin@acme.com");
  TenantContext super = As("super@acme.com");
  TenantContext alice = As("alice@acme.com");
  // Admins manage Users only; Super Admins also Admins; Users nobody.
  EXPECT_CODE(tracker_->users().Create(admin, {Email("x@acme.com"), "X", Role::kAdmin}),
              kForbidden);
  EXPECT_CODE(tracker_->users().Create(alice, {Email("x@acme.com"), "X", Role::kUser}), kForbidden);
  ASSERT_OK(tracker_->users().Create(super, {Email("x@acme.com"), "X", Role::kAdmin}));
  EXPECT_CODE(tracker_->users().Create(super, {Email("x@acme.com"), "X", Role::kUser}), kConflict);
  ASSERT_OK(tracker_->users().Create(admin, {Email("y@acme.com"), "Y", Role::kUser}));
  // max_users is 8 and there are 7 now.
  ASSERT_OK(tracker_->users().Create(admin, {Email("z@acme.com"), "Z", Role::kUser}));
  auto full = tracker_->users().Create(admin, {Email("w@acme.com"), "W", Role::kUser});
  EXPECT_CODE(full, kQuotaExceeded);
  EXPECT_EQ(tracker_->companies().Get(admin)->current_users, 8);
  ASSERT_TRUE(tracker_->users().Delete(admin, Email("z@acme.com")).ok());
  EXPECT_EQ(tracker_->companies().Get(admin)->current_users, 7);
  ASSERT_OK(tracker_->users().Create(admin, {Email("w@acme.com"), "W", Role::kUser}));
  // Role changes follow the same rule; nobody changes their own role.
  EXPECT_CODE(tracker_->users().ChangeRole(admin, Email("alice@acme.com"), Role::kAdmin),
              kForbidden);
  EXPECT_CODE(tracker_->users().ChangeRole(super, Email("super@acme.com"), Role::kRootUser),
              kForbidden);
  auto promoted = tracker_->users().ChangeRole(super, Email("alice@acme.com"), Role::kAdmin);
  ASSERT_OK(promoted);
  EXPECT_EQ(promoted->role, Role::kAdmin);
  EXPECT_EQ(As("alice@acme.com").role(), Role::kAdmin);
  // Listing by role and by company are index queries.
  auto admins = tracker_->users().ListByRole(admin, Role::kAdmin, {});
  ASSERT_OK(admins);
  EXPECT_EQ(admins->items.size(), 3u);  // admin, x, alice
  auto everyone = tracker_->users().ListByCompany(admin, {});
  ASSERT_OK(everyone);
  EXPECT_EQ(everyone->items.size(), 8u);
  EXPECT_TRUE(everyone->items.front().last_login_date.has_value());  // most recent first
}

TEST_P(TrackerTest, SignInAndLoginDirectory) {
  // The same address in two companies.
  ASSERT_OK(tracker_->companies().Create(
      admin_, {Cid("OTHER"), "Other", Tier::kPlatinum, Email("o@other.com")}));
  auto other = admin_.ContextFor(*backend_, layout_, Cid("OTHER"));
  ASSERT_OK(other);
  ASSERT_OK(tracker_->users().Create(*other, {Email("alice@acme.com"), "Alice", Role::kUser}));
  auto companies = tracker_->auth().CompaniesOf(Email("Alice@ACME.com"));
  ASSERT_OK(companies);
  EXPECT_EQ(*companies, (std::vector<CompanyId>{company_, Cid("OTHER")}));
  EXPECT_TRUE(tracker_->auth().CompaniesOf(Email("nobody@acme.com"))->empty());

  TenantContext alice = As("alice@acme.com");
  EXPECT_EQ(alice.role(), Role::kUser);
  EXPECT_FALSE(alice.administrative());
  EXPECT_TRUE(tracker_->users().Get(alice, Email("alice@acme.com"))->last_login_date.has_value());
  EXPECT_CODE(tracker_->auth().SignIn({Email("nobody@acme.com"), company_}), kUnauthenticated);
  EXPECT_CODE(tracker_->auth().SignIn({Email("alice@acme.com"), Cid("NOPE")}), kUnauthenticated);
  ASSERT_OK(tracker_->users().SetStatus(As("admin@acme.com"), Email("bob@acme.com"),
                                        UserStatus::kDisabled));
  EXPECT_CODE(tracker_->auth().SignIn({Email("bob@acme.com"), company_}), kUnauthenticated);
  // A disabled user cannot be assigned.
  EXPECT_CODE(tracker_->issues().Create(As("admin@acme.com"),
                                        {.title = "x", .assigned_user = Email("bob@acme.com")}),
              kValidation);
}

TEST_P(TrackerTest, CommentsMentionsAndInternalVisibility) {
  TenantContext alice = As("alice@acme.com");
  TenantContext admin = As("admin@acme.com");
  auto issue = tracker_->issues().Create(alice, {.title = "Dark mode"});
  ASSERT_OK(issue);
  IssueId id = issue->issue_id;
  auto c1 = tracker_->comments().Add(alice, id,
                                     {.content = "Mockups ready",
                                      .mentions = {Email("bob@acme.com")},
                                      .attachments = {"mockup.png"}});
  ASSERT_OK(c1);
  EXPECT_EQ(c1->comment_id.str(), "CMT-001");
  EXPECT_EQ(c1->author_name, "Name alice@acme.com");
  EXPECT_CODE(
      tracker_->comments().Add(alice, id, {.content = "hi", .mentions = {Email("eve@evil.com")}}),
      kValidation);
  EXPECT_CODE(tracker_->comments().Add(alice, id, {.content = "secret", .is_internal = true}),
              kForbidden);
  auto c2 =
      tracker_->comments().Add(admin, id, {.content = "Customer is VIP", .is_internal = true});
  ASSERT_OK(c2);
  auto c3 = tracker_->comments().Add(admin, id, {.content = "Shipping soon"});
  ASSERT_OK(c3);
  EXPECT_CODE(tracker_->comments().Add(alice, IssueId::FromSequence(77), {.content = "x"}),
              kNotFound);

  auto for_admin = tracker_->comments().ListByIssue(admin, id, {});
  ASSERT_OK(for_admin);
  ASSERT_EQ(for_admin->items.size(), 3u);
  EXPECT_EQ(for_admin->items[0].comment_id.str(), "CMT-001");  // date order
  EXPECT_EQ(for_admin->items[2].comment_id.str(), "CMT-003");
  auto for_alice = tracker_->comments().ListByIssue(alice, id, {});
  ASSERT_OK(for_alice);
  ASSERT_EQ(for_alice->items.size(), 2u);
  for (const Comment& c : for_alice->items) EXPECT_FALSE(c.is_internal);
  EXPECT_CODE(tracker_->comments().Get(alice, id, c2->comment_id), kNotFound);
  ASSERT_OK(tracker_->comments().Get(admin, id, c2->comment_id));
  auto by_admin = tracker_->comments().ListByAuthor(alice, Email("admin@acme.com"), {});
  ASSERT_OK(by_admin);
  EXPECT_EQ(by_admin->items.size(), 1u);
  // Bob may not delete Alice's comment; Alice may; an Admin may delete anyone's.
  EXPECT_FALSE(tracker_->comments().Delete(As("bob@acme.com"), id, c1->comment_id).ok());
  EXPECT_TRUE(tracker_->comments().Delete(alice, id, c1->comment_id).ok());
  EXPECT_TRUE(tracker_->comments().Delete(admin, id, c3->comment_id).ok());
}

TEST_P(TrackerTest, PaginationCoversEverythingOnce) {
  TenantContext admin = As("admin@acme.com");
  for (int i = 0; i < 23; ++i) {
    Priority p = i % 3 ? Priority::kHigh : Priority::kLow;
    ASSERT_OK(tracker_->issues().Create(admin, {.title = "p", .priority = p}));
  }
  for (auto query : {IssueQuery::All(), IssueQuery::WithPriority(Priority::kHigh)}) {
    std::set<std::string> seen;
    PageRequest page{5, ""};
    int pages = 0;
    while (true) {
      auto p = tracker_->issues().List(admin, query, page);
      ASSERT_OK(p);
      EXPECT_LE(p->items.size(), 5u);
      for (const Issue& i : p->items) EXPECT_TRUE(seen.insert(i.issue_id.str()).second);
      ++pages;
      if (!p->next_token) break;
      page.token = *p->next_token;
    }
    EXPECT_EQ(seen.size(), query.by == IssueQuery::By::kCompany ? 23u : 15u);
    EXPECT_GE(pages, 3);
  }
  // A token of one query is refused by another.
  auto first = tracker_->issues().List(admin, IssueQuery::All(), {5, ""});
  ASSERT_OK(first);
  EXPECT_CODE(tracker_->issues().List(admin, IssueQuery::WithStatus(IssueStatus::kOpen),
                                      {5, *first->next_token}),
              kValidation);
}

TEST_P(TrackerTest, ApiQuota) {
  TenantContext root = As("root@acme.com");
  ASSERT_OK(tracker_->companies().UpdateLimits(root, 3, std::nullopt));
  EXPECT_CODE(tracker_->companies().UpdateLimits(As("super@acme.com"), 5, std::nullopt),
              kForbidden);
  EXPECT_CODE(tracker_->companies().UpdateLimits(root, std::nullopt, 2), kValidation);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(tracker_->companies().RecordApiCall(root).ok());
  Status over = tracker_->companies().RecordApiCall(root);
  EXPECT_EQ(over.code(), Code::kQuotaExceeded) << over.ToString();
  ASSERT_TRUE(tracker_->companies().ResetApiUsage(admin_, company_).ok());
  EXPECT_TRUE(tracker_->companies().RecordApiCall(root).ok());
  // A suspended company takes no new work.
  ASSERT_OK(tracker_->companies().SetSubscriptionStatus(root, SubscriptionStatus::kSuspended));
  EXPECT_CODE(tracker_->issues().Create(root, {.title = "x"}), kForbidden);
  EXPECT_EQ(tracker_->companies().RecordApiCall(root).code(), Code::kForbidden);
}

TEST_P(TrackerTest, TeamMembership) {
  TenantContext admin = As("admin@acme.com");
  EXPECT_CODE(tracker_->teams().Create(As("alice@acme.com"),
                                       {.team_name = "T", .team_lead = Email("alice@acme.com")}),
              kForbidden);
  EXPECT_CODE(tracker_->teams().Create(admin, {.team_name = "T",
                                               .team_lead = Email("admin@acme.com"),
                                               .members = {Email("stranger@else.com")}}),
              kValidation);
  auto team = tracker_->teams().Create(
      admin, {.team_name = "T", .team_lead = Email("admin@acme.com"), .max_members = 2});
  ASSERT_OK(team);
  ASSERT_OK(tracker_->teams().AddMember(admin, team->team_id, Email("alice@acme.com")));
  EXPECT_CODE(tracker_->teams().AddMember(admin, team->team_id, Email("bob@acme.com")),
              kValidation);  // full
  EXPECT_CODE(tracker_->teams().RemoveMember(admin, team->team_id, Email("admin@acme.com")),
              kValidation);  // the lead
  auto removed = tracker_->teams().RemoveMember(admin, team->team_id, Email("alice@acme.com"));
  ASSERT_OK(removed);
  EXPECT_EQ(removed->members, (std::vector<UserEmail>{Email("admin@acme.com")}));
  auto led = tracker_->teams().ListByLead(admin, Email("admin@acme.com"), {});
  ASSERT_OK(led);
  EXPECT_EQ(led->items.size(), 1u);
  auto all = tracker_->teams().ListByCompany(admin, {});
  ASSERT_OK(all);
  EXPECT_EQ(all->items.size(), 1u);
  ASSERT_OK(tracker_->teams().SetStatus(admin, team->team_id, TeamStatus::kInactive));
  EXPECT_CODE(tracker_->issues().Create(admin, {.title = "x", .assigned_team = team->team_id}),
              kValidation);
  EXPECT_TRUE(tracker_->teams().Delete(admin, team->team_id).ok());
}

}  // namespace
}  // namespace issuetracker::tracker
