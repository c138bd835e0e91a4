// The REST API's routes: one table of (method, path pattern, route id, who may call), and a
// matcher from a request's method and path to a route and its path parameters.
//
// Patterns are literal segments and "{name}" parameters ("/v1/issues/{issue_id}"); a
// parameter matches one non-empty segment and is percent-decoded. The same table feeds the
// server's dispatch, the metrics' and logs' route labels (the pattern, so label values stay
// few) and the test that checks it against the OpenAPI document (/openapi.json).
//
// Thread-safety: immutable after construction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_types.h"

namespace issuetracker::http {

enum class RouteId : uint8_t {
  kHealthz,
  kReadyz,
  kMetrics,
  kOpenApi,
  kCreateCompany,
  kChangeTier,
  kResetUsage,
  kOffboardCompany,
  kGetCompany,
  kUpdateLimits,
  kSetSubscription,
  kListApiKeys,
  kCreateApiKey,
  kRevokeApiKey,
  kMe,
  kListUsers,
  kInviteUser,
  kGetUser,
  kChangeRole,
  kSetUserStatus,
  kDeleteUser,
  kListUserComments,
  kListTeams,
  kCreateTeam,
  kGetTeam,
  kEditTeam,
  kSetTeamStatus,
  kDeleteTeam,
  kAddTeamMember,
  kRemoveTeamMember,
  kTeamWorkload,
  kListIssues,
  kCreateIssue,
  kGetIssue,
  kEditIssue,
  kTransitionIssue,
  kAssignIssue,
  kDeleteIssue,
  kListComments,
  kAddComment,
  kGetComment,
  kEditComment,
  kDeleteComment,
  kCount,  // not a route
};

// Who may call a route.
enum class Caller : uint8_t {
  kAnyone,    // operations endpoints: no credentials
  kTenant,    // a user's bearer token or an API key, acting in its company
  kPlatform,  // a platform operator's token (onboarding, tiers, offboarding)
};

struct Route {
  RouteId id;
  net::Method method;
  std::string_view pattern;
  Caller caller;
  // For creates: the request may carry an Idempotency-Key.
  bool idempotent_create = false;
};

// Every route, in RouteId order.
std::span<const Route> AllRoutes();
const Route& RouteOf(RouteId id);

struct PathParam {
  std::string_view name;
  std::string value;  // percent-decoded
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route
  // When route is null but the path exists with other methods: those methods ("GET, POST").
  std::string allowed;
  // False when a path segment did not percent-decode.
  bool decodable = true;
  std::vector<PathParam> params;

  // The value of parameter `name` ("" when absent).
  std::string_view Param(std::string_view name) const;
};

// Matches `path` (still percent-encoded) for `method` (HEAD matches GET routes).
RouteMatch MatchRoute(net::Method method, std::string_view path);

}  // namespace issuetracker::http
