#include "tracker/verifier.h"

#include <chrono>
#include <cstdio>

#include "dynamo/extensions.h"
#include "tenancy/schema.h"
#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/model.h"

namespace issuetracker::tracker {

using dynamo::Item;
using tenancy::CompanyScope;
using tenancy::QueryPlan;
namespace attr = tenancy::attr;

namespace {

using SteadyClock = std::chrono::steady_clock;
using Outcome = CheckResult::Outcome;

struct QueryRun {
  Status status;
  std::vector<Item> items;
  double ms = 0;
};

// Runs every step and page of a plan, timing it.
QueryRun RunQuery(dynamo::Backend& backend, const QueryPlan& plan) {
  QueryRun run;
  auto start = SteadyClock::now();
  for (const auto& step : plan.steps) {
    dynamo::QueryRequest request = step.request;
    while (true) {
      auto response = backend.Query(request);
      if (!response.ok()) {
        run.status = response.status();
        break;
      }
      for (Item& item : response->items) run.items.push_back(std::move(item));
      if (!response->last_evaluated_key) break;
      request.exclusive_start_key = std::move(response->last_evaluated_key);
    }
  }
  run.ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
  return run;
}

std::string StringAttr(const Item& item, std::string_view name) {
  const std::string* s = dynamo::FindS(item, name);
  return s != nullptr ? *s : "";
}

// Checks the rows a query returned: at least one; each of `scope`'s company (by its
// company_id and through the layout's key parser for `entity`); and, when given, with
// attribute `name` equal to `value`. Empty when fine, else what is wrong.
std::string Problems(const tenancy::Layout& layout, const CompanyScope& scope,
                     tenancy::Entity entity, const QueryRun& run, std::string_view name = {},
                     std::string_view value = {}) {
  if (!run.status.ok()) return run.status.ToString();
  if (run.items.empty()) return "no items returned (is the sample data loaded?)";
  for (const Item& item : run.items) {
    if (StringAttr(item, attr::kCompanyId) != scope.company_id().str()) {
      return "LEAK: an item of company " + StringAttr(item, attr::kCompanyId) + " came back";
    }
    Status key = layout.PrimaryKeyOf(scope, entity, item).status();
    if (!key.ok()) return "LEAK or bad key: " + key.message();
    if (!name.empty() && StringAttr(item, name) != value) {
      return "an item with " + std::string(name) + " = " + StringAttr(item, name) + " came back";
    }
  }
  return "";
}

class Verifier {
 public:
  Verifier(dynamo::Backend& backend, const tenancy::Layout& layout,
           const tenancy::AdminAccess& admin, const VerifyOptions& options)
      : backend_(backend), layout_(layout), admin_(admin), catalog_(layout), options_(options) {}

  VerifyReport Run() {
    // The spec's sample companies, in the tiers and incarnations their records say.
    c1_ = Lookup("COMPANY001", &c1_problem_);
    c2_ = Lookup("COMPANY002", &c2_problem_);
    IsolationTests();
    TablesCreated();
    SampleDataAdded();
    IndexesWorking();
    CompanyIsolation();
    IssueTrackingQueries();
    Monitoring();
    return std::move(report_);
  }

 private:
  void Add(std::string section, std::string name, std::string problems, double ms,
           std::string ok_detail) {
    CheckResult r{std::move(section), std::move(name), Outcome::kPass, ms, std::move(ok_detail)};
    if (!problems.empty()) {
      r.outcome = Outcome::kFail;
      r.detail = std::move(problems);
    }
    report_.checks.push_back(std::move(r));
  }
  static std::string Count(const QueryRun& run, std::string_view what) {
    return std::to_string(run.items.size()) + " " + std::string(what);
  }

  std::optional<tenancy::TenantContext> Lookup(std::string_view id, std::string* problem) {
    auto ctx = admin_.ContextFor(backend_, layout_, CompanyId::Parse(id).value());
    if (ctx.ok()) return std::move(ctx).value();
    *problem = std::string(id) + ": " + ctx.status().ToString() +
               " (no items can be read: is the sample data loaded?)";
    return std::nullopt;
  }
  // The scope of COMPANY001 / COMPANY002, or nullptr (then the check fails with why).
  const CompanyScope* Company001() const { return c1_ ? &c1_->scope() : nullptr; }
  const CompanyScope* Company002() const { return c2_ ? &c2_->scope() : nullptr; }
  // Adds a failed row when a sample company is missing; true when `scope` is there.
  bool Have(const CompanyScope* scope, const std::string& problem, std::string section,
            std::string name) {
    if (scope != nullptr) return true;
    Add(std::move(section), std::move(name), problem, 0, "");
    return false;
  }

