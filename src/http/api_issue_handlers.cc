// /v1/issues and their comments.
#include "http/api_encode.h"
#include "http/api_internal.h"
#include "tracker/permissions.h"
#include "tracker/workflow.h"

namespace issuetracker::http {

using tracker::Action;
using tracker::Issue;
using tracker::IssueId;

namespace {

std::string IssueJson(const Issue& issue) {
  std::string out;
  JsonWriter w(out);
  EncodeIssue(w, issue);
  return out;
}

std::string CommentJson(const tracker::Comment& c) {
  std::string out;
  JsonWriter w(out);
  EncodeComment(w, c);
  return out;
}

Result<std::optional<tracker::UserEmail>> OptionalEmail(const std::optional<std::string>& s) {
  if (!s) return std::optional<tracker::UserEmail>();
  IT_ASSIGN_OR_RETURN(tracker::UserEmail e, tracker::UserEmail::Parse(*s));
  return std::optional<tracker::UserEmail>(std::move(e));
}

Result<std::optional<tracker::TeamId>> OptionalTeam(const std::optional<std::string>& s) {
  if (!s) return std::optional<tracker::TeamId>();
  IT_ASSIGN_OR_RETURN(tracker::TeamId t, tracker::TeamId::Parse(*s));
  return std::optional<tracker::TeamId>(std::move(t));
}

// Loads the issue of the path (404 for ids that do not exist in the caller's company).
Result<Issue> LoadIssue(Call& call) {
  IT_ASSIGN_OR_RETURN(IssueId id, PathId<IssueId>(call, "issue_id", "Issue"));
  return call.state.tracker.issues().Get(*call.ctx, id);
}

Status CreateIssue(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kCreateIssue));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  tracker::NewIssue in;
  IT_ASSIGN_OR_RETURN(auto title, body.String("title", true));
  IT_ASSIGN_OR_RETURN(auto description, body.String("description"));
  IT_ASSIGN_OR_RETURN(auto type, body.String("issue_type"));
  IT_ASSIGN_OR_RETURN(auto priority, body.String("priority"));
  IT_ASSIGN_OR_RETURN(auto user, body.String("assigned_user"));
  IT_ASSIGN_OR_RETURN(auto team, body.String("assigned_team"));
  IT_ASSIGN_OR_RETURN(auto due, body.String("due_date"));
  IT_ASSIGN_OR_RETURN(auto labels, body.StringArray("labels"));
  IT_ASSIGN_OR_RETURN(auto hours, body.Int("estimated_hours"));
  IT_ASSIGN_OR_RETURN(auto points, body.Int("story_points"));
  IT_RETURN_IF_ERROR(body.Finish());
  in.title = std::move(*title);
  in.description = description.value_or("");
  if (type) {
    IT_ASSIGN_OR_RETURN(in.issue_type, tracker::ParseIssueType(*type));
  }
  if (priority) {
    IT_ASSIGN_OR_RETURN(in.priority, tracker::ParsePriority(*priority));
  }
  IT_ASSIGN_OR_RETURN(in.assigned_user, OptionalEmail(user));
  IT_ASSIGN_OR_RETURN(in.assigned_team, OptionalTeam(team));
  // Assigning to anyone but oneself, or to a team, needs the assign permission.
  if (in.assigned_team || (in.assigned_user && *in.assigned_user != call.ctx->actor())) {
    IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kAssignIssue));
  }
  in.due_date = std::move(due);
  in.labels = std::move(labels);
  in.estimated_hours = hours;
  in.story_points = points;
  IT_ASSIGN_OR_RETURN(Issue issue, call.state.tracker.issues().Create(*call.ctx, in));
  call.resp.headers.Set("Location", "/v1/issues/" + issue.issue_id.str());
  WriteJson(call, 201, IssueJson(issue), IssueETag(issue));
  return Status::Ok();
}

