#include "tenancy/tenant_context.h"

#include "tenancy/lifecycle.h"

namespace issuetracker::tenancy {

AdminAccess AdminAccess::Grant(std::string_view purpose) {
  return AdminAccess(std::string(purpose));
}

Result<TenantContext> AdminAccess::ContextFor(dynamo::Backend& backend, const Layout& layout,
                                              const CompanyId& company) const {
  IT_ASSIGN_OR_RETURN(CompanyState state, LoadCompanyState(backend, layout, company));
  if (state.state != LifecycleState::kActive) {
    return Status::Conflict("Company " + company.str() + " is " +
                            std::string(LifecycleStateName(state.state)) + ", not active");
  }
  if (!state.tier) return Status::Corruption("Company " + company.str() + " has no tier");
  return TenantContext(CompanyScope(company, *state.tier, state.incarnation),
                       UserEmail::Parse(kAdministrativeActor).value(), Role::kRootUser,
                       /*administrative=*/true);
}

}  // namespace issuetracker::tenancy
