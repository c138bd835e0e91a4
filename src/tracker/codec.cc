#include "tracker/codec.h"

#include <algorithm>

#include "tenancy/schema_names.h"

namespace issuetracker::tracker {

using dynamo::AttributeValue;
using dynamo::AttrType;
using dynamo::Item;
using tenancy::CompanyScope;
using tenancy::Layout;
namespace attr = tenancy::attr;

namespace {

AttributeValue S(std::string_view v) { return AttributeValue::S(std::string(v)); }
AttributeValue N(int64_t v) { return AttributeValue::N(v); }
// Builds an item attribute by attribute: appends, then sorts once. (Items are flat maps,
// where each insert shifts every later entry; encoding runs for every item written, and
// seeding writes 100,000 issues a second.) A later Set of a name replaces an earlier one.
class ItemBuilder {
 public:
  explicit ItemBuilder(Item base) : seq_(base.extract_sequence()) { seq_.reserve(24); }
  void Set(std::string_view name, AttributeValue value) {
    seq_.emplace_back(std::piecewise_construct, std::forward_as_tuple(name),
                      std::forward_as_tuple(std::move(value)));
  }
  Item Finish() && {
    // Sorted by name through an index array (an insertion sort: items have a few dozen
    // attributes at most, often set nearly in order), then moved once into place. Equal
    // names keep their order, so the later Set of a name is the one kept.
    const size_t n = seq_.size();
    std::vector<uint32_t> order(n);
    const dynamo::AttributeNameLess less;
    for (uint32_t i = 0; i < n; ++i) {
      size_t at = i;
      while (at > 0 && less(seq_[i].first, seq_[order[at - 1]].first)) {
        order[at] = order[at - 1];
        --at;
      }
      order[at] = i;
    }
    Item::sequence_type sorted;
    sorted.reserve(n);
    for (size_t k = 0; k < n; ++k) {
      if (k + 1 < n && seq_[order[k]].first == seq_[order[k + 1]].first) continue;
      sorted.push_back(std::move(seq_[order[k]]));
    }
    Item item;
    item.adopt_sequence(boost::container::ordered_unique_range, std::move(sorted));
    return item;
  }

 private:
  Item::sequence_type seq_;
};

Status Bad(std::string_view what, std::string_view name, std::string_view why) {
  return Status::Corruption("Stored " + std::string(what) + " has a bad " + std::string(name) +
                            ": " + std::string(why));
}

const AttributeValue* Find(const Item& item, std::string_view name) {
  auto it = item.find(name);
  return it == item.end() ? nullptr : &it->second;
}

Result<std::optional<std::string>> OptS(const Item& item, std::string_view name,
                                        std::string_view what) {
  const AttributeValue* v = Find(item, name);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is(AttrType::kS)) return Bad(what, name, "not a string");
  return std::optional<std::string>(v->s());
}

Result<std::string> ReqS(const Item& item, std::string_view name, std::string_view what) {
  IT_ASSIGN_OR_RETURN(std::optional<std::string> v, OptS(item, name, what));
  if (!v) return Bad(what, name, "missing");
  return *v;
}

Result<std::optional<int64_t>> OptN(const Item& item, std::string_view name,
                                    std::string_view what) {
  const AttributeValue* v = Find(item, name);
  if (v == nullptr) return std::optional<int64_t>();
  if (!v->is(AttrType::kN)) return Bad(what, name, "not a number");
  std::optional<int64_t> n = v->n().ToInt64();
  if (!n) return Bad(what, name, "not an integer");
  return n;
}

Result<int64_t> NumOr(const Item& item, std::string_view name, std::string_view what,
                      int64_t fallback) {
  IT_ASSIGN_OR_RETURN(std::optional<int64_t> n, OptN(item, name, what));
  return n.value_or(fallback);
}

Result<std::vector<std::string>> StrList(const Item& item, std::string_view name,
                                         std::string_view what) {
  const AttributeValue* v = Find(item, name);
  std::vector<std::string> out;
  if (v == nullptr) return out;
  if (v->is(AttrType::kSS)) return v->ss();
  if (!v->is(AttrType::kL)) return Bad(what, name, "not a list");
  for (const AttributeValue& e : v->l()) {
    if (!e.is(AttrType::kS)) return Bad(what, name, "list element not a string");
    out.push_back(e.s());
  }
  return out;
}

Result<std::vector<UserEmail>> Emails(const Item& item, std::string_view name,
                                      std::string_view what) {
  IT_ASSIGN_OR_RETURN(std::vector<std::string> raw, StrList(item, name, what));
  std::vector<UserEmail> out;
  for (const std::string& r : raw) {
    auto email = UserEmail::Parse(r);
    if (!email.ok()) return Bad(what, name, email.status().message());
    out.push_back(std::move(email).value());
  }
  return out;
}

template <typename T>
Result<T> Parsed(Result<T> r, std::string_view what, std::string_view name) {
  if (!r.ok()) return Bad(what, name, r.status().message());
  return r;
}

Result<UserEmail> ReqEmail(const Item& item, std::string_view name, std::string_view what) {
  IT_ASSIGN_OR_RETURN(std::string raw, ReqS(item, name, what));
  return Parsed(UserEmail::Parse(raw), what, name);
}

}  // namespace

