#include "http/api_encode.h"

#include <cstdio>

namespace issuetracker::http {

using namespace tracker;  // NOLINT: the domain's types, in this file only

namespace {

void Strings(JsonWriter& w, std::string_view name, const std::vector<std::string>& values) {
  w.Key(name).BeginArray();
  for (const std::string& v : values) w.String(v);
  w.EndArray();
}

void Emails(JsonWriter& w, std::string_view name, const std::vector<UserEmail>& values) {
  w.Key(name).BeginArray();
  for (const UserEmail& v : values) w.String(v.str());
  w.EndArray();
}

}  // namespace

void EncodeCompany(JsonWriter& w, const Company& c) {
  w.BeginObject()
      .Member("company_id", c.company_id.str())
      .Member("company_name", c.company_name)
      .Member("company_tier", tenancy::TierName(c.company_tier))
      .Member("contact_email", c.contact_email.str())
      .Member("subscription_status", SubscriptionStatusName(c.subscription_status))
      .Member("created_date", c.created_date)
      .Member("monthly_quota", c.monthly_quota)
      .Member("api_calls_used", c.api_calls_used)
      .Member("max_users", c.max_users)
      .Member("current_users", c.current_users)
      .EndObject();
}

void EncodeUser(JsonWriter& w, const User& u) {
  w.BeginObject()
      .Member("email", u.email.str())
      .Member("company_id", u.company_id.str())
      .Member("full_name", u.full_name)
      .Member("user_role", tenancy::RoleName(u.role))
      .Member("user_status", UserStatusName(u.status))
      .Member("created_date", u.created_date);
  w.Key("last_login_date");
  if (u.last_login_date) {
    w.String(*u.last_login_date);
  } else {
    w.Null();
  }
  w.EndObject();
}

void EncodeTeam(JsonWriter& w, const Team& t) {
  w.BeginObject()
      .Member("team_id", t.team_id.str())
      .Member("company_id", t.company_id.str())
      .Member("team_name", t.team_name)
      .Member("description", t.description)
      .Member("team_lead", t.team_lead.str());
  Emails(w, "members", t.members);
  w.Member("created_date", t.created_date)
      .Member("status", TeamStatusName(t.status))
      .Member("max_members", t.max_members)
      .Member("current_workload", t.current_workload)
      .EndObject();
}

void EncodeIssue(JsonWriter& w, const Issue& i) {
  w.BeginObject()
      .Member("issue_id", i.issue_id.str())
      .Member("company_id", i.company_id.str())
      .Member("title", i.title)
      .Member("description", i.description)
      .Member("status", StatusName(i.status))
      .Member("priority", PriorityName(i.priority))
      .Member("issue_type", IssueTypeName(i.issue_type));
  w.Key("assigned_user");
  i.assigned_user ? w.String(i.assigned_user->str()) : w.Null();
  w.Key("assigned_team");
  i.assigned_team ? w.String(i.assigned_team->str()) : w.Null();
  w.Member("reporter", i.reporter.str())
      .Member("created_date", i.created_date)
      .Member("updated_date", i.updated_date);
  w.Key("due_date");
  i.due_date ? w.String(*i.due_date) : w.Null();
  Strings(w, "labels", i.labels);
  w.Key("estimated_hours");
  i.estimated_hours ? w.Int(*i.estimated_hours) : w.Null();
  w.Key("story_points");
  i.story_points ? w.Int(*i.story_points) : w.Null();
  w.Member("version", i.version).EndObject();
}

void EncodeComment(JsonWriter& w, const Comment& c) {
  w.BeginObject()
      .Member("comment_id", c.comment_id.str())
      .Member("issue_id", c.issue_id.str())
      .Member("company_id", c.company_id.str())
      .Member("author_email", c.author_email.str())
      .Member("author_name", c.author_name)
      .Member("content", c.content)
      .Member("created_date", c.created_date)
      .MemberBool("is_internal", c.is_internal);
  Strings(w, "attachments", c.attachments);
  Emails(w, "mentions", c.mentions);
  w.EndObject();
}

void EncodeApiKey(JsonWriter& w, const ApiKeyRecord& k) {
  w.BeginObject()
      .Member("key_id", k.key_id)
      .Member("name", k.name)
      .Member("tier_name", tenancy::TierName(k.tier))
      .Member("created_by", k.created_by.str())
      .Member("role", tenancy::RoleName(k.role))
      .Member("created_date", k.created_date)
      .Member("status", k.revoked ? "revoked" : "active");
  if (k.revoked) w.Member("revoked_date", k.revoked_date);
  w.EndObject();
}

std::string IssueETag(const Issue& issue) {
  std::string etag = "\"";
  etag += std::to_string(issue.version);
  etag += '"';
  return etag;
}

std::string HashETag(std::string_view representation) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a, 64 bits
  for (unsigned char c : representation) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"h%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace issuetracker::http
