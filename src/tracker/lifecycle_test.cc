// Regression tests for issue 11: tenant isolation under concurrency and over time. Each
// test reproduces one of the failures the issue lists with real threads, through the
// public tracker API, and checks the state the attack leaves behind with raw reads.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tests/backend_factory.h"
#include "tracker/tracker.h"

namespace issuetracker::tracker {
namespace {

using tenancy::AdminAccess;
using tenancy::TenantContext;

UserEmail Email(std::string_view e) { return UserEmail::Parse(e).value(); }
CompanyId Cid(std::string_view c) { return CompanyId::Parse(c).value(); }

class LifecycleTest : public ::testing::TestWithParam<Tier> {
 protected:
  void SetUp() override {
    backend_ = testing::MakeTestBackend(dir_.path());
    tenancy::SchemaCatalog catalog(layout_);
    ASSERT_TRUE(tenancy::Provisioner(*backend_, catalog).ProvisionAll().ok());
    tracker_ = std::make_unique<Tracker>(*backend_, layout_);
  }

  // Registers `id` with a Root User, an Admin and a User, and returns the Root User's
  // context.
  TenantContext Register(const CompanyId& id, Tier tier) {
    auto created = tracker_->companies().Create(
        admin_, {id, "Company " + id.str(), tier, Email("root@x.com")});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    auto admin_ctx = admin_.ContextFor(*backend_, layout_, id);
    EXPECT_TRUE(admin_ctx.ok()) << admin_ctx.status().ToString();
    for (auto [email, role] :
         {std::pair{"root@x.com", Role::kRootUser}, std::pair{"admin@x.com", Role::kAdmin},
          std::pair{"user@x.com", Role::kUser}}) {
      auto u = tracker_->users().Create(*admin_ctx, {Email(email), email, role});
      EXPECT_TRUE(u.ok()) << u.status().ToString();
    }
    return SignIn(id, "root@x.com");
  }

  TenantContext SignIn(const CompanyId& id, std::string_view email) {
    auto ctx = tracker_->auth().SignIn({Email(email), id});
    EXPECT_TRUE(ctx.ok()) << ctx.status().ToString();
    return std::move(ctx).value();
  }

  // Items of `company` in `table` (a Scan: it finds items whatever attributes they have).
  int CountItemsOf(const std::string& table, const CompanyId& company) {
    dynamo::ScanRequest scan;
    scan.table_name = table;
    scan.filter_expression = "#c = :c";
    scan.expression_attribute_names["#c"] = "company_id";
    scan.expression_attribute_values[":c"] = dynamo::AttributeValue::S(company.str());
    scan.consistent_read = true;
    int count = 0;
    while (true) {
      auto page = backend_->Scan(scan);
      if (!page.ok()) {
        EXPECT_TRUE(page.status().Is(Code::kResourceNotFound)) << page.status().ToString();
        return count;
      }
      count += static_cast<int>(page->items.size());
      if (!page->last_evaluated_key) return count;
      scan.exclusive_start_key = page->last_evaluated_key;
    }
  }

  // Everything of `company` left anywhere except its CompanyManagement record: pooled items
  // (directory stubs included), stack mappings, silo tables.
  int LeftoversOf(const CompanyId& company) {
    int left = 0;
    for (const char* stem : {"Issues", "Teams", "Comments", "Users"}) {
      left += CountItemsOf(std::string("IssueTracker-") + stem + "-Pooled", company);
      if (backend_->DescribeTable({std::string("IssueTracker-") + stem + "-" + company.str()}).ok())
        ++left;
    }
    left += CountItemsOf("IssueTracker-CompanyStackMapping", company);
    return left;
  }