  void IsolationTests();
  void TablesCreated();
  void SampleDataAdded();
  void IndexesWorking();
  void CompanyIsolation();
  void IssueTrackingQueries();
  void Monitoring();

  dynamo::Backend& backend_;
  const tenancy::Layout& layout_;
  const tenancy::AdminAccess& admin_;
  tenancy::SchemaCatalog catalog_;
  std::optional<tenancy::TenantContext> c1_, c2_;
  std::string c1_problem_, c2_problem_;
  const VerifyOptions& options_;
  VerifyReport report_;
};

void Verifier::IsolationTests() {
  using tenancy::Entity;
  const CompanyScope* c1 = Company001();
  const CompanyScope* c2 = Company002();
  const UserEmail john = UserEmail::Parse("john@techstart.com").value();
  const std::string t1_name = "Test 1: all issues of COMPANY001 (CompanyStatusIndex)";
  if (Have(c1, c1_problem_, "Isolation 5.1", t1_name)) {
    QueryRun t1 = RunQuery(backend_, layout_.IssuesByCompany(*c1, AllStatusNames()));
    Add("Isolation 5.1", t1_name, Problems(layout_, *c1, Entity::kIssue, t1), t1.ms,
        Count(t1, "issues, all COMPANY001"));
  }
  const std::string t2_name = "Test 2: all teams of COMPANY002 (CompanyIndex)";
  if (Have(c2, c2_problem_, "Isolation 5.1", t2_name)) {
    QueryRun t2 = RunQuery(backend_, layout_.TeamsByCompany(*c2, AllTeamStatusNames()));
    Add("Isolation 5.1", t2_name, Problems(layout_, *c2, Entity::kTeam, t2), t2.ms,
        Count(t2, "teams, all COMPANY002"));
  }
  const std::string t3_name = "Test 3: COMPANY001 issues assigned to john (AssigneeIndex)";
  if (Have(c1, c1_problem_, "Isolation 5.2", t3_name)) {
    QueryRun t3 = RunQuery(backend_, layout_.IssuesByAssignee(*c1, john));
    Add("Isolation 5.2", t3_name,
        Problems(layout_, *c1, Entity::kIssue, t3, attr::kAssignedUser, john.str()), t3.ms,
        Count(t3, "issues, all COMPANY001 and john's"));
  }
  const std::string t4_name = "Test 4: COMPANY001 High priority issues (PriorityIndex)";
  if (Have(c1, c1_problem_, "Isolation 5.3", t4_name)) {
    QueryRun t4 = RunQuery(backend_, layout_.IssuesByPriority(*c1, "High", AllStatusNames()));
    Add("Isolation 5.3", t4_name,
        Problems(layout_, *c1, Entity::kIssue, t4, attr::kPriority, "High"), t4.ms,
        Count(t4, "issues, all COMPANY001 and High"));
  }
  // The issue's key as the layout writes it (COMPANY001's ISS-001).
  const std::string t5_base = "Test 5: comments of COMPANY001's ISS-001";
  if (Have(c1, c1_problem_, "Isolation 5.3", t5_base + " (IssueIndex)")) {
    const IssueId iss001 = IssueId::FromSequence(1);
    auto [ref_attr, ref_value] = layout_.CommentIssueReference(*c1, iss001);
    QueryRun t5 = RunQuery(backend_, layout_.CommentsByIssue(*c1, iss001));
    std::string p5 = Problems(layout_, *c1, Entity::kComment, t5, ref_attr, ref_value.s());
    for (size_t i = 1; p5.empty() && i < t5.items.size(); ++i) {
      if (StringAttr(t5.items[i - 1], attr::kCreatedDate) >
          StringAttr(t5.items[i], attr::kCreatedDate)) {
        p5 = "comments are not sorted by date";
      }
    }
    Add("Isolation 5.3", "Test 5: comments of " + ref_value.s() + " (IssueIndex)", p5, t5.ms,
        Count(t5, "comments, in date order"));
  }
}

void Verifier::TablesCreated() {
  std::string problems;
  auto start = SteadyClock::now();
  int found = 0;
  for (const tenancy::TableSpec& spec : catalog_.SharedTables()) {
    auto d = backend_.DescribeTable({spec.name.str()});
    if (!d.ok()) {
      problems += (problems.empty() ? "" : "; ") + spec.name.str() + ": " + d.status().ToString();
      continue;
    }
    ++found;
    for (const std::string& drift : tenancy::CompareTable(spec, d->table)) {
      problems += (problems.empty() ? "" : "; ") + spec.name.str() + ": " + drift;
    }
  }
  double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
  Add("Verify 1", "All 7 tables created, keys and indexes as specified", problems, ms,
      std::to_string(found) + " tables, no drift");
}

void Verifier::SampleDataAdded() {
  using tenancy::Entity;
  const std::string name =
      "Sample data in every pooled table, company_id set, COMPANY#TYPE#ID keys";
  if (!Have(Company001(), c1_problem_, "Verify 2", name) ||
      !Have(Company002(), c2_problem_, "Verify 2", name)) {
    return;
  }
  std::string problems;
  double ms = 0;
  int rows = 0;
  for (const CompanyScope* scope : {Company001(), Company002()}) {
    if (scope->silo()) {
      problems += (problems.empty() ? "" : "; ") + scope->company_id().str() + " is Platinum";
      continue;
    }
    const QueryPlan plans[] = {layout_.PooledCompanyItems(*scope, Entity::kIssue),
                               layout_.PooledCompanyItems(*scope, Entity::kTeam),
                               layout_.PooledCompanyItems(*scope, Entity::kComment),
                               layout_.PooledCompanyItems(*scope, Entity::kUser)};
    for (const QueryPlan& plan : plans) {
      QueryRun run = RunQuery(backend_, plan);
      ms += run.ms;
      rows += static_cast<int>(run.items.size());
      // Problems() parses every partition key as a composite key of this company.
      std::string p = Problems(layout_, *scope, plan.entity, run);
      if (!p.empty()) {
        problems += (problems.empty() ? "" : "; ") + scope->company_id().str() + " " +
                    std::string(tenancy::EntityTableStem(plan.entity)) + ": " + p;
      }
    }
  }
  Add("Verify 2", name, problems, ms, std::to_string(rows) + " items checked");
}

void Verifier::IndexesWorking() {
  using tenancy::Entity;
  const char* names[] = {"Issues by company (CompanyStatusIndex)",
                         "Teams by company (CompanyIndex)", "Comments by issue (IssueIndex)"};
  const CompanyScope* c1 = Company001();
  if (c1 == nullptr) {
    for (const char* n : names)
      Add("Verify 3", std::string(n) + " under 100 ms", c1_problem_, 0, "");
    return;
  }
  const QueryPlan plans[] = {layout_.IssuesByCompany(*c1, AllStatusNames()),
                             layout_.TeamsByCompany(*c1, AllTeamStatusNames()),
                             layout_.CommentsByIssue(*c1, IssueId::FromSequence(1))};
  for (size_t i = 0; i < std::size(plans); ++i) {
    QueryRun run = RunQuery(backend_, plans[i]);
    std::string p = Problems(layout_, *c1, plans[i].entity, run);
    if (p.empty() && run.ms >= options_.latency_budget_ms) {
      char buf[96];
      std::snprintf(buf, sizeof(buf), "took %.1f ms, over the %.0f ms budget", run.ms,
                    options_.latency_budget_ms);
      p = buf;
    }
    Add("Verify 3", std::string(names[i]) + " under 100 ms", p, run.ms, Count(run, "items"));
  }
}

void Verifier::CompanyIsolation() {
  using tenancy::Entity;
  const std::pair<const CompanyScope*, const std::string*> companies[] = {
      {Company001(), &c1_problem_}, {Company002(), &c2_problem_}};
  const char* ids[] = {"COMPANY001", "COMPANY002"};
  for (size_t c = 0; c < 2; ++c) {
    const std::string id = ids[c];
    const std::string name = id + " queries return only " + id + " issues, teams, comments";
    const CompanyScope* scope = companies[c].first;
    if (!Have(scope, *companies[c].second, "Verify 4", name)) continue;
    if (scope->silo()) {
      Add("Verify 4", name, id + " is registered as Platinum, not as the sample says", 0, "");
      continue;
    }
    std::string problems;
    double ms = 0;
    size_t rows = 0;
    const QueryPlan plans[] = {layout_.IssuesByCompany(*scope, AllStatusNames()),
                               layout_.TeamsByCompany(*scope, AllTeamStatusNames()),
                               layout_.PooledCompanyItems(*scope, Entity::kComment)};
    for (const QueryPlan& plan : plans) {
      QueryRun run = RunQuery(backend_, plan);
      ms += run.ms;
      rows += run.items.size();
      std::string p = Problems(layout_, *scope, plan.entity, run);
      if (!p.empty()) problems += (problems.empty() ? "" : "; ") + p;
    }
    Add("Verify 4", name, problems, ms, std::to_string(rows) + " items, no leakage");
  }
}

void Verifier::IssueTrackingQueries() {
  using tenancy::Entity;
  const char* names[] = {"Find high priority issues", "Filter issues by assignee",
                         "Load all comments for an issue", "Query teams and their members"};
  if (Company001() == nullptr) {
    for (const char* n : names) Add("Verify 5", n, c1_problem_, 0, "");
    return;
  }
  const CompanyScope& c1 = *Company001();
  const UserEmail john = UserEmail::Parse("john@techstart.com").value();
  QueryRun high = RunQuery(backend_, layout_.IssuesByPriority(c1, "High", AllStatusNames()));
  Add("Verify 5", names[0], Problems(layout_, c1, Entity::kIssue, high, attr::kPriority, "High"),
      high.ms, Count(high, "issues"));
  QueryRun mine = RunQuery(backend_, layout_.IssuesByAssignee(c1, john));
  Add("Verify 5", names[1],
      Problems(layout_, c1, Entity::kIssue, mine, attr::kAssignedUser, john.str()), mine.ms,
      Count(mine, "issues"));
  QueryRun comments = RunQuery(backend_, layout_.CommentsByIssue(c1, IssueId::FromSequence(1)));
  Add("Verify 5", names[2], Problems(layout_, c1, Entity::kComment, comments), comments.ms,
      Count(comments, "comments"));
  QueryRun teams = RunQuery(backend_, layout_.TeamsByCompany(c1, AllTeamStatusNames()));
  std::string p = Problems(layout_, c1, Entity::kTeam, teams);
  size_t members = 0;
  for (const Item& item : teams.items) {
    auto team = DecodeTeam(layout_, c1, item);
    if (!team.ok()) {
      p = team.status().ToString();
      break;
    }
    if (team->members.empty()) p = "team " + team->team_id.str() + " has no members";
    members += team->members.size();
  }
  Add("Verify 5", names[3], p, teams.ms,
      Count(teams, "teams, ") + std::to_string(members) + " members");
}

void Verifier::Monitoring() {
  std::string problems;
  std::vector<std::string> enabled;
  auto start = SteadyClock::now();
  bool unsupported = false;
  for (const tenancy::TableSpec& spec : catalog_.SharedTables()) {
    if (!spec.point_in_time_recovery) continue;
    auto d = backend_.DescribeContinuousBackups({spec.name.str()});
    if (!d.ok() && d.status().Is(Code::kUnknownOperation)) {
      // A DynamoDB implementation without the continuous-backups API (dynalite): nothing
      // can be verified there. DynamoDB itself always answers this operation, so there a
      // disabled or failing table still fails the check.
      unsupported = true;
      break;
    }
    if (!d.ok()) {
      problems += (problems.empty() ? "" : "; ") + spec.name.str() + ": " + d.status().ToString();
    } else if (d->continuous_backups_description.point_in_time_recovery_description
                   .point_in_time_recovery_status != dynamo::PointInTimeRecoveryStatus::kEnabled) {
      problems += (problems.empty() ? "" : "; ") + spec.name.str() + ": disabled";
    } else {
      enabled.push_back(spec.name.str());
    }
  }
  double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
  if (unsupported) {
    report_.checks.push_back(CheckResult{
        "Verify 6", "Point-in-time recovery enabled on critical tables", Outcome::kInfo, ms,
        "not verifiable: this backend does not implement DescribeContinuousBackups "
        "(UnknownOperationException)"});
  } else {
    Add("Verify 6", "Point-in-time recovery enabled on critical tables", problems, ms,
        std::to_string(enabled.size()) + " tables (DescribeContinuousBackups)");
  }

  start = SteadyClock::now();
  std::string stats_problems;
  int64_t items = 0;
  for (const tenancy::TableSpec& spec : catalog_.SharedTables()) {
    auto d = backend_.DescribeTable({spec.name.str()});
    if (!d.ok()) {
      stats_problems = d.status().ToString();
      break;
    }
    items += d->table.item_count;
  }
  std::string stats_detail = std::to_string(items) + " items counted across the 7 tables";
  if (stats_problems.empty() && items == 0) {
    // DynamoDB refreshes ItemCount about every six hours, so a freshly loaded store shows 0:
    // that is a failure only when the tables really hold nothing.
    int64_t found = 0;
    for (const tenancy::TableSpec& spec : catalog_.SharedTables()) {
      dynamo::ScanRequest count;
      count.table_name = spec.name.str();
      count.select = dynamo::Select::kCount;
      count.limit = 1;
      auto r = backend_.Scan(count);
      if (r.ok()) found += r->count;
    }
    if (found == 0) {
      stats_problems = "DescribeTable reports no items";
    } else {
      stats_detail =
          "ItemCount not refreshed yet (DynamoDB updates it about every six hours); "
          "COUNT scans find items";
    }
  }
  ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
  Add("Verify 6", "Table statistics visible (DescribeTable ItemCount/TableSizeBytes)",
      stats_problems, ms, stats_detail);

  // The spec's CloudWatch metrics: read/write capacity consumed, throttled requests and
  // system errors, for each table (through DescribeTableMetrics, CloudWatch's stand-in).
  start = SteadyClock::now();
  std::string metric_problems;
  int64_t requests = 0, throttled = 0, system_errors = 0;
  double read_units = 0, write_units = 0;
  dynamo::TableMetricsSource* metrics = dynamo::FindTableMetrics(backend_);
  if (metrics == nullptr) metric_problems = "this backend keeps no table metrics";
  for (const tenancy::TableSpec& spec : catalog_.SharedTables()) {
    if (metrics == nullptr) break;
    auto m = metrics->DescribeTableMetrics({spec.name.str()});
    if (!m.ok()) {
      metric_problems +=
          (metric_problems.empty() ? "" : "; ") + spec.name.str() + ": " + m.status().ToString();
      continue;
    }
    requests += m->metrics.requests;
    throttled += m->metrics.throttled_requests;
    system_errors += m->metrics.system_errors;
    read_units += m->metrics.consumed_read_capacity_units;
    write_units += m->metrics.consumed_write_capacity_units;
  }
  if (metric_problems.empty() && requests == 0)
    metric_problems = "no requests recorded by this run's queries";
  if (metric_problems.empty() && system_errors > 0)
    metric_problems = std::to_string(system_errors) + " system errors";
  ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
  char detail[200];
  std::snprintf(detail, sizeof(detail),
                "7 tables: %lld requests, %.1f RCU, %.1f WCU, %lld throttled, %lld system errors",
                static_cast<long long>(requests), read_units, write_units,
                static_cast<long long>(throttled), static_cast<long long>(system_errors));
  Add("Verify 6", "Table metrics visible (capacity, throttling, system errors)", metric_problems,
      ms, detail);
  if (options_.metrics_probe) {
    if (auto extra = options_.metrics_probe()) {
      report_.checks.push_back(
          CheckResult{"Verify 6", "Backend metrics (probe)", Outcome::kInfo, 0, *extra});
    }
  }
}

}  // namespace

bool VerifyReport::ok() const {
  for (const auto& c : checks) {
    if (c.outcome == CheckResult::Outcome::kFail) return false;
  }
  return true;
}

std::string VerifyReport::ToTable() const {
  size_t name_width = 5;
  for (const auto& c : checks) name_width = std::max(name_width, c.name.size());
  std::string out;
  char line[64];
  auto row = [&](std::string_view section, std::string_view name, std::string_view result,
                 std::string_view latency, std::string_view detail) {
    std::snprintf(line, sizeof(line), "%-14.14s", std::string(section).c_str());
    out += line;
    out += std::string(name);
    out += std::string(name_width - name.size() + 2, ' ');
    std::snprintf(line, sizeof(line), "%-6s %10s  ", std::string(result).c_str(),
                  std::string(latency).c_str());
    out += line;
    out += std::string(detail);
    out += '\n';
  };
  row("Section", "Check", "Result", "Latency", "Detail");
  out += std::string(14 + name_width + 2 + 19 + 30, '-') + '\n';
  int passed = 0, failed = 0;
  for (const auto& c : checks) {
    const char* result = c.outcome == CheckResult::Outcome::kPass   ? "PASS"
                         : c.outcome == CheckResult::Outcome::kFail ? "FAIL"
                                                                    : "INFO";
    char latency[32];
    std::snprintf(latency, sizeof(latency), "%.2f ms", c.latency_ms);
    row(c.section, c.name, result, c.outcome == CheckResult::Outcome::kInfo ? "-" : latency,
        c.detail);
    if (c.outcome == CheckResult::Outcome::kPass) ++passed;
    if (c.outcome == CheckResult::Outcome::kFail) ++failed;
  }
  out += std::to_string(passed) + " passed, " + std::to_string(failed) + " failed\n";
  return out;
}

VerifyReport RunVerification(dynamo::Backend& backend, const tenancy::Layout& layout,
                             const tenancy::AdminAccess& admin, const VerifyOptions& options) {
  return Verifier(backend, layout, admin, options).Run();
}

}  // namespace issuetracker::tracker
