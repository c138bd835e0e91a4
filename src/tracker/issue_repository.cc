#include "tracker/issue_repository.h"

#include "tenancy/store_util.h"
#include "tracker/codec.h"
#include "tracker/dates.h"
#include "tracker/permissions.h"
#include "tracker/repository_internal.h"
#include "tracker/workflow.h"

namespace issuetracker::tracker {

using tenancy::CompanyScope;
using tenancy::Entity;
using tenancy::TenantContext;

namespace {

Status NotAssignable(const UserEmail& email) {
  return Status::Validation("Cannot assign to " + email.str() +
                            ": not an active user of this company");
}

// The team that must be active to take the work (NotFound becomes Validation: the
// caller named a team that does not exist in their company).
Result<Team> TeamForNewWork(const Store& store, const TenantContext& ctx, const TeamId& id) {
  IT_ASSIGN_OR_RETURN(std::optional<Team> team, internal::FindTeam(store, ctx, id));
  if (!team || team->status != TeamStatus::kActive) {
    return Status::Validation("Team " + id.str() + " does not exist or is not active");
  }
  return std::move(*team);
}

// Whether an assignment change is self-service, which needs no assign permission: with
// the team unchanged, taking the issue for oneself, releasing it when it is one's own, or
// leaving the assignee as it is. Everything else needs Action::kAssignIssue.
bool SelfService(const TenantContext& ctx, const std::optional<UserEmail>& before_user,
                 const std::optional<UserEmail>& after_user,
                 const std::optional<TeamId>& before_team,
                 const std::optional<TeamId>& after_team) {
  if (before_team != after_team) return false;
  if (after_user == before_user) return true;
  if (after_user == ctx.actor()) return true;
  return !after_user && before_user == ctx.actor();
}

}  // namespace

Status ValidateIssueFields(const std::string& title, const std::string& description,
                           const std::optional<std::string>& due_date,
                           const std::vector<std::string>& labels,
                           std::optional<int64_t> estimated_hours,
                           std::optional<int64_t> story_points) {
  IT_RETURN_IF_ERROR(CheckText("title", title, kMaxTitleLength, true));
  IT_RETURN_IF_ERROR(CheckText("description", description, kMaxDescriptionLength, false));
  if (due_date && !IsCalendarDate(*due_date)) {
    return Status::Validation("due_date must be a date like 2024-01-20");
  }
  if (labels.size() > kMaxLabels) {
    return Status::Validation("An issue has at most " + std::to_string(kMaxLabels) + " labels");
  }
  for (const std::string& label : labels) {
    IT_RETURN_IF_ERROR(CheckText("label", label, kMaxLabelLength, true));
  }
  if (estimated_hours && (*estimated_hours < 0 || *estimated_hours > 100'000)) {
    return Status::Validation("estimated_hours must be between 0 and 100000");
  }
  if (story_points && (*story_points < 0 || *story_points > 1'000)) {
    return Status::Validation("story_points must be between 0 and 1000");
  }
  return Status::Ok();
}

Result<Issue> IssueRepository::Create(const TenantContext& ctx, const NewIssue& in) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(Check(ctx, Action::kCreateIssue));
  IT_RETURN_IF_ERROR(ValidateIssueFields(in.title, in.description, in.due_date, in.labels,
                                         in.estimated_hours, in.story_points));
  if (in.reporter && *in.reporter != ctx.actor() && !ctx.administrative()) {
    return Status::Forbidden("Issues are reported by the signed-in user");
  }
  if (!SelfService(ctx, std::nullopt, in.assigned_user, std::nullopt, in.assigned_team)) {
    IT_RETURN_IF_ERROR(Check(ctx, Action::kAssignIssue));
  }
  const tenancy::Layout& layout = *store_.layout;
  const CompanyScope& scope = ctx.scope();
  std::optional<Team> team;
  if (in.assigned_team) {
    IT_ASSIGN_OR_RETURN(team, TeamForNewWork(store_, ctx, *in.assigned_team));
  }
  UserEmail reporter = in.reporter.value_or(ctx.actor());
  std::optional<Issue> created;
  auto build = [&](uint64_t n, Txn* txn) {
    std::string now = store_.Now();
    Issue issue{.issue_id = IssueId::FromSequence(n),
                .company_id = ctx.company_id(),
                .title = in.title,
                .description = in.description,
                .priority = in.priority,
                .issue_type = in.issue_type,
                .assigned_user = in.assigned_user,
                .assigned_team = in.assigned_team,
                .reporter = reporter,
                .created_date = now,
                .updated_date = now,
                .due_date = in.due_date,
                .labels = in.labels,
                .estimated_hours = in.estimated_hours,
                .story_points = in.story_points,
                .version = 1};
    dynamo::Item key = layout.IssueKey(scope, issue.issue_id, now);
    Expr e;
    std::string condition = "attribute_not_exists(" + e.Name(internal::KeyAttribute(key)) + ")";
    txn->Put(layout.TableFor(scope, Entity::kIssue).str(), EncodeIssue(layout, scope, issue),
             condition, std::move(e), RetryStatus("issue id taken", /*advance_counter=*/true));
    if (issue.assigned_user) {
      internal::CheckActiveUser(store_, scope, *issue.assigned_user, txn,
                                NotAssignable(*issue.assigned_user));
    }
    // (A reporter who is also the assignee is checked once: Require merges them.)
    if (in.reporter && ctx.administrative()) {
      internal::CheckActiveUser(store_, scope, reporter, txn,
                                Status::Validation(reporter.str() + " is not a user here"));
    }
    if (team) internal::AddWorkload(store_, scope, *team, +1, txn);
    created = std::move(issue);
    return Status::Ok();
  };
  IT_RETURN_IF_ERROR(CommitWithNextSequence(store_, ctx, Counter::kIssue, build).status());
  return std::move(*created);
}

Result<Issue> IssueRepository::Get(const TenantContext& ctx, const IssueId& id) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  return CheckedRead(store_, ctx, internal::GetIssue(store_, ctx, id));
}

Result<Issue> IssueRepository::LoadForChange(const TenantContext& ctx, const IssueId& id,
                                             int64_t expected_version) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_ASSIGN_OR_RETURN(Issue issue, internal::GetIssue(store_, ctx, id));
  if (issue.version != expected_version) {
    return internal::VersionConflict("Issue " + id.str(), expected_version, issue.version);
  }
  return issue;
}

