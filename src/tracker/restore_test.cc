// Per-company point-in-time restore (tenancy::CompanyRestorer) of a company id that was
// offboarded and registered again: a restore never reaches an earlier registration of the
// id (nothing of the old company may come back into the new one), a restore within the
// current registration brings back only that registration's data, and a restore that races
// with the company's offboarding writes nothing after the offboarding's fence.
#include "tenancy/restore.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "dynamo/extensions.h"
#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tenancy/schema_names.h"
#include "tests/backend_factory.h"
#include "tests/forwarding_backend.h"
#include "tracker/tracker.h"
#include "tracker/tracker_test_util.h"

namespace issuetracker::tracker {
namespace {

using dynamo::AttributeValue;
using tenancy::AdminAccess;
using tenancy::TenantContext;

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Point-in-time restores compare times with the dates of writes: a pause on either side of
// a time taken as a restore target keeps the writes around it on their side.
void Pause() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

// A backend that runs a hook before the n-th write (TransactWriteItems, BatchWriteItem, or
// an in-place key-prefix restore) made by the thread that armed it.
class HookBackend : public testing::ForwardingBackend {
 public:
  using ForwardingBackend::ForwardingBackend;

  void Arm(int nth_write, std::function<void()> hook) {
    std::lock_guard lock(mu_);
    armed_thread_ = std::this_thread::get_id();
    remaining_ = nth_write;
    hook_ = std::move(hook);
  }
  bool fired() const { return fired_.load(); }

  Result<dynamo::TransactWriteItemsResponse> TransactWriteItems(
      const dynamo::TransactWriteItemsRequest& r) override {
    BeforeWrite();
    return ForwardingBackend::TransactWriteItems(r);
  }
  Result<dynamo::BatchWriteItemResponse> BatchWriteItem(
      const dynamo::BatchWriteItemRequest& r) override {
    BeforeWrite();
    return ForwardingBackend::BatchWriteItem(r);
  }

 protected:
  void BeforeWrite() {
    std::function<void()> hook;
    {
      std::lock_guard lock(mu_);
      if (!hook_ || std::this_thread::get_id() != armed_thread_ || --remaining_ > 0) return;
      hook = std::move(hook_);
      hook_ = nullptr;
    }
    fired_ = true;
    hook();
  }

 private:
  std::mutex mu_;
  std::thread::id armed_thread_;
  int remaining_ = 0;
  std::function<void()> hook_;
  std::atomic<bool> fired_{false};
};

// The same over a backend with the engine's extensions, which it offers too.
class HookBackendWithExtensions : public HookBackend, public dynamo::Extensions {
 public:
  HookBackendWithExtensions(dynamo::Backend* target, std::vector<std::shared_ptr<void>> owned)
      : HookBackend(target, std::move(owned)), extensions_(*dynamo::FindExtensions(*target)) {}

  Result<dynamo::ImportItemsResponse> ImportItems(const dynamo::ImportItemsRequest& r) override {
    return extensions_.ImportItems(r);
  }
  Result<dynamo::RestoreKeyPrefixToPointInTimeResponse> RestoreKeyPrefixToPointInTime(
      const dynamo::RestoreKeyPrefixToPointInTimeRequest& r) override {
    if (!r.target_table_name) BeforeWrite();  // in place: it writes the live table
    return extensions_.RestoreKeyPrefixToPointInTime(r);
  }
  Status QueryInto(const dynamo::QueryRequest& r, dynamo::QueryResponse* response) override {
    return extensions_.QueryInto(r, response);
  }
  Status ScanInto(const dynamo::ScanRequest& r, dynamo::ScanResponse* response) override {
    return extensions_.ScanInto(r, response);
  }

