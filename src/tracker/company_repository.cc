#include "tracker/company_repository.h"

#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/permissions.h"
#include "tracker/session.h"

namespace issuetracker::tracker {

using tenancy::SystemTable;
namespace attr = tenancy::attr;

namespace {

Status CheckLimit(std::string_view what, int64_t value) {
  if (value < 0 || value > 1'000'000'000'000) {
    return Status::Validation(std::string(what) + " must be between 0 and 10^12");
  }
  return Status::Ok();
}

}  // namespace

tenancy::CompanyLifecycle CompanyRepository::Lifecycle(
    const tenancy::SchemaCatalog& catalog) const {
  return tenancy::CompanyLifecycle(*store_.backend, catalog, *store_.clock, lifecycle_);
}

Result<Company> CompanyRepository::Create(const tenancy::AdminAccess& admin, const NewCompany& in) {
  IT_RETURN_IF_ERROR(CheckText("company_name", in.company_name, kMaxNameLength, true));
  TierLimits limits = DefaultLimits(in.tier);
  Company company{.company_id = in.company_id,
                  .company_name = in.company_name,
                  .company_tier = in.tier,
                  .contact_email = in.contact_email,
                  .created_date = store_.Now(),
                  .monthly_quota = in.monthly_quota.value_or(limits.monthly_quota),
                  .max_users = in.max_users.value_or(limits.max_users)};
  IT_RETURN_IF_ERROR(CheckLimit("monthly_quota", company.monthly_quota));
  IT_RETURN_IF_ERROR(CheckLimit("max_users", company.max_users));
  tenancy::SchemaCatalog catalog(*store_.layout);
  IT_RETURN_IF_ERROR(
      Lifecycle(catalog)
          .Register(admin, in.company_id, in.tier, EncodeCompany(*store_.layout, company))
          .status());
  store_.sessions->ForgetCompany(in.company_id);
  return company;
}

Result<Company> CompanyRepository::Get(const tenancy::TenantContext& ctx) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  return CheckedRead(store_, ctx, LoadCompany(store_, ctx));
}

Status CompanyRepository::RecordApiCall(const tenancy::TenantContext& ctx) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  Expr e;
  std::string used = e.Name(field::kApiCallsUsed);
  std::string update = "ADD " + used + " " + e.Value(int64_t{1});
  std::string condition = used + " < " + e.Name(field::kMonthlyQuota) + " AND " +
                          e.Name(field::kSubscriptionStatus) + " = " + e.Value("active");
  Txn txn;
  txn.Update(store_.layout->SystemTableName(SystemTable::kCompanyManagement).str(),
             store_.layout->CompanyKey(ctx.company_id()), std::move(update), std::move(condition),
             std::move(e), Status::ConditionalCheckFailed());
  Status committed = CommitWrite(store_, ctx, &txn);
  if (committed.ok()) return Status::Ok();
  if (!committed.Is(Code::kConditionalCheckFailed)) return committed;
  IT_ASSIGN_OR_RETURN(Company company, LoadCompany(store_, ctx));
  if (company.subscription_status != SubscriptionStatus::kActive) {
    return Status::Forbidden("The subscription of company " + company.company_id.str() +
                             " is not active");
  }
  return Status(Code::kQuotaExceeded, "Company " + company.company_id.str() +
                                          " has used its monthly quota of " +
                                          std::to_string(company.monthly_quota) + " API calls");
}

Result<Company> CompanyRepository::UpdateLimits(const tenancy::TenantContext& ctx,
                                                std::optional<int64_t> monthly_quota,
                                                std::optional<int64_t> max_users) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageCompany));
  if (!monthly_quota && !max_users) return Get(ctx);
  Expr e;
  std::string set;
  std::string condition = "attribute_exists(" + e.Name(attr::kCompanyId) + ")";
  if (monthly_quota) {
    IT_RETURN_IF_ERROR(CheckLimit("monthly_quota", *monthly_quota));
    set += e.Name(field::kMonthlyQuota) + " = " + e.Value(*monthly_quota);
  }
  if (max_users) {
    IT_RETURN_IF_ERROR(CheckLimit("max_users", *max_users));
    std::string value = e.Value(*max_users);
    set += (set.empty() ? "" : ", ") + e.Name(field::kMaxUsers) + " = " + value;
    condition += " AND " + e.Name(field::kCurrentUsers) + " <= " + value;
  }
  return UpdateCompany(ctx, "SET " + set, std::move(condition), std::move(e),
                       Status::Validation("max_users cannot be below the current number of users"));
}

Result<Company> CompanyRepository::SetSubscriptionStatus(const tenancy::TenantContext& ctx,
                                                         SubscriptionStatus status) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageCompany));
  Expr e;
  std::string update =
      "SET " + e.Name(field::kSubscriptionStatus) + " = " + e.Value(SubscriptionStatusName(status));
  std::string condition = "attribute_exists(" + e.Name(attr::kCompanyId) + ")";
  return UpdateCompany(ctx, std::move(update), std::move(condition), std::move(e),
                       Status::NotFound("The company no longer exists"));
}

Status CompanyRepository::ResetApiUsage(const tenancy::AdminAccess& admin,
                                        const CompanyId& company) {
  IT_ASSIGN_OR_RETURN(tenancy::TenantContext ctx,
                      admin.ContextFor(*store_.backend, *store_.layout, company));
  Expr e;
  std::string update = "SET " + e.Name(field::kApiCallsUsed) + " = " + e.Value(int64_t{0});
  std::string condition = "attribute_exists(" + e.Name(attr::kCompanyId) + ")";
  return UpdateCompany(ctx, std::move(update), std::move(condition), std::move(e),
                       Status::NotFound("The company no longer exists"))
      .status();
}

Status CompanyRepository::ChangeTier(const tenancy::AdminAccess& admin, const CompanyId& company,
                                     Tier tier) {
  IT_ASSIGN_OR_RETURN(tenancy::TenantContext ctx,
                      admin.ContextFor(*store_.backend, *store_.layout, company));
  tenancy::SchemaCatalog catalog(*store_.layout);
  Status changed = Lifecycle(catalog).ChangePooledTier(admin, company, ctx.tier(), tier);
  store_.sessions->ForgetCompany(company);
  return changed;
}

Status CompanyRepository::Offboard(const tenancy::AdminAccess& admin, const CompanyId& company,
                                   const tenancy::OffboardOptions& options) {
  tenancy::SchemaCatalog catalog(*store_.layout);
  Status offboarded = Lifecycle(catalog).Offboard(admin, company, options);
  store_.sessions->ForgetCompany(company);
  return offboarded;
}

Result<Company> CompanyRepository::UpdateCompany(const tenancy::TenantContext& ctx,
                                                 std::string update, std::string condition,
                                                 Expr expr, Status on_condition_failure) {
  Txn txn;
  txn.Update(store_.layout->SystemTableName(SystemTable::kCompanyManagement).str(),
             store_.layout->CompanyKey(ctx.company_id()), std::move(update), std::move(condition),
             std::move(expr), std::move(on_condition_failure));
  IT_RETURN_IF_ERROR(CommitWrite(store_, ctx, &txn));
  return LoadCompany(store_, ctx);
}

}  // namespace issuetracker::tracker