Result<Issue> IssueRepository::Edit(const TenantContext& ctx, const IssueId& id,
                                    int64_t expected_version, const IssueChanges& changes) {
  IT_ASSIGN_OR_RETURN(Issue before, LoadForChange(ctx, id, expected_version));
  IT_RETURN_IF_ERROR(CheckOnIssue(ctx, Action::kEditIssue, before));
  Issue after = before;
  if (changes.title) after.title = *changes.title;
  if (changes.description) after.description = *changes.description;
  if (changes.priority) after.priority = *changes.priority;
  if (changes.issue_type) after.issue_type = *changes.issue_type;
  if (changes.due_date) after.due_date = *changes.due_date;
  if (changes.labels) after.labels = *changes.labels;
  if (changes.estimated_hours) after.estimated_hours = *changes.estimated_hours;
  if (changes.story_points) after.story_points = *changes.story_points;
  IT_RETURN_IF_ERROR(ValidateIssueFields(after.title, after.description, after.due_date,
                                         after.labels, after.estimated_hours, after.story_points));
  return Write(ctx, before, std::move(after));
}

Result<Issue> IssueRepository::Transition(const TenantContext& ctx, const IssueId& id,
                                          int64_t expected_version, IssueStatus to) {
  IT_ASSIGN_OR_RETURN(Issue before, LoadForChange(ctx, id, expected_version));
  // An invalid transition is invalid for everyone, so say that before checking the role.
  IT_RETURN_IF_ERROR(CheckTransition(before.status, to));
  IT_RETURN_IF_ERROR(CheckOnIssue(ctx, TransitionAction(before.status, to), before));
  Issue after = before;
  after.status = to;
  return Write(ctx, before, std::move(after));
}

Result<Issue> IssueRepository::Assign(const TenantContext& ctx, const IssueId& id,
                                      int64_t expected_version, const Assignment& assignment) {
  IT_ASSIGN_OR_RETURN(Issue before, LoadForChange(ctx, id, expected_version));
  if (!SelfService(ctx, before.assigned_user, assignment.user, before.assigned_team,
                   assignment.team)) {
    IT_RETURN_IF_ERROR(Check(ctx, Action::kAssignIssue));
  } else {
    IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  }
  Issue after = before;
  after.assigned_user = assignment.user;
  after.assigned_team = assignment.team;
  return Write(ctx, before, std::move(after));
}