  testing::TempDir dir_;
  std::unique_ptr<dynamo::Backend> backend_;
  tenancy::Layout layout_{tenancy::SchemaConfig{}};
  std::unique_ptr<Tracker> tracker_;
  AdminAccess admin_ = AdminAccess::Grant("lifecycle_test");
};

INSTANTIATE_TEST_SUITE_P(Tiers, LifecycleTest,
                         ::testing::Values(Tier::kBasic, Tier::kPremium, Tier::kPlatinum),
                         [](const auto& info) {
                           return std::string(tenancy::TierName(info.param));
                         });

// Clients that keep signing in, filing issues, commenting and adding users while the
// company is offboarded. Returns when `stop` is set.
void Hammer(Tracker& tracker, const AdminAccess& admin, dynamo::Backend& backend,
            const tenancy::Layout& layout, const CompanyId& id, int client, std::atomic<bool>& stop,
            std::atomic<int>& writes) {
  int n = 0;
  while (!stop.load()) {
    ++n;
    auto ctx = tracker.auth().SignIn({Email("admin@x.com"), id});
    if (ctx.ok()) {
      auto issue = tracker.issues().Create(*ctx, {.title = "racing"});
      if (issue.ok()) {
        ++writes;
        if (tracker.comments().Add(*ctx, issue->issue_id, {.content = "racing"}).ok()) ++writes;
      }
      std::string email = "u" + std::to_string(client) + "-" + std::to_string(n) + "@x.com";
      if (tracker.users().Create(*ctx, {Email(email), "racer", Role::kUser}).ok()) ++writes;
    }
    // A Root User created by an administrative tool mid-offboarding.
    auto root = admin.ContextFor(backend, layout, id);
    if (root.ok()) {
      std::string email = "root" + std::to_string(client) + "-" + std::to_string(n) + "@x.com";
      if (tracker.users().Create(*root, {Email(email), "late root", Role::kRootUser}).ok()) {
        ++writes;
      }
    }
  }
}

TEST_P(LifecycleTest, OffboardingUnderConcurrentWritesLeavesNothingBehind) {
  const CompanyId id = Cid("RACY");
  Register(id, GetParam());
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back(
        [&, c] { Hammer(*tracker_, admin_, *backend_, layout_, id, c, stop, writes); });
  }
  while (writes.load() < 30) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Status offboarded = tracker_->companies().Offboard(admin_, id);
  // The clients go on for a while after the offboarding returned.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_TRUE(offboarded.ok()) << offboarded.ToString();
  EXPECT_EQ(LeftoversOf(id), 0) << "items, tables or mappings of the offboarded company remain";
  // Sign-in look-ups never name it.
  for (const char* email : {"admin@x.com", "root@x.com", "user@x.com", "u0-1@x.com"}) {
    auto companies = tracker_->auth().CompaniesOf(Email(email));
    ASSERT_TRUE(companies.ok()) << companies.status().ToString();
    EXPECT_TRUE(companies->empty()) << email;
  }
}

// After offboarding under racing writers, registering the id again never hands the new
// company anything of the old one: no issues, no users (a late Root User), no seats.
TEST_P(LifecycleTest, ReRegisteredIdInheritsNothing) {
  const CompanyId id = Cid("REUSED");
  Register(id, GetParam());
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back(
        [&, c] { Hammer(*tracker_, admin_, *backend_, layout_, id, c, stop, writes); });
  }
  while (writes.load() < 30) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Status offboarded = tracker_->companies().Offboard(admin_, id);
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_TRUE(offboarded.ok()) << offboarded.ToString();
  auto again =
      tracker_->companies().Create(admin_, {id, "New owner", GetParam(), Email("owner@new.com")});
  if (!again.ok()) {
    // Refusing the id (for now) is a correct answer too.
    EXPECT_TRUE(again.status().Is(Code::kConflict)) << again.status().ToString();
    return;
  }
  EXPECT_EQ(again->current_users, 0);
  EXPECT_EQ(LeftoversOf(id), 0);
  auto ctx = admin_.ContextFor(*backend_, layout_, id);
  ASSERT_TRUE(ctx.ok());
  auto users = tracker_->users().ListByCompany(*ctx, {});
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  EXPECT_TRUE(users->items.empty());
  auto issues = tracker_->issues().List(*ctx, IssueQuery::All(), {});
  ASSERT_TRUE(issues.ok()) << issues.status().ToString();
  EXPECT_TRUE(issues->items.empty());
}

// What an old session did after the id was registered again by a new owner: every call
// must fail, and none may return or change the new owner's data.
struct StaleSessionOutcome {
  int successes = 0;
  int leaked_items = 0;
};

StaleSessionOutcome UseStaleSession(Tracker& tracker, const TenantContext& old_ctx,
                                    const IssueId& new_owners_issue) {
  StaleSessionOutcome out;
  auto list = tracker.issues().List(old_ctx, IssueQuery::All(), {});
  if (list.ok()) {
    ++out.successes;
    out.leaked_items += static_cast<int>(list->items.size());
  }
  auto get = tracker.issues().Get(old_ctx, new_owners_issue);
  if (get.ok()) {
    ++out.successes;
    ++out.leaked_items;
  }
  if (tracker.issues().Create(old_ctx, {.title = "from the past"}).ok()) ++out.successes;
  if (tracker.users().Create(old_ctx, {Email("mole@old.com"), "mole", Role::kRootUser}).ok()) {
    ++out.successes;
  }
  if (tracker.comments().Add(old_ctx, new_owners_issue, {.content = "hello"}).ok()) {
    ++out.successes;
  }
  auto users = tracker.users().ListByCompany(old_ctx, {});
  if (users.ok()) {
    ++out.successes;
    out.leaked_items += static_cast<int>(users->items.size());
  }
  return out;
}

