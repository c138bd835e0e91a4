// Company isolation as a property, under concurrency and over time (issue 11).
//
// Client threads run random operations (file, read, list, move, assign, comment, manage
// users) for random users of random companies, through two Trackers on the same tables (two
// "processes": one sees the other's changes only through storage). Meanwhile a churn thread
// offboards companies, checks that nothing of them is left, lets the re-registration
// quarantine pass and registers the ids again (on a random tier, so a Basic id comes back as
// Platinum), and demotes and promotes users. Clients keep the contexts of earlier
// registrations and roles and go on using them as attackers would.
//
// Every item written names the company and the registration (incarnation) of the context
// that wrote it, so after every read: every item must be of the reader's company AND of the
// reader's registration. Anything else is a leak. Errors must be the expected ones (an
// isolation check failure or corruption is a leak too).
//
// Size: IT_ISOLATION_OPS operations (default 3000), IT_ISOLATION_THREADS clients (default
// 4), IT_ISOLATION_SEED. docs/tenancy.md gives the command for a run of 1,000,000.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "tenancy/provision.h"
#include "tenancy/schema.h"
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

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoll(v) : fallback;
}

// What every item written by `ctx` says about its writer.
std::string Marker(const TenantContext& ctx) {
  return ctx.company_id().str() + ":" + ctx.scope().incarnation() + ":";
}

constexpr int kUsers = 4;  // admin@, dev@, qa@ of the company's domain, and a shared consultant

// One company id over its registrations.
struct Slot {
  Slot(CompanyId company, std::string dom) : id(std::move(company)), domain(std::move(dom)) {}
  const CompanyId id;
  const std::string domain;
  std::mutex mu;  // guards everything below
  bool active = false;
  Tier tier = Tier::kBasic;
  std::string incarnation;
  std::vector<TeamId> teams;
  std::vector<IssueId> issues;             // some of the current registration's ids
  std::vector<std::string> extra_users;    // created by clients, for the leftover check
  std::map<std::string, int64_t> created;  // issues filed, by incarnation

  UserEmail UserAt(int i) const {
    static const char* kLocal[] = {"admin", "dev", "qa"};
    return i < 3 ? Email(std::string(kLocal[i]) + "@" + domain)
                 : Email("consultant@shared.example.com");
  }
};

struct Tally {
  std::atomic<int64_t> ops{0};
  std::atomic<int64_t> reads{0};
  std::atomic<int64_t> items_checked{0};
  std::atomic<int64_t> stale_attempts{0};
  std::atomic<int64_t> session_errors{0};
  std::atomic<int64_t> leaks{0};
  std::atomic<int64_t> unexpected{0};
  std::atomic<int64_t> churns{0};
  std::atomic<int64_t> leftovers{0};
  std::mutex mu;
  std::vector<std::string> first_problems;  // guarded by mu

  void Problem(std::atomic<int64_t>& counter, const std::string& what) {
    ++counter;
    std::lock_guard<std::mutex> lock(mu);
    if (first_problems.size() < 10) first_problems.push_back(what);
  }
};

class IsolationPropertyTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string unavailable;
    backend_ = testing::MakeBackend(GetParam(), dir_.path(), &unavailable);
    if (!backend_) GTEST_SKIP() << unavailable;
    tenancy::SchemaCatalog catalog(layout_);
    ASSERT_TRUE(tenancy::Provisioner(*backend_, catalog).ProvisionAll().ok());
    a_ = std::make_unique<Tracker>(*backend_, layout_, clock_);
    b_ = std::make_unique<Tracker>(*backend_, layout_, clock_);
    const Tier tiers[] = {Tier::kBasic, Tier::kPremium, Tier::kPlatinum};
    for (int i = 0; i < 12; ++i) {
      auto slot = std::make_unique<Slot>(CompanyId::Parse("PROP" + std::to_string(i)).value(),
                                         "prop" + std::to_string(i) + ".example.com");
      slots_.push_back(std::move(slot));
      Register(*slots_.back(), tiers[i % 3]);
    }
  }

  // Registers the slot's id (again) with its users and a team, all marked with the new
  // incarnation.
  void Register(Slot& slot, Tier tier) {
    auto created =
        a_->companies().Create(admin_, {slot.id, "Company " + slot.id.str(), tier, slot.UserAt(0)});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    auto root = admin_.ContextFor(*backend_, layout_, slot.id);
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    const std::string& incarnation = root->scope().incarnation();
    for (int u = 0; u < kUsers; ++u) {
      auto user = a_->users().Create(
          *root, {slot.UserAt(u), incarnation, u == 0 ? Role::kAdmin : Role::kUser});
      ASSERT_TRUE(user.ok()) << user.status().ToString();
    }
    auto team = a_->teams().Create(*root, {.team_name = Marker(*root) + "team",
                                           .team_lead = slot.UserAt(0),
                                           .members = {slot.UserAt(1)}});
    ASSERT_TRUE(team.ok()) << team.status().ToString();
    std::lock_guard<std::mutex> lock(slot.mu);
    slot.active = true;
    slot.tier = tier;
    slot.incarnation = incarnation;
    slot.teams = {team->team_id};
    slot.issues.clear();
    slot.extra_users.clear();
  }

  // A client's loop of operations; `between`, when given, runs before each operation (the
  // serial mode's churn).
  void Client(int client, int64_t ops, uint64_t seed,
              const std::function<void()>& between = nullptr);
  void Churn(const std::atomic<bool>& done, int64_t period, uint64_t seed);
  // One churn step: demote/promote an admin, or offboard and re-register a company.
  void ChurnOnce(std::minstd_rand& rng);
  // One random operation with `ctx` (current or stale) on the company it names.
  void Operation(Tracker& tracker, const TenantContext& ctx, std::minstd_rand& rng);
  // What an operation works on: ctx's company, an issue id and a team id (usually its own,
  // sometimes another company's or nobody's) and a user (sometimes of another company).
  struct Target {
    Slot& slot;
    IssueId issue;
    TeamId team;
    UserEmail someone;
  };
  Target Pick(const TenantContext& ctx, std::minstd_rand& rng);
  void OpCreate(Tracker& tracker, const TenantContext& ctx, Target& t, std::minstd_rand& rng);
  void OpListIssues(Tracker& tracker, const TenantContext& ctx, Target& t, std::minstd_rand& rng);
  void OpChange(Tracker& tracker, const TenantContext& ctx, Target& t, std::minstd_rand& rng);
  void OpUsers(Tracker& tracker, const TenantContext& ctx, Target& t, std::minstd_rand& rng);
  int LeftoversOf(const CompanyId& id, Tier tier, const std::vector<std::string>& users);

  // Checks an outcome: an error must be an expected one; a value is checked by `own`.
  template <typename T, typename Own>
  void Check(const TenantContext& ctx, const Result<T>& r, const char* what, Own own) {
    if (r.ok()) {
      own(*r);
      return;
    }
    Expected(Marker(ctx), r.status(), what);
  }
  void Expected(const std::string& who, const Status& s, const char* what) {
    switch (s.code()) {
      case Code::kOk:
        return;
      case Code::kUnauthenticated:
        if (IsSessionInvalid(s)) ++tally_.session_errors;
        return;
      case Code::kNotFound:
      case Code::kForbidden:
      case Code::kValidation:
      case Code::kConflict:
      case Code::kQuotaExceeded:
        return;
      default:
        tally_.Problem(
            s.message().find("Isolation") != std::string::npos ? tally_.leaks : tally_.unexpected,
            std::string(what) + " by " + who + ": " + s.ToString());
    }
  }
  // Every item a read returned must carry the reader's company and registration.
  void Own(const TenantContext& ctx, const std::string& company, const std::string& marked,
           bool prefix, const char* what) {
    ++tally_.items_checked;
    const std::string want = Marker(ctx);
    bool mine = company == ctx.company_id().str() &&
                (prefix ? marked.rfind(want, 0) == 0 : marked == ctx.scope().incarnation());
    if (!mine) {
      tally_.Problem(tally_.leaks, std::string(what) + " read by " + want + " returned " + company +
                                       " / " + marked);
    }
  }
  void Own(const TenantContext& ctx, const Issue& i) {
    Own(ctx, i.company_id.str(), i.title, true, "issue");
  }
  void Own(const TenantContext& ctx, const Comment& c) {
    Own(ctx, c.company_id.str(), c.content, true, "comment");
  }
  void Own(const TenantContext& ctx, const Team& t) {
    Own(ctx, t.company_id.str(), t.team_name, true, "team");
  }
  void Own(const TenantContext& ctx, const User& u) {
    Own(ctx, u.company_id.str(), u.full_name, false, "user");
  }
  template <typename T>
  void OwnPage(const TenantContext& ctx, const Result<Page<T>>& page, const char* what) {
    ++tally_.reads;
    Check(ctx, page, what, [&](const Page<T>& p) {
      for (const T& item : p.items) Own(ctx, item);
    });
  }

  testing::TempDir dir_;
  std::unique_ptr<dynamo::Backend> backend_;
  tenancy::Layout layout_{tenancy::SchemaConfig{}};
  ManualClock clock_{SystemClock::Default()->NowMicros()};
  std::unique_ptr<Tracker> a_, b_;
  AdminAccess admin_ = AdminAccess::Grant("isolation_property_test");
  std::vector<std::unique_ptr<Slot>> slots_;
  Tally tally_;
};

