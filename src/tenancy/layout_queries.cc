// Layout: the list queries, each a plan of one or more Query requests on the right index.
#include <cassert>
#include <optional>

#include "tenancy/layout.h"
#include "tenancy/layout_internal.h"
#include "tenancy/schema_names.h"

namespace issuetracker::tenancy {

using dynamo::Item;
using internal::S;

namespace {

// The table or index a plan reads and its key attributes.
struct Source {
  std::optional<std::string_view> index;  // nullopt: the base table
  std::string_view partition_key;
  std::optional<std::string_view> sort_key;
};

// One partition (and optional sort-key equality) to read.
struct Bound {
  std::string partition_value;
  std::optional<std::string> sort_value;
};

// The key attributes of an entity's table in a scope (for LastEvaluatedKey checks).
std::vector<std::string> TableKeyAttributes(const CompanyScope& scope, Entity entity) {
  auto names = [](std::initializer_list<std::string_view> list) {
    return std::vector<std::string>(list.begin(), list.end());
  };
  switch (entity) {
    case Entity::kIssue:
      return scope.silo() ? names({attr::kIssueId, attr::kCreatedDate})
                          : names({attr::kCompanyIssueId});
    case Entity::kTeam:
      return scope.silo() ? names({attr::kTeamId, attr::kCreatedDate})
                          : names({attr::kCompanyTeamId});
    case Entity::kComment:
      return scope.silo() ? names({attr::kIssueId, attr::kCreatedDate})
                          : names({attr::kCompanyCommentId, attr::kCreatedDate});
    case Entity::kUser:
      return scope.silo() ? names({attr::kEmail}) : names({attr::kCompanyUserId});
  }
  return {};
}

void AddUnique(std::vector<std::string>* names, std::string_view name) {
  for (const auto& n : *names) {
    if (n == name) return;
  }
  names->emplace_back(name);
}

QueryPlan MakePlan(const Layout& layout, const CompanyScope& scope, ListKind kind, Entity entity,
                   const Source& source, const std::vector<Bound>& bounds) {
  QueryPlan plan{kind, entity, {}, TableKeyAttributes(scope, entity)};
  AddUnique(&plan.start_key_attributes, source.partition_key);
  if (source.sort_key) AddUnique(&plan.start_key_attributes, *source.sort_key);
  std::string table = layout.TableFor(scope, entity).str();
  for (const Bound& bound : bounds) {
    QueryStep step;
    dynamo::QueryRequest& r = step.request;
    r.table_name = table;
    if (source.index) r.index_name = std::string(*source.index);
    r.expression_attribute_names["#pk"] = std::string(source.partition_key);
    r.expression_attribute_values[":pk"] = S(bound.partition_value);
    step.bound[std::string(source.partition_key)] = S(bound.partition_value);
    if (bound.sort_value) {
      r.key_condition_expression = "#pk = :pk AND #sk = :sk";
      r.expression_attribute_names["#sk"] = std::string(*source.sort_key);
      r.expression_attribute_values[":sk"] = S(*bound.sort_value);
      step.bound[std::string(*source.sort_key)] = S(*bound.sort_value);
    } else {
      r.key_condition_expression = "#pk = :pk";
    }
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

std::vector<Bound> OnePartition(std::string partition,
                                std::optional<std::string> sort = std::nullopt) {
  return {Bound{std::move(partition), std::move(sort)}};
}

std::vector<Bound> EachValue(std::span<const std::string> values,
                             std::optional<std::string> sort = std::nullopt) {
  std::vector<Bound> bounds;
  for (const auto& v : values) bounds.push_back(Bound{v, sort});
  return bounds;
}

}  // namespace

// ------------------------------------------------------------------ issues

QueryPlan Layout::IssuesByCompany(const CompanyScope& scope,
                                  std::span<const std::string> statuses) const {
  const std::string& company = scope.company_id().str();
  if (scope.silo()) {
    return MakePlan(*this, scope, ListKind::kIssuesByCompany, Entity::kIssue,
                    {index::kStatus, attr::kStatus, attr::kPriority}, EachValue(statuses));
  }
  return MakePlan(*this, scope, ListKind::kIssuesByCompany, Entity::kIssue,
                  {index::kCompanyStatus, attr::kCompanyId, attr::kStatus}, OnePartition(company));
}

QueryPlan Layout::IssuesByStatus(const CompanyScope& scope, std::string_view status) const {
  if (scope.silo()) {
    return MakePlan(*this, scope, ListKind::kIssuesByStatus, Entity::kIssue,
                    {index::kStatus, attr::kStatus, attr::kPriority},
                    OnePartition(std::string(status)));
  }
  return MakePlan(*this, scope, ListKind::kIssuesByStatus, Entity::kIssue,
                  {index::kCompanyStatus, attr::kCompanyId, attr::kStatus},
                  OnePartition(scope.company_id().str(), std::string(status)));
}

QueryPlan Layout::IssuesByAssignee(const CompanyScope& scope, const UserEmail& assignee) const {
  if (scope.silo()) {
    return MakePlan(*this, scope, ListKind::kIssuesByAssignee, Entity::kIssue,
                    {index::kAssignee, attr::kAssignedUser, attr::kDueDate},
                    OnePartition(assignee.str()));
  }
  return MakePlan(*this, scope, ListKind::kIssuesByAssignee, Entity::kIssue,
                  {index::kAssignee, attr::kCompanyId, attr::kAssignedUser},
                  OnePartition(scope.company_id().str(), assignee.str()));
}

QueryPlan Layout::IssuesByTeam(const CompanyScope& scope, const TeamId& team) const {
  if (scope.silo()) {
    return MakePlan(*this, scope, ListKind::kIssuesByTeam, Entity::kIssue,
                    {index::kTeam, attr::kAssignedTeam, attr::kUpdatedDate},
                    OnePartition(team.str()));
  }
  return MakePlan(*this, scope, ListKind::kIssuesByTeam, Entity::kIssue,
                  {index::kTeam, attr::kCompanyId, attr::kAssignedTeam},
                  OnePartition(scope.company_id().str(), team.str()));
}

QueryPlan Layout::IssuesByPriority(const CompanyScope& scope, std::string_view priority,
                                   std::span<const std::string> statuses) const {
  if (scope.silo()) {
    // The silo template has no priority index; StatusIndex sorts by priority, so read
    // (status, priority) for every status.
    return MakePlan(*this, scope, ListKind::kIssuesByPriority, Entity::kIssue,
                    {index::kStatus, attr::kStatus, attr::kPriority},
                    EachValue(statuses, std::string(priority)));
  }
  return MakePlan(*this, scope, ListKind::kIssuesByPriority, Entity::kIssue,
                  {index::kPriority, attr::kCompanyId, attr::kPriority},
                  OnePartition(scope.company_id().str(), std::string(priority)));
}

// ------------------------------------------------------------------ teams

QueryPlan Layout::TeamsByCompany(const CompanyScope& scope,
                                 std::span<const std::string> statuses) const {
  if (scope.silo()) {
    return MakePlan(*this, scope, ListKind::kTeamsByCompany, Entity::kTeam,
                    {index::kStatus, attr::kStatus, attr::kTeamName}, EachValue(statuses));
  }
  return MakePlan(*this, scope, ListKind::kTeamsByCompany, Entity::kTeam,
                  {index::kCompany, attr::kCompanyId, attr::kCreatedDate},
                  OnePartition(scope.company_id().str()));
}

QueryPlan Layout::TeamsByLead(const CompanyScope& scope, const UserEmail& lead) const {
  if (scope.silo()) {
    return MakePlan(*this, scope, ListKind::kTeamsByLead, Entity::kTeam,
                    {index::kLead, attr::kTeamLead, attr::kCreatedDate}, OnePartition(lead.str()));
  }
  return MakePlan(*this, scope, ListKind::kTeamsByLead, Entity::kTeam,
                  {index::kTeamLead, attr::kCompanyId, attr::kTeamLead},
                  OnePartition(scope.company_id().str(), lead.str()));
}

// ------------------------------------------------------------------ comments

QueryPlan Layout::CommentsByIssue(const CompanyScope& scope, const IssueId& issue) const {
  if (scope.silo()) {
    return MakePlan(*this, scope, ListKind::kCommentsByIssue, Entity::kComment,
                    {std::nullopt, attr::kIssueId, attr::kCreatedDate}, OnePartition(issue.str()));
  }
  return MakePlan(*this, scope, ListKind::kCommentsByIssue, Entity::kComment,
                  {index::kIssue, attr::kCompanyIssueId, attr::kCreatedDate},
                  OnePartition(CompositeKey(scope.company_id(), kIssueTag, issue.str())));
}

QueryPlan Layout::CommentsByAuthor(const CompanyScope& scope, const UserEmail& author) const {
  if (scope.silo()) {
    return MakePlan(*this, scope, ListKind::kCommentsByAuthor, Entity::kComment,
                    {index::kAuthor, attr::kAuthorEmail, attr::kCreatedDate},
                    OnePartition(author.str()));
  }
  return MakePlan(*this, scope, ListKind::kCommentsByAuthor, Entity::kComment,
                  {index::kUser, attr::kCompanyId, attr::kAuthorEmail},
                  OnePartition(scope.company_id().str(), author.str()));
}

// ------------------------------------------------------------------ users

QueryPlan Layout::UsersByCompany(const CompanyScope& scope) const {
  // Both layouts have CompanyIndex (company_id, last_login_date); in a silo table company_id
  // is the same on every item, so the index is one partition holding the company's users.
  return MakePlan(*this, scope, ListKind::kUsersByCompany, Entity::kUser,
                  {index::kCompany, attr::kCompanyId, attr::kLastLoginDate},
                  OnePartition(scope.company_id().str()));
}

QueryPlan Layout::UsersByRole(const CompanyScope& scope, Role role) const {
  std::string role_name(RoleName(role));
  if (scope.silo()) {
    return MakePlan(*this, scope, ListKind::kUsersByRole, Entity::kUser,
                    {index::kRole, attr::kUserRole, attr::kEmail}, OnePartition(role_name));
  }
  return MakePlan(*this, scope, ListKind::kUsersByRole, Entity::kUser,
                  {index::kRole, attr::kCompanyId, attr::kUserRole},
                  OnePartition(scope.company_id().str(), role_name));
}

QueryPlan Layout::PooledCompanyItems(const CompanyScope& scope, Entity entity) const {
  assert(!scope.silo());
  Source source{index::kCompanyStatus, attr::kCompanyId, attr::kStatus};
  switch (entity) {
    case Entity::kIssue:
      break;
    case Entity::kTeam:
      source = {index::kCompany, attr::kCompanyId, attr::kCreatedDate};
      break;
    case Entity::kComment:
      source = {index::kUser, attr::kCompanyId, attr::kAuthorEmail};
      break;
    case Entity::kUser:
      source = {index::kCompany, attr::kCompanyId, attr::kLastLoginDate};
      break;
  }
  return MakePlan(*this, scope, ListKind::kPooledCompanyItems, entity, source,
                  OnePartition(scope.company_id().str()));
}

dynamo::QueryRequest Layout::StackMappingQuery(const CompanyId& company) const {
  dynamo::QueryRequest request;
  request.table_name = SystemTableName(SystemTable::kCompanyStackMapping).str();
  request.key_condition_expression = "#pk = :pk";
  request.expression_attribute_names["#pk"] = std::string(attr::kCompanyId);
  request.expression_attribute_values[":pk"] = S(company.str());
  request.consistent_read = true;
  return request;
}

dynamo::QueryRequest Layout::ApiKeysQuery(Tier tier,
                                          const std::optional<CompanyId>& company) const {
  dynamo::QueryRequest request;
  request.table_name = SystemTableName(SystemTable::kApiKeys).str();
  request.key_condition_expression = "#pk = :pk";
  request.expression_attribute_names["#pk"] = std::string(attr::kTierName);
  request.expression_attribute_values[":pk"] = S(TierName(tier));
  if (company) {
    request.filter_expression = "#c = :c";
    request.expression_attribute_names["#c"] = std::string(attr::kCompanyId);
    request.expression_attribute_values[":c"] = S(company->str());
  }
  request.consistent_read = true;
  return request;
}

dynamo::QueryRequest Layout::IdempotencyRecordsQuery(const CompanyId& company) const {
  dynamo::QueryRequest request;
  request.table_name = SystemTableName(SystemTable::kIdempotencyKeys).str();
  request.key_condition_expression = "#pk = :pk";
  request.expression_attribute_names["#pk"] = std::string(attr::kCompanyId);
  request.expression_attribute_values[":pk"] = S(company.str());
  request.consistent_read = true;
  return request;
}

}  // namespace issuetracker::tenancy
