#include "tracker/sample_data.h"

#include <algorithm>

#include "tenancy/lifecycle.h"
#include "tenancy/schema.h"
#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/session.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

using tenancy::CompanyScope;
using tenancy::Entity;

namespace {

UserEmail E(std::string_view e) { return UserEmail::Parse(e).value(); }
CompanyId C(std::string_view c) { return CompanyId::Parse(c).value(); }

std::vector<Company> SampleCompanies() {
  return {Company{.company_id = C("COMPANY001"),
                  .company_name = "TechStart Solutions",
                  .company_tier = Tier::kBasic,
                  .contact_email = E("admin@techstart.com"),
                  .subscription_status = SubscriptionStatus::kActive,
                  .created_date = "2024-01-15",
                  .monthly_quota = 1000,
                  .api_calls_used = 245,
                  .max_users = 5,
                  .current_users = 3},
          Company{.company_id = C("COMPANY002"),
                  .company_name = "DevCorp Enterprise",
                  .company_tier = Tier::kPremium,
                  .contact_email = E("admin@devcorp.com"),
                  .subscription_status = SubscriptionStatus::kActive,
                  .created_date = "2024-01-10",
                  .monthly_quota = 10000,
                  .api_calls_used = 3456,
                  .max_users = 25,
                  .current_users = 12}};
}

User SampleUser(std::string_view company, std::string_view email, std::string_view name, Role role,
                std::string_view created) {
  return User{.email = E(email),
              .company_id = C(company),
              .full_name = std::string(name),
              .role = role,
              .created_date = std::string(created)};
}

std::vector<User> SampleUsers() {
  return {
      SampleUser("COMPANY001", "admin@techstart.com", "TechStart Administrator", Role::kSuperAdmin,
                 "2024-01-15"),
      SampleUser("COMPANY001", "john@techstart.com", "John Smith", Role::kAdmin, "2024-01-15"),
      SampleUser("COMPANY001", "sarah@techstart.com", "Sarah", Role::kUser, "2024-01-15"),
      SampleUser("COMPANY002", "admin@devcorp.com", "DevCorp Administrator", Role::kSuperAdmin,
                 "2024-01-10"),
      SampleUser("COMPANY002", "mike@devcorp.com", "Mike Johnson", Role::kAdmin, "2024-01-10"),
      SampleUser("COMPANY002", "lisa@devcorp.com", "Lisa", Role::kUser, "2024-01-10"),
      SampleUser("COMPANY002", "alex@devcorp.com", "Alex", Role::kUser, "2024-01-10"),
  };
}

std::vector<Team> SampleTeams() {
  return {Team{.team_id = TeamId::FromSequence(1),
               .company_id = C("COMPANY001"),
               .team_name = "Backend Development",
               .description = "Responsible for server-side development and APIs",
               .team_lead = E("john@techstart.com"),
               .members = {E("john@techstart.com"), E("sarah@techstart.com")},
               .created_date = "2024-01-15",
               .status = TeamStatus::kActive,
               .max_members = 5,
               .current_workload = 15},
          Team{.team_id = TeamId::FromSequence(2),
               .company_id = C("COMPANY002"),
               .team_name = "Frontend Experience",
               .description = "UI/UX design and frontend development",
               .team_lead = E("mike@devcorp.com"),
               .members = {E("mike@devcorp.com"), E("lisa@devcorp.com"), E("alex@devcorp.com")},
               .created_date = "2024-01-10",
               .status = TeamStatus::kActive,
               .max_members = 8,
               .current_workload = 22}};
}

std::vector<Issue> SampleIssues() {
  return {
      Issue{.issue_id = IssueId::FromSequence(1),
            .company_id = C("COMPANY001"),
            .title = "User login page loading slowly",
            .description = "Users reporting that the login page takes more than 5 seconds to load",
            .status = IssueStatus::kOpen,
            .priority = Priority::kHigh,
            .issue_type = IssueType::kBug,
            .assigned_user = E("john@techstart.com"),
            .assigned_team = TeamId::FromSequence(1),
            .reporter = E("sarah@techstart.com"),
            .created_date = "2024-01-15",
            .updated_date = "2024-01-15",
            .due_date = "2024-01-20",
            .labels = {"performance", "login", "urgent"},
            .estimated_hours = 8,
            .story_points = 3},
      Issue{.issue_id = IssueId::FromSequence(1),
            .company_id = C("COMPANY002"),
            .title = "Add dark mode theme option",
            .description = "Users have requested a dark mode theme for better viewing experience",
            .status = IssueStatus::kInProgress,
            .priority = Priority::kMedium,
            .issue_type = IssueType::kFeature,
            .assigned_user = E("mike@devcorp.com"),
            .assigned_team = TeamId::FromSequence(2),
            .reporter = E("admin@devcorp.com"),
            .created_date = "2024-01-10",
            .updated_date = "2024-01-12",
            .due_date = "2024-02-01",
            .labels = {"ui", "enhancement", "user-request"},
            .estimated_hours = 16,
            .story_points = 5}};
}

std::vector<Comment> SampleComments() {
  return {
      Comment{.comment_id = CommentId::FromSequence(1),
              .issue_id = IssueId::FromSequence(1),
              .company_id = C("COMPANY001"),
              .author_email = E("john@techstart.com"),
              .author_name = "John Smith",
              .content = "I've identified the issue - it's related to the database connection "
                         "timeout. Working on a fix.",
              .created_date = "2024-01-15T14:30:00Z",
              .is_internal = false,
              .attachments = {},
              .mentions = {E("sarah@techstart.com")}},
      Comment{.comment_id = CommentId::FromSequence(1),
              .issue_id = IssueId::FromSequence(1),
              .company_id = C("COMPANY002"),
              .author_email = E("mike@devcorp.com"),
              .author_name = "Mike Johnson",
              .content = "Dark mode mockups are ready for review. The color palette looks great!",
              .created_date = "2024-01-12T09:15:00Z",
              .is_internal = false,
              .attachments = {"darkmode-mockup.png"},
              .mentions = {E("lisa@devcorp.com")}}};
}

// Registers the sample company, or, when it is registered already (in the sample's tier),
// sets every attribute of its record except its key, lifecycle and counters (which are only
// raised), so a re-run restores the spec's values without rewinding the id sequences.
Result<tenancy::TenantContext> WriteCompany(const Store& store, const tenancy::AdminAccess& admin,
                                            const Company& c) {
  const tenancy::Layout& layout = *store.layout;
  auto state = tenancy::LoadCompanyState(*store.backend, layout, c.company_id);
  if (!state.ok() && !state.status().Is(Code::kNotFound)) return state.status();
  if (!state.ok() || state->state == tenancy::LifecycleState::kRetired) {
    tenancy::SchemaCatalog catalog(layout);
    tenancy::CompanyLifecycle lifecycle(*store.backend, catalog, *store.clock);
    IT_RETURN_IF_ERROR(
        lifecycle.Register(admin, c.company_id, c.company_tier, EncodeCompany(layout, c)).status());
    return admin.ContextFor(*store.backend, layout, c.company_id);
  }
  if (state->tier != c.company_tier) {
    return Status::Conflict("Company " + c.company_id.str() +
                            " is registered on another tier than the sample's");
  }
  IT_ASSIGN_OR_RETURN(tenancy::TenantContext ctx,
                      admin.ContextFor(*store.backend, layout, c.company_id));
  dynamo::Item item = EncodeCompany(layout, c);
  Expr e;
  std::string set;
  for (auto& [name, value] : item) {
    if (name == tenancy::attr::kCompanyId) continue;
    set += (set.empty() ? "SET " : ", ") + e.Name(name) + " = " + e.Value(std::move(value));
  }
  Txn txn;
  txn.Update(layout.SystemTableName(tenancy::SystemTable::kCompanyManagement).str(),
             layout.CompanyKey(c.company_id), set, "", std::move(e), Status::Ok());
  IT_RETURN_IF_ERROR(CommitWrite(store, ctx, &txn));
  return ctx;
}

uint64_t MaxSequence(uint64_t current, uint64_t candidate) { return std::max(current, candidate); }

}  // namespace

