#include "tracker/company_repository.h"

#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/permissions.h"

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
  const tenancy::Layout& layout = *store_.layout;
  std::string table = layout.SystemTableName(SystemTable::kCompanyManagement).str();

  dynamo::GetItemRequest get{table, layout.CompanyKey(in.company_id), true};
  IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse existing, store_.backend->GetItem(get));
  if (existing.item) return Status::Conflict("Company " + in.company_id.str() + " already exists");

  tenancy::CompanyScope scope(in.company_id, in.tier);
  if (scope.silo()) {
    tenancy::SchemaCatalog catalog(layout);
    tenancy::Provisioner provisioner(*store_.backend, catalog);
    IT_RETURN_IF_ERROR(provisioner.OnboardPlatinum(admin, scope, company.created_date).status());
  }
  dynamo::PutItemRequest put;
  put.table_name = table;
  put.item = EncodeCompany(layout, company);
  Expr e;
  put.condition_expression = "attribute_not_exists(" + e.Name(attr::kCompanyId) + ")";
  put.expression_attribute_names = std::move(e.names);
  auto r = store_.backend->PutItem(put);
  if (!r.ok()) {
    if (r.status().Is(Code::kConditionalCheckFailed)) {
      return Status::Conflict("Company " + in.company_id.str() + " already exists");
    }
    return r.status();
  }
  return company;
}

Result<Company> CompanyRepository::Get(const tenancy::TenantContext& ctx) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  return LoadCompany(store_, ctx);
}

Status CompanyRepository::RecordApiCall(const tenancy::TenantContext& ctx) {
  dynamo::UpdateItemRequest r;
  Expr e;
  std::string used = e.Name(field::kApiCallsUsed);
  r.update_expression = "ADD " + used + " " + e.Value(int64_t{1});
  r.condition_expression = used + " < " + e.Name(field::kMonthlyQuota) + " AND " +
                           e.Name(field::kSubscriptionStatus) + " = " + e.Value("active");
  r.expression_attribute_names = std::move(e.names);
  r.expression_attribute_values = std::move(e.values);
  auto updated = UpdateCompany(ctx, std::move(r), Status::ConditionalCheckFailed());
  if (updated.ok()) return Status::Ok();
  if (!updated.status().Is(Code::kConditionalCheckFailed)) return updated.status();
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
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageCompany));
  if (!monthly_quota && !max_users) return Get(ctx);
  dynamo::UpdateItemRequest r;
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
  r.update_expression = "SET " + set;
  r.condition_expression = condition;
  r.expression_attribute_names = std::move(e.names);
  r.expression_attribute_values = std::move(e.values);
  return UpdateCompany(ctx, std::move(r),
                       Status::Validation("max_users cannot be below the current number of users"));
}

Result<Company> CompanyRepository::SetSubscriptionStatus(const tenancy::TenantContext& ctx,
                                                         SubscriptionStatus status) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageCompany));
  dynamo::UpdateItemRequest r;
  Expr e;
  r.update_expression =
      "SET " + e.Name(field::kSubscriptionStatus) + " = " + e.Value(SubscriptionStatusName(status));
  r.condition_expression = "attribute_exists(" + e.Name(attr::kCompanyId) + ")";
  r.expression_attribute_names = std::move(e.names);
  r.expression_attribute_values = std::move(e.values);
  return UpdateCompany(ctx, std::move(r), Status::NotFound("The company no longer exists"));
}

Status CompanyRepository::ResetApiUsage(const tenancy::AdminAccess& admin,
                                        const CompanyId& company) {
  IT_ASSIGN_OR_RETURN(tenancy::TenantContext ctx,
                      admin.ContextFor(*store_.backend, *store_.layout, company));
  dynamo::UpdateItemRequest r;
  Expr e;
  r.update_expression = "SET " + e.Name(field::kApiCallsUsed) + " = " + e.Value(int64_t{0});
  r.condition_expression = "attribute_exists(" + e.Name(attr::kCompanyId) + ")";
  r.expression_attribute_names = std::move(e.names);
  r.expression_attribute_values = std::move(e.values);
  return UpdateCompany(ctx, std::move(r), Status::NotFound("The company no longer exists"))
      .status();
}

Status CompanyRepository::Offboard(const tenancy::AdminAccess& admin, const CompanyId& company) {
  IT_ASSIGN_OR_RETURN(tenancy::CompanyScope scope,
                      tenancy::LoadCompanyScope(*store_.backend, *store_.layout, company));
  tenancy::SchemaCatalog catalog(*store_.layout);
  tenancy::Provisioner provisioner(*store_.backend, catalog);
  return provisioner.Offboard(admin, scope);
}

Result<Company> CompanyRepository::UpdateCompany(const tenancy::TenantContext& ctx,
                                                 dynamo::UpdateItemRequest r,
                                                 Status on_condition_failure) {
  r.table_name = store_.layout->SystemTableName(SystemTable::kCompanyManagement).str();
  r.key = store_.layout->CompanyKey(ctx.company_id());
  r.return_values = dynamo::ReturnValue::kAllNew;
  auto updated = store_.backend->UpdateItem(r);
  if (!updated.ok()) {
    if (updated.status().Is(Code::kConditionalCheckFailed)) return on_condition_failure;
    return updated.status();
  }
  if (!updated->attributes) return Status::Internal("UpdateItem returned no attributes");
  return DecodeCompany(*store_.layout, *updated->attributes);
}

}  // namespace issuetracker::tracker
