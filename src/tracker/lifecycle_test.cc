// Regression tests for issue 11: tenant isolation under concurrency and over time. Each
// test reproduces one of the failures the issue lists with real threads, through the
// public tracker API, and checks the state the attack leaves behind with raw reads.
#include "tenancy/lifecycle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tests/backend_factory.h"
#include "tests/forwarding_backend.h"
#include "tracker/tracker.h"
#include "tracker/tracker_test_util.h"

namespace issuetracker::tracker {
namespace {

using tenancy::AdminAccess;
using tenancy::TenantContext;

class LifecycleTest : public ::testing::TestWithParam<std::tuple<std::string, Tier>> {
 protected:
  void SetUp() override {
    std::string unavailable;
    backend_ = testing::MakeBackend(std::get<0>(GetParam()), dir_.path(), &unavailable);
    if (!backend_) GTEST_SKIP() << unavailable;
    tenancy::SchemaCatalog catalog(layout_);
    ASSERT_TRUE(tenancy::Provisioner(*backend_, catalog).ProvisionAll().ok());
    tracker_ = std::make_unique<Tracker>(*backend_, layout_, clock_, options_);
  }

  Tier tier() const { return std::get<1>(GetParam()); }

  // Lets the re-registration quarantine of offboarded ids pass.
  void PassQuarantine() {
    clock_.AdvanceMicros(options_.lifecycle.reregistration_quarantine_micros + 1'000'000);
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

  // Items of `company` anywhere: pooled items and directory stubs, and every item of its
  // silo tables when they exist.
  int ItemsOf(const CompanyId& company) {
    int items = 0;
    for (const char* stem : {"Issues", "Teams", "Comments", "Users"}) {
      items += CountItemsOf(std::string("IssueTracker-") + stem + "-Pooled", company);
      items += CountItemsOf(std::string("IssueTracker-") + stem + "-" + company.str(), company);
    }
    return items;
  }

  testing::TempDir dir_;
  std::unique_ptr<dynamo::Backend> backend_;
  tenancy::Layout layout_{tenancy::SchemaConfig{}};
  ManualClock clock_{SystemClock::Default()->NowMicros()};
  TrackerOptions options_;
  std::unique_ptr<Tracker> tracker_;
  AdminAccess admin_ = AdminAccess::Grant("lifecycle_test");
};

// Threads that run until the object goes (so a failed assertion never leaves one running).
class Clients {
 public:
  ~Clients() { Stop(); }
  void Add(std::function<void(const std::atomic<bool>& stop)> body) {
    threads_.emplace_back([this, body = std::move(body)] { body(stop_); });
  }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

INSTANTIATE_TEST_SUITE_P(BackendsAndTiers, LifecycleTest,
                         ::testing::Combine(::testing::Values(testing::TestBackendKind()),
                                            ::testing::Values(Tier::kBasic, Tier::kPremium,
                                                              Tier::kPlatinum)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  std::string(tenancy::TierName(std::get<1>(info.param)));
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
  Register(id, tier());
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
  Register(id, tier());
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
  // Not at once: the id is in quarantine...
  auto early =
      tracker_->companies().Create(admin_, {id, "New owner", tier(), Email("owner@new.com")});
  EXPECT_EQ(early.status().code(), Code::kConflict) << early.status().ToString();
  EXPECT_EQ(LeftoversOf(id), 0);
  // ...then as a new company with nothing of the old one.
  PassQuarantine();
  auto again =
      tracker_->companies().Create(admin_, {id, "New owner", tier(), Email("owner@new.com")});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->current_users, 0);
  EXPECT_EQ(ItemsOf(id), 0);
  auto ctx = admin_.ContextFor(*backend_, layout_, id);
  ASSERT_TRUE(ctx.ok());
  auto users = tracker_->users().ListByCompany(*ctx, {});
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  EXPECT_TRUE(users->items.empty());
  auto issues = tracker_->issues().List(*ctx, IssueQuery::All(), {});
  ASSERT_TRUE(issues.ok()) << issues.status().ToString();
  EXPECT_TRUE(issues->items.empty());
  // Users the racing clients had created can be created anew (no orphan directory entry
  // makes it a Conflict) and sign in (no stub read as a user).
  for (const char* email : {"admin@x.com", "u0-1@x.com", "root0-1@x.com"}) {
    auto user = tracker_->users().Create(*ctx, {Email(email), "again", Role::kUser});
    ASSERT_TRUE(user.ok()) << email << ": " << user.status().ToString();
    auto signed_in = tracker_->auth().SignIn({Email(email), id});
    ASSERT_TRUE(signed_in.ok()) << email << ": " << signed_in.status().ToString();
    EXPECT_EQ(signed_in->scope(), ctx->scope());
  }
  auto company = tracker_->companies().Get(*ctx);
  ASSERT_TRUE(company.ok());
  EXPECT_EQ(company->current_users, 3);
  EXPECT_EQ(company->issue_counter, 0u);
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
  std::atomic<bool> handed_over{false};
  std::atomic<int> after_successes{0};
  std::atomic<int> after_leaks{0};
  Clients clients;
  clients.Add([&](const std::atomic<bool>& stop) {
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
  PassQuarantine();
  auto again = tracker_->companies().Create(admin_, {id, "New owner", tier(), Email("o@new.com")});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto new_admin = admin_.ContextFor(*backend_, layout_, id);
  ASSERT_TRUE(new_admin.ok());
  ASSERT_TRUE(
      tracker_->users().Create(*new_admin, {Email("o@new.com"), "O", Role::kRootUser}).ok());
  auto secret = tracker_->issues().Create(*new_admin, {.title = "new owner's secret"});
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  handed_over = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  clients.Stop();
  EXPECT_EQ(after_successes.load(), 0) << "the old session still works for the new owner";
  EXPECT_EQ(after_leaks.load(), 0) << "the old session read the new owner's data";
  // It is told why.
  auto list = tracker_->issues().List(old_root, IssueQuery::All(), {});
  EXPECT_TRUE(IsSessionInvalid(list.status())) << list.status().ToString();
  EXPECT_NE(list.status().message().find("offboarded"), std::string::npos);
  // Nothing of the old session landed in the new company.
  auto issues = tracker_->issues().List(*new_admin, IssueQuery::All(), {});
  ASSERT_TRUE(issues.ok());
  EXPECT_EQ(issues->items.size(), 1u);
  auto company = tracker_->companies().Get(*new_admin);
  ASSERT_TRUE(company.ok());
  EXPECT_EQ(company->issue_counter, 1u) << "the old session advanced the new company's counter";
  EXPECT_EQ(company->comment_counter, 0u);
  EXPECT_EQ(company->current_users, 1);
  EXPECT_EQ(CountItemsOf("IssueTracker-Issues-Pooled", id), tier() == Tier::kPlatinum ? 0 : 1);
}

// A context keeps the role, status and existence its user had at sign-in only until they
// change: from then on every call fails, saying why.
TEST_P(LifecycleTest, RevokedUsersLoseAccess) {
  const CompanyId id = Cid("ROLES");
  TenantContext root = Register(id, tier());
  TenantContext admin = SignIn(id, "admin@x.com");
  TenantContext user = SignIn(id, "user@x.com");
  auto issue = tracker_->issues().Create(user, {.title = "assign me"});
  ASSERT_TRUE(issue.ok());
  std::atomic<int> phase{0};  // 1: admin demoted; 2: user disabled; 3: user deleted
  std::atomic<int> admin_after{0};
  std::atomic<int> user_after{0};
  std::atomic<int> unclear{0};  // failures after revocation that do not say why
  std::atomic<int> counter{0};
  auto tally = [&](bool after, const Status& s, std::atomic<int>& successes) {
    if (!after) return;
    if (s.ok()) {
      ++successes;
    } else if (!IsSessionInvalid(s)) {
      ++unclear;
    }
  };
  Clients clients;
  clients.Add([&](const std::atomic<bool>& stop) {
    while (!stop.load()) {
      bool after = phase.load() >= 1;
      int n = ++counter;
      tally(after,
            tracker_->teams()
                .Create(admin, {.team_name = "t", .team_lead = Email("admin@x.com")})
                .status(),
            admin_after);
      tally(after,
            tracker_->users()
                .Create(admin, {Email("new" + std::to_string(n) + "@x.com"), "n", Role::kUser})
                .status(),
            admin_after);
      auto current = tracker_->issues().Get(admin, issue->issue_id);
      tally(after, current.status(), admin_after);
      if (current.ok()) {
        tally(after,
              tracker_->issues()
                  .Assign(admin, issue->issue_id, current->version,
                          {n % 2 ? std::optional(Email("root@x.com")) : std::nullopt, std::nullopt})
                  .status(),
              admin_after);
      }
    }
  });
  clients.Add([&](const std::atomic<bool>& stop) {
    while (!stop.load()) {
      bool after = phase.load() >= 2;
      tally(after, tracker_->issues().Create(user, {.title = "still here"}).status(), user_after);
      tally(after, tracker_->issues().List(user, IssueQuery::All(), {}).status(), user_after);
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
  clients.Stop();
  EXPECT_EQ(admin_after.load(), 0) << "a demoted Admin kept managing teams, users or issues";
  EXPECT_EQ(user_after.load(), 0) << "a disabled or deleted user kept filing or listing issues";
  EXPECT_EQ(unclear.load(), 0) << "a revoked session got an error that does not say why";
  auto demoted =
      tracker_->teams().Create(admin, {.team_name = "t", .team_lead = Email("admin@x.com")});
  EXPECT_NE(demoted.status().message().find("changed from Admin to User"), std::string::npos)
      << demoted.status().ToString();
  auto deleted = tracker_->issues().List(user, IssueQuery::All(), {});
  EXPECT_NE(deleted.status().message().find("no longer exists"), std::string::npos)
      << deleted.status().ToString();
  // Signing in again gives a context with the current role.
  EXPECT_EQ(SignIn(id, "admin@x.com").role(), Role::kUser);
}

// Another process (another Tracker on the same tables) revokes: this process's writes fail
// at once (their transaction checks), its reads within the read re-check interval.
TEST_P(LifecycleTest, RevocationElsewhereIsSeenWithinTheRecheckInterval) {
  const CompanyId id = Cid("ELSEWHERE");
  TenantContext root = Register(id, tier());
  TenantContext user = SignIn(id, "user@x.com");
  ASSERT_TRUE(tracker_->issues().List(user, IssueQuery::All(), {}).ok());  // validated now
  Tracker other(*backend_, layout_, clock_, options_);
  auto other_root = other.auth().SignIn({Email("root@x.com"), id});
  ASSERT_TRUE(other_root.ok());
  ASSERT_TRUE(
      other.users().SetStatus(*other_root, Email("user@x.com"), UserStatus::kDisabled).ok());
  auto write = tracker_->issues().Create(user, {.title = "x"});
  EXPECT_TRUE(IsSessionInvalid(write.status())) << write.status().ToString();
  EXPECT_NE(write.status().message().find("disabled"), std::string::npos);
  // The failed write taught this process; a fresh session's cached read is another matter:
  ASSERT_TRUE(other.users().SetStatus(*other_root, Email("user@x.com"), UserStatus::kActive).ok());
  TenantContext again = SignIn(id, "user@x.com");
  ASSERT_TRUE(
      other.users().SetStatus(*other_root, Email("user@x.com"), UserStatus::kDisabled).ok());
  EXPECT_TRUE(tracker_->issues().List(again, IssueQuery::All(), {}).ok())
      << "within the interval this process still trusts its validation";
  clock_.AdvanceMicros(options_.sessions.read_recheck_interval_micros);
  auto read = tracker_->issues().List(again, IssueQuery::All(), {});
  EXPECT_TRUE(IsSessionInvalid(read.status())) << read.status().ToString();
  // Strict reads re-read storage every time.
  TrackerOptions strict = options_;
  strict.sessions.reads = SessionCheckOptions::Reads::kStrict;
  Tracker strict_tracker(*backend_, layout_, clock_, strict);
  auto root_ctx = strict_tracker.auth().SignIn({Email("root@x.com"), id});
  ASSERT_TRUE(root_ctx.ok());
  ASSERT_TRUE(strict_tracker.issues().List(*root_ctx, IssueQuery::All(), {}).ok());
  ASSERT_TRUE(other.users().ChangeRole(*other_root, Email("admin@x.com"), Role::kSuperAdmin).ok());
  auto admin_ctx = strict_tracker.auth().SignIn({Email("admin@x.com"), id});
  ASSERT_TRUE(admin_ctx.ok());
  ASSERT_TRUE(strict_tracker.issues().List(*admin_ctx, IssueQuery::All(), {}).ok());
  ASSERT_TRUE(other.users().ChangeRole(*other_root, Email("admin@x.com"), Role::kUser).ok());
  auto strict_read = strict_tracker.issues().List(*admin_ctx, IssueQuery::All(), {});
  EXPECT_TRUE(IsSessionInvalid(strict_read.status())) << strict_read.status().ToString();
  (void)root;
}

// Found by the property test: another process offboards a Platinum company while this one
// still trusts its validation of the company but not of the user; re-validating the user
// then meets a dropped silo Users table, which must read as the session's error.
TEST_P(LifecycleTest, ReadsAfterSiloTablesWereDroppedElsewhereSayWhy) {
  const CompanyId id = Cid("DROPPED");
  Register(id, tier());
  Tracker other(*backend_, layout_, clock_, options_);
  auto user = tracker_->auth().SignIn({Email("user@x.com"), id});
  ASSERT_TRUE(user.ok());
  clock_.AdvanceMicros(options_.sessions.read_recheck_interval_micros * 6 / 10);
  ASSERT_TRUE(tracker_->auth().SignIn({Email("admin@x.com"), id}).ok());     // company fresh
  clock_.AdvanceMicros(options_.sessions.read_recheck_interval_micros / 2);  // user stale
  ASSERT_TRUE(other.companies().Offboard(admin_, id).ok());
  auto company = tracker_->companies().Get(*user);
  EXPECT_TRUE(IsSessionInvalid(company.status())) << company.status().ToString();
  auto issues = tracker_->issues().List(*user, IssueQuery::All(), {});
  EXPECT_TRUE(IsSessionInvalid(issues.status())) << issues.status().ToString();
  auto write = tracker_->issues().Create(*user, {.title = "x"});
  EXPECT_TRUE(IsSessionInvalid(write.status())) << write.status().ToString();
}

// A move between Basic and Premium racing with writes: what the old tier's context wrote
// committed before the move; after it, it writes nothing.
TEST_P(LifecycleTest, TierChangeRacingWithWrites) {
  const CompanyId id = Cid("MOVING");
  Register(id, tier());
  TenantContext user = SignIn(id, "user@x.com");
  if (tier() == Tier::kPlatinum) {
    // Only the pooled tiers change in place; the Platinum company and its sessions stay.
    EXPECT_EQ(tracker_->companies().ChangeTier(admin_, id, Tier::kPremium).code(),
              Code::kValidation);
    EXPECT_TRUE(tracker_->issues().Create(user, {.title = "still Platinum"}).ok());
    EXPECT_EQ(SignIn(id, "user@x.com").tier(), Tier::kPlatinum);
    return;
  }
  std::atomic<bool> moved{false};
  std::atomic<int> created{0};
  std::atomic<int> after{0};
  Clients clients;
  for (int c = 0; c < 2; ++c) {
    clients.Add([&](const std::atomic<bool>& stop) {
      while (!stop.load()) {
        bool late = moved.load();
        auto issue = tracker_->issues().Create(user, {.title = "racing the move"});
        if (issue.ok()) {
          ++created;
          if (late) ++after;
        } else if (late) {
          EXPECT_TRUE(IsSessionInvalid(issue.status())) << issue.status().ToString();
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  Tier to = tier() == Tier::kBasic ? Tier::kPremium : Tier::kBasic;
  ASSERT_TRUE(tracker_->companies().ChangeTier(admin_, id, to).ok());
  moved = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  clients.Stop();
  EXPECT_EQ(after.load(), 0) << "the old tier's context wrote after the move";
  TenantContext fresh = SignIn(id, "user@x.com");
  EXPECT_EQ(fresh.tier(), to);
  auto company = tracker_->companies().Get(fresh);
  ASSERT_TRUE(company.ok());
  EXPECT_EQ(company->issue_counter, static_cast<uint64_t>(created.load()));
  EXPECT_EQ(CountItemsOf("IssueTracker-Issues-Pooled", id), created.load());
  EXPECT_EQ(tracker_->companies().ChangeTier(admin_, id, Tier::kPlatinum).code(),
            Code::kValidation);
}

// Sign-in look-ups name active companies only: not one being onboarded (a bulk load), nor an
// offboarded one.
TEST_P(LifecycleTest, SignInLookupsNameActiveCompaniesOnly) {
  const CompanyId live = Cid("LIVE");
  Register(live, tier());
  const CompanyId gone = Cid("GONE");
  Register(gone, tier());
  tenancy::SchemaCatalog catalog(layout_);
  tenancy::CompanyLifecycle lifecycle(*backend_, catalog, clock_);
  const CompanyId loading = Cid("LOADING");
  auto scope = lifecycle.Register(
      admin_, loading, tier(),
      dynamo::Item{
          {"company_tier", dynamo::AttributeValue::S(std::string(tenancy::TierName(tier())))}},
      /*activate=*/false);
  ASSERT_TRUE(scope.ok()) << scope.status().ToString();
  ASSERT_TRUE(tracker_->companies().Offboard(admin_, gone).ok());
  auto companies = tracker_->auth().CompaniesOf(Email("admin@x.com"));
  ASSERT_TRUE(companies.ok());
  EXPECT_EQ(*companies, std::vector<CompanyId>{live});
  EXPECT_EQ(tracker_->auth().SignIn({Email("admin@x.com"), gone}).status().code(),
            Code::kUnauthenticated);
}

// The backend of a second, slow offboarding process: the first write it sends to `table`
// is held until the test releases it (as if that process stalled mid-purge).
class HeldWrite : public testing::ForwardingBackend {
 public:
  HeldWrite(dynamo::Backend* target, std::string table)
      : ForwardingBackend(target, {}), table_(std::move(table)) {}

  Result<dynamo::BatchWriteItemResponse> BatchWriteItem(
      const dynamo::BatchWriteItemRequest& r) override {
    if (r.request_items.contains(table_)) Hold();
    return ForwardingBackend::BatchWriteItem(r);
  }
  Result<dynamo::TransactWriteItemsResponse> TransactWriteItems(
      const dynamo::TransactWriteItemsRequest& r) override {
    for (const dynamo::TransactWriteItem& w : r.transact_items) {
      if ((w.put && w.put->table_name == table_) ||
          (w.delete_item && w.delete_item->table_name == table_) ||
          (w.update && w.update->table_name == table_)) {
        Hold();
        break;
      }
    }
    return ForwardingBackend::TransactWriteItems(r);
  }

  // Whether a write is held (waits up to 10 s for one).
  bool WaitUntilHeld() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [this] { return held_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  void Hold() {
    std::unique_lock lock(mu_);
    if (released_) return;
    held_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
  }

  const std::string table_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  bool released_ = false;
};

// An id offboarded by two processes at once, one of them stalled mid-purge, then registered
// again (on every pair of layouts: Platinum after Basic, Basic or Premium after Platinum, and
// the same layout again) while clients create users and sign in. The stalled purge goes on
// after the new registration: it must delete nothing of it. And a login directory stub of
// the earlier Platinum registration left behind (as a bulk load that failed half-way can
// leave one) must neither name the company in sign-in look-ups nor stop the new registration
// from creating that user (Conflict), nor be read as a user (Corruption).
TEST_P(LifecycleTest, ReRegistrationRacingAnEarlierPurgeUnderConcurrency) {
  const std::string pooled_users = layout_.PooledTableName(tenancy::Entity::kUser).str();
  const Tier new_tier = tier();
  int round = 0;
  for (Tier old_tier : {Tier::kPlatinum, Tier::kBasic}) {
    const CompanyId id = Cid("AGAIN" + std::to_string(++round));
    SCOPED_TRACE(std::string(tenancy::TierName(old_tier)) + " then " +
                 std::string(tenancy::TierName(new_tier)));
    TenantContext old_root = Register(id, old_tier);
    ASSERT_TRUE(tracker_->issues().Create(old_root, {.title = "old"}).ok());
    auto old_admin = admin_.ContextFor(*backend_, layout_, id);
    ASSERT_TRUE(old_admin.ok());
    ASSERT_TRUE(
        tracker_->users().Create(*old_admin, {Email("gone@x.com"), "old only", Role::kUser}).ok());

    // The slow process fences the company and stalls at its first write to the pooled Users
    // table (a stub or user deletion); the fast one offboards it completely meanwhile.
    HeldWrite held(backend_.get(), pooled_users);
    Tracker slow(held, layout_, clock_, options_);
    Status slow_offboarded;
    struct Joined {  // released and joined however the test ends
      HeldWrite& held;
      std::thread thread;
      ~Joined() {
        held.Release();
        if (thread.joinable()) thread.join();
      }
    } slow_thread{held,
                  std::thread([&] { slow_offboarded = slow.companies().Offboard(admin_, id); })};
    ASSERT_TRUE(held.WaitUntilHeld()) << "the slow offboarding never wrote to " << pooled_users;
    Status fast = tracker_->companies().Offboard(admin_, id);
    ASSERT_TRUE(fast.ok()) << fast.ToString();
    if (old_tier == Tier::kPlatinum) {
      // A stub of the old registration that no purge found.
      ASSERT_TRUE(backend_
                      ->PutItem({pooled_users,
                                 layout_.DirectoryStub(old_admin->scope(), Email("left@x.com"))})
                      .ok());
    }

    // The new registration, with users of the same addresses as the old one.
    PassQuarantine();
    TenantContext new_root = Register(id, new_tier);
    ASSERT_TRUE(tracker_->companies().UpdateLimits(new_root, std::nullopt, 1000).ok());
    auto root = admin_.ContextFor(*backend_, layout_, id);
    ASSERT_TRUE(root.ok());
    const std::string incarnation = root->scope().incarnation();
    ASSERT_NE(incarnation, old_root.scope().incarnation());
    std::mutex mu;
    std::set<std::string> created = {"root@x.com", "admin@x.com", "user@x.com"};
    std::vector<std::string> problems;
    auto problem = [&](const std::string& what) {
      std::lock_guard lock(mu);
      if (problems.size() < 20) problems.push_back(what);
    };
    std::atomic<int> sign_ins{0};
    {
      Clients clients;
      for (int c = 0; c < 2; ++c) {
        clients.Add([&, c](const std::atomic<bool>& stop) {  // creates users
          for (int n = 0; !stop.load() && n < 100; ++n) {
            const std::string email = "c" + std::to_string(c) + "-" + std::to_string(n) + "@x.com";
            auto user = tracker_->users().Create(*root, {Email(email), "new", Role::kUser});
            if (!user.ok()) {
              problem("creating " + email + ": " + user.status().ToString());
              continue;
            }
            std::lock_guard lock(mu);
            created.insert(email);
          }
        });
      }
      clients.Add([&](const std::atomic<bool>& stop) {  // signs in, looks companies up
        for (int n = 0; !stop.load(); ++n) {
          const std::string email = n % 3 == 0   ? "root@x.com"
                                    : n % 3 == 1 ? "admin@x.com"
                                                 : "user@x.com";
          auto ctx = tracker_->auth().SignIn({Email(email), id});
          if (!ctx.ok()) {
            problem("signing in " + email + ": " + ctx.status().ToString());
          } else if (ctx->scope().incarnation() != incarnation || ctx->tier() != new_tier) {
            problem("signing in " + email + " gave another registration");
          } else {
            ++sign_ins;
          }
          auto companies = tracker_->auth().CompaniesOf(Email(email));
          if (!companies.ok() || *companies != std::vector<CompanyId>{id}) {
            problem("look-up of " + email + " did not name the new company");
          }
          for (const char* old_only : {"gone@x.com", "left@x.com"}) {
            auto none = tracker_->auth().CompaniesOf(Email(old_only));
            if (!none.ok() || !none->empty()) {
              problem(std::string("look-up of ") + old_only + " named the old company");
            }
          }
        }
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      held.Release();  // the stalled purge goes on, during the new registration's traffic
      slow_thread.thread.join();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(problems.empty()) << problems.size() << " problems, first: " << problems.front();
    EXPECT_GT(sign_ins.load(), 0);
    // The stalled offboarding of the old registration stopped at the fence.
    EXPECT_TRUE(slow_offboarded.ok() || slow_offboarded.Is(Code::kConflict))
        << slow_offboarded.ToString();

    // Every user the new registration created is there, and nothing else.
    std::set<std::string> listed;
    PageRequest page{kMaxPageSize, ""};
    while (true) {
      auto users = tracker_->users().ListByCompany(*root, page);
      ASSERT_TRUE(users.ok()) << users.status().ToString();
      for (const User& u : users->items) listed.insert(u.email.str());
      if (!users->next_token) break;
      page.token = *users->next_token;
    }
    EXPECT_EQ(listed, created);
    auto company = tracker_->companies().Get(*root);
    ASSERT_TRUE(company.ok());
    EXPECT_EQ(company->current_users, static_cast<int64_t>(created.size()));
    auto issues = tracker_->issues().List(*root, IssueQuery::All(), {});
    ASSERT_TRUE(issues.ok());
    EXPECT_TRUE(issues->items.empty()) << "an issue of the old registration is visible";
    for (const std::string& email : {std::string("admin@x.com"), *created.rbegin()}) {
      EXPECT_TRUE(tracker_->auth().SignIn({Email(email), id}).ok()) << email;
      auto companies = tracker_->auth().CompaniesOf(Email(email));
      ASSERT_TRUE(companies.ok());
      EXPECT_EQ(*companies, std::vector<CompanyId>{id}) << email;
    }
    if (new_tier == Tier::kPlatinum) {
      for (const tenancy::TableSpec& spec : tenancy::SchemaCatalog(layout_).SiloTables(id)) {
        EXPECT_TRUE(backend_->DescribeTable({spec.name.str()}).ok()) << spec.name.str();
      }
    }
    // The addresses only the old registration had can be created anew, and then sign in.
    for (const char* email : {"gone@x.com", "left@x.com"}) {
      auto user = tracker_->users().Create(*root, {Email(email), "new", Role::kUser});
      EXPECT_TRUE(user.ok()) << email << ": " << user.status().ToString();
      EXPECT_TRUE(tracker_->auth().SignIn({Email(email), id}).ok()) << email;
    }
    // The next round's company has users of the same addresses: this one goes first.
    ASSERT_TRUE(tracker_->companies().Offboard(admin_, id).ok());
  }
}

// current_users counts the users exactly and never passes max_users, under concurrent
// creations and deletions.
TEST_P(LifecycleTest, SeatCountsStayExactUnderConcurrency) {
  const CompanyId id = Cid("SEATS");
  TenantContext root = Register(id, tier());  // 3 users
  ASSERT_TRUE(tracker_->companies().UpdateLimits(root, std::nullopt, 8).ok());
  Clients clients;
  for (int c = 0; c < 3; ++c) {
    clients.Add([&, c](const std::atomic<bool>& stop) {
      for (int n = 0; !stop.load() && n < 40; ++n) {
        UserEmail email = Email("s" + std::to_string(c) + "-" + std::to_string(n % 4) + "@x.com");
        if (n % 2 == 0) {
          (void)tracker_->users().Create(root, {email, "seat", Role::kUser});
        } else {
          (void)tracker_->users().Delete(root, email);
        }
      }
    });
  }
  clients.Stop();
  auto users = tracker_->users().ListByCompany(root, {kMaxPageSize, ""});
  ASSERT_TRUE(users.ok());
  auto company = tracker_->companies().Get(root);
  ASSERT_TRUE(company.ok());
  EXPECT_EQ(company->current_users, static_cast<int64_t>(users->items.size()));
  EXPECT_LE(company->current_users, company->max_users);
}

}  // namespace
}  // namespace issuetracker::tracker