Status GetIssue(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(Issue issue, LoadIssue(call));
  const std::string etag = IssueETag(issue);
  if (auto none = call.req.headers.Find("If-None-Match"); none && *none == etag) {
    call.resp.status = 304;
    call.resp.headers.Set("ETag", etag);
    return Status::Ok();
  }
  WriteJson(call, 200, IssueJson(issue), etag);
  return Status::Ok();
}

Status EditIssue(Call& call) {
  IT_ASSIGN_OR_RETURN(Issue issue, LoadIssue(call));
  IT_RETURN_IF_ERROR(tracker::CheckOnIssue(*call.ctx, Action::kEditIssue, issue));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  tracker::IssueChanges changes;
  IT_ASSIGN_OR_RETURN(changes.title, body.String("title"));
  IT_ASSIGN_OR_RETURN(changes.description, body.String("description"));
  IT_ASSIGN_OR_RETURN(auto priority, body.String("priority"));
  IT_ASSIGN_OR_RETURN(auto type, body.String("issue_type"));
  IT_ASSIGN_OR_RETURN(changes.due_date, body.NullableString("due_date"));
  IT_ASSIGN_OR_RETURN(auto labels, body.StringArray("labels"));
  if (body.Has("labels")) changes.labels = std::move(labels);
  IT_ASSIGN_OR_RETURN(changes.estimated_hours, body.NullableInt("estimated_hours"));
  IT_ASSIGN_OR_RETURN(changes.story_points, body.NullableInt("story_points"));
  IT_RETURN_IF_ERROR(body.Finish());
  if (priority) {
    IT_ASSIGN_OR_RETURN(changes.priority, tracker::ParsePriority(*priority));
  }
  if (type) {
    IT_ASSIGN_OR_RETURN(changes.issue_type, tracker::ParseIssueType(*type));
  }
  IT_RETURN_IF_ERROR(CheckIfMatch(call, IssueETag(issue)));
  IT_ASSIGN_OR_RETURN(Issue edited, call.state.tracker.issues().Edit(*call.ctx, issue.issue_id,
                                                                     issue.version, changes));
  WriteJson(call, 200, IssueJson(edited), IssueETag(edited));
  return Status::Ok();
}

Status TransitionIssue(Call& call) {
  IT_ASSIGN_OR_RETURN(Issue issue, LoadIssue(call));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto to_name, body.String("status", true));
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(tracker::IssueStatus to, tracker::ParseStatus(*to_name));
  // As the data layer: an invalid transition is invalid for everyone (409), then the role.
  IT_RETURN_IF_ERROR(tracker::CheckTransition(issue.status, to));
  IT_RETURN_IF_ERROR(
      tracker::CheckOnIssue(*call.ctx, tracker::TransitionAction(issue.status, to), issue));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, IssueETag(issue)));
  IT_ASSIGN_OR_RETURN(Issue moved, call.state.tracker.issues().Transition(*call.ctx, issue.issue_id,
                                                                          issue.version, to));
  WriteJson(call, 200, IssueJson(moved), IssueETag(moved));
  return Status::Ok();
}

Status AssignIssue(Call& call) {
  IT_ASSIGN_OR_RETURN(Issue issue, LoadIssue(call));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto user, body.NullableString("assigned_user"));
  IT_ASSIGN_OR_RETURN(auto team, body.NullableString("assigned_team"));
  IT_RETURN_IF_ERROR(body.Finish());
  tracker::Assignment assignment{issue.assigned_user, issue.assigned_team};
  if (user) {
    IT_ASSIGN_OR_RETURN(assignment.user, OptionalEmail(*user));
  }
  if (team) {
    IT_ASSIGN_OR_RETURN(assignment.team, OptionalTeam(*team));
  }
  // Below Admin: only taking the issue for oneself or releasing one's own, team unchanged
  // (the data layer's rule, checked here first).
  const bool self_service =
      assignment.team == issue.assigned_team &&
      (assignment.user == issue.assigned_user || assignment.user == call.ctx->actor() ||
       (!assignment.user && issue.assigned_user == call.ctx->actor()));
  if (!self_service) IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kAssignIssue));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, IssueETag(issue)));
  IT_ASSIGN_OR_RETURN(Issue assigned, call.state.tracker.issues().Assign(
                                          *call.ctx, issue.issue_id, issue.version, assignment));
  WriteJson(call, 200, IssueJson(assigned), IssueETag(assigned));
  return Status::Ok();
}