SampleData SpecSampleData() {
  return SampleData{SampleCompanies(), SampleUsers(), SampleTeams(), SampleIssues(),
                    SampleComments()};
}

std::string SeedCounts::ToString() const {
  return std::to_string(companies) + " companies, " + std::to_string(users) + " users, " +
         std::to_string(teams) + " teams, " + std::to_string(issues) + " issues, " +
         std::to_string(comments) + " comments";
}

Result<SeedCounts> SeedSampleData(dynamo::Backend& backend, const tenancy::Layout& layout,
                                  const tenancy::AdminAccess& admin, const Clock& clock) {
  SampleData data = SpecSampleData();
  SessionChecks sessions(backend, layout, clock, {});
  const Store store{&backend, &layout, &clock, &sessions};
  SeedCounts counts;
  for (const Company& c : data.companies) {
    auto ctx = WriteCompany(store, admin, c);
    if (ctx.status().Is(Code::kResourceNotFound)) {
      return Status::ResourceNotFound(ctx.status().message() +
                                      " (run `issuetracker provision` first)");
    }
    IT_RETURN_IF_ERROR(ctx.status());
    ++counts.companies;
    // The company's items, in one transaction under its context's guard.
    const CompanyScope& scope = ctx->scope();
    Txn txn;
    auto put = [&](Entity entity, dynamo::Item item) {
      txn.Put(layout.TableFor(scope, entity).str(), std::move(item), "", Expr(), Status::Ok());
    };
    uint64_t issues = 0, teams = 0, comments = 0;
    for (const User& u : data.users) {
      if (u.company_id != c.company_id) continue;
      put(Entity::kUser, EncodeUser(layout, scope, u));
      if (scope.silo()) {
        txn.Put(layout.PooledTableName(Entity::kUser).str(), layout.DirectoryStub(scope, u.email),
                "", Expr(), Status::Ok());
      }
      ++counts.users;
    }
    for (const Team& t : data.teams) {
      if (t.company_id != c.company_id) continue;
      put(Entity::kTeam, EncodeTeam(layout, scope, t));
      teams = MaxSequence(teams, t.team_id.sequence());
      ++counts.teams;
    }
    for (const Issue& i : data.issues) {
      if (i.company_id != c.company_id) continue;
      put(Entity::kIssue, EncodeIssue(layout, scope, i));
      issues = MaxSequence(issues, i.issue_id.sequence());
      ++counts.issues;
    }
    for (const Comment& m : data.comments) {
      if (m.company_id != c.company_id) continue;
      put(Entity::kComment, EncodeComment(layout, scope, m));
      comments = MaxSequence(comments, m.comment_id.sequence());
      ++counts.comments;
    }
    IT_RETURN_IF_ERROR(CommitWrite(store, *ctx, &txn));
    // Raise the id counters past the sample's ids.
    IT_RETURN_IF_ERROR(RaiseCounter(store, *ctx, Counter::kIssue, issues));
    IT_RETURN_IF_ERROR(RaiseCounter(store, *ctx, Counter::kTeam, teams));
    IT_RETURN_IF_ERROR(RaiseCounter(store, *ctx, Counter::kComment, comments));
  }
  return counts;
}

}  // namespace issuetracker::tracker
