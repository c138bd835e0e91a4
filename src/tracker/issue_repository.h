// IssueRepository: a company's issues.
//
//  - Ids are per-company sequential (ISS-001, ISS-002, ...), allocated by a conditional
//    counter update on the company record committed in the same transaction as the issue
//    (store.h, CommitWithNextSequence): in order, never reused, safe under concurrency.
//  - Status changes follow workflow.h; permissions follow permissions.h.
//  - Every change names the version it read (optimistic concurrency): a stale version is
//    a Conflict, and the write itself is conditional on the version, so two concurrent
//    changes can never both apply. updated_date is set on every change.
//  - Assignment is to an active user and/or an active team of the same company; the
//    affected teams' current_workload is adjusted in the same transaction, so it always
//    equals the number of the team's issues that are not Closed.
//
// Thread-safety: safe to call from many threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

struct NewIssue {
  std::string title;
  std::string description;
  IssueType issue_type = IssueType::kTask;
  Priority priority = Priority::kMedium;
  std::optional<UserEmail> assigned_user;
  std::optional<TeamId> assigned_team;
  std::optional<std::string> due_date;  // YYYY-MM-DD
  std::vector<std::string> labels;
  std::optional<int64_t> estimated_hours;
  std::optional<int64_t> story_points;
  // Administrative contexts may file an issue on behalf of a user of the company;
  // everyone else reports as themselves.
  std::optional<UserEmail> reporter;
};

// Field changes; unset members stay as they are. For the doubly optional members, the
// inner nullopt clears the field.
struct IssueChanges {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<Priority> priority;
  std::optional<IssueType> issue_type;
  std::optional<std::optional<std::string>> due_date;
  std::optional<std::vector<std::string>> labels;
  std::optional<std::optional<int64_t>> estimated_hours;
  std::optional<std::optional<int64_t>> story_points;
};

// Who an issue is assigned to after Assign (nullopt: nobody).
struct Assignment {
  std::optional<UserEmail> user;
  std::optional<TeamId> team;
};

// A list query: all issues of the company, or those with one status, assignee, team or
// priority. Each is a Query on the index the spec names (pooled) or the silo template's.
struct IssueQuery {
  enum class By : uint8_t { kCompany, kStatus, kAssignee, kTeam, kPriority };
  By by = By::kCompany;
  IssueStatus status = IssueStatus::kOpen;
  Priority priority = Priority::kMedium;
  std::optional<UserEmail> assignee;
  std::optional<TeamId> team;

  static IssueQuery All() { return {}; }
  static IssueQuery WithStatus(IssueStatus s) { return {By::kStatus, s, {}, {}, {}}; }
  static IssueQuery WithPriority(Priority p) {
    return {By::kPriority, IssueStatus::kOpen, p, {}, {}};
  }
  static IssueQuery AssignedTo(UserEmail u) {
    return {By::kAssignee, IssueStatus::kOpen, Priority::kMedium, std::move(u), {}};
  }
  static IssueQuery OfTeam(TeamId t) {
    return {By::kTeam, IssueStatus::kOpen, Priority::kMedium, {}, std::move(t)};
  }
};

class IssueRepository {
 public:
  explicit IssueRepository(Store store) : store_(store) {}

  // Files an issue (status Open, version 1) with the company's next ISS- id. Assigning it
  // to anyone but oneself, or to a team, needs the assign permission. Validation for bad
  // fields or an assignee/team that is not active in the company.
  Result<Issue> Create(const tenancy::TenantContext& ctx, const NewIssue& issue);

  // An issue of ctx's company; NotFound when absent.
  Result<Issue> Get(const tenancy::TenantContext& ctx, const IssueId& id);

  // Changes fields. Conflict when `expected_version` is stale.
  Result<Issue> Edit(const tenancy::TenantContext& ctx, const IssueId& id, int64_t expected_version,
                     const IssueChanges& changes);

  // Moves the issue along the workflow (Conflict for a transition the workflow forbids).
  Result<Issue> Transition(const tenancy::TenantContext& ctx, const IssueId& id,
                           int64_t expected_version, IssueStatus to);

  // Reassigns the issue. Without the assign permission (below Admin) one may only take
  // the issue for oneself or release it from oneself, with the team unchanged.
  Result<Issue> Assign(const tenancy::TenantContext& ctx, const IssueId& id,
                       int64_t expected_version, const Assignment& assignment);

  // Deletes the issue (Super Admin and above) and then its comments.
  Status Delete(const tenancy::TenantContext& ctx, const IssueId& id, int64_t expected_version);

  Result<Page<Issue>> List(const tenancy::TenantContext& ctx, const IssueQuery& query,
                           const PageRequest& page);

 private:
  // Writes `after` over `before` (version check, workload and assignee checks), setting
  // its version and updated_date.
  Result<Issue> Write(const tenancy::TenantContext& ctx, const Issue& before, Issue after);
  // Loads the issue and checks the caller's expected version.
  Result<Issue> LoadForChange(const tenancy::TenantContext& ctx, const IssueId& id,
                              int64_t expected_version);

  Store store_;
};

// Field validation shared by Create and Edit.
Status ValidateIssueFields(const std::string& title, const std::string& description,
                           const std::optional<std::string>& due_date,
                           const std::vector<std::string>& labels,
                           std::optional<int64_t> estimated_hours,
                           std::optional<int64_t> story_points);

}  // namespace issuetracker::tracker
