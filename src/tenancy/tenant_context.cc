#include "tenancy/tenant_context.h"

#include "tenancy/layout_internal.h"
#include "tenancy/schema_names.h"

namespace issuetracker::tenancy {

AdminAccess AdminAccess::Grant(std::string_view purpose) {
  return AdminAccess(std::string(purpose));
}

TenantContext AdminAccess::ContextFor(const CompanyScope& scope) const {
  return TenantContext(scope, UserEmail::Parse(kAdministrativeActor).value(), Role::kRootUser,
                       /*administrative=*/true);
}

Result<TenantContext> AdminAccess::ContextFor(dynamo::Backend& backend, const Layout& layout,
                                              const CompanyId& company) const {
  IT_ASSIGN_OR_RETURN(CompanyScope scope, LoadCompanyScope(backend, layout, company));
  return ContextFor(scope);
}

Result<CompanyScope> LoadCompanyScope(dynamo::Backend& backend, const Layout& layout,
                                      const CompanyId& company) {
  dynamo::GetItemRequest request;
  request.table_name = layout.SystemTableName(SystemTable::kCompanyManagement).str();
  request.key = layout.CompanyKey(company);
  request.consistent_read = true;
  IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse response, backend.GetItem(request));
  if (!response.item) return Status::NotFound("Company " + company.str() + " does not exist");
  const std::string* tier_name = internal::FindS(*response.item, attr::kCompanyTier);
  if (tier_name == nullptr) {
    return Status::Corruption("Company " + company.str() + " has no company_tier");
  }
  auto tier = ParseTier(*tier_name);
  if (!tier.ok()) {
    return Status::Corruption("Company " + company.str() + ": " + tier.status().message());
  }
  return CompanyScope(company, *tier);
}

}  // namespace issuetracker::tenancy
