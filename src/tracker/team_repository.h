// TeamRepository: a company's teams — lead, members (users of the same company only),
// status, max_members, and current_workload.
//
// current_workload is the number of the team's issues that are not Closed. Only
// IssueRepository changes it, inside the same transaction that creates, moves, reassigns
// or deletes the issue, so it never drifts from the issues. Membership changes use the
// team's own version attribute and never touch the workload, so the two do not conflict.
//
// Thread-safety: safe to call from many threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

struct NewTeam {
  std::string team_name;
  std::string description;
  UserEmail team_lead;
  // The lead is always a member; duplicates are dropped.
  std::vector<UserEmail> members;
  int64_t max_members = 10;  // 1..kMaxTeamMembers
};

// Field changes of Edit; unset members stay as they are.
struct TeamChanges {
  std::optional<std::string> team_name;
  std::optional<std::string> description;
  // A new lead: an active user of the company; made a member when not one yet.
  std::optional<UserEmail> team_lead;
  std::optional<int64_t> max_members;  // 1..kMaxTeamMembers, not below the member count
};

class TeamRepository {
 public:
  explicit TeamRepository(Store store) : store_(store) {}

  // Creates a team with the next TEAM- id (Admin and above). Validation when the lead or a
  // member is not an active user of the company, or there are more than max_members.
  Result<Team> Create(const tenancy::TenantContext& ctx, const NewTeam& team);

  // A team of ctx's company. NotFound when absent.
  Result<Team> Get(const tenancy::TenantContext& ctx, const TeamId& id);

  // Changes a team's name, description, lead or size limit (Admin and above). Conflict
  // when `expected_version` (Team::version as read) is stale; Validation for bad fields, a
  // lead who is not an active user, or a limit below the member count.
  Result<Team> Edit(const tenancy::TenantContext& ctx, const TeamId& id, int64_t expected_version,
                    const TeamChanges& changes);

  // Adds a member (an active user of the company). Validation when the team is full.
  Result<Team> AddMember(const tenancy::TenantContext& ctx, const TeamId& id,
                         const UserEmail& member);
  // Removes a member; the lead cannot be removed.
  Result<Team> RemoveMember(const tenancy::TenantContext& ctx, const TeamId& id,
                            const UserEmail& member);
  // Activates or deactivates a team. A team with open issues cannot be deactivated
  // (Conflict); an inactive team takes no new work.
  Result<Team> SetStatus(const tenancy::TenantContext& ctx, const TeamId& id, TeamStatus status);
  // Deletes a team without open issues (Conflict otherwise).
  Status Delete(const tenancy::TenantContext& ctx, const TeamId& id);

  // Teams of the company (CompanyIndex by creation date; silo: StatusIndex per status).
  Result<Page<Team>> ListByCompany(const tenancy::TenantContext& ctx, const PageRequest& page);
  // Teams led by `lead` (TeamLeadIndex; silo: LeadIndex).
  Result<Page<Team>> ListByLead(const tenancy::TenantContext& ctx, const UserEmail& lead,
                                const PageRequest& page);

 private:
  // Read-modify-write of the member list, retried on concurrent membership changes.
  Result<Team> ChangeMembers(const tenancy::TenantContext& ctx, const TeamId& id,
                             const UserEmail& member, bool add);
  Result<Page<Team>> DecodeTeams(const tenancy::TenantContext& ctx, RawPage raw);

  Store store_;
};

}  // namespace issuetracker::tracker
