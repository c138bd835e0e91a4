#include "tracker/team_repository.h"

#include <algorithm>

#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/permissions.h"
#include "tracker/repository_internal.h"

namespace issuetracker::tracker {

using tenancy::Entity;
using tenancy::TenantContext;
namespace attr = tenancy::attr;

namespace {

constexpr int kMaxMembershipAttempts = 50;

Status NotAUser(const UserEmail& email) {
  return Status::Validation(email.str() + " is not an active user of this company");
}

}  // namespace

Result<Team> TeamRepository::Create(const TenantContext& ctx, const NewTeam& in) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageTeams));
  IT_RETURN_IF_ERROR(CheckText("team_name", in.team_name, kMaxNameLength, true));
  IT_RETURN_IF_ERROR(CheckText("description", in.description, kMaxDescriptionLength, false));
  if (in.max_members < 1 || in.max_members > kMaxTeamMembers) {
    return Status::Validation("max_members must be between 1 and " +
                              std::to_string(kMaxTeamMembers));
  }
  std::vector<UserEmail> members{in.team_lead};
  for (const UserEmail& m : in.members) {
    if (std::find(members.begin(), members.end(), m) == members.end()) members.push_back(m);
  }
  if (static_cast<int64_t>(members.size()) > in.max_members) {
    return Status::Validation("A team of at most " + std::to_string(in.max_members) +
                              " members cannot have " + std::to_string(members.size()));
  }
  const tenancy::Layout& layout = *store_.layout;
  const tenancy::CompanyScope& scope = ctx.scope();
  std::optional<Team> created;
  auto build = [&](uint64_t n, Txn* txn) {
    Team team{.team_id = TeamId::FromSequence(n),
              .company_id = ctx.company_id(),
              .team_name = in.team_name,
              .description = in.description,
              .team_lead = in.team_lead,
              .members = members,
              .created_date = store_.Now(),
              .max_members = in.max_members};
    dynamo::Item key = layout.TeamKey(scope, team.team_id, team.created_date);
    Expr e;
    std::string condition = "attribute_not_exists(" + e.Name(internal::KeyAttribute(key)) + ")";
    txn->Put(layout.TableFor(scope, Entity::kTeam).str(), EncodeTeam(layout, scope, team),
             condition, std::move(e), RetryStatus("team id taken", /*advance_counter=*/true));
    for (const UserEmail& m : members)
      internal::CheckActiveUser(store_, scope, m, txn, NotAUser(m));
    created = std::move(team);
    return Status::Ok();
  };
  IT_RETURN_IF_ERROR(CommitWithNextSequence(store_, ctx, Counter::kTeam, build).status());
  return std::move(*created);
}

Result<Team> TeamRepository::Get(const TenantContext& ctx, const TeamId& id) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  return CheckedRead(store_, ctx, internal::GetTeam(store_, ctx, id));
}

Result<Team> TeamRepository::AddMember(const TenantContext& ctx, const TeamId& id,
                                       const UserEmail& member) {
  return ChangeMembers(ctx, id, member, /*add=*/true);
}

Result<Team> TeamRepository::RemoveMember(const TenantContext& ctx, const TeamId& id,
                                          const UserEmail& member) {
  return ChangeMembers(ctx, id, member, /*add=*/false);
}