TEST_P(LifecycleTest, OldSessionCannotReachTheNewOwner) {
  const CompanyId id = Cid("TAKEN");
  TenantContext old_root = Register(id, Tier::kBasic);
  ASSERT_TRUE(tracker_->issues().Create(old_root, {.title = "old"}).ok());
  // The old session is used from another thread throughout the hand-over.
  std::atomic<bool> stop{false};
  std::atomic<bool> handed_over{false};
  std::atomic<int> after_successes{0};
  std::atomic<int> after_leaks{0};
  std::thread old_client([&] {
    while (!stop.load()) {
      bool after = handed_over.load();
      StaleSessionOutcome o = UseStaleSession(*tracker_, old_root, IssueId::FromSequence(1));
      if (after) {
        after_successes += o.successes;
        after_leaks += o.leaked_items;
      }
    }
  });
  ASSERT_TRUE(tracker_->companies().Offboard(admin_, id).ok());
  // The new owner (of this test's tier) registers the id and files ISS-001.
  Result<Company> again = Status::Conflict("not yet");
  for (int i = 0; i < 200 && !again.ok(); ++i) {
    again = tracker_->companies().Create(admin_, {id, "New owner", GetParam(), Email("o@new.com")});
    if (!again.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto new_admin = admin_.ContextFor(*backend_, layout_, id);
  ASSERT_TRUE(new_admin.ok());
  ASSERT_TRUE(
      tracker_->users().Create(*new_admin, {Email("o@new.com"), "O", Role::kRootUser}).ok());
  auto secret = tracker_->issues().Create(*new_admin, {.title = "new owner's secret"});
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  handed_over = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  old_client.join();
  EXPECT_EQ(after_successes.load(), 0) << "the old session still works for the new owner";
  EXPECT_EQ(after_leaks.load(), 0) << "the old session read the new owner's data";
  // Nothing of the old session landed in the new company.
  auto issues = tracker_->issues().List(*new_admin, IssueQuery::All(), {});
  ASSERT_TRUE(issues.ok());
  EXPECT_EQ(issues->items.size(), 1u);
  auto company = tracker_->companies().Get(*new_admin);
  ASSERT_TRUE(company.ok());
  EXPECT_EQ(company->issue_counter, 1u) << "the old session advanced the new company's counter";
  EXPECT_EQ(company->comment_counter, 0u);
  EXPECT_EQ(company->current_users, 1);
  EXPECT_EQ(CountItemsOf("IssueTracker-Issues-Pooled", id), GetParam() == Tier::kPlatinum ? 0 : 1);
}

// A context keeps the role, status and existence its user had at sign-in only until they
// change: from then on every call fails.
TEST_P(LifecycleTest, RevokedUsersLoseAccess) {
  const CompanyId id = Cid("ROLES");
  TenantContext root = Register(id, GetParam());
  TenantContext admin = SignIn(id, "admin@x.com");
  TenantContext user = SignIn(id, "user@x.com");
  auto issue = tracker_->issues().Create(user, {.title = "assign me"});
  ASSERT_TRUE(issue.ok());
  std::atomic<bool> stop{false};
  std::atomic<int> phase{0};  // 1: admin demoted; 2: user disabled; 3: user deleted
  std::atomic<int> admin_after{0};
  std::atomic<int> user_after{0};
  std::atomic<int> counter{0};
  std::thread admin_client([&] {
    while (!stop.load()) {
      bool after = phase.load() >= 1;
      int n = ++counter;
      int ok = 0;
      ok += tracker_->teams()
                .Create(admin, {.team_name = "t", .team_lead = Email("admin@x.com")})
                .ok();
      ok += tracker_->users()
                .Create(admin, {Email("new" + std::to_string(n) + "@x.com"), "n", Role::kUser})
                .ok();
      auto current = tracker_->issues().Get(admin, issue->issue_id);
      if (current.ok()) {
        ok += tracker_->issues()
                  .Assign(admin, issue->issue_id, current->version,
                          {n % 2 ? std::optional(Email("root@x.com")) : std::nullopt, std::nullopt})
                  .ok();
      }
      if (after) admin_after += ok;
    }
  });
  std::thread user_client([&] {
    while (!stop.load()) {
      bool after = phase.load() >= 2;
      int ok = 0;
      ok += tracker_->issues().Create(user, {.title = "still here"}).ok();
      ok += tracker_->issues().List(user, IssueQuery::All(), {}).ok();
      if (after) user_after += ok;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  ASSERT_TRUE(tracker_->users().ChangeRole(root, Email("admin@x.com"), Role::kUser).ok());
  phase = 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  ASSERT_TRUE(tracker_->users().SetStatus(root, Email("user@x.com"), UserStatus::kDisabled).ok());
  phase = 2;
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  ASSERT_TRUE(tracker_->users().Delete(root, Email("user@x.com")).ok());
  phase = 3;
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  stop = true;
  admin_client.join();
  user_client.join();
  EXPECT_EQ(admin_after.load(), 0) << "a demoted Admin kept managing teams, users or issues";
  EXPECT_EQ(user_after.load(), 0) << "a disabled or deleted user kept filing or listing issues";
}

}  // namespace
}  // namespace issuetracker::tracker