AttributeValue StringList(const std::vector<std::string>& values) {
  dynamo::AttributeList list;
  for (const auto& v : values) list.push_back(S(v));
  return AttributeValue::L(std::move(list));
}

AttributeValue EmailList(const std::vector<UserEmail>& values) {
  dynamo::AttributeList list;
  for (const auto& v : values) list.push_back(S(v.str()));
  return AttributeValue::L(std::move(list));
}

// ------------------------------------------------------------------ companies

Item EncodeCompany(const Layout& layout, const Company& c) {
  ItemBuilder item(layout.CompanyKey(c.company_id));
  item.Set(field::kCompanyName, S(c.company_name));
  item.Set(attr::kCompanyTier, S(tenancy::TierName(c.company_tier)));
  item.Set(field::kContactEmail, S(c.contact_email.str()));
  item.Set(field::kSubscriptionStatus, S(SubscriptionStatusName(c.subscription_status)));
  item.Set(attr::kCreatedDate, S(c.created_date));
  item.Set(field::kMonthlyQuota, N(c.monthly_quota));
  item.Set(field::kApiCallsUsed, N(c.api_calls_used));
  item.Set(field::kMaxUsers, N(c.max_users));
  item.Set(field::kCurrentUsers, N(c.current_users));
  if (c.issue_counter > 0) item.Set(field::kIssueCounter, N(int64_t(c.issue_counter)));
  if (c.team_counter > 0) item.Set(field::kTeamCounter, N(int64_t(c.team_counter)));
  if (c.comment_counter > 0) item.Set(field::kCommentCounter, N(int64_t(c.comment_counter)));
  return std::move(item).Finish();
}

