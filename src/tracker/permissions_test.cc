#include "tracker/permissions.h"

#include <gtest/gtest.h>

namespace issuetracker::tracker {
namespace {

constexpr Role kUser = Role::kUser;
constexpr Role kAdmin = Role::kAdmin;
constexpr Role kSuper = Role::kSuperAdmin;
constexpr Role kRoot = Role::kRootUser;

TEST(PermissionsTest, MinimumRoles) {
  struct Case {
    Action action;
    Role minimum;
  };
  const Case cases[] = {
      {Action::kViewCompany, kUser},
      {Action::kCreateIssue, kUser},
      {Action::kEditIssue, kUser},
      {Action::kTransitionIssue, kUser},
      {Action::kComment, kUser},
      {Action::kCloseIssue, kAdmin},
      {Action::kReopenIssue, kAdmin},
      {Action::kAssignIssue, kAdmin},
      {Action::kPostInternalComment, kAdmin},
      {Action::kViewInternalComments, kAdmin},
      {Action::kDeleteAnyComment, kAdmin},
      {Action::kManageTeams, kAdmin},
      {Action::kManageUsers, kAdmin},
      {Action::kDeleteIssue, kSuper},
      {Action::kManageCompany, kRoot},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MinimumRole(c.action), c.minimum) << ActionDescription(c.action);
    for (Role r : {kUser, kAdmin, kSuper, kRoot}) {
      EXPECT_EQ(Allows(r, c.action), r >= c.minimum)
          << tenancy::RoleName(r) << " / " << ActionDescription(c.action);
    }
  }
}

TEST(PermissionsTest, RoleManagementMatrix) {
  // actor \ target: User Admin Super Root
  const bool expected[4][4] = {
      {false, false, false, false},  // User
      {true, false, false, false},   // Admin
      {true, true, false, false},    // Super Admin
      {true, true, true, true},      // Root User
  };
  const Role roles[] = {kUser, kAdmin, kSuper, kRoot};
  for (int a = 0; a < 4; ++a) {
    for (int t = 0; t < 4; ++t) {
      EXPECT_EQ(MayManageRole(roles[a], roles[t]), expected[a][t]) << a << "," << t;
    }
  }
}

TEST(PermissionsTest, ForbiddenMessageNamesTheRule) {
  // Role checks need a context of a given role; only authentication makes those, so the
  // message is checked through Allows/MinimumRole here and end to end in tracker_test.
  EXPECT_EQ(ActionDescription(Action::kCloseIssue), "close issues");
  EXPECT_FALSE(Allows(kUser, Action::kCloseIssue));
}

}  // namespace
}  // namespace issuetracker::tracker