Result<Issue> IssueRepository::Write(const TenantContext& ctx, const Issue& before, Issue after) {
  const tenancy::Layout& layout = *store_.layout;
  const CompanyScope& scope = ctx.scope();
  after.version = before.version + 1;
  after.updated_date = store_.Now();
  Txn txn;
  {
    dynamo::Item key = layout.IssueKey(scope, before.issue_id, before.created_date);
    Expr e;
    std::string condition =
        internal::VersionCondition(before.version, internal::KeyAttribute(key), &e);
    txn.Put(layout.TableFor(scope, Entity::kIssue).str(), EncodeIssue(layout, scope, after),
            condition, std::move(e),
            Status::Conflict("Issue " + before.issue_id.str() +
                             " was changed or deleted by someone else; reload it and try again"));
  }
  std::optional<TeamId> old_team;
  std::optional<TeamId> new_team;
  if (CountsAsOpen(before.status)) old_team = before.assigned_team;
  if (CountsAsOpen(after.status)) new_team = after.assigned_team;
  if (old_team != new_team) {
    if (old_team) {
      IT_ASSIGN_OR_RETURN(Team team, internal::GetTeam(store_, ctx, *old_team));
      internal::AddWorkload(store_, scope, team, -1, &txn);
    }
    if (new_team) {
      IT_ASSIGN_OR_RETURN(Team team, TeamForNewWork(store_, ctx, *new_team));
      internal::AddWorkload(store_, scope, team, +1, &txn);
    }
  }
  if (after.assigned_user && after.assigned_user != before.assigned_user) {
    internal::CheckActiveUser(store_, scope, *after.assigned_user, &txn,
                              NotAssignable(*after.assigned_user));
  }
  IT_RETURN_IF_ERROR(CommitWrite(store_, ctx, &txn));
  return after;
}

Status IssueRepository::Delete(const TenantContext& ctx, const IssueId& id,
                               int64_t expected_version) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kDeleteIssue));
  IT_ASSIGN_OR_RETURN(Issue before, LoadForChange(ctx, id, expected_version));
  const tenancy::Layout& layout = *store_.layout;
  const CompanyScope& scope = ctx.scope();
  Txn txn;
  {
    dynamo::Item key = layout.IssueKey(scope, id, before.created_date);
    Expr e;
    std::string condition =
        internal::VersionCondition(before.version, internal::KeyAttribute(key), &e);
    txn.Delete(layout.TableFor(scope, Entity::kIssue).str(), std::move(key), condition,
               std::move(e),
               Status::Conflict("Issue " + id.str() + " was changed or deleted by someone else"));
  }
  if (CountsAsOpen(before.status) && before.assigned_team) {
    IT_ASSIGN_OR_RETURN(Team team, internal::GetTeam(store_, ctx, *before.assigned_team));
    internal::AddWorkload(store_, scope, team, -1, &txn);
  }
  IT_RETURN_IF_ERROR(CommitWrite(store_, ctx, &txn));
  // Then its comments. New ones cannot appear: adding a comment checks the issue exists.
  // They are deleted under the company's guard (so never in another incarnation), without
  // the user's: the deletion was decided under it.
  std::vector<dynamo::Item> keys;
  IT_RETURN_IF_ERROR(tenancy::ForEachItem(
      *store_.backend, layout.CommentsByIssue(scope, id), [&](const dynamo::Item& item) {
        IT_ASSIGN_OR_RETURN(dynamo::Item key, layout.PrimaryKeyOf(scope, Entity::kComment, item));
        keys.push_back(std::move(key));
        return Status::Ok();
      }));
  const std::string table = layout.TableFor(scope, Entity::kComment).str();
  constexpr size_t kPerTransaction = 99;  // and the company's guard: DynamoDB's 100 actions
  for (size_t i = 0; i < keys.size(); i += kPerTransaction) {
    Txn cleanup;
    for (size_t j = i; j < std::min(keys.size(), i + kPerTransaction); ++j) {
      cleanup.Delete(table, std::move(keys[j]), "", Expr(), Status::Ok());
    }
    IT_RETURN_IF_ERROR(CommitCleanup(store_, ctx, &cleanup));
  }
  return Status::Ok();
}

Result<Page<Issue>> IssueRepository::List(const TenantContext& ctx, const IssueQuery& query,
                                          const PageRequest& page) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  if ((query.by == IssueQuery::By::kAssignee && !query.assignee) ||
      (query.by == IssueQuery::By::kTeam && !query.team)) {
    return Status::Validation("The query needs an assignee or a team");
  }
  const tenancy::Layout& layout = *store_.layout;
  const CompanyScope& scope = ctx.scope();
  tenancy::QueryPlan plan = [&] {
    switch (query.by) {
      case IssueQuery::By::kStatus:
        return layout.IssuesByStatus(scope, StatusName(query.status));
      case IssueQuery::By::kAssignee:
        return layout.IssuesByAssignee(scope, *query.assignee);
      case IssueQuery::By::kTeam:
        return layout.IssuesByTeam(scope, *query.team);
      case IssueQuery::By::kPriority:
        return layout.IssuesByPriority(scope, PriorityName(query.priority), AllStatusNames());
      case IssueQuery::By::kCompany:
        break;
    }
    return layout.IssuesByCompany(scope, AllStatusNames());
  }();
  IT_ASSIGN_OR_RETURN(RawPage raw, QueryPage(store_, ctx, plan, page));
  return CheckedRead(store_, ctx, DecodePage<Issue>(std::move(raw), [&](const dynamo::Item& item) {
                       return DecodeIssue(layout, scope, item);
                     }));
}

}  // namespace issuetracker::tracker
