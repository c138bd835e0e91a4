// UserRepository: the users of one company, their roles and status.
//
// Creating a user counts it against the company's max_users in the same transaction
// (current_users < max_users, else QuotaExceeded), and for a Platinum company also writes
// its login directory stub (tenancy::Layout::DirectoryStub) so that sign-in can find it.
// Who may manage whom follows permissions.h (only roles below one's own; Root User any).
//
// Thread-safety: safe to call from many threads.
#pragma once

#include <string>

#include "common/result.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

struct NewUser {
  UserEmail email;
  std::string full_name;
  Role role = Role::kUser;
};

class UserRepository {
 public:
  explicit UserRepository(Store store) : store_(store) {}

  // Adds a user to ctx's company. Forbidden without the right to grant `role`; Conflict
  // when the user exists; QuotaExceeded at max_users; Forbidden when the subscription is
  // not active.
  Result<User> Create(const tenancy::TenantContext& ctx, const NewUser& user);

  // A user of ctx's company (any role). NotFound when absent.
  Result<User> Get(const tenancy::TenantContext& ctx, const UserEmail& email);

  // Changes a user's role; the actor must be allowed to manage both the old and the new
  // role, and may not change their own.
  Result<User> ChangeRole(const tenancy::TenantContext& ctx, const UserEmail& email, Role role);

  // Disables or re-enables a user (disabled users cannot sign in, be assigned, mentioned or
  // added to teams).
  Result<User> SetStatus(const tenancy::TenantContext& ctx, const UserEmail& email,
                         UserStatus status);

  // Removes a user and frees its seat. One may not remove oneself.
  Status Delete(const tenancy::TenantContext& ctx, const UserEmail& email);

  // Users of the company, most recent sign-in first (CompanyIndex); never-signed-in last.
  Result<Page<User>> ListByCompany(const tenancy::TenantContext& ctx, const PageRequest& page);
  // Users holding `role` (RoleIndex).
  Result<Page<User>> ListByRole(const tenancy::TenantContext& ctx, Role role,
                                const PageRequest& page);

 private:
  Result<User> UpdateUser(const tenancy::TenantContext& ctx, const UserEmail& email,
                          std::string_view attribute, std::string value);
  Result<Page<User>> DecodeUsers(const tenancy::TenantContext& ctx, RawPage raw);

  Store store_;
};

}  // namespace issuetracker::tracker
