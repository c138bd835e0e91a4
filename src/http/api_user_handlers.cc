// /v1/me and /v1/users.
#include "http/api_encode.h"
#include "http/api_internal.h"
#include "tracker/permissions.h"

namespace issuetracker::http {

using tracker::Action;
using tracker::User;
using tracker::UserEmail;

namespace {

std::string UserJson(const User& u) {
  std::string out;
  JsonWriter w(out);
  EncodeUser(w, u);
  return out;
}

void WriteUser(Call& call, int status, const User& user) {
  std::string json = UserJson(user);
  std::string etag = HashETag(json);
  WriteJson(call, status, std::move(json), etag);
}

Result<User> LoadUser(Call& call) {
  IT_ASSIGN_OR_RETURN(UserEmail email, PathId<UserEmail>(call, "email", "User"));
  return call.state.tracker.users().Get(*call.ctx, email);
}

Status Me(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(User me, call.state.tracker.users().Get(*call.ctx, call.ctx->actor()));
  WriteUser(call, 200, me);
  return Status::Ok();
}

Status GetUser(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(User user, LoadUser(call));
  WriteUser(call, 200, user);
  return Status::Ok();
}

Status InviteUser(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageUsers));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto email, body.String("email", true));
  IT_ASSIGN_OR_RETURN(auto name, body.String("full_name", true));
  IT_ASSIGN_OR_RETURN(auto role_name, body.String("user_role"));
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(UserEmail address, UserEmail::Parse(*email));
  tracker::Role role = tracker::Role::kUser;
  if (role_name) {
    IT_ASSIGN_OR_RETURN(role, tenancy::ParseRole(*role_name));
  }
  IT_RETURN_IF_ERROR(tracker::CheckManageRole(*call.ctx, role));
  IT_ASSIGN_OR_RETURN(User user, call.state.tracker.users().Create(
                                     *call.ctx, {std::move(address), std::move(*name), role}));
  call.resp.headers.Set("Location", "/v1/users/" + user.email.str());
  WriteUser(call, 201, user);
  return Status::Ok();
}

Status ChangeRole(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageUsers));
  IT_ASSIGN_OR_RETURN(User user, LoadUser(call));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto role_name, body.String("user_role", true));
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(tracker::Role role, tenancy::ParseRole(*role_name));
  IT_RETURN_IF_ERROR(tracker::CheckManageRole(*call.ctx, user.role));
  IT_RETURN_IF_ERROR(tracker::CheckManageRole(*call.ctx, role));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, HashETag(UserJson(user))));
  IT_ASSIGN_OR_RETURN(User changed,
                      call.state.tracker.users().ChangeRole(*call.ctx, user.email, role));
  WriteUser(call, 200, changed);
  return Status::Ok();
}

Status SetUserStatus(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageUsers));
  IT_ASSIGN_OR_RETURN(User user, LoadUser(call));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto status_name, body.String("user_status", true));
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(tracker::UserStatus status, tracker::ParseUserStatus(*status_name));
  IT_RETURN_IF_ERROR(tracker::CheckManageRole(*call.ctx, user.role));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, HashETag(UserJson(user))));
  IT_ASSIGN_OR_RETURN(User changed,
                      call.state.tracker.users().SetStatus(*call.ctx, user.email, status));
  WriteUser(call, 200, changed);
  return Status::Ok();
}

Status DeleteUser(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageUsers));
  IT_ASSIGN_OR_RETURN(User user, LoadUser(call));
  IT_RETURN_IF_ERROR(tracker::CheckManageRole(*call.ctx, user.role));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, HashETag(UserJson(user))));
  IT_RETURN_IF_ERROR(call.state.tracker.users().Delete(*call.ctx, user.email));
  call.resp.status = 204;
  return Status::Ok();
}

Status ListUsers(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(tracker::PageRequest page, PageOf(call));
  std::optional<tracker::Role> role;
  for (const net::QueryParam& p : call.req.query_params) {
    if (p.name == "limit" || p.name == "cursor") continue;
    if (p.name != "role") {
      return ApiError(400, "invalid_parameter", "Unknown query parameter \"" + p.name + "\"");
    }
    IT_ASSIGN_OR_RETURN(role, tenancy::ParseRole(p.value));
  }
  auto& users = call.state.tracker.users();
  IT_ASSIGN_OR_RETURN(tracker::Page<User> result, role ? users.ListByRole(*call.ctx, *role, page)
                                                       : users.ListByCompany(*call.ctx, page));
  WritePage(call, result, [](JsonWriter& w, const User& u) { EncodeUser(w, u); });
  return Status::Ok();
}

Status ListUserComments(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(UserEmail author, PathId<UserEmail>(call, "email", "User"));
  IT_ASSIGN_OR_RETURN(tracker::PageRequest page, PageOf(call));
  IT_ASSIGN_OR_RETURN(auto result,
                      call.state.tracker.comments().ListByAuthor(*call.ctx, author, page));
  WritePage(call, result, [](JsonWriter& w, const tracker::Comment& c) { EncodeComment(w, c); });
  return Status::Ok();
}

}  // namespace

RouteHandler UserHandlerFor(RouteId route) {
  switch (route) {
    case RouteId::kMe:
      return Me;
    case RouteId::kListUsers:
      return ListUsers;
    case RouteId::kInviteUser:
      return InviteUser;
    case RouteId::kGetUser:
      return GetUser;
    case RouteId::kChangeRole:
      return ChangeRole;
    case RouteId::kSetUserStatus:
      return SetUserStatus;
    case RouteId::kDeleteUser:
      return DeleteUser;
    case RouteId::kListUserComments:
      return ListUserComments;
    default:
      return nullptr;
  }
}

}  // namespace issuetracker::http
