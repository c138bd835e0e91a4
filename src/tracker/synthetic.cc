#include "tracker/synthetic.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <variant>

#include "dynamo/extensions.h"
#include "tenancy/lifecycle.h"
#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tenancy/schema_names.h"
#include "tenancy/store_util.h"
#include "tracker/codec.h"
#include "tracker/dates.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

using tenancy::CompanyScope;
using tenancy::Entity;

namespace {

using SteadyClock = std::chrono::steady_clock;

// 2024-01-01T00:00:00Z: synthetic history starts here.
constexpr int64_t kEpochMicros = 1704067200LL * 1'000'000;

Tier TierFor(int index) {
  int slot = index % 10;
  if (slot == 0) return Tier::kPlatinum;
  if (slot <= 4) return Tier::kPremium;
  return Tier::kBasic;
}

std::string CompanyIdText(const SyntheticOptions& o, int index) {
  char digits[16];
  std::snprintf(digits, sizeof(digits), "%06d", index + 1);
  return o.company_prefix + digits;
}

std::string DomainFor(const std::string& company) {
  std::string domain;
  for (char c : company) {
    domain += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : (c == '_' ? '-' : c);
  }
  return domain + ".example.com";
}

// Everything one company gets, generated in memory (deterministically) before writing.
struct CompanyData {
  Company company;
  std::vector<User> users;
  std::vector<Team> teams;
  std::vector<Issue> issues;
  std::vector<Comment> comments;
};

template <typename T>
const T& Pick(std::minstd_rand& rng, const std::vector<T>& v) {
  return v[rng() % v.size()];
}

std::vector<User> MakeUsers(const CompanyId& id, Tier tier, int wanted) {
  int count = static_cast<int>(std::min<int64_t>(wanted, DefaultLimits(tier).max_users));
  std::string domain = DomainFor(id.str());
  std::vector<User> users;
  static constexpr Role kRoles[] = {Role::kRootUser, Role::kSuperAdmin, Role::kAdmin};
  for (int u = 0; u < count; ++u) {
    users.push_back(
        User{.email = UserEmail::Parse("user" + std::to_string(u + 1) + "@" + domain).value(),
             .company_id = id,
             .full_name = "User " + std::to_string(u + 1),
             .role = u < 3 ? kRoles[u] : Role::kUser,
             .created_date = FormatTimestamp(kEpochMicros + u * 1'000'000LL)});
  }
  return users;
}

std::vector<Team> MakeTeams(const CompanyId& id, const std::vector<User>& users, int count,
                            std::minstd_rand& rng) {
  std::vector<Team> teams;
  for (int t = 0; t < count; ++t) {
    const User& lead = users[t % users.size()];
    Team team{.team_id = TeamId::FromSequence(t + 1),
              .company_id = id,
              .team_name = "Team " + std::to_string(t + 1),
              .description = "Synthetic team",
              .team_lead = lead.email,
              .members = {lead.email},
              .created_date = FormatTimestamp(kEpochMicros + (100 + t) * 1'000'000LL),
              .max_members = 10};
    for (int extra = 0; extra < 2; ++extra) {
      const UserEmail& m = Pick(rng, users).email;
      if (std::find(team.members.begin(), team.members.end(), m) == team.members.end()) {
        team.members.push_back(m);
      }
    }
    teams.push_back(std::move(team));
  }
  return teams;
}

IssueStatus RandomStatus(std::minstd_rand& rng) {
  unsigned r = rng() % 100;
  if (r < 40) return IssueStatus::kOpen;
  if (r < 65) return IssueStatus::kInProgress;
  if (r < 75) return IssueStatus::kInReview;
  return IssueStatus::kClosed;
}

Issue MakeIssue(const CompanyData& d, uint64_t n, std::minstd_rand& rng) {
  static const std::vector<std::string> kLabels = {"backend",     "frontend", "api",      "login",
                                                   "performance", "ui",       "security", "db"};
  int64_t created = kEpochMicros + static_cast<int64_t>(n) * 60'000'000LL;
  Issue issue{
      .issue_id = IssueId::FromSequence(n),
      .company_id = d.company.company_id,
      .title = "Synthetic issue " + std::to_string(n),
      .description = "Generated for load testing",
      .status = RandomStatus(rng),
      .priority = static_cast<Priority>(rng() % 4),
      .issue_type = static_cast<IssueType>(rng() % 4),
      .reporter = Pick(rng, d.users).email,
      .created_date = FormatTimestamp(created),
      .updated_date = FormatTimestamp(created + static_cast<int64_t>(rng() % 86'400) * 1'000'000LL),
      .labels = {Pick(rng, kLabels)},
      .estimated_hours = static_cast<int64_t>(rng() % 40),
      .story_points = static_cast<int64_t>(rng() % 13),
      .version = 1};
  if (rng() % 10 < 8) issue.assigned_user = Pick(rng, d.users).email;
  if (!d.teams.empty() && rng() % 10 < 7) issue.assigned_team = Pick(rng, d.teams).team_id;
  if (rng() % 2 == 0) issue.due_date = FormatDate(created + 14LL * 86'400'000'000LL);
  return issue;
}

CompanyData Generate(const SyntheticOptions& o, int index) {
  CompanyId id = CompanyId::Parse(CompanyIdText(o, index)).value();
  Tier tier = TierFor(index);
  std::minstd_rand rng(static_cast<unsigned>(o.seed * 1'000'003 + static_cast<uint64_t>(index)));
  TierLimits limits = DefaultLimits(tier);
  CompanyData d{Company{.company_id = id,
                        .company_name = "Synthetic Company " + std::to_string(index + 1),
                        .company_tier = tier,
                        .contact_email = UserEmail::Parse("user1@" + DomainFor(id.str())).value(),
                        .created_date = FormatTimestamp(kEpochMicros),
                        .monthly_quota = limits.monthly_quota,
                        .api_calls_used = static_cast<int64_t>(rng() % 100),
                        .max_users = limits.max_users},
                {},
                {},
                {},
                {}};
  d.users = MakeUsers(id, tier, o.users_per_company);
  d.teams = MakeTeams(id, d.users, o.teams_per_company, rng);
  d.issues.reserve(static_cast<size_t>(o.issues_per_company));
  for (int n = 1; n <= o.issues_per_company; ++n) {
    d.issues.push_back(MakeIssue(d, static_cast<uint64_t>(n), rng));
    const Issue& issue = d.issues.back();
    if (issue.assigned_team && issue.status != IssueStatus::kClosed) {
      ++d.teams[issue.assigned_team->sequence() - 1].current_workload;
    }
  }
  for (int c = 1; c <= o.comments_per_company && !d.issues.empty(); ++c) {
    const Issue& on = Pick(rng, d.issues);
    Comment comment{.comment_id = CommentId::FromSequence(static_cast<uint64_t>(c)),
                    .issue_id = on.issue_id,
                    .company_id = id,
                    .author_email = Pick(rng, d.users).email,
                    .content = "Synthetic comment " + std::to_string(c),
                    .created_date = FormatTimestamp(
                        kEpochMicros + static_cast<int64_t>(on.issue_id.sequence()) * 60'000'000LL +
                        c * 1'000LL),
                    .is_internal = rng() % 10 == 0};
    if (rng() % 2 == 0) comment.mentions.push_back(Pick(rng, d.users).email);
    d.comments.push_back(std::move(comment));
  }
  for (Comment& comment : d.comments) {
    for (const User& u : d.users) {
      if (u.email == comment.author_email) comment.author_name = u.full_name;
    }
  }
  d.company.current_users = static_cast<int64_t>(d.users.size());
  d.company.issue_counter = d.issues.size();
  d.company.team_counter = d.teams.size();
  d.company.comment_counter = d.comments.size();
  return d;
}

// A Platinum user's entry in the pooled Users table (the login directory).
struct DirectoryStubOf {
  UserEmail email;
};

// An item waiting to be imported, kept as the domain object it encodes (an issue's
// object is a third of its item's size): items are encoded only as the backend consumes
// them, one at a time.
struct PendingItem {
  uint32_t scope;  // in its chunk's scopes
  std::variant<User, DirectoryStubOf, Team, Issue, Comment> object;
};

// One ImportItems call's worth of items for one table.
struct ImportChunk {
  std::string table;
  std::vector<CompanyScope> scopes;  // of the companies with items in the chunk
  std::vector<PendingItem> items;
  uint64_t issues = 0;

  void Add(const CompanyScope& scope, decltype(PendingItem::object) object) {
    if (scopes.empty() || !(scopes.back() == scope)) scopes.push_back(scope);
    issues += std::holds_alternative<Issue>(object) ? 1 : 0;
    items.push_back({static_cast<uint32_t>(scopes.size() - 1), std::move(object)});
  }
  // Moves `other`'s items (of the same table) to the end of this chunk.
  void Append(ImportChunk&& other) {
    const auto offset = static_cast<uint32_t>(scopes.size());
    scopes.insert(scopes.end(), other.scopes.begin(), other.scopes.end());
    items.reserve(items.size() + other.items.size());
    for (PendingItem& p : other.items) {
      p.scope += offset;
      items.push_back(std::move(p));
    }
    issues += other.issues;
  }
  dynamo::Item Encode(const tenancy::Layout& l, const PendingItem& p) const {
    const CompanyScope& scope = scopes[p.scope];
    if (const auto* issue = std::get_if<Issue>(&p.object)) return EncodeIssue(l, scope, *issue);
    if (const auto* comment = std::get_if<Comment>(&p.object))
      return EncodeComment(l, scope, *comment);
    if (const auto* user = std::get_if<User>(&p.object)) return EncodeUser(l, scope, *user);
    if (const auto* team = std::get_if<Team>(&p.object)) return EncodeTeam(l, scope, *team);
    return l.DirectoryStub(scope, std::get<DirectoryStubOf>(p.object).email);
  }
};

// Items per ImportItems call: as many as possible, since every import has a fixed cost
// and adds files overlapping the table's others, but few enough that each worker fills a
// chunk of the largest pooled table (Issues) while the others still generate, so imports
// overlap generation instead of all waiting for the end. (For the default 100,000 issues
// on 3 threads, 22,500-item chunks gave 161,000 issues/s where 50,000 gave 150,000; at
// 200,000 issues and more the chunks are 45,000 to 50,000.)
size_t ChunkItemsFor(const SyntheticOptions& o) {
  constexpr uint64_t kMin = 10'000, kMax = 50'000;
  const auto companies = static_cast<uint64_t>(o.companies);
  const uint64_t pooled_companies = companies - (companies + 9) / 10;  // one in ten is Platinum
  const uint64_t pooled_issues = pooled_companies * static_cast<uint64_t>(o.issues_per_company);
  return static_cast<size_t>(
      std::clamp<uint64_t>(pooled_issues / static_cast<uint64_t>(o.threads + 1), kMin, kMax));
}

struct Shared {
  dynamo::Backend& backend;
  const tenancy::Layout& layout;
  const SyntheticOptions& options;
  // Of each company, by index: registered (or reopened) for this load by SetUpCompanies.
  const std::vector<CompanyScope>& scopes;
  const size_t chunk_items = ChunkItemsFor(options);
  std::atomic<int> next_company{0};
  std::atomic<uint64_t> items_done{0};
  std::atomic<uint64_t> issues_done{0};
  std::mutex mu;
  std::condition_variable cv;
  // Guarded by mu:
  Status first_error;
  int generating = 0;  // workers still generating
  // The workers' last partial chunks, merged per table as they are handed over: a chunk
  // that reaches chunk_items, and every chunk once the last worker has handed over, moves
  // to `ready` (imports are kept few and large, as for chunk_items).
  std::map<std::string, ImportChunk> merging;
  std::vector<ImportChunk> ready;  // in increasing size: the largest is taken first

  // REQUIRES: mu held.
  void HandOver(std::map<std::string, ImportChunk> pending) {
    for (auto& [table, chunk] : pending) {
      ImportChunk& merged = merging[table];
      merged.table = table;
      merged.Append(std::move(chunk));
      if (merged.items.size() >= chunk_items) {
        ready.push_back(std::move(merged));
        merging.erase(table);
      }
    }
  }
  // REQUIRES: mu held.
  void DoneGenerating() {
    if (--generating == 0) {
      for (auto& [table, chunk] : merging) ready.push_back(std::move(chunk));
      merging.clear();
    }
    std::sort(ready.begin(), ready.end(), [](const ImportChunk& a, const ImportChunk& b) {
      return a.items.size() < b.items.size();
    });
    cv.notify_all();  // chunks for idle workers, or the last worker is done
  }

  bool failed() {
    std::lock_guard<std::mutex> lock(mu);
    return !first_error.ok();
  }
  void Fail(Status status) {
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.ok()) first_error = std::move(status);
    cv.notify_all();
  }
};

// Writes a chunk with ImportItems when the backend offers it (the engine ingests it as
// sorted files: several times the BatchWriteItem rate). An import fails as a whole when an
// item already exists, which happens only on a re-run of the same seed: that chunk is then
// written with BatchWriteItem, which overwrites. A backend without ImportItems (a remote
// DynamoDB) gets BatchWriteItem for every chunk; the workers run those in parallel.
Status Import(Shared& s, ImportChunk chunk) {
  if (chunk.items.empty()) return Status::Ok();
  const size_t count = chunk.items.size();
  bool imported = false;
  if (dynamo::Extensions* extensions = dynamo::FindExtensions(s.backend)) {
    dynamo::ImportItemsRequest import{
        chunk.table, {}, [&, at = size_t{0}](dynamo::Item* item) mutable {
          if (at == count) return false;
          *item = chunk.Encode(s.layout, chunk.items[at++]);
          return true;
        }};
    auto result = extensions->ImportItems(import);
    if (!result.ok() && result.status().code() != Code::kConditionalCheckFailed) {
      return result.status();
    }
    imported = result.ok();
  }
  if (!imported) {
    for (size_t i = 0; i < count; i += tenancy::kMaxBatchWriteRequests) {
      dynamo::BatchWriteItemRequest batch;
      auto& writes = batch.request_items[chunk.table];
      for (size_t j = i; j < std::min(count, i + tenancy::kMaxBatchWriteRequests); ++j) {
        writes.push_back({chunk.Encode(s.layout, chunk.items[j]), std::nullopt});
      }
      IT_RETURN_IF_ERROR(tenancy::BatchWriteOnce(s.backend, std::move(batch)));
    }
  }
  s.items_done.fetch_add(count, std::memory_order_relaxed);
  s.issues_done.fetch_add(chunk.issues, std::memory_order_relaxed);
  return Status::Ok();
}

// A worker's items per table, imported in chunks of Shared::chunk_items. A Platinum company's silo
// tables are only written by the worker that generates the company: they are imported
// as soon as the company is done, so what a worker buffers stays bounded (one chunk per
// pooled table plus one company).
class ImportBuffer {
 public:
  explicit ImportBuffer(Shared& shared) : shared_(shared) {}
  Status Put(const std::string& table, const CompanyScope& scope,
             decltype(PendingItem::object) object) {
    ImportChunk& p = pending_[table];
    p.Add(scope, std::move(object));
    if (p.items.size() >= shared_.chunk_items) return Flush(table);
    return Status::Ok();
  }
  Status Flush(const std::string& table) {
    auto it = pending_.find(table);
    if (it == pending_.end()) return Status::Ok();
    ImportChunk chunk = std::move(it->second);
    chunk.table = table;
    pending_.erase(it);
    return Import(shared_, std::move(chunk));
  }
  // What is left, for the shared merge (see Shared::merging).
  std::map<std::string, ImportChunk> TakePending() {
    std::map<std::string, ImportChunk> out = std::move(pending_);
    pending_.clear();
    return out;
  }

 private:
  Shared& shared_;
  std::map<std::string, ImportChunk> pending_;
};

// Moves the company's objects into the worker's pending chunks.
Status WriteCompanyItems(Shared& s, const CompanyScope& scope, CompanyData d, ImportBuffer& sink) {
  const tenancy::Layout& l = s.layout;
  std::string users = l.TableFor(scope, Entity::kUser).str();
  for (User& u : d.users) {
    if (scope.silo()) {
      IT_RETURN_IF_ERROR(
          sink.Put(l.PooledTableName(Entity::kUser).str(), scope, DirectoryStubOf{u.email}));
    }
    IT_RETURN_IF_ERROR(sink.Put(users, scope, std::move(u)));
  }
  std::string teams = l.TableFor(scope, Entity::kTeam).str();
  for (Team& t : d.teams) IT_RETURN_IF_ERROR(sink.Put(teams, scope, std::move(t)));
  std::string issues = l.TableFor(scope, Entity::kIssue).str();
  for (Issue& i : d.issues) IT_RETURN_IF_ERROR(sink.Put(issues, scope, std::move(i)));
  std::string comments = l.TableFor(scope, Entity::kComment).str();
  for (Comment& c : d.comments) IT_RETURN_IF_ERROR(sink.Put(comments, scope, std::move(c)));
  if (scope.silo()) {
    for (const std::string* table : {&users, &teams, &issues, &comments}) {
      IT_RETURN_IF_ERROR(sink.Flush(*table));
    }
  }
  return Status::Ok();
}

void Worker(Shared& s) {
  ImportBuffer sink(s);
  Status status;
  while (status.ok() && !s.failed()) {
    int index = s.next_company.fetch_add(1);
    if (index >= s.options.companies) break;
    status = WriteCompanyItems(s, s.scopes[static_cast<size_t>(index)], Generate(s.options, index),
                               sink);
  }
  std::unique_lock<std::mutex> lock(s.mu);
  if (status.ok()) s.HandOver(sink.TakePending());
  s.DoneGenerating();
  // Import merged chunks, the largest first, until every worker has handed over and none
  // is left.
  while (status.ok()) {
    s.cv.wait(lock, [&] { return !s.ready.empty() || s.generating == 0 || !s.first_error.ok(); });
    if (!s.first_error.ok() || s.ready.empty()) break;
    ImportChunk chunk = std::move(s.ready.back());
    s.ready.pop_back();
    lock.unlock();
    status = Import(s, std::move(chunk));
    lock.lock();
  }
  lock.unlock();
  if (!status.ok()) s.Fail(std::move(status));
}

// A re-run must never rewind what the company has handed out since: keep the larger of
// the stored and the generated counters (and seats, since later users are kept). The
// company is in onboarding (reopened for this load), so nobody else changes them meanwhile.
Status KeepHandedOut(dynamo::Backend& backend, const tenancy::Layout& layout,
                     const CompanyScope& scope, const Company& seeded) {
  dynamo::GetItemRequest get{layout.SystemTableName(tenancy::SystemTable::kCompanyManagement).str(),
                             layout.CompanyKey(seeded.company_id), true};
  IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse existing, backend.GetItem(get));
  if (!existing.item) return Status::NotFound("Company " + seeded.company_id.str() + " vanished");
  IT_ASSIGN_OR_RETURN(Company stored, DecodeCompany(layout, *existing.item));
  dynamo::UpdateItemRequest update;
  update.table_name = get.table_name;
  update.key = get.key;
  Expr e;
  std::string assignments;
  auto set = [&](std::string_view field, int64_t value) {
    assignments += (assignments.empty() ? "SET " : ", ") + e.Name(field) + " = " + e.Value(value);
  };
  set(field::kIssueCounter,
      static_cast<int64_t>(std::max(seeded.issue_counter, stored.issue_counter)));
  set(field::kTeamCounter,
      static_cast<int64_t>(std::max(seeded.team_counter, stored.team_counter)));
  set(field::kCommentCounter,
      static_cast<int64_t>(std::max(seeded.comment_counter, stored.comment_counter)));
  set(field::kCurrentUsers, std::max(seeded.current_users, stored.current_users));
  update.update_expression = std::move(assignments);
  update.condition_expression =
      e.Name(tenancy::attr::kLifecycleState) + " = " + e.Value("onboarding") + " AND " +
      e.Name(tenancy::attr::kIncarnation) + " = " + e.Value(scope.incarnation());
  update.expression_attribute_names = std::move(e.names);
  update.expression_attribute_values = std::move(e.values);
  auto updated = backend.UpdateItem(update);
  if (!updated.ok() && updated.status().Is(Code::kConditionalCheckFailed)) {
    return Status::Conflict("Company " + seeded.company_id.str() + " changed during seeding");
  }
  return updated.status();
}

// The company records: a new company is registered (with its counters and seats) and left
// in onboarding; an existing one (a re-run) is reopened for the load. Either way nobody
// writes to it, signs in to it or offboards it until the load activates it. Returns each
// company's scope, in order.
Result<std::vector<CompanyScope>> SetUpCompanies(
    dynamo::Backend& backend, const tenancy::Layout& layout, const tenancy::AdminAccess& admin,
    const issuetracker::Clock& clock, const SyntheticOptions& o, SyntheticReport* report) {
  tenancy::SchemaCatalog catalog(layout);
  tenancy::CompanyLifecycle lifecycle(backend, catalog, clock);
  tenancy::Provisioner provisioner(backend, catalog);
  std::vector<CompanyScope> scopes;
  scopes.reserve(static_cast<size_t>(o.companies));
  for (int i = 0; i < o.companies; ++i) {
    // Counter values only depend on the options; generate the record cheaply.
    SyntheticOptions counts_only = o;
    counts_only.issues_per_company = 0;
    counts_only.comments_per_company = 0;
    CompanyData d = Generate(counts_only, i);
    d.company.issue_counter = static_cast<uint64_t>(o.issues_per_company);
    d.company.comment_counter =
        o.issues_per_company > 0 ? static_cast<uint64_t>(o.comments_per_company) : 0;
    const CompanyId& id = d.company.company_id;
    const Tier tier = d.company.company_tier;
    auto state = tenancy::LoadCompanyState(backend, layout, id);
    if (!state.ok() && !state.status().Is(Code::kNotFound)) return state.status();
    if (!state.ok() || state->state == tenancy::LifecycleState::kRetired) {
      IT_ASSIGN_OR_RETURN(CompanyScope scope,
                          lifecycle.Register(admin, id, tier, EncodeCompany(layout, d.company),
                                             /*activate=*/false));
      scopes.push_back(std::move(scope));
    } else {
      IT_ASSIGN_OR_RETURN(CompanyScope scope, lifecycle.ReopenForBulkLoad(admin, id, tier));
      if (scope.silo()) {  // recreates lost silo tables
        IT_RETURN_IF_ERROR(
            provisioner.OnboardPlatinum(admin, scope, FormatTimestamp(kEpochMicros)).status());
      }
      IT_RETURN_IF_ERROR(KeepHandedOut(backend, layout, scope, d.company));
      scopes.push_back(std::move(scope));
    }
    (tier == Tier::kPlatinum  ? report->platinum
     : tier == Tier::kPremium ? report->premium
                              : report->basic)++;
    report->counts.users += static_cast<int>(d.users.size());
    report->counts.teams += static_cast<int>(d.teams.size());
  }
  return scopes;
}

double Seconds(SteadyClock::time_point from) {
  return std::chrono::duration<double>(SteadyClock::now() - from).count();
}

}  // namespace

Status ValidateSyntheticOptions(const SyntheticOptions& o) {
  if (o.companies < 1 || o.companies > 1'000'000) {
    return Status::Validation("companies must be between 1 and 1000000");
  }
  if (o.issues_per_company < 0 || o.issues_per_company > 1'000'000) {
    return Status::Validation("issues per company must be between 0 and 1000000");
  }
  if (o.threads < 1 || o.threads > 64) return Status::Validation("threads must be 1..64");
  if (o.users_per_company < 1) return Status::Validation("users per company must be >= 1");
  if (o.teams_per_company < 0 || o.teams_per_company > 1000) {
    return Status::Validation("teams per company must be between 0 and 1000");
  }
  if (o.comments_per_company < 0 || o.comments_per_company > 1'000'000) {
    return Status::Validation("comments per company must be between 0 and 1000000");
  }
  if (o.company_prefix.size() > 40) return Status::Validation("company prefix too long");
  return CompanyId::Parse(o.company_prefix + "000001").status();
}

Result<SyntheticReport> SeedSynthetic(dynamo::Backend& backend, const tenancy::Layout& layout,
                                      const tenancy::AdminAccess& admin, const SyntheticOptions& o,
                                      const std::function<void(const SyntheticProgress&)>& progress,
                                      const issuetracker::Clock& clock) {
  IT_RETURN_IF_ERROR(ValidateSyntheticOptions(o));
  SyntheticReport report;
  auto setup_start = SteadyClock::now();
  IT_ASSIGN_OR_RETURN(std::vector<CompanyScope> scopes,
                      SetUpCompanies(backend, layout, admin, clock, o, &report));
  report.setup_seconds = Seconds(setup_start);
  report.counts.companies = o.companies;
  report.counts.issues = o.companies * o.issues_per_company;
  report.counts.comments = o.issues_per_company > 0 ? o.companies * o.comments_per_company : 0;
  int stubs_per_platinum = std::min<int>(
      o.users_per_company, static_cast<int>(DefaultLimits(Tier::kPlatinum).max_users));
  uint64_t items_total = static_cast<uint64_t>(report.counts.users) + report.counts.teams +
                         report.counts.issues + report.counts.comments +
                         static_cast<uint64_t>(report.platinum) * stubs_per_platinum;

  Shared shared{backend, layout, o, scopes};
  shared.generating = o.threads;
  auto start = SteadyClock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < o.threads; ++t) workers.emplace_back([&shared] { Worker(shared); });
  std::atomic<bool> done{false};
  std::mutex monitor_mu;
  std::condition_variable monitor_cv;
  auto snapshot = [&] {
    return SyntheticProgress{shared.items_done.load(), items_total, shared.issues_done.load(),
                             static_cast<uint64_t>(report.counts.issues), Seconds(start)};
  };
  std::thread monitor([&] {
    std::unique_lock<std::mutex> lock(monitor_mu);
    while (
        !monitor_cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done.load(); })) {
      if (progress) progress(snapshot());
    }
  });
  for (auto& w : workers) w.join();
  report.write_seconds = Seconds(start);
  {
    std::lock_guard<std::mutex> lock(monitor_mu);
    done = true;
  }
  monitor_cv.notify_all();
  monitor.join();
  if (progress) progress(snapshot());
  IT_RETURN_IF_ERROR(shared.first_error);
  // Every item is in: the companies go live.
  auto activate_start = SteadyClock::now();
  tenancy::SchemaCatalog catalog(layout);
  tenancy::CompanyLifecycle lifecycle(backend, catalog, clock);
  for (const CompanyScope& scope : scopes) IT_RETURN_IF_ERROR(lifecycle.Activate(admin, scope));
  report.setup_seconds += Seconds(activate_start);
  double secs = std::max(report.write_seconds, 1e-9);
  report.issues_per_second = report.counts.issues / secs;
  report.items_per_second = static_cast<double>(shared.items_done.load()) / secs;
  report.chunk_items = shared.chunk_items;
  return report;
}

}  // namespace issuetracker::tracker