 private:
  dynamo::Extensions& extensions_;
};

// Kinds the restore runs on: the configured test backend, and in the default run (the
// embedded engine) "loopback" as well: the engine behind the HTTP client, with no
// extensions, so the DynamoDB-only restore path. The runs against a server process take the
// DynamoDB-only path themselves and leave the loopback cases to the default run.
std::vector<std::string> RestoreBackendKinds() {
  std::vector<std::string> kinds{testing::TestBackendKind()};
  if (kinds.front() == "embedded") kinds.push_back("loopback");
  return kinds;
}

class RestoreFixture {
 protected:
  void Open(const std::string& kind) {
    std::string unavailable;
    std::unique_ptr<dynamo::Backend> inner = testing::MakeBackend(kind, dir_.path(), &unavailable);
    if (!inner) {
      unavailable_ = unavailable;
      return;
    }
    std::shared_ptr<dynamo::Backend> owned(std::move(inner));
    if (dynamo::FindExtensions(*owned) != nullptr) {
      backend_ = std::make_unique<HookBackendWithExtensions>(
          owned.get(), std::vector<std::shared_ptr<void>>{owned});
    } else {
      backend_ =
          std::make_unique<HookBackend>(owned.get(), std::vector<std::shared_ptr<void>>{owned});
    }
    ASSERT_TRUE(tenancy::Provisioner(*backend_, catalog_).ProvisionAll().ok());
    options_.lifecycle.reregistration_quarantine_micros = 0;  // re-register at once
    tracker_ = std::make_unique<Tracker>(*backend_, layout_, *SystemClock::Default(), options_);
  }

  tenancy::CompanyRestorer Restorer() { return tenancy::CompanyRestorer(*backend_, catalog_); }

  TenantContext SignIn(const CompanyId& id, std::string_view email) {
    auto ctx = tracker_->auth().SignIn({Email(email), id});
    EXPECT_TRUE(ctx.ok()) << email << ": " << ctx.status().ToString();
    return std::move(ctx).value();
  }

  // Registers `id` on `tier` and fills it with data named after `tag`: users root@x.com,
  // <tag>-admin@x.com and user@x.com (the first and last in every registration), a team,
  // `issues` issues (the first assigned to the team) and a comment on ISS-001. Returns the
  // Root User's context.
  TenantContext Populate(const CompanyId& id, Tier tier, const std::string& tag, int issues = 3) {
    auto created =
        tracker_->companies().Create(admin_, {id, tag + " company", tier, Email("root@x.com")});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    auto admin_ctx = admin_.ContextFor(*backend_, layout_, id);
    EXPECT_TRUE(admin_ctx.ok()) << admin_ctx.status().ToString();
    for (auto [email, role] : {std::pair{std::string("root@x.com"), Role::kRootUser},
                               std::pair{tag + "-admin@x.com", Role::kAdmin},
                               std::pair{std::string("user@x.com"), Role::kUser}}) {
      auto u = tracker_->users().Create(*admin_ctx, {Email(email), tag + " person", role});
      EXPECT_TRUE(u.ok()) << u.status().ToString();
    }
    TenantContext root = SignIn(id, "root@x.com");
    auto team = tracker_->teams().Create(root, {tag + " team", "", Email("root@x.com")});
    EXPECT_TRUE(team.ok()) << team.status().ToString();
    for (int i = 1; i <= issues; ++i) {
      NewIssue issue{.title = tag + " issue " + std::to_string(i)};
      if (i == 1 && team.ok()) issue.assigned_team = team->team_id;
      auto filed = tracker_->issues().Create(root, issue);
      EXPECT_TRUE(filed.ok()) << filed.status().ToString();
    }
    auto comment =
        tracker_->comments().Add(root, IssueId::FromSequence(1), {.content = tag + " comment"});
    EXPECT_TRUE(comment.ok()) << comment.status().ToString();
    return root;
  }