Result<Team> TeamRepository::ChangeMembers(const TenantContext& ctx, const TeamId& id,
                                           const UserEmail& member, bool add) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageTeams));
  const tenancy::Layout& layout = *store_.layout;
  const tenancy::CompanyScope& scope = ctx.scope();
  for (int attempt = 0; attempt < kMaxMembershipAttempts; ++attempt) {
    IT_ASSIGN_OR_RETURN(Team team, internal::GetTeam(store_, ctx, id));
    auto it = std::find(team.members.begin(), team.members.end(), member);
    if (add == (it != team.members.end())) return team;  // nothing to do
    if (add) {
      if (static_cast<int64_t>(team.members.size()) >= team.max_members) {
        return Status::Validation("Team " + id.str() + " is full (" +
                                  std::to_string(team.max_members) + " members)");
      }
      team.members.push_back(member);
    } else {
      if (member == team.team_lead) {
        return Status::Validation("The team lead cannot be removed from the team");
      }
      team.members.erase(it);
    }
    dynamo::Item key = layout.TeamKey(scope, id, team.created_date);
    Expr e;
    std::string condition =
        internal::VersionCondition(team.version, internal::KeyAttribute(key), &e);
    std::string update = "SET " + e.Name(field::kMembers) + " = " +
                         e.Value(EmailList(team.members)) + ", " + e.Name(field::kVersion) + " = " +
                         e.Value(team.version + 1);
    Txn txn;
    txn.Update(layout.TableFor(scope, Entity::kTeam).str(), std::move(key), update, condition,
               std::move(e), RetryStatus("team membership changed"));
    if (add) internal::CheckActiveUser(store_, scope, member, &txn, NotAUser(member));
    Status committed = CommitWrite(store_, ctx, &txn);
    if (committed.ok()) {
      ++team.version;
      return team;
    }
    if (!IsRetry(committed)) return committed;
  }
  return Status::Conflict("Team " + id.str() + " is changing too often; try again");
}

Result<Team> TeamRepository::SetStatus(const TenantContext& ctx, const TeamId& id,
                                       TeamStatus status) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageTeams));
  const tenancy::Layout& layout = *store_.layout;
  IT_ASSIGN_OR_RETURN(Team team, internal::GetTeam(store_, ctx, id));
  dynamo::Item key = layout.TeamKey(ctx.scope(), id, team.created_date);
  Expr e;
  std::string update = "SET " + e.Name(attr::kStatus) + " = " + e.Value(TeamStatusName(status));
  std::string condition = "attribute_exists(" + e.Name(internal::KeyAttribute(key)) + ")";
  if (status == TeamStatus::kInactive) {
    condition += " AND " + e.Name(field::kCurrentWorkload) + " = " + e.Value(int64_t{0});
  }
  Txn txn;
  txn.Update(layout.TableFor(ctx.scope(), Entity::kTeam).str(), std::move(key), update, condition,
             std::move(e), Status::Conflict("Team " + id.str() + " still has open issues"));
  IT_RETURN_IF_ERROR(CommitWrite(store_, ctx, &txn));
  return internal::GetTeam(store_, ctx, id);
}

Status TeamRepository::Delete(const TenantContext& ctx, const TeamId& id) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageTeams));
  const tenancy::Layout& layout = *store_.layout;
  IT_ASSIGN_OR_RETURN(Team team, internal::GetTeam(store_, ctx, id));
  Expr e;
  std::string workload = e.Name(field::kCurrentWorkload);
  std::string condition =
      "attribute_not_exists(" + workload + ") OR " + workload + " = " + e.Value(int64_t{0});
  Txn txn;
  txn.Delete(layout.TableFor(ctx.scope(), Entity::kTeam).str(),
             layout.TeamKey(ctx.scope(), id, team.created_date), condition, std::move(e),
             Status::Conflict("Team " + id.str() + " still has open issues"));
  return CommitWrite(store_, ctx, &txn);
}

Result<Page<Team>> TeamRepository::ListByCompany(const TenantContext& ctx,
                                                 const PageRequest& page) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  tenancy::QueryPlan plan = store_.layout->TeamsByCompany(ctx.scope(), AllTeamStatusNames());
  IT_ASSIGN_OR_RETURN(RawPage raw, QueryPage(store_, ctx, plan, page));
  return CheckedRead(store_, ctx, DecodeTeams(ctx, std::move(raw)));
}

Result<Page<Team>> TeamRepository::ListByLead(const TenantContext& ctx, const UserEmail& lead,
                                              const PageRequest& page) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  tenancy::QueryPlan plan = store_.layout->TeamsByLead(ctx.scope(), lead);
  IT_ASSIGN_OR_RETURN(RawPage raw, QueryPage(store_, ctx, plan, page));
  return CheckedRead(store_, ctx, DecodeTeams(ctx, std::move(raw)));
}

Result<Page<Team>> TeamRepository::DecodeTeams(const TenantContext& ctx, RawPage raw) {
  return DecodePage<Team>(std::move(raw), [&](const dynamo::Item& item) {
    return DecodeTeam(*store_.layout, ctx.scope(), item);
  });
}

}  // namespace issuetracker::tracker