Result<Company> DecodeCompany(const Layout& layout, const Item& item) {
  constexpr std::string_view w = "company";
  IT_ASSIGN_OR_RETURN(CompanyId id, layout.CompanyOf(item));
  IT_ASSIGN_OR_RETURN(std::string tier_name, ReqS(item, attr::kCompanyTier, w));
  IT_ASSIGN_OR_RETURN(Tier tier, Parsed(tenancy::ParseTier(tier_name), w, attr::kCompanyTier));
  IT_ASSIGN_OR_RETURN(UserEmail contact, ReqEmail(item, field::kContactEmail, w));
  IT_ASSIGN_OR_RETURN(std::string sub, ReqS(item, field::kSubscriptionStatus, w));
  Company c{.company_id = id, .company_tier = tier, .contact_email = contact};
  IT_ASSIGN_OR_RETURN(c.subscription_status,
                      Parsed(ParseSubscriptionStatus(sub), w, field::kSubscriptionStatus));
  IT_ASSIGN_OR_RETURN(c.company_name, ReqS(item, field::kCompanyName, w));
  IT_ASSIGN_OR_RETURN(c.created_date, ReqS(item, attr::kCreatedDate, w));
  IT_ASSIGN_OR_RETURN(c.monthly_quota, NumOr(item, field::kMonthlyQuota, w, 0));
  IT_ASSIGN_OR_RETURN(c.api_calls_used, NumOr(item, field::kApiCallsUsed, w, 0));
  IT_ASSIGN_OR_RETURN(c.max_users, NumOr(item, field::kMaxUsers, w, 0));
  IT_ASSIGN_OR_RETURN(c.current_users, NumOr(item, field::kCurrentUsers, w, 0));
  IT_ASSIGN_OR_RETURN(int64_t issues, NumOr(item, field::kIssueCounter, w, 0));
  IT_ASSIGN_OR_RETURN(int64_t teams, NumOr(item, field::kTeamCounter, w, 0));
  IT_ASSIGN_OR_RETURN(int64_t comments, NumOr(item, field::kCommentCounter, w, 0));
  if (issues < 0 || teams < 0 || comments < 0) return Bad(w, "counter", "negative");
  c.issue_counter = static_cast<uint64_t>(issues);
  c.team_counter = static_cast<uint64_t>(teams);
  c.comment_counter = static_cast<uint64_t>(comments);
  return c;
}

// ------------------------------------------------------------------ users

Item EncodeUser(const Layout& layout, const CompanyScope& scope, const User& u) {
  ItemBuilder item(layout.UserIdentity(scope, u.email));
  item.Set(field::kFullName, S(u.full_name));
  item.Set(attr::kUserRole, S(tenancy::RoleName(u.role)));
  item.Set(field::kUserStatus, S(UserStatusName(u.status)));
  item.Set(attr::kCreatedDate, S(u.created_date));
  item.Set(attr::kLastLoginDate, S(u.last_login_date.value_or(std::string(kNeverSignedIn))));
  return std::move(item).Finish();
}

Result<User> DecodeUser(const Layout& layout, const CompanyScope& scope, const Item& item) {
  constexpr std::string_view w = "user";
  IT_ASSIGN_OR_RETURN(UserEmail email, layout.UserOf(scope, item));
  User u{.email = email, .company_id = scope.company_id()};
  IT_ASSIGN_OR_RETURN(std::string role, ReqS(item, attr::kUserRole, w));
  IT_ASSIGN_OR_RETURN(u.role, Parsed(tenancy::ParseRole(role), w, attr::kUserRole));
  IT_ASSIGN_OR_RETURN(std::string status, ReqS(item, field::kUserStatus, w));
  IT_ASSIGN_OR_RETURN(u.status, Parsed(ParseUserStatus(status), w, field::kUserStatus));
  IT_ASSIGN_OR_RETURN(std::optional<std::string> name, OptS(item, field::kFullName, w));
  u.full_name = name.value_or("");
  IT_ASSIGN_OR_RETURN(std::optional<std::string> created, OptS(item, attr::kCreatedDate, w));
  u.created_date = created.value_or("");
  IT_ASSIGN_OR_RETURN(u.last_login_date, OptS(item, attr::kLastLoginDate, w));
  if (u.last_login_date == kNeverSignedIn) u.last_login_date.reset();
  return u;
}

// ------------------------------------------------------------------ teams

Item EncodeTeam(const Layout& layout, const CompanyScope& scope, const Team& t) {
  ItemBuilder item(layout.TeamIdentity(scope, t.team_id, t.created_date));
  item.Set(attr::kTeamName, S(t.team_name));
  if (!t.description.empty()) item.Set(field::kDescription, S(t.description));
  item.Set(attr::kTeamLead, S(t.team_lead.str()));
  item.Set(field::kMembers, EmailList(t.members));
  item.Set(attr::kStatus, S(TeamStatusName(t.status)));
  item.Set(field::kMaxMembers, N(t.max_members));
  item.Set(field::kCurrentWorkload, N(t.current_workload));
  if (t.version > 0) item.Set(field::kVersion, N(t.version));
  return std::move(item).Finish();
}