IsolationPropertyTest::Target IsolationPropertyTest::Pick(const TenantContext& ctx,
                                                          std::minstd_rand& rng) {
  Slot* slot = nullptr;
  for (const auto& candidate : slots_) {
    if (candidate->id == ctx.company_id()) slot = candidate.get();
  }
  std::optional<IssueId> issue;
  std::optional<TeamId> team;
  {
    std::lock_guard<std::mutex> lock(slot->mu);
    if (!slot->issues.empty() && rng() % 4 != 0) {
      issue = slot->issues[rng() % slot->issues.size()];
    }
    if (!slot->teams.empty()) team = slot->teams[0];
  }
  // Sometimes ids and users of another company, or ids nobody has.
  Slot& other = *slots_[rng() % slots_.size()];
  if (!issue) issue = IssueId::FromSequence(1 + rng() % 40);
  if (!team || rng() % 5 == 0) team = TeamId::FromSequence(1 + rng() % 3);
  UserEmail someone = (rng() % 3 == 0 ? other : *slot).UserAt(static_cast<int>(rng() % kUsers));
  return Target{*slot, *issue, *team, std::move(someone)};
}

void IsolationPropertyTest::OpCreate(Tracker& tracker, const TenantContext& ctx, Target& t,
                                     std::minstd_rand& rng) {
  NewIssue n{.title = Marker(ctx) + std::to_string(rng())};
  if (rng() % 3 == 0) n.assigned_user = t.someone;
  if (rng() % 4 == 0) n.assigned_team = t.team;
  Check(ctx, tracker.issues().Create(ctx, n), "create", [&](const Issue& i) {
    Own(ctx, i);
    std::lock_guard<std::mutex> lock(t.slot.mu);
    ++t.slot.created[ctx.scope().incarnation()];
    if (t.slot.incarnation != ctx.scope().incarnation()) return;
    if (t.slot.issues.size() < 64) {
      t.slot.issues.push_back(i.issue_id);
    } else {
      t.slot.issues[rng() % t.slot.issues.size()] = i.issue_id;
    }
  });
}

void IsolationPropertyTest::OpListIssues(Tracker& tracker, const TenantContext& ctx, Target& t,
                                         std::minstd_rand& rng) {
  const IssueQuery queries[] = {IssueQuery::All(), IssueQuery::WithStatus(IssueStatus::kOpen),
                                IssueQuery::WithPriority(Priority::kMedium),
                                IssueQuery::AssignedTo(t.someone), IssueQuery::OfTeam(t.team)};
  const IssueQuery& q = queries[rng() % std::size(queries)];
  PageRequest page{static_cast<int32_t>(1 + rng() % 10), ""};
  for (int pages = 0; pages < 3; ++pages) {
    auto p = tracker.issues().List(ctx, q, page);
    OwnPage(ctx, p, "list issues");
    if (!p.ok() || !p->next_token) break;
    page.token = *p->next_token;
  }
}

