#include "tracker/user_repository.h"

#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/permissions.h"
#include "tracker/repository_internal.h"
#include "tracker/session.h"

namespace issuetracker::tracker {

using tenancy::Entity;
using tenancy::SystemTable;
using tenancy::TenantContext;
namespace attr = tenancy::attr;

Result<User> UserRepository::Create(const TenantContext& ctx, const NewUser& in) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(CheckManageRole(ctx, in.role));
  IT_RETURN_IF_ERROR(CheckText("full_name", in.full_name, kMaxNameLength, true));
  const tenancy::Layout& layout = *store_.layout;
  const tenancy::CompanyScope& scope = ctx.scope();
  User user{.email = in.email,
            .company_id = ctx.company_id(),
            .full_name = in.full_name,
            .role = in.role,
            .created_date = store_.Now()};
  IT_ASSIGN_OR_RETURN(Company company, LoadCompany(store_, ctx));

  Txn txn;
  {
    Expr e;
    std::string current = e.Name(field::kCurrentUsers);
    std::string update = "ADD " + current + " " + e.Value(int64_t{1});
    std::string condition = current + " < " + e.Name(field::kMaxUsers) + " AND " +
                            e.Name(field::kSubscriptionStatus) + " = " + e.Value("active");
    txn.Update(layout.SystemTableName(SystemTable::kCompanyManagement).str(),
               layout.CompanyKey(ctx.company_id()), update, condition, std::move(e),
               Status(Code::kQuotaExceeded, "Company " + ctx.company_id().str() +
                                                " has reached its limit of " +
                                                std::to_string(company.max_users) +
                                                " users (or its subscription is not active)"));
  }
  {
    dynamo::Item item = EncodeUser(layout, scope, user);
    Expr e;
    std::string condition = "attribute_not_exists(" +
                            e.Name(internal::KeyAttribute(layout.UserKey(scope, in.email))) + ")";
    txn.Put(layout.TableFor(scope, Entity::kUser).str(), std::move(item), condition, std::move(e),
            Status::Conflict("User " + in.email.str() + " already exists in company " +
                             ctx.company_id().str()));
  }
  if (scope.silo()) {
    txn.Put(layout.PooledTableName(Entity::kUser).str(), layout.DirectoryStub(scope, in.email), "",
            Expr(), Status::Internal("unconditional put failed"));
  }
  IT_RETURN_IF_ERROR(CommitWrite(store_, ctx, &txn));
  return user;
}

Result<User> UserRepository::Get(const TenantContext& ctx, const UserEmail& email) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  return CheckedRead(store_, ctx, internal::GetUser(store_, ctx, email));
}

Result<User> UserRepository::ChangeRole(const TenantContext& ctx, const UserEmail& email,
                                        Role role) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  if (email == ctx.actor()) return Status::Forbidden("Users may not change their own role");
  IT_ASSIGN_OR_RETURN(User user, internal::GetUser(store_, ctx, email));
  IT_RETURN_IF_ERROR(CheckManageRole(ctx, user.role));
  IT_RETURN_IF_ERROR(CheckManageRole(ctx, role));
  return UpdateUser(ctx, email, attr::kUserRole, std::string(tenancy::RoleName(role)));
}

Result<User> UserRepository::SetStatus(const TenantContext& ctx, const UserEmail& email,
                                       UserStatus status) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  if (email == ctx.actor()) return Status::Forbidden("Users may not change their own status");
  IT_ASSIGN_OR_RETURN(User user, internal::GetUser(store_, ctx, email));
  IT_RETURN_IF_ERROR(CheckManageRole(ctx, user.role));
  return UpdateUser(ctx, email, field::kUserStatus, std::string(UserStatusName(status)));
}

Status UserRepository::Delete(const TenantContext& ctx, const UserEmail& email) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  if (email == ctx.actor()) return Status::Forbidden("Users may not remove themselves");
  IT_ASSIGN_OR_RETURN(User user, internal::GetUser(store_, ctx, email));
  IT_RETURN_IF_ERROR(CheckManageRole(ctx, user.role));
  const tenancy::Layout& layout = *store_.layout;
  const tenancy::CompanyScope& scope = ctx.scope();
  Txn txn;
  {
    dynamo::Item key = layout.UserKey(scope, email);
    Expr e;
    std::string condition = "attribute_exists(" + e.Name(internal::KeyAttribute(key)) + ")";
    txn.Delete(layout.TableFor(scope, Entity::kUser).str(), std::move(key), condition, std::move(e),
               Status::NotFound("User " + email.str() + " does not exist"));
  }
  {
    Expr e;
    std::string update = "ADD " + e.Name(field::kCurrentUsers) + " " + e.Value(int64_t{-1});
    std::string condition = "attribute_exists(" + e.Name(attr::kCompanyId) + ")";
    txn.Update(layout.SystemTableName(SystemTable::kCompanyManagement).str(),
               layout.CompanyKey(ctx.company_id()), update, condition, std::move(e),
               Status::NotFound("The company no longer exists"));
  }
  if (scope.silo()) {
    txn.Delete(layout.PooledTableName(Entity::kUser).str(), layout.DirectoryStubKey(scope, email),
               "", Expr(), Status::Internal("unconditional delete failed"));
  }
  IT_RETURN_IF_ERROR(CommitWrite(store_, ctx, &txn));
  store_.sessions->ForgetUser(ctx.company_id(), email);
  return Status::Ok();
}

Result<Page<User>> UserRepository::ListByCompany(const TenantContext& ctx,
                                                 const PageRequest& page) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  tenancy::QueryPlan plan = store_.layout->UsersByCompany(ctx.scope());
  for (auto& step : plan.steps) step.request.scan_index_forward = false;
  IT_ASSIGN_OR_RETURN(RawPage raw, QueryPage(store_, ctx, plan, page));
  return CheckedRead(store_, ctx, DecodeUsers(ctx, std::move(raw)));
}

Result<Page<User>> UserRepository::ListByRole(const TenantContext& ctx, Role role,
                                              const PageRequest& page) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  tenancy::QueryPlan plan = store_.layout->UsersByRole(ctx.scope(), role);
  IT_ASSIGN_OR_RETURN(RawPage raw, QueryPage(store_, ctx, plan, page));
  return CheckedRead(store_, ctx, DecodeUsers(ctx, std::move(raw)));
}

Result<Page<User>> UserRepository::DecodeUsers(const TenantContext& ctx, RawPage raw) {
  return DecodePage<User>(std::move(raw), [&](const dynamo::Item& item) {
    return DecodeUser(*store_.layout, ctx.scope(), item);
  });
}

Result<User> UserRepository::UpdateUser(const TenantContext& ctx, const UserEmail& email,
                                        std::string_view attribute, std::string value) {
  const tenancy::Layout& layout = *store_.layout;
  dynamo::Item key = layout.UserKey(ctx.scope(), email);
  Expr e;
  std::string update = "SET " + e.Name(attribute) + " = " + e.Value(value);
  std::string condition = "attribute_exists(" + e.Name(internal::KeyAttribute(key)) + ")";
  Txn txn;
  txn.Update(layout.TableFor(ctx.scope(), Entity::kUser).str(), std::move(key), update, condition,
             std::move(e), Status::NotFound("User " + email.str() + " does not exist"));
  IT_RETURN_IF_ERROR(CommitWrite(store_, ctx, &txn));
  // The user's old sessions fail from now on; forget what this process validated.
  store_.sessions->ForgetUser(ctx.company_id(), email);
  return internal::GetUser(store_, ctx, email);
}

}  // namespace issuetracker::tracker