Result<Team> DecodeTeam(const Layout& layout, const CompanyScope& scope, const Item& item) {
  constexpr std::string_view w = "team";
  IT_ASSIGN_OR_RETURN(TeamId id, layout.TeamOf(scope, item));
  IT_ASSIGN_OR_RETURN(UserEmail lead, ReqEmail(item, attr::kTeamLead, w));
  Team t{.team_id = id, .company_id = scope.company_id(), .team_lead = lead};
  IT_ASSIGN_OR_RETURN(t.team_name, ReqS(item, attr::kTeamName, w));
  IT_ASSIGN_OR_RETURN(std::optional<std::string> d, OptS(item, field::kDescription, w));
  t.description = d.value_or("");
  IT_ASSIGN_OR_RETURN(t.members, Emails(item, field::kMembers, w));
  IT_ASSIGN_OR_RETURN(t.created_date, ReqS(item, attr::kCreatedDate, w));
  IT_ASSIGN_OR_RETURN(std::string status, ReqS(item, attr::kStatus, w));
  IT_ASSIGN_OR_RETURN(t.status, Parsed(ParseTeamStatus(status), w, attr::kStatus));
  IT_ASSIGN_OR_RETURN(t.max_members, NumOr(item, field::kMaxMembers, w, 0));
  IT_ASSIGN_OR_RETURN(t.current_workload, NumOr(item, field::kCurrentWorkload, w, 0));
  IT_ASSIGN_OR_RETURN(t.version, NumOr(item, field::kVersion, w, 0));
  return t;
}

// ------------------------------------------------------------------ issues

Item EncodeIssue(const Layout& layout, const CompanyScope& scope, const Issue& i) {
  ItemBuilder item(layout.IssueIdentity(scope, i.issue_id, i.created_date));
  item.Set(field::kTitle, S(i.title));
  if (!i.description.empty()) item.Set(field::kDescription, S(i.description));
  item.Set(attr::kStatus, S(StatusName(i.status)));
  item.Set(attr::kPriority, S(PriorityName(i.priority)));
  item.Set(field::kIssueType, S(IssueTypeName(i.issue_type)));
  if (i.assigned_user) item.Set(attr::kAssignedUser, S(i.assigned_user->str()));
  if (i.assigned_team) item.Set(attr::kAssignedTeam, S(i.assigned_team->str()));
  item.Set(field::kReporter, S(i.reporter.str()));
  item.Set(attr::kUpdatedDate, S(i.updated_date));
  item.Set(attr::kDueDate, S(i.due_date.value_or(std::string(kNoDueDate))));
  item.Set(field::kLabels, StringList(i.labels));
  if (i.estimated_hours) item.Set(field::kEstimatedHours, N(*i.estimated_hours));
  if (i.story_points) item.Set(field::kStoryPoints, N(*i.story_points));
  if (i.version > 0) item.Set(field::kVersion, N(i.version));
  return std::move(item).Finish();
}