  // What the company shows through the tracker: "issue:<title>", "user:<email>",
  // "team:<name>", "comment:<content>" (comments of every issue).
  std::set<std::string> Visible(const CompanyId& id) {
    std::set<std::string> out;
    auto ctx = admin_.ContextFor(*backend_, layout_, id);
    EXPECT_TRUE(ctx.ok()) << ctx.status().ToString();
    if (!ctx.ok()) return out;
    PageRequest page{.limit = 100};
    auto issues = tracker_->issues().List(*ctx, IssueQuery::All(), page);
    EXPECT_TRUE(issues.ok()) << issues.status().ToString();
    if (issues.ok()) {
      for (const Issue& issue : issues->items) {
        out.insert("issue:" + issue.title);
        auto comments = tracker_->comments().ListByIssue(*ctx, issue.issue_id, page);
        EXPECT_TRUE(comments.ok()) << comments.status().ToString();
        if (comments.ok()) {
          for (const Comment& c : comments->items) out.insert("comment:" + c.content);
        }
      }
    }
    auto users = tracker_->users().ListByCompany(*ctx, page);
    EXPECT_TRUE(users.ok()) << users.status().ToString();
    if (users.ok()) {
      for (const User& u : users->items) out.insert("user:" + u.email.str());
    }
    auto teams = tracker_->teams().ListByCompany(*ctx, page);
    EXPECT_TRUE(teams.ok()) << teams.status().ToString();
    if (teams.ok()) {
      for (const Team& t : teams->items) out.insert("team:" + t.team_name);
    }
    return out;
  }

  // Items of `company` (its company_id) in `table` that have a string attribute, or a string
  // in a list, containing `needle`; or all of its items when `needle` is empty. A missing
  // table has none.
  int ItemsIn(const std::string& table, const CompanyId& company, const std::string& needle) {
    dynamo::ScanRequest scan;
    scan.table_name = table;
    scan.consistent_read = true;
    int count = 0;
    while (true) {
      auto page = backend_->Scan(scan);
      if (!page.ok()) {
        EXPECT_TRUE(page.status().Is(Code::kResourceNotFound)) << page.status().ToString();
        return count;
      }
      for (const dynamo::Item& item : page->items) {
        auto c = item.find("company_id");
        if (c == item.end() || !c->second.is(dynamo::AttrType::kS) ||
            c->second.s() != company.str())
          continue;
        bool match = needle.empty();
        for (const auto& [name, value] : item) {
          if (value.is(dynamo::AttrType::kS) && value.s().find(needle) != std::string::npos)
            match = true;
          if (value.is(dynamo::AttrType::kL)) {
            for (const AttributeValue& e : value.l()) {
              if (e.is(dynamo::AttrType::kS) && e.s().find(needle) != std::string::npos)
                match = true;
            }
          }
        }
        count += match ? 1 : 0;
      }
      if (!page->last_evaluated_key) return count;
      scan.exclusive_start_key = page->last_evaluated_key;
    }
  }

  // Items of `company` anywhere (pooled tables, its silo tables) mentioning `needle` ("" for
  // every item).
  int ItemsOf(const CompanyId& company, const std::string& needle = "") {
    int items = 0;
    for (const char* stem : {"Issues", "Teams", "Comments", "Users"}) {
      items += ItemsIn(std::string("IssueTracker-") + stem + "-Pooled", company, needle);
      items += ItemsIn(std::string("IssueTracker-") + stem + "-" + company.str(), company, needle);
    }
    return items;
  }

  // Everything of `company` left except its CompanyManagement record: items, silo tables,
  // stack mappings.
  int LeftoversOf(const CompanyId& company) {
    int left = ItemsOf(company);
    for (const char* stem : {"Issues", "Teams", "Comments", "Users"}) {
      if (backend_->DescribeTable({std::string("IssueTracker-") + stem + "-" + company.str()}).ok())
        ++left;
    }
    return left + ItemsIn("IssueTracker-CompanyStackMapping", company, "");
  }

  // Sets (or, with nullopt, removes) registered_at on the company's record, as a registrar
  // with a skewed clock, or a record written before the attribute existed, would leave it.
  void SetRegisteredAt(const CompanyId& id, std::optional<std::string> value) {
    dynamo::UpdateItemRequest update;
    update.table_name = "IssueTracker-CompanyManagement";
    update.key = layout_.CompanyKey(id);
    update.update_expression = value ? "SET #r = :r" : "REMOVE #r";
    update.expression_attribute_names["#r"] = std::string(tenancy::attr::kRegisteredAt);
    if (value) update.expression_attribute_values[":r"] = AttributeValue::S(*value);
    auto updated = backend_->UpdateItem(update);
    ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  }

