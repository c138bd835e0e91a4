// Every route, called by each role of a sample company, through the handler (no sockets):
// the status each role gets is the data layer's permission table (tracker/permissions.h),
// enforced at the edge too. One fresh fixture per (route, role).
#include <gtest/gtest.h>

#include <array>
#include <set>

#include "http/api_router.h"
#include "http/api_test_util.h"

namespace issuetracker::http::testing {
namespace {

using Users = SampleUsers;

struct RouteCase {
  RouteId route;
  std::string method;
  std::string target;
  std::string body;
  std::string etag_of;          // non-empty: send If-Match with this resource's ETag
  std::array<int, 4> expected;  // User, Admin, Super Admin, Root User
};

constexpr std::array<std::string_view, 4> kActors = {Users::kUser1, Users::kAdmin1, Users::kSuper1,
                                                     Users::kRoot1};
constexpr std::array<std::string_view, 4> kRoleNames = {"User", "Admin", "SuperAdmin", "Root"};

constexpr std::array<int, 4> kAll200 = {200, 200, 200, 200};
constexpr std::array<int, 4> kAll201 = {201, 201, 201, 201};
constexpr std::array<int, 4> kRootOnly200 = {403, 403, 403, 200};
constexpr std::array<int, 4> kAdminUp200 = {403, 200, 200, 200};
constexpr std::array<int, 4> kAdminUp204 = {403, 204, 204, 204};
constexpr std::array<int, 4> kNobody = {403, 403, 403, 403};

const std::string kTarget = "/v1/users/target@techstart.com";
const std::string kNewCompany =
    R"({"company_id":"NEWCO","company_name":"New","company_tier":"Basic",)"
    R"("contact_email":"a@newco.com","root_user":{"email":"a@newco.com","full_name":"A"}})";

std::vector<RouteCase> Cases() {
  return {
      {RouteId::kHealthz, "GET", "/healthz", "", "", kAll200},
      {RouteId::kReadyz, "GET", "/readyz", "", "", kAll200},
      {RouteId::kMetrics, "GET", "/metrics", "", "", kAll200},
      {RouteId::kOpenApi, "GET", "/openapi.json", "", "", kAll200},
      {RouteId::kCreateCompany, "POST", "/v1/companies", kNewCompany, "", kNobody},
      {RouteId::kChangeTier, "PUT", "/v1/companies/COMPANY001/tier",
       R"({"company_tier":"Premium"})", "", kNobody},
      {RouteId::kResetUsage, "POST", "/v1/companies/COMPANY001/usage/reset", "", "", kNobody},
      {RouteId::kOffboardCompany, "DELETE", "/v1/companies/COMPANY001", "", "", kNobody},
      {RouteId::kGetCompany, "GET", "/v1/company", "", "", kAll200},
      {RouteId::kUpdateLimits, "PATCH", "/v1/company/limits", R"({"monthly_quota":5000})",
       "/v1/company", kRootOnly200},
      {RouteId::kSetSubscription, "PUT", "/v1/company/subscription",
       R"({"subscription_status":"active"})", "/v1/company", kRootOnly200},
      {RouteId::kListApiKeys, "GET", "/v1/api-keys", "", "", kRootOnly200},
      {RouteId::kCreateApiKey,
       "POST",
       "/v1/api-keys",
       R"({"name":"ci"})",
       "",
       {403, 403, 403, 201}},
      {RouteId::kRevokeApiKey, "DELETE", "/v1/api-keys/{key}", "", "", {403, 403, 403, 204}},
      {RouteId::kMe, "GET", "/v1/me", "", "", kAll200},
      {RouteId::kListUsers, "GET", "/v1/users?role=Admin", "", "", kAll200},
      {RouteId::kInviteUser,
       "POST",
       "/v1/users",
       R"({"email":"new@techstart.com","full_name":"New","user_role":"User"})",
       "",
       {403, 201, 201, 201}},
      {RouteId::kGetUser, "GET", kTarget, "", "", kAll200},
      {RouteId::kChangeRole,
       "PUT",
       kTarget + "/role",
       R"({"user_role":"Admin"})",
       kTarget,
       {403, 403, 200, 200}},
      {RouteId::kSetUserStatus, "PUT", kTarget + "/status", R"({"user_status":"disabled"})",
       kTarget, kAdminUp200},
      {RouteId::kDeleteUser, "DELETE", kTarget, "", kTarget, kAdminUp204},
      {RouteId::kListUserComments, "GET", "/v1/users/john@techstart.com/comments", "", "", kAll200},
      {RouteId::kListTeams, "GET", "/v1/teams", "", "", kAll200},
      {RouteId::kCreateTeam,
       "POST",
       "/v1/teams",
       R"({"team_name":"Ops","team_lead":"john@techstart.com"})",
       "",
       {403, 201, 201, 201}},
      {RouteId::kGetTeam, "GET", "/v1/teams/TEAM-001", "", "", kAll200},
      {RouteId::kEditTeam, "PATCH", "/v1/teams/TEAM-001", R"({"description":"APIs"})",
       "/v1/teams/TEAM-001", kAdminUp200},
      {RouteId::kSetTeamStatus, "PUT", "/v1/teams/TEAM-002/status", R"({"status":"inactive"})",
       "/v1/teams/TEAM-002", kAdminUp200},
      {RouteId::kDeleteTeam, "DELETE", "/v1/teams/TEAM-002", "", "/v1/teams/TEAM-002", kAdminUp204},
      {RouteId::kAddTeamMember, "PUT", "/v1/teams/TEAM-001/members/admin@techstart.com", "",
       "/v1/teams/TEAM-001", kAdminUp200},
      {RouteId::kRemoveTeamMember, "DELETE", "/v1/teams/TEAM-001/members/sarah@techstart.com", "",
       "/v1/teams/TEAM-001", kAdminUp200},
      {RouteId::kTeamWorkload, "GET", "/v1/teams/TEAM-001/workload", "", "", kAll200},
      {RouteId::kListIssues, "GET", "/v1/issues?status=Open", "", "", kAll200},
      {RouteId::kCreateIssue, "POST", "/v1/issues", R"({"title":"t"})", "", kAll201},
      {RouteId::kGetIssue, "GET", "/v1/issues/ISS-001", "", "", kAll200},
      // Sarah (User) reported ISS-001, so she may edit and move it.
      {RouteId::kEditIssue, "PATCH", "/v1/issues/ISS-001", R"({"priority":"Low"})",
       "/v1/issues/ISS-001", kAll200},
      {RouteId::kTransitionIssue, "POST", "/v1/issues/ISS-001/transition",
       R"({"status":"In Progress"})", "/v1/issues/ISS-001", kAll200},
      {RouteId::kAssignIssue, "PUT", "/v1/issues/ISS-001/assignment",
       R"({"assigned_user":"admin@techstart.com"})", "/v1/issues/ISS-001", kAdminUp200},
      {RouteId::kDeleteIssue,
       "DELETE",
       "/v1/issues/ISS-001",
       "",
       "/v1/issues/ISS-001",
       {403, 403, 204, 204}},
      {RouteId::kListComments, "GET", "/v1/issues/ISS-001/comments", "", "", kAll200},
      {RouteId::kAddComment, "POST", "/v1/issues/ISS-001/comments", R"({"content":"hi"})", "",
       kAll201},
      {RouteId::kGetComment, "GET", "/v1/issues/ISS-001/comments/CMT-001", "", "", kAll200},
      // CMT-001 is John's (Admin): only its author edits it; Admins delete anyone's.
      {RouteId::kEditComment,
       "PATCH",
       "/v1/issues/ISS-001/comments/CMT-001",
       R"({"content":"edited"})",
       "/v1/issues/ISS-001/comments/CMT-001",
       {403, 200, 403, 403}},
      {RouteId::kDeleteComment, "DELETE", "/v1/issues/ISS-001/comments/CMT-001", "",
       "/v1/issues/ISS-001/comments/CMT-001", kAdminUp204},
  };
}

class RouteRoleTest : public ::testing::TestWithParam<std::tuple<size_t, size_t>> {};

TEST_P(RouteRoleTest, RoleGetsTheStatusOfThePermissionTable) {
  const RouteCase c = Cases()[std::get<0>(GetParam())];
  const size_t role = std::get<1>(GetParam());
  ApiFixture f;
  // Room for the invited users, a user to manage, a team without work, a key to revoke.
  auto admin = tenancy::AdminAccess::Grant("roles test");
  auto ctx =
      admin.ContextFor(f.engine(), f.layout(), tracker::CompanyId::Parse("COMPANY001").value());
  ASSERT_TRUE(ctx.ok());
  ASSERT_TRUE(f.tracker().companies().UpdateLimits(*ctx, std::nullopt, 50).ok());
  ASSERT_TRUE(f.tracker()
                  .users()
                  .Create(*ctx, {tracker::UserEmail::Parse("target@techstart.com").value(), "T",
                                 tracker::Role::kUser})
                  .ok());
  ASSERT_TRUE(f.tracker()
                  .teams()
                  .Create(*ctx, {.team_name = "Idle",
                                 .team_lead = tracker::UserEmail::Parse(Users::kAdmin1).value()})
                  .ok());
  auto root = f.tracker().auth().Resume(
      {tracker::UserEmail::Parse(Users::kRoot1).value(), ctx->company_id()},
      tracker::Role::kRootUser);
  ASSERT_TRUE(root.ok());
  auto key = f.tracker().api_keys().Create(
      *root, {.key_id = "00112233aabbccdd", .key_hash = "hmac-sha256:x", .name = "k"});
  ASSERT_TRUE(key.ok());
  std::string target = c.target;
  if (auto at = target.find("{key}"); at != std::string::npos)
    target.replace(at, 5, "00112233aabbccdd");

  const std::string token = f.Token("COMPANY001", kActors[role]);
  Reply reply = c.etag_of.empty() ? f.Call(c.method, target, token, c.body)
                                  : f.CallIfMatch(c.method, target, token, c.etag_of, c.body);
  EXPECT_EQ(reply.status, c.expected[role])
      << c.method << " " << target << " as " << kActors[role] << ": " << reply.body;
  if (reply.status == 403) {
    EXPECT_EQ(reply.Code(), "forbidden");
  }
}

INSTANTIATE_TEST_SUITE_P(AllRoutes, RouteRoleTest,
                         ::testing::Combine(::testing::Range<size_t>(0, Cases().size()),
                                            ::testing::Range<size_t>(0, 4)),
                         [](const auto& info) {
                           const RouteCase c = Cases()[std::get<0>(info.param)];
                           std::string name =
                               std::to_string(static_cast<int>(c.route)) + "_" + c.method + "_";
                           for (char ch : RouteOf(c.route).pattern)
                             name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return name + "_" + std::string(kRoleNames[std::get<1>(info.param)]);
                         });

TEST(RouteRoleCoverage, EveryRouteHasACase) {
  std::set<RouteId> covered;
  for (const RouteCase& c : Cases()) {
    covered.insert(c.route);
    EXPECT_EQ(net::MethodName(RouteOf(c.route).method), c.method) << RouteOf(c.route).pattern;
  }
  for (const Route& r : AllRoutes()) {
    EXPECT_TRUE(covered.contains(r.id)) << "no role test for " << r.pattern;
  }
}

}  // namespace
}  // namespace issuetracker::http::testing
