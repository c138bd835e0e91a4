// The permission model: which role may do what (User < Admin < Super Admin < Root User).
//
//   action                      minimum role   notes
//   view company data           User
//   create an issue             User
//   edit / move an issue        User           a User only on issues they reported or are
//                                              assigned to; Admin and above on any issue
//   close an issue              Admin
//   reopen an issue             Admin
//   assign an issue             Admin          below Admin one may only take an issue
//                                              for oneself or release one's own
//   delete an issue             Super Admin
//   comment                     User
//   post an internal comment    Admin
//   see internal comments       Admin
//   delete anyone's comment     Admin          authors may always delete their own
//   manage teams                Admin
//   manage users                Admin          only users whose role is below the actor's,
//                                              and only granting roles below it; a Root User
//                                              may manage and grant every role
//   manage the company          Root User      quotas, limits, subscription
//
// Administrative contexts (AdminAccess) act as Root User.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"

namespace issuetracker::tracker {

enum class Action : uint8_t {
  kViewCompany,
  kCreateIssue,
  kEditIssue,
  kTransitionIssue,
  kCloseIssue,
  kReopenIssue,
  kAssignIssue,
  kDeleteIssue,
  kComment,
  kPostInternalComment,
  kViewInternalComments,
  kDeleteAnyComment,
  kManageTeams,
  kManageUsers,
  kManageCompany,
};

// "close issues", for messages.
std::string_view ActionDescription(Action action);

// The least role that may perform `action` (before ownership rules).
Role MinimumRole(Action action);

// Whether `role` may perform `action` at all.
bool Allows(Role role, Action action);

// Forbidden ("Role User may not close issues; it requires Admin") unless allowed.
Status Check(const tenancy::TenantContext& ctx, Action action);

// Check() plus the ownership rule for kEditIssue and kTransitionIssue: below Admin, only the
// issue's reporter or assignee may.
Status CheckOnIssue(const tenancy::TenantContext& ctx, Action action, const Issue& issue);

// Whether an actor with role `actor` may create, change or remove a user holding `target`
// (and grant `target` to someone): Admin and above, on roles strictly below their own; a Root
// User on every role.
bool MayManageRole(Role actor, Role target);

// Forbidden unless MayManageRole(ctx.role(), target) and Check(ctx, kManageUsers) hold.
Status CheckManageRole(const tenancy::TenantContext& ctx, Role target);

}  // namespace issuetracker::tracker