  testing::TempDir dir_;
  std::string unavailable_;
  std::unique_ptr<HookBackend> backend_;
  tenancy::Layout layout_{tenancy::SchemaConfig{}};
  tenancy::SchemaCatalog catalog_{layout_};
  TrackerOptions options_;
  std::unique_ptr<Tracker> tracker_;
  AdminAccess admin_ = AdminAccess::Grant("restore_test");
};

std::string TierParamName(Tier tier) { return std::string(tenancy::TierName(tier)); }

// ------------------------------------------------------------------ re-registered ids

class CompanyRestoreTest : public RestoreFixture,
                           public ::testing::TestWithParam<std::tuple<std::string, Tier, Tier>> {
 protected:
  void SetUp() override {
    Open(std::get<0>(GetParam()));
    if (!backend_) GTEST_SKIP() << unavailable_;
  }
  Tier first() const { return std::get<1>(GetParam()); }
  Tier second() const { return std::get<2>(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(BackendsAndRegistrations, CompanyRestoreTest,
                         ::testing::Combine(::testing::ValuesIn(RestoreBackendKinds()),
                                            ::testing::Values(Tier::kBasic, Tier::kPlatinum),
                                            ::testing::Values(Tier::kBasic, Tier::kPremium,
                                                              Tier::kPlatinum)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  TierParamName(std::get<1>(info.param)) + "_then_" +
                                  TierParamName(std::get<2>(info.param));
                         });

TEST_P(CompanyRestoreTest, RestoreReachesOnlyTheCurrentRegistration) {
  const CompanyId id = Cid("REBORN");
  Populate(id, first(), "old");
  Pause();
  const double in_old = Now();
  Pause();
  ASSERT_TRUE(tracker_->companies().Offboard(admin_, id).ok());
  Pause();
  const double between = Now();  // retired, not registered again yet
  Pause();
  TenantContext root = Populate(id, second(), "new");
  Pause();
  const double in_new = Now();
  Pause();
  // Changes after `in_new`, which the second restore undoes.
  ASSERT_TRUE(tracker_->issues().Create(root, {.title = "new issue late"}).ok());
  auto second_issue = tracker_->issues().Get(root, IssueId::FromSequence(2));
  ASSERT_TRUE(second_issue.ok());
  ASSERT_TRUE(
      tracker_->issues().Delete(root, IssueId::FromSequence(2), second_issue->version).ok());
  ASSERT_TRUE(tracker_->users().Create(root, {Email("late@x.com"), "late", Role::kUser}).ok());

  const std::set<std::string> now_visible = Visible(id);
  const int items_now = ItemsOf(id);
  ASSERT_EQ(ItemsOf(id, "old"), 0);
  auto refused_with = [&](double when, std::string_view why) {
    auto r = Restorer().RestoreCompany(admin_, id, when);
    EXPECT_FALSE(r.ok()) << "restored to a time before the current registration";
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidRestoreTime) << r.status().ToString();
      EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().ToString();
    }
    // Nothing changed, and nothing of the old registration came back.
    EXPECT_EQ(Visible(id), now_visible);
    EXPECT_EQ(ItemsOf(id), items_now);
    EXPECT_EQ(ItemsOf(id, "old"), 0);
  };

  // Before the re-registration: refused, by the time the record holds...
  refused_with(in_old, "before its current registration");
  refused_with(between, "before its current registration");
  // ...and, when the record's time cannot be trusted (a registrar whose clock lagged, or a
  // record from before registered_at existed), by the record's own history.
  SetRegisteredAt(id, "1970-01-01T00:00:00.000000Z");
  refused_with(in_old, "does not show its current registration");
  refused_with(between, "does not show its current registration");
  SetRegisteredAt(id, std::nullopt);
  refused_with(in_old, "does not show its current registration");

  // The old registration's users never name the company.
  auto companies = tracker_->auth().CompaniesOf(Email("old-admin@x.com"));
  ASSERT_TRUE(companies.ok()) << companies.status().ToString();
  EXPECT_TRUE(companies->empty());
  EXPECT_FALSE(tracker_->auth().SignIn({Email("old-admin@x.com"), id}).ok());

  // Inside the current registration: the state then, and nothing of the old one.
  auto restored = Restorer().RestoreCompany(admin_, id, in_new);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  const std::set<std::string> expected = {
      "issue:new issue 1", "issue:new issue 2", "issue:new issue 3",    "comment:new comment",
      "team:new team",     "user:root@x.com",   "user:new-admin@x.com", "user:user@x.com"};
  EXPECT_EQ(Visible(id), expected);
  EXPECT_EQ(ItemsOf(id, "old"), 0);
  companies = tracker_->auth().CompaniesOf(Email("old-admin@x.com"));
  ASSERT_TRUE(companies.ok());
  EXPECT_TRUE(companies->empty());
  for (const char* email : {"root@x.com", "new-admin@x.com", "user@x.com"}) {
    auto ctx = tracker_->auth().SignIn({Email(email), id});
    ASSERT_TRUE(ctx.ok()) << email << ": " << ctx.status().ToString();
    EXPECT_EQ(ctx->scope(), root.scope());
    companies = tracker_->auth().CompaniesOf(Email(email));
    ASSERT_TRUE(companies.ok());
    EXPECT_EQ(*companies, std::vector<CompanyId>{id}) << email;
  }
  EXPECT_FALSE(tracker_->auth().SignIn({Email("late@x.com"), id}).ok());
}

// ------------------------------------------------------------------ racing an offboarding

class RestoreRaceTest : public RestoreFixture,
                        public ::testing::TestWithParam<std::tuple<std::string, Tier>> {
 protected:
  void SetUp() override {
    Open(std::get<0>(GetParam()));
    if (!backend_) GTEST_SKIP() << unavailable_;
  }
  Tier tier() const { return std::get<1>(GetParam()); }

  // Registers `id` with `issues` issues titled "before", and retitles them "after" once the
  // returned time has passed: a restore to it puts every issue back.
  double PopulateAndChange(const CompanyId& id, int issues) {
    TenantContext root = Populate(id, tier(), "before", issues);
    Pause();
    const double t = Now();
    Pause();
    for (int i = 1; i <= issues; ++i) {
      auto issue = tracker_->issues().Get(root, IssueId::FromSequence(i));
      EXPECT_TRUE(issue.ok()) << issue.status().ToString();
      if (!issue.ok()) continue;
      auto edited =
          tracker_->issues().Edit(root, issue->issue_id, issue->version, {.title = "after"});
      EXPECT_TRUE(edited.ok()) << edited.status().ToString();
    }
    return t;
  }
};

INSTANTIATE_TEST_SUITE_P(BackendsAndTiers, RestoreRaceTest,
                         ::testing::Combine(::testing::ValuesIn(RestoreBackendKinds()),
                                            ::testing::Values(Tier::kBasic, Tier::kPlatinum)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  TierParamName(std::get<1>(info.param));
                         });

// The company is offboarded, on another thread, while the restore is under way: before the
// restore's first write, or after its first transaction (of 99 items) committed. The
// restore must stop; what it committed before the fence is purged; nothing it would have
// written after the fence appears, in the retired id or in its next registration.
TEST_P(RestoreRaceTest, NothingIsWrittenAfterTheFence) {
  for (int fence_before_write : {1, 2}) {
    SCOPED_TRACE("fenced before write " + std::to_string(fence_before_write));
    const CompanyId id = Cid("FENCED" + std::to_string(fence_before_write));
    const double t = PopulateAndChange(id, 110);  // more than one transaction of writes
    Status offboarded = Status::Internal("not run");
    backend_->Arm(fence_before_write, [&] {
      std::thread offboarder([&] { offboarded = tracker_->companies().Offboard(admin_, id); });
      offboarder.join();
    });
    auto restored = Restorer().RestoreCompany(admin_, id, t);
    ASSERT_TRUE(backend_->fired()) << "the restore made fewer writes than expected";
    ASSERT_TRUE(offboarded.ok()) << offboarded.ToString();
    EXPECT_EQ(LeftoversOf(id), 0) << "the restore wrote into an offboarded company";
    EXPECT_FALSE(restored.ok()) << "the restore went on after the company was offboarded";
    if (!restored.ok()) {
      EXPECT_EQ(restored.status().code(), Code::kConflict) << restored.status().ToString();
      EXPECT_NE(restored.status().message().find("was offboarded while it was being restored"),
                std::string::npos)
          << restored.status().ToString();
    }
    // The next registration of the id inherits nothing.
    auto again = tracker_->companies().Create(admin_, {id, "next", tier(), Email("o@next.com")});
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(ItemsOf(id), 0);
  }
}

// A restore that stalls while the company is offboarded and its id registered again (on
// this tier, and on the other layout) writes nothing into the new registration when it
// resumes.
TEST_P(RestoreRaceTest, StalledRestoreNeverWritesIntoTheNextRegistration) {
  for (Tier next : {tier(), tier() == Tier::kPlatinum ? Tier::kBasic : Tier::kPlatinum}) {
    SCOPED_TRACE("registered again as " + TierParamName(next));
    const CompanyId id = Cid(std::string("STALLED") + (next == tier() ? "1" : "2"));
    const double t = PopulateAndChange(id, 110);
    backend_->Arm(2, [&] {
      std::thread owner([&] {
        ASSERT_TRUE(tracker_->companies().Offboard(admin_, id).ok());
        Populate(id, next, "new");
      });
      owner.join();
    });
    auto restored = Restorer().RestoreCompany(admin_, id, t);
    ASSERT_TRUE(backend_->fired()) << "the restore made fewer writes than expected";
    EXPECT_FALSE(restored.ok()) << "the restore went on in the next registration";
    if (!restored.ok()) {
      EXPECT_EQ(restored.status().code(), Code::kConflict) << restored.status().ToString();
      EXPECT_NE(restored.status().message().find("registered again"), std::string::npos)
          << restored.status().ToString();
    }
    EXPECT_EQ(ItemsOf(id, "before"), 0);
    EXPECT_EQ(ItemsOf(id, "after"), 0);
    EXPECT_EQ(Visible(id),
              (std::set<std::string>{"issue:new issue 1", "issue:new issue 2", "issue:new issue 3",
                                     "comment:new comment", "team:new team", "user:root@x.com",
                                     "user:new-admin@x.com", "user:user@x.com"}));
  }
}

// The same race without a hook: restores and offboardings started together on two threads.
TEST_P(RestoreRaceTest, RestoreAndOffboardingStartedTogether) {
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const CompanyId id = Cid("RACE" + std::to_string(round));
    const double t = PopulateAndChange(id, 20);
    std::atomic<int> ready{0};
    Status offboarded = Status::Internal("not run");
    Result<tenancy::CompanyRestoreReport> restored = Status::Internal("not run");
    std::thread restorer([&] {
      ++ready;
      while (ready.load() < 2) std::this_thread::yield();
      restored = Restorer().RestoreCompany(admin_, id, t);
    });
    std::thread offboarder([&] {
      ++ready;
      while (ready.load() < 2) std::this_thread::yield();
      offboarded = tracker_->companies().Offboard(admin_, id);
    });
    restorer.join();
    offboarder.join();
    ASSERT_TRUE(offboarded.ok()) << offboarded.ToString();
    EXPECT_EQ(LeftoversOf(id), 0);
    if (!restored.ok()) {
      // Stopped by the fence, or refused: the company was no longer active.
      EXPECT_TRUE(restored.status().Is(Code::kConflict)) << restored.status().ToString();
    }
  }
}

}  // namespace
}  // namespace issuetracker::tracker
