#include "http/api_router.h"

#include <array>

namespace issuetracker::http {

namespace {

using net::Method;

constexpr std::array<Route, static_cast<size_t>(RouteId::kCount)> kRoutes{{
    {RouteId::kHealthz, Method::kGet, "/healthz", Caller::kAnyone},
    {RouteId::kReadyz, Method::kGet, "/readyz", Caller::kAnyone},
    {RouteId::kMetrics, Method::kGet, "/metrics", Caller::kAnyone},
    {RouteId::kOpenApi, Method::kGet, "/openapi.json", Caller::kAnyone},
    {RouteId::kCreateCompany, Method::kPost, "/v1/companies", Caller::kPlatform, true},
    {RouteId::kChangeTier, Method::kPut, "/v1/companies/{company_id}/tier", Caller::kPlatform},
    {RouteId::kResetUsage, Method::kPost, "/v1/companies/{company_id}/usage/reset",
     Caller::kPlatform},
    {RouteId::kOffboardCompany, Method::kDelete, "/v1/companies/{company_id}", Caller::kPlatform},
    {RouteId::kGetCompany, Method::kGet, "/v1/company", Caller::kTenant},
    {RouteId::kUpdateLimits, Method::kPatch, "/v1/company/limits", Caller::kTenant},
    {RouteId::kSetSubscription, Method::kPut, "/v1/company/subscription", Caller::kTenant},
    {RouteId::kListApiKeys, Method::kGet, "/v1/api-keys", Caller::kTenant},
    {RouteId::kCreateApiKey, Method::kPost, "/v1/api-keys", Caller::kTenant, true},
    {RouteId::kRevokeApiKey, Method::kDelete, "/v1/api-keys/{key_id}", Caller::kTenant},
    {RouteId::kMe, Method::kGet, "/v1/me", Caller::kTenant},
    {RouteId::kListUsers, Method::kGet, "/v1/users", Caller::kTenant},
    {RouteId::kInviteUser, Method::kPost, "/v1/users", Caller::kTenant, true},
    {RouteId::kGetUser, Method::kGet, "/v1/users/{email}", Caller::kTenant},
    {RouteId::kChangeRole, Method::kPut, "/v1/users/{email}/role", Caller::kTenant},
    {RouteId::kSetUserStatus, Method::kPut, "/v1/users/{email}/status", Caller::kTenant},
    {RouteId::kDeleteUser, Method::kDelete, "/v1/users/{email}", Caller::kTenant},
    {RouteId::kListUserComments, Method::kGet, "/v1/users/{email}/comments", Caller::kTenant},
    {RouteId::kListTeams, Method::kGet, "/v1/teams", Caller::kTenant},
    {RouteId::kCreateTeam, Method::kPost, "/v1/teams", Caller::kTenant, true},
    {RouteId::kGetTeam, Method::kGet, "/v1/teams/{team_id}", Caller::kTenant},
    {RouteId::kEditTeam, Method::kPatch, "/v1/teams/{team_id}", Caller::kTenant},
    {RouteId::kSetTeamStatus, Method::kPut, "/v1/teams/{team_id}/status", Caller::kTenant},
    {RouteId::kDeleteTeam, Method::kDelete, "/v1/teams/{team_id}", Caller::kTenant},
    {RouteId::kAddTeamMember, Method::kPut, "/v1/teams/{team_id}/members/{email}", Caller::kTenant},
    {RouteId::kRemoveTeamMember, Method::kDelete, "/v1/teams/{team_id}/members/{email}",
     Caller::kTenant},
    {RouteId::kTeamWorkload, Method::kGet, "/v1/teams/{team_id}/workload", Caller::kTenant},
    {RouteId::kListIssues, Method::kGet, "/v1/issues", Caller::kTenant},
    {RouteId::kCreateIssue, Method::kPost, "/v1/issues", Caller::kTenant, true},
    {RouteId::kGetIssue, Method::kGet, "/v1/issues/{issue_id}", Caller::kTenant},
    {RouteId::kEditIssue, Method::kPatch, "/v1/issues/{issue_id}", Caller::kTenant},
    {RouteId::kTransitionIssue, Method::kPost, "/v1/issues/{issue_id}/transition", Caller::kTenant},
    {RouteId::kAssignIssue, Method::kPut, "/v1/issues/{issue_id}/assignment", Caller::kTenant},
    {RouteId::kDeleteIssue, Method::kDelete, "/v1/issues/{issue_id}", Caller::kTenant},
    {RouteId::kListComments, Method::kGet, "/v1/issues/{issue_id}/comments", Caller::kTenant},
    {RouteId::kAddComment, Method::kPost, "/v1/issues/{issue_id}/comments", Caller::kTenant, true},
    {RouteId::kGetComment, Method::kGet, "/v1/issues/{issue_id}/comments/{comment_id}",
     Caller::kTenant},
    {RouteId::kEditComment, Method::kPatch, "/v1/issues/{issue_id}/comments/{comment_id}",
     Caller::kTenant},
    {RouteId::kDeleteComment, Method::kDelete, "/v1/issues/{issue_id}/comments/{comment_id}",
     Caller::kTenant},
}};

// The next '/'-separated segment of `s` after position `pos` (which is at a '/').
bool NextSegment(std::string_view s, size_t& pos, std::string_view& segment) {
  if (pos >= s.size() || s[pos] != '/') return false;
  size_t end = s.find('/', pos + 1);
  if (end == std::string_view::npos) end = s.size();
  segment = s.substr(pos + 1, end - pos - 1);
  pos = end;
  return true;
}

// Whether `path` has the shape of `pattern`; fills params (still encoded) when it does.
bool Matches(std::string_view pattern, std::string_view path,
             std::vector<std::pair<std::string_view, std::string_view>>& params) {
  params.clear();
  size_t pp = 0;
  size_t xp = 0;
  std::string_view want;
  std::string_view got;
  while (true) {
    bool more_pattern = NextSegment(pattern, pp, want);
    bool more_path = NextSegment(path, xp, got);
    if (!more_pattern || !more_path) return more_pattern == more_path && xp == path.size();
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (got.empty()) return false;
      params.emplace_back(want.substr(1, want.size() - 2), got);
    } else if (want != got) {
      return false;
    }
  }
}

}  // namespace

std::span<const Route> AllRoutes() { return kRoutes; }

const Route& RouteOf(RouteId id) { return kRoutes[static_cast<size_t>(id)]; }

std::string_view RouteMatch::Param(std::string_view name) const {
  for (const PathParam& p : params) {
    if (p.name == name) return p.value;
  }
  return {};
}

RouteMatch MatchRoute(net::Method method, std::string_view path) {
  RouteMatch match;
  if (method == Method::kHead) method = Method::kGet;
  std::vector<std::pair<std::string_view, std::string_view>> raw;
  // Routes of the request's method first (the common case: a match), the others only to
  // tell a 405 (with Allow) from a 404.
  for (const Route& route : kRoutes) {
    if (route.method != method || !Matches(route.pattern, path, raw)) continue;
    match.route = &route;
    for (const auto& [name, value] : raw) {
      std::optional<std::string> decoded = net::PercentDecode(value);
      if (!decoded) {
        match.decodable = false;
        decoded.emplace();
      }
      match.params.push_back({name, std::move(*decoded)});
    }
    return match;
  }
  for (const Route& route : kRoutes) {
    if (route.method == method || !Matches(route.pattern, path, raw)) continue;
    if (!match.allowed.empty()) match.allowed += ", ";
    match.allowed += net::MethodName(route.method);
  }
  return match;
}

}  // namespace issuetracker::http
