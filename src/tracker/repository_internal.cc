#include "tracker/repository_internal.h"

#include "tenancy/schema_names.h"

namespace issuetracker::tracker::internal {

namespace attr = tenancy::attr;
using tenancy::CompanyScope;
using tenancy::TenantContext;

Result<std::optional<Issue>> FindIssue(const Store& store, const TenantContext& ctx,
                                       const IssueId& id) {
  auto item = Fetch(store, store.layout->IssueLookup(ctx.scope(), id));
  if (!item.ok()) return Explain(store, ctx, item.status());
  if (!*item) return std::optional<Issue>();
  IT_ASSIGN_OR_RETURN(Issue issue, DecodeIssue(*store.layout, ctx.scope(), **item));
  return std::optional<Issue>(std::move(issue));
}

Result<std::optional<Team>> FindTeam(const Store& store, const TenantContext& ctx,
                                     const TeamId& id) {
  auto item = Fetch(store, store.layout->TeamLookup(ctx.scope(), id));
  if (!item.ok()) return Explain(store, ctx, item.status());
  if (!*item) return std::optional<Team>();
  IT_ASSIGN_OR_RETURN(Team team, DecodeTeam(*store.layout, ctx.scope(), **item));
  return std::optional<Team>(std::move(team));
}

Result<std::optional<User>> FindUserIn(const Store& store, const CompanyScope& scope,
                                       const UserEmail& email) {
  IT_ASSIGN_OR_RETURN(auto item, Fetch(store, store.layout->UserLookup(scope, email)));
  // A stub written before stubs had their own key space sits at a pooled user's key: it is
  // no user (current stubs never share a key with a user, Layout::DirectoryStubKey).
  if (!item || (!scope.silo() && tenancy::Layout::IsLegacyDirectoryStub(*item))) {
    return std::optional<User>();
  }
  IT_ASSIGN_OR_RETURN(User user, DecodeUser(*store.layout, scope, *item));
  return std::optional<User>(std::move(user));
}

Result<std::optional<User>> FindUser(const Store& store, const TenantContext& ctx,
                                     const UserEmail& email) {
  auto user = FindUserIn(store, ctx.scope(), email);
  if (!user.ok()) return Explain(store, ctx, user.status());
  return user;
}

Result<Issue> GetIssue(const Store& store, const TenantContext& ctx, const IssueId& id) {
  IT_ASSIGN_OR_RETURN(std::optional<Issue> issue, FindIssue(store, ctx, id));
  if (!issue) return Status::NotFound("Issue " + id.str() + " does not exist");
  return std::move(*issue);
}

Result<Team> GetTeam(const Store& store, const TenantContext& ctx, const TeamId& id) {
  IT_ASSIGN_OR_RETURN(std::optional<Team> team, FindTeam(store, ctx, id));
  if (!team) return Status::NotFound("Team " + id.str() + " does not exist");
  return std::move(*team);
}

Result<User> GetUser(const Store& store, const TenantContext& ctx, const UserEmail& email) {
  IT_ASSIGN_OR_RETURN(std::optional<User> user, FindUser(store, ctx, email));
  if (!user) return Status::NotFound("User " + email.str() + " does not exist");
  return std::move(*user);
}

void CheckActiveUser(const Store& store, const CompanyScope& scope, const UserEmail& email,
                     Txn* txn, Status on_failure) {
  dynamo::Item key = store.layout->UserKey(scope, email);
  const std::string key_attribute = KeyAttribute(key);
  txn->Require(
      store.layout->TableFor(scope, tenancy::Entity::kUser).str(), key, "active-user",
      [&key_attribute](Expr* e) {
        return "attribute_exists(" + e->Name(key_attribute) + ") AND " +
               e->Name(field::kUserStatus) + " = " + e->Value("active");
      },
      std::move(on_failure));
}

void AddWorkload(const Store& store, const CompanyScope& scope, const Team& team, int64_t delta,
                 Txn* txn) {
  dynamo::Item key = store.layout->TeamKey(scope, team.team_id, team.created_date);
  Expr e;
  std::string update = "ADD " + e.Name(field::kCurrentWorkload) + " " + e.Value(delta);
  std::string condition = "attribute_exists(" + e.Name(KeyAttribute(key)) + ")";
  Status on_failure = Status::NotFound("Team " + team.team_id.str() + " no longer exists");
  if (delta > 0) {
    condition += " AND " + e.Name(attr::kStatus) + " = " + e.Value("active");
    on_failure =
        Status::Validation("Team " + team.team_id.str() + " does not exist or is not active");
  }
  txn->Update(store.layout->TableFor(scope, tenancy::Entity::kTeam).str(), std::move(key), update,
              condition, std::move(e), std::move(on_failure));
}

std::string VersionCondition(int64_t version, std::string_view key_attribute, Expr* expr) {
  std::string ver = expr->Name(field::kVersion);
  if (version == 0) {
    return "attribute_exists(" + expr->Name(key_attribute) + ") AND attribute_not_exists(" + ver +
           ")";
  }
  return ver + " = " + expr->Value(version);
}

Status VersionConflict(std::string_view what, int64_t expected, int64_t actual) {
  return Status::Conflict(std::string(what) + " was changed by someone else (version " +
                          std::to_string(actual) + ", expected " + std::to_string(expected) +
                          "); reload it and try again");
}

}  // namespace issuetracker::tracker::internal