void IsolationPropertyTest::OpChange(Tracker& tracker, const TenantContext& ctx, Target& t,
                                     std::minstd_rand& rng) {
  auto issue = tracker.issues().Get(ctx, t.issue);
  Check(ctx, issue, "get for change", [&](const Issue& i) {
    Own(ctx, i);
    auto next = NextStatuses(i.status);
    auto moved =
        rng() % 2
            ? tracker.issues().Transition(ctx, i.issue_id, i.version, next[rng() % next.size()])
            : tracker.issues().Assign(ctx, i.issue_id, i.version, {std::nullopt, t.team});
    Check(ctx, moved, "change", [&](const Issue& after) { Own(ctx, after); });
  });
}

void IsolationPropertyTest::OpUsers(Tracker& tracker, const TenantContext& ctx, Target& t,
                                    std::minstd_rand& rng) {
  const UserEmail email = Email("extra" + std::to_string(rng() % 8) + "@" + t.slot.domain);
  if (rng() % 2) {
    auto user = tracker.users().Create(ctx, {email, ctx.scope().incarnation(), Role::kUser});
    Check(ctx, user, "add user", [&](const User& u) {
      Own(ctx, u);
      std::lock_guard<std::mutex> lock(t.slot.mu);
      t.slot.extra_users.push_back(email.str());
    });
  } else {
    Expected(Marker(ctx), tracker.users().Delete(ctx, email), "remove user");
  }
}

void IsolationPropertyTest::Operation(Tracker& tracker, const TenantContext& ctx,
                                      std::minstd_rand& rng) {
  Target t = Pick(ctx, rng);
  switch (rng() % 12) {
    case 0:
    case 1:
      return OpCreate(tracker, ctx, t, rng);
    case 2:
      ++tally_.reads;
      return Check(ctx, tracker.issues().Get(ctx, t.issue), "get",
                   [&](const Issue& i) { Own(ctx, i); });
    case 3:
    case 4:
      return OpListIssues(tracker, ctx, t, rng);
    case 5: {
      NewComment m{.content = Marker(ctx) + "note"};
      if (rng() % 3 == 0) m.mentions.push_back(t.someone);
      return Check(ctx, tracker.comments().Add(ctx, t.issue, m), "comment",
                   [&](const Comment& c) { Own(ctx, c); });
    }
    case 6:
      if (rng() % 2) {
        return OwnPage(ctx, tracker.comments().ListByIssue(ctx, t.issue, {}), "comments");
      }
      return OwnPage(ctx, tracker.comments().ListByAuthor(ctx, t.someone, {}), "by author");
    case 7:
      return OpChange(tracker, ctx, t, rng);
    case 8:
      OwnPage(ctx, tracker.teams().ListByCompany(ctx, {}), "teams");
      return OwnPage(ctx, tracker.teams().ListByLead(ctx, t.slot.UserAt(0), {}), "by lead");
    case 9:
      OwnPage(ctx, tracker.users().ListByCompany(ctx, {}), "users");
      return OwnPage(ctx, tracker.users().ListByRole(ctx, Role::kUser, {}), "users by role");
    case 10:
      return OpUsers(tracker, ctx, t, rng);
    default:
      ++tally_.reads;
      return Check(ctx, tracker.companies().Get(ctx), "company", [&](const Company& c) {
        Own(ctx, c.company_id.str(), ctx.scope().incarnation(), false, "company");
      });
  }
}

void IsolationPropertyTest::Client(int client, int64_t ops, uint64_t seed,
                                   const std::function<void()>& between) {
  std::minstd_rand rng(static_cast<unsigned>(seed * 7919 + static_cast<uint64_t>(client)));
  std::map<std::pair<size_t, int>, TenantContext> sessions;
  std::vector<TenantContext> stale;  // contexts of earlier registrations and roles
  while (tally_.ops.fetch_add(1) < ops) {
    if (between) between();
    Tracker& tracker = rng() % 2 ? *a_ : *b_;
    const size_t s = rng() % slots_.size();
    Slot& slot = *slots_[s];
    if (!stale.empty() && rng() % 6 == 0) {
      ++tally_.stale_attempts;
      Operation(tracker, stale[rng() % stale.size()], rng);
      continue;
    }
    const int u = static_cast<int>(rng() % kUsers);
    auto it = sessions.find({s, u});
    if (it == sessions.end()) {
      auto ctx = tracker.auth().SignIn({slot.UserAt(u), slot.id});
      if (!ctx.ok()) {
        Expected(slot.UserAt(u).str(), ctx.status(), "sign in");
        continue;
      }
      it = sessions.emplace(std::make_pair(s, u), std::move(ctx).value()).first;
    }
    const int64_t before = tally_.session_errors.load();
    Operation(tracker, it->second, rng);
    if (tally_.session_errors.load() != before) {  // (maybe another client's) revoked
      if (stale.size() < 32) stale.push_back(it->second);
      sessions.erase(it);
    }
  }
}