Status DeleteIssue(Call& call) {
  IT_ASSIGN_OR_RETURN(Issue issue, LoadIssue(call));
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kDeleteIssue));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, IssueETag(issue)));
  IT_RETURN_IF_ERROR(call.state.tracker.issues().Delete(*call.ctx, issue.issue_id, issue.version));
  call.resp.status = 204;
  return Status::Ok();
}

Status ListIssues(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(tracker::PageRequest page, PageOf(call));
  tracker::IssueQuery query = tracker::IssueQuery::All();
  int filters = 0;
  for (const net::QueryParam& p : call.req.query_params) {
    if (p.name == "limit" || p.name == "cursor") continue;
    ++filters;
    if (p.name == "status") {
      IT_ASSIGN_OR_RETURN(tracker::IssueStatus s, tracker::ParseStatus(p.value));
      query = tracker::IssueQuery::WithStatus(s);
    } else if (p.name == "priority") {
      IT_ASSIGN_OR_RETURN(tracker::Priority pr, tracker::ParsePriority(p.value));
      query = tracker::IssueQuery::WithPriority(pr);
    } else if (p.name == "assignee") {
      IT_ASSIGN_OR_RETURN(tracker::UserEmail u, tracker::UserEmail::Parse(p.value));
      query = tracker::IssueQuery::AssignedTo(std::move(u));
    } else if (p.name == "team") {
      IT_ASSIGN_OR_RETURN(tracker::TeamId t, tracker::TeamId::Parse(p.value));
      query = tracker::IssueQuery::OfTeam(std::move(t));
    } else {
      return ApiError(400, "invalid_parameter", "Unknown query parameter \"" + p.name + "\"");
    }
  }
  if (filters > 1) {
    return ApiError(400, "invalid_parameter",
                    "Give at most one of status, priority, assignee and team");
  }
  IT_ASSIGN_OR_RETURN(tracker::Page<Issue> result,
                      call.state.tracker.issues().List(*call.ctx, query, page));
  WritePage(call, result, [](JsonWriter& w, const Issue& i) { EncodeIssue(w, i); });
  return Status::Ok();
}

// ------------------------------------------------------------------ comments

Result<tracker::Comment> LoadComment(Call& call) {
  IT_ASSIGN_OR_RETURN(IssueId issue, PathId<IssueId>(call, "issue_id", "Issue"));
  IT_ASSIGN_OR_RETURN(tracker::CommentId id,
                      PathId<tracker::CommentId>(call, "comment_id", "Comment"));
  return call.state.tracker.comments().Get(*call.ctx, issue, id);
}

Result<std::vector<tracker::UserEmail>> Emails(const std::vector<std::string>& in) {
  std::vector<tracker::UserEmail> out;
  for (const std::string& s : in) {
    IT_ASSIGN_OR_RETURN(tracker::UserEmail e, tracker::UserEmail::Parse(s));
    out.push_back(std::move(e));
  }
  return out;
}

