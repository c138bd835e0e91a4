// /v1/teams.
#include "http/api_encode.h"
#include "http/api_internal.h"
#include "tracker/permissions.h"

namespace issuetracker::http {

using tracker::Action;
using tracker::Team;
using tracker::TeamId;

namespace {

std::string TeamJson(const Team& t) {
  std::string out;
  JsonWriter w(out);
  EncodeTeam(w, t);
  return out;
}

void WriteTeam(Call& call, int status, const Team& team) {
  std::string json = TeamJson(team);
  std::string etag = HashETag(json);
  WriteJson(call, status, std::move(json), etag);
}

Result<Team> LoadTeam(Call& call) {
  IT_ASSIGN_OR_RETURN(TeamId id, PathId<TeamId>(call, "team_id", "Team"));
  return call.state.tracker.teams().Get(*call.ctx, id);
}

Result<std::vector<tracker::UserEmail>> Emails(const std::vector<std::string>& in) {
  std::vector<tracker::UserEmail> out;
  for (const std::string& s : in) {
    IT_ASSIGN_OR_RETURN(tracker::UserEmail e, tracker::UserEmail::Parse(s));
    out.push_back(std::move(e));
  }
  return out;
}

Status CreateTeam(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageTeams));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto name, body.String("team_name", true));
  IT_ASSIGN_OR_RETURN(auto description, body.String("description"));
  IT_ASSIGN_OR_RETURN(auto lead, body.String("team_lead", true));
  IT_ASSIGN_OR_RETURN(auto members, body.StringArray("members"));
  IT_ASSIGN_OR_RETURN(auto max_members, body.Int("max_members"));
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(tracker::UserEmail lead_email, tracker::UserEmail::Parse(*lead));
  tracker::NewTeam in{.team_name = std::move(*name),
                      .description = description.value_or(""),
                      .team_lead = std::move(lead_email),
                      .max_members = max_members.value_or(10)};
  IT_ASSIGN_OR_RETURN(in.members, Emails(members));
  IT_ASSIGN_OR_RETURN(Team team, call.state.tracker.teams().Create(*call.ctx, in));
  call.resp.headers.Set("Location", "/v1/teams/" + team.team_id.str());
  WriteTeam(call, 201, team);
  return Status::Ok();
}

Status GetTeam(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(Team team, LoadTeam(call));
  WriteTeam(call, 200, team);
  return Status::Ok();
}

Status EditTeam(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageTeams));
  IT_ASSIGN_OR_RETURN(Team team, LoadTeam(call));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  tracker::TeamChanges changes;
  IT_ASSIGN_OR_RETURN(changes.team_name, body.String("team_name"));
  IT_ASSIGN_OR_RETURN(changes.description, body.String("description"));
  IT_ASSIGN_OR_RETURN(auto lead, body.String("team_lead"));
  IT_ASSIGN_OR_RETURN(changes.max_members, body.Int("max_members"));
  IT_RETURN_IF_ERROR(body.Finish());
  if (lead) {
    IT_ASSIGN_OR_RETURN(changes.team_lead, tracker::UserEmail::Parse(*lead));
  }
  IT_RETURN_IF_ERROR(CheckIfMatch(call, HashETag(TeamJson(team))));
  IT_ASSIGN_OR_RETURN(
      Team edited, call.state.tracker.teams().Edit(*call.ctx, team.team_id, team.version, changes));
  WriteTeam(call, 200, edited);
  return Status::Ok();
}

Status SetTeamStatus(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageTeams));
  IT_ASSIGN_OR_RETURN(Team team, LoadTeam(call));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto status_name, body.String("status", true));
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(tracker::TeamStatus status, tracker::ParseTeamStatus(*status_name));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, HashETag(TeamJson(team))));
  IT_ASSIGN_OR_RETURN(Team changed,
                      call.state.tracker.teams().SetStatus(*call.ctx, team.team_id, status));
  WriteTeam(call, 200, changed);
  return Status::Ok();
}

Status DeleteTeam(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageTeams));
  IT_ASSIGN_OR_RETURN(Team team, LoadTeam(call));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, HashETag(TeamJson(team))));
  IT_RETURN_IF_ERROR(call.state.tracker.teams().Delete(*call.ctx, team.team_id));
  call.resp.status = 204;
  return Status::Ok();
}

Status ChangeMember(Call& call, bool add) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageTeams));
  IT_ASSIGN_OR_RETURN(Team team, LoadTeam(call));
  // An address that is no user of the company is refused by the data layer (422).
  IT_ASSIGN_OR_RETURN(tracker::UserEmail member,
                      tracker::UserEmail::Parse(call.match.Param("email")));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, HashETag(TeamJson(team))));
  auto& teams = call.state.tracker.teams();
  IT_ASSIGN_OR_RETURN(Team changed, add ? teams.AddMember(*call.ctx, team.team_id, member)
                                        : teams.RemoveMember(*call.ctx, team.team_id, member));
  WriteTeam(call, 200, changed);
  return Status::Ok();
}

Status AddMember(Call& call) { return ChangeMember(call, true); }
Status RemoveMember(Call& call) { return ChangeMember(call, false); }

Status TeamWorkload(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(Team team, LoadTeam(call));
  std::string out;
  JsonWriter w(out);
  w.BeginObject()
      .Member("team_id", team.team_id.str())
      .Member("current_workload", team.current_workload)
      .Member("members", static_cast<int64_t>(team.members.size()))
      .Member("max_members", team.max_members)
      .Member("status", tracker::TeamStatusName(team.status))
      .Member("open_issues", "/v1/issues?team=" + team.team_id.str())
      .EndObject();
  WriteJson(call, 200, std::move(out));
  return Status::Ok();
}

Status ListTeams(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(tracker::PageRequest page, PageOf(call));
  std::optional<tracker::UserEmail> lead;
  for (const net::QueryParam& p : call.req.query_params) {
    if (p.name == "limit" || p.name == "cursor") continue;
    if (p.name != "lead") {
      return ApiError(400, "invalid_parameter", "Unknown query parameter \"" + p.name + "\"");
    }
    IT_ASSIGN_OR_RETURN(lead, tracker::UserEmail::Parse(p.value));
  }
  auto& teams = call.state.tracker.teams();
  IT_ASSIGN_OR_RETURN(tracker::Page<Team> result, lead ? teams.ListByLead(*call.ctx, *lead, page)
                                                       : teams.ListByCompany(*call.ctx, page));
  WritePage(call, result, [](JsonWriter& w, const Team& t) { EncodeTeam(w, t); });
  return Status::Ok();
}

}  // namespace

RouteHandler TeamHandlerFor(RouteId route) {
  switch (route) {
    case RouteId::kListTeams:
      return ListTeams;
    case RouteId::kCreateTeam:
      return CreateTeam;
    case RouteId::kGetTeam:
      return GetTeam;
    case RouteId::kEditTeam:
      return EditTeam;
    case RouteId::kSetTeamStatus:
      return SetTeamStatus;
    case RouteId::kDeleteTeam:
      return DeleteTeam;
    case RouteId::kAddTeamMember:
      return AddMember;
    case RouteId::kRemoveTeamMember:
      return RemoveMember;
    case RouteId::kTeamWorkload:
      return TeamWorkload;
    default:
      return nullptr;
  }
}

}  // namespace issuetracker::http