int IsolationPropertyTest::LeftoversOf(const CompanyId& id, Tier tier,
                                       const std::vector<std::string>& users) {
  int left = 0;
  // Pooled items (queried in every pooled table through the company's indexes, whatever
  // its tier was), silo tables, stack mappings, login directory entries.
  tenancy::CompanyScope pooled = testing::ScopeTestPeer::Make(id, Tier::kBasic);
  for (auto entity : {tenancy::Entity::kIssue, tenancy::Entity::kTeam, tenancy::Entity::kComment,
                      tenancy::Entity::kUser}) {
    Status s = tenancy::ForEachItem(*backend_, layout_.PooledCompanyItems(pooled, entity),
                                    [&](const dynamo::Item&) {
                                      ++left;
                                      return Status::Ok();
                                    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (tier == Tier::kPlatinum &&
        backend_->DescribeTable({layout_.SiloTableName(entity, id).str()}).ok()) {
      ++left;
    }
  }
  auto mappings = backend_->Query(layout_.StackMappingQuery(id));
  left += mappings.ok() ? static_cast<int>(mappings->items.size()) : 1;
  for (const std::string& email : users) {
    dynamo::QueryRequest lookup = layout_.LoginLookup(Email(email));
    auto entries = backend_->Query(lookup);
    if (!entries.ok()) continue;
    for (const dynamo::Item& entry : entries->items) {
      auto parsed = layout_.DirectoryEntryOf(entry);
      if (!parsed.ok() || parsed->company == id) ++left;
    }
  }
  return left;
}

void IsolationPropertyTest::Churn(const std::atomic<bool>& done, int64_t period, uint64_t seed) {
  std::minstd_rand rng(static_cast<unsigned>(seed + 17));
  int64_t next = period;
  while (!done.load()) {
    if (tally_.ops.load() < next) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      clock_.AdvanceMicros(20'000);  // time passes: cached validations expire
      continue;
    }
    next += period;
    ChurnOnce(rng);
  }
}

void IsolationPropertyTest::ChurnOnce(std::minstd_rand& rng) {
  Slot& slot = *slots_[rng() % slots_.size()];
  if (rng() % 3 == 0) {
    // Demote or promote the slot's admin@ (its sessions' role goes stale).
    auto root = admin_.ContextFor(*backend_, layout_, slot.id);
    if (root.ok()) {
      auto user = a_->users().Get(*root, slot.UserAt(0));
      if (user.ok()) {
        Role to = user->role == Role::kAdmin ? Role::kUser : Role::kAdmin;
        Status changed = a_->users().ChangeRole(*root, slot.UserAt(0), to).status();
        EXPECT_TRUE(changed.ok() || changed.Is(Code::kUnauthenticated)) << changed.ToString();
      }
    }
    return;
  }
  Tier old_tier;
  std::vector<std::string> users;
  {
    std::lock_guard<std::mutex> lock(slot.mu);
    slot.active = false;
    old_tier = slot.tier;
    users = slot.extra_users;
  }
  for (int u = 0; u < kUsers - 1; ++u) users.push_back(slot.UserAt(u).str());
  Status offboarded = a_->companies().Offboard(admin_, slot.id);
  EXPECT_TRUE(offboarded.ok()) << offboarded.ToString();
  int left = LeftoversOf(slot.id, old_tier, users);
  if (left != 0) {
    tally_.Problem(tally_.leftovers,
                   slot.id.str() + ": " + std::to_string(left) + " things left after offboarding");
  }
  clock_.AdvanceMicros(tenancy::LifecycleOptions{}.reregistration_quarantine_micros + 1'000'000);
  const Tier tiers[] = {Tier::kBasic, Tier::kPremium, Tier::kPlatinum};
  Register(slot, tiers[rng() % 3]);
  ++tally_.churns;
}

INSTANTIATE_TEST_SUITE_P(Backends, IsolationPropertyTest,
                         ::testing::Values(testing::TestBackendKind()),
                         [](const auto& info) { return info.param; });

TEST_P(IsolationPropertyTest, ConcurrentClientsAndCompanyChurnNeverLeak) {
  const int64_t ops = std::max<int64_t>(100, EnvInt("IT_ISOLATION_OPS", 3000));
  // 0 threads: serial mode, one client with the churn steps and the passing of time between
  // its operations (ctest's tracker_storage_test.serial_property); also the mode for a
  // backend that does not isolate concurrent transactions.
  const int threads =
      static_cast<int>(std::clamp<int64_t>(EnvInt("IT_ISOLATION_THREADS", 4), 0, 64));
  const uint64_t seed = static_cast<uint64_t>(EnvInt("IT_ISOLATION_SEED", 20240115));
  const auto start = std::chrono::steady_clock::now();
  const int64_t period = std::clamp<int64_t>(ops / 40, 50, 2000);
  if (threads == 0) {
    std::minstd_rand churn_rng(static_cast<unsigned>(seed + 17));
    int64_t next = period;
    Client(0, ops, seed, [&] {
      clock_.AdvanceMicros(20'000);  // time passes: cached validations expire
      if (tally_.ops.load() < next) return;
      next += period;
      ChurnOnce(churn_rng);
    });
  } else {
    std::atomic<bool> done{false};
    std::thread churn([&] { Churn(done, period, seed); });
    std::vector<std::thread> clients;
    for (int c = 0; c < threads; ++c) clients.emplace_back([&, c] { Client(c, ops, seed); });
    for (auto& t : clients) t.join();
    done = true;
    churn.join();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // The companies as they are now: workloads and counters exact, per registration.
  for (const auto& slot : slots_) {
    auto root = admin_.ContextFor(*backend_, layout_, slot->id);
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    auto company = a_->companies().Get(*root);
    ASSERT_TRUE(company.ok());
    EXPECT_EQ(static_cast<int64_t>(company->issue_counter),
              slot->created[root->scope().incarnation()])
        << slot->id.str();
    auto team = a_->teams().Get(*root, slot->teams[0]);
    ASSERT_TRUE(team.ok()) << team.status().ToString();
    int64_t open = 0;
    PageRequest page{kMaxPageSize, ""};
    while (true) {
      auto p = a_->issues().List(*root, IssueQuery::OfTeam(slot->teams[0]), page);
      ASSERT_TRUE(p.ok());
      for (const Issue& i : p->items) {
        Own(*root, i);
        open += CountsAsOpen(i.status) ? 1 : 0;
      }
      if (!p->next_token) break;
      page.token = *p->next_token;
    }
    EXPECT_EQ(team->current_workload, open) << slot->id.str();
  }

  std::printf(
      "isolation property: %lld operations on %d threads in %.1f s (%.0f ops/s): %lld reads, "
      "%lld items checked, %lld uses of stale contexts, %lld session errors, %lld offboardings "
      "and re-registrations; leaks %lld, leftovers %lld, unexpected errors %lld\n",
      static_cast<long long>(ops), threads, seconds, static_cast<double>(ops) / seconds,
      static_cast<long long>(tally_.reads.load()),
      static_cast<long long>(tally_.items_checked.load()),
      static_cast<long long>(tally_.stale_attempts.load()),
      static_cast<long long>(tally_.session_errors.load()),
      static_cast<long long>(tally_.churns.load()), static_cast<long long>(tally_.leaks.load()),
      static_cast<long long>(tally_.leftovers.load()),
      static_cast<long long>(tally_.unexpected.load()));
  for (const std::string& p : tally_.first_problems) std::printf("  problem: %s\n", p.c_str());
  EXPECT_EQ(tally_.leaks.load(), 0);
  EXPECT_EQ(tally_.leftovers.load(), 0);
  EXPECT_EQ(tally_.unexpected.load(), 0);
  EXPECT_GE(tally_.churns.load(), 10);
  EXPECT_GT(tally_.items_checked.load(), ops / 4);
  EXPECT_GT(tally_.stale_attempts.load(), 0);
}

}  // namespace
}  // namespace issuetracker::tracker