Result<Issue> DecodeIssue(const Layout& layout, const CompanyScope& scope, const Item& item) {
  constexpr std::string_view w = "issue";
  IT_ASSIGN_OR_RETURN(IssueId id, layout.IssueOf(scope, item));
  IT_ASSIGN_OR_RETURN(UserEmail reporter, ReqEmail(item, field::kReporter, w));
  Issue i{.issue_id = id, .company_id = scope.company_id(), .reporter = reporter};
  IT_ASSIGN_OR_RETURN(i.title, ReqS(item, field::kTitle, w));
  IT_ASSIGN_OR_RETURN(std::optional<std::string> d, OptS(item, field::kDescription, w));
  i.description = d.value_or("");
  IT_ASSIGN_OR_RETURN(std::string status, ReqS(item, attr::kStatus, w));
  IT_ASSIGN_OR_RETURN(i.status, Parsed(ParseStatus(status), w, attr::kStatus));
  IT_ASSIGN_OR_RETURN(std::string priority, ReqS(item, attr::kPriority, w));
  IT_ASSIGN_OR_RETURN(i.priority, Parsed(ParsePriority(priority), w, attr::kPriority));
  IT_ASSIGN_OR_RETURN(std::string type, ReqS(item, field::kIssueType, w));
  IT_ASSIGN_OR_RETURN(i.issue_type, Parsed(ParseIssueType(type), w, field::kIssueType));
  IT_ASSIGN_OR_RETURN(std::optional<std::string> user, OptS(item, attr::kAssignedUser, w));
  if (user) {
    IT_ASSIGN_OR_RETURN(i.assigned_user, Parsed(UserEmail::Parse(*user), w, "assignee"));
  }
  IT_ASSIGN_OR_RETURN(std::optional<std::string> team, OptS(item, attr::kAssignedTeam, w));
  if (team) {
    IT_ASSIGN_OR_RETURN(i.assigned_team, Parsed(TeamId::Parse(*team), w, "team"));
  }
  IT_ASSIGN_OR_RETURN(i.created_date, ReqS(item, attr::kCreatedDate, w));
  IT_ASSIGN_OR_RETURN(i.updated_date, ReqS(item, attr::kUpdatedDate, w));
  IT_ASSIGN_OR_RETURN(i.due_date, OptS(item, attr::kDueDate, w));
  if (i.due_date == kNoDueDate) i.due_date.reset();
  IT_ASSIGN_OR_RETURN(i.labels, StrList(item, field::kLabels, w));
  IT_ASSIGN_OR_RETURN(i.estimated_hours, OptN(item, field::kEstimatedHours, w));
  IT_ASSIGN_OR_RETURN(i.story_points, OptN(item, field::kStoryPoints, w));
  IT_ASSIGN_OR_RETURN(i.version, NumOr(item, field::kVersion, w, 0));
  return i;
}

// ------------------------------------------------------------------ comments

Item EncodeComment(const Layout& layout, const CompanyScope& scope, const Comment& c) {
  ItemBuilder item(layout.CommentIdentity(scope, {c.issue_id, c.comment_id}, c.created_date));
  item.Set(attr::kAuthorEmail, S(c.author_email.str()));
  item.Set(field::kAuthorName, S(c.author_name));
  item.Set(field::kContent, S(c.content));
  item.Set(field::kIsInternal, AttributeValue::Bool(c.is_internal));
  item.Set(field::kAttachments, StringList(c.attachments));
  item.Set(field::kMentions, EmailList(c.mentions));
  return std::move(item).Finish();
}

Result<Comment> DecodeComment(const Layout& layout, const CompanyScope& scope, const Item& item) {
  constexpr std::string_view w = "comment";
  IT_ASSIGN_OR_RETURN(tenancy::CommentRef ref, layout.CommentOf(scope, item));
  IT_ASSIGN_OR_RETURN(UserEmail author, ReqEmail(item, attr::kAuthorEmail, w));
  Comment c{.comment_id = ref.comment_id,
            .issue_id = ref.issue_id,
            .company_id = scope.company_id(),
            .author_email = author};
  IT_ASSIGN_OR_RETURN(std::optional<std::string> name, OptS(item, field::kAuthorName, w));
  c.author_name = name.value_or("");
  IT_ASSIGN_OR_RETURN(c.content, ReqS(item, field::kContent, w));
  IT_ASSIGN_OR_RETURN(c.created_date, ReqS(item, attr::kCreatedDate, w));
  const AttributeValue* internal = Find(item, field::kIsInternal);
  if (internal != nullptr) {
    if (!internal->is(AttrType::kBool)) return Bad(w, field::kIsInternal, "not a boolean");
    c.is_internal = internal->boolean();
  }
  IT_ASSIGN_OR_RETURN(c.attachments, StrList(item, field::kAttachments, w));
  IT_ASSIGN_OR_RETURN(c.mentions, Emails(item, field::kMentions, w));
  return c;
}

}  // namespace issuetracker::tracker