Status AddComment(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kComment));
  IT_ASSIGN_OR_RETURN(IssueId issue, PathId<IssueId>(call, "issue_id", "Issue"));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto content, body.String("content", true));
  IT_ASSIGN_OR_RETURN(auto internal, body.Bool("is_internal"));
  IT_ASSIGN_OR_RETURN(auto mentions, body.StringArray("mentions"));
  IT_ASSIGN_OR_RETURN(auto attachments, body.StringArray("attachments"));
  IT_RETURN_IF_ERROR(body.Finish());
  tracker::NewComment in{.content = std::move(*content), .is_internal = internal.value_or(false)};
  if (in.is_internal) IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kPostInternalComment));
  IT_ASSIGN_OR_RETURN(in.mentions, Emails(mentions));
  in.attachments = std::move(attachments);
  IT_ASSIGN_OR_RETURN(tracker::Comment c, call.state.tracker.comments().Add(*call.ctx, issue, in));
  call.resp.headers.Set("Location",
                        "/v1/issues/" + issue.str() + "/comments/" + c.comment_id.str());
  std::string json = CommentJson(c);
  std::string etag = HashETag(json);
  WriteJson(call, 201, std::move(json), etag);
  return Status::Ok();
}

Status GetComment(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(tracker::Comment c, LoadComment(call));
  std::string json = CommentJson(c);
  std::string etag = HashETag(json);
  WriteJson(call, 200, std::move(json), etag);
  return Status::Ok();
}

Status EditComment(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kComment));
  IT_ASSIGN_OR_RETURN(tracker::Comment c, LoadComment(call));
  if (c.author_email != call.ctx->actor()) {
    return Status::Forbidden("Only the author of comment " + c.comment_id.str() + " may edit it");
  }
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  tracker::CommentChanges changes;
  IT_ASSIGN_OR_RETURN(changes.content, body.String("content"));
  IT_ASSIGN_OR_RETURN(auto mentions, body.StringArray("mentions"));
  IT_RETURN_IF_ERROR(body.Finish());
  if (body.Has("mentions")) {
    IT_ASSIGN_OR_RETURN(changes.mentions, Emails(mentions));
  }
  IT_RETURN_IF_ERROR(CheckIfMatch(call, HashETag(CommentJson(c))));
  IT_ASSIGN_OR_RETURN(tracker::Comment edited,
                      call.state.tracker.comments().Edit(*call.ctx, c, changes));
  std::string json = CommentJson(edited);
  std::string etag = HashETag(json);
  WriteJson(call, 200, std::move(json), etag);
  return Status::Ok();
}

Status DeleteComment(Call& call) {
  IT_ASSIGN_OR_RETURN(tracker::Comment c, LoadComment(call));
  if (c.author_email != call.ctx->actor()) {
    IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kDeleteAnyComment));
  }
  IT_RETURN_IF_ERROR(CheckIfMatch(call, HashETag(CommentJson(c))));
  IT_RETURN_IF_ERROR(call.state.tracker.comments().Delete(*call.ctx, c.issue_id, c.comment_id));
  call.resp.status = 204;
  return Status::Ok();
}

Status ListComments(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(IssueId issue, PathId<IssueId>(call, "issue_id", "Issue"));
  IT_ASSIGN_OR_RETURN(tracker::PageRequest page, PageOf(call));
  IT_ASSIGN_OR_RETURN(auto result,
                      call.state.tracker.comments().ListByIssue(*call.ctx, issue, page));
  WritePage(call, result, [](JsonWriter& w, const tracker::Comment& c) { EncodeComment(w, c); });
  return Status::Ok();
}

}  // namespace

RouteHandler IssueHandlerFor(RouteId route) {
  switch (route) {
    case RouteId::kListIssues:
      return ListIssues;
    case RouteId::kCreateIssue:
      return CreateIssue;
    case RouteId::kGetIssue:
      return GetIssue;
    case RouteId::kEditIssue:
      return EditIssue;
    case RouteId::kTransitionIssue:
      return TransitionIssue;
    case RouteId::kAssignIssue:
      return AssignIssue;
    case RouteId::kDeleteIssue:
      return DeleteIssue;
    case RouteId::kListComments:
      return ListComments;
    case RouteId::kAddComment:
      return AddComment;
    case RouteId::kGetComment:
      return GetComment;
    case RouteId::kEditComment:
      return EditComment;
    case RouteId::kDeleteComment:
      return DeleteComment;
    default:
      return nullptr;
  }
}

}  // namespace issuetracker::http
