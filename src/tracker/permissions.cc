#include "tracker/permissions.h"

#include <string>

namespace issuetracker::tracker {

using tenancy::RoleName;

std::string_view ActionDescription(Action action) {
  switch (action) {
    case Action::kViewCompany:
      return "view company data";
    case Action::kCreateIssue:
      return "create issues";
    case Action::kEditIssue:
      return "edit issues";
    case Action::kTransitionIssue:
      return "change the status of issues";
    case Action::kCloseIssue:
      return "close issues";
    case Action::kReopenIssue:
      return "reopen issues";
    case Action::kAssignIssue:
      return "assign issues";
    case Action::kDeleteIssue:
      return "delete issues";
    case Action::kComment:
      return "comment";
    case Action::kPostInternalComment:
      return "post internal comments";
    case Action::kViewInternalComments:
      return "see internal comments";
    case Action::kDeleteAnyComment:
      return "delete other people's comments";
    case Action::kManageTeams:
      return "manage teams";
    case Action::kManageUsers:
      return "manage users";
    case Action::kManageCompany:
      return "manage the company";
  }
  return "do that";
}

Role MinimumRole(Action action) {
  switch (action) {
    case Action::kViewCompany:
    case Action::kCreateIssue:
    case Action::kEditIssue:
    case Action::kTransitionIssue:
    case Action::kComment:
      return Role::kUser;
    case Action::kCloseIssue:
    case Action::kReopenIssue:
    case Action::kAssignIssue:
    case Action::kPostInternalComment:
    case Action::kViewInternalComments:
    case Action::kDeleteAnyComment:
    case Action::kManageTeams:
    case Action::kManageUsers:
      return Role::kAdmin;
    case Action::kDeleteIssue:
      return Role::kSuperAdmin;
    case Action::kManageCompany:
      return Role::kRootUser;
  }
  return Role::kRootUser;
}

bool Allows(Role role, Action action) { return role >= MinimumRole(action); }

Status Check(const tenancy::TenantContext& ctx, Action action) {
  if (Allows(ctx.role(), action)) return Status::Ok();
  std::string msg = "Role ";
  msg += RoleName(ctx.role());
  msg += " may not ";
  msg += ActionDescription(action);
  msg += "; it requires ";
  msg += RoleName(MinimumRole(action));
  return Status::Forbidden(msg);
}

Status CheckOnIssue(const tenancy::TenantContext& ctx, Action action, const Issue& issue) {
  IT_RETURN_IF_ERROR(Check(ctx, action));
  if (action != Action::kEditIssue && action != Action::kTransitionIssue) return Status::Ok();
  if (ctx.role() >= Role::kAdmin) return Status::Ok();
  bool reporter = issue.reporter == ctx.actor();
  bool assignee = issue.assigned_user.has_value() && *issue.assigned_user == ctx.actor();
  if (reporter || assignee) return Status::Ok();
  return Status::Forbidden("A User may " + std::string(ActionDescription(action)) +
                           " only on issues they reported or are assigned to");
}

bool MayManageRole(Role actor, Role target) {
  if (actor < Role::kAdmin) return false;
  if (actor == Role::kRootUser) return true;
  return target < actor;
}

Status CheckManageRole(const tenancy::TenantContext& ctx, Role target) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageUsers));
  if (MayManageRole(ctx.role(), target)) return Status::Ok();
  return Status::Forbidden("Role " + std::string(RoleName(ctx.role())) +
                           " may not manage users with role " + std::string(RoleName(target)));
}

}  // namespace issuetracker::tracker
