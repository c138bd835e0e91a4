// CompanyRepository: company records (CompanyManagement) — registration (with Platinum
// onboarding), the API quota (monthly_quota / api_calls_used), the user limit
// (max_users / current_users, enforced by UserRepository), subscription status, and
// offboarding.
//
// Thread-safety: safe to call from many threads (all state is in the backend).
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "tenancy/lifecycle.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

struct NewCompany {
  CompanyId company_id;
  std::string company_name;
  Tier tier = Tier::kBasic;
  UserEmail contact_email;
  // Defaults: DefaultLimits(tier).
  std::optional<int64_t> monthly_quota;
  std::optional<int64_t> max_users;
};

class CompanyRepository {
 public:
  CompanyRepository(Store store, tenancy::LifecycleOptions lifecycle = {})
      : store_(store), lifecycle_(lifecycle) {}

  // Registers a company (administrative; tenancy::CompanyLifecycle::Register): its record
  // with a new incarnation, for Platinum its silo tables first, then active. Conflict when
  // the id is in use, or retired less than the re-registration quarantine ago; Validation
  // for bad names or limits.
  Result<Company> Create(const tenancy::AdminAccess& admin, const NewCompany& company);

  // The context's own company (any role).
  Result<Company> Get(const tenancy::TenantContext& ctx);

  // Counts one API call against the monthly quota. QuotaExceeded when the quota is used up,
  // Forbidden when the subscription is not active.
  Status RecordApiCall(const tenancy::TenantContext& ctx);

  // Changes the quota and the user limit (Root User). Validation when max_users would fall
  // below current_users.
  Result<Company> UpdateLimits(const tenancy::TenantContext& ctx,
                               std::optional<int64_t> monthly_quota,
                               std::optional<int64_t> max_users);

  // Suspends, cancels or reactivates the subscription (Root User).
  Result<Company> SetSubscriptionStatus(const tenancy::TenantContext& ctx,
                                        SubscriptionStatus status);

  // Starts a new quota month: api_calls_used = 0 (administrative).
  Status ResetApiUsage(const tenancy::AdminAccess& admin, const CompanyId& company);

  // Moves a company between Basic and Premium (administrative). The contexts of the old tier
  // stop working. Validation for a move to or from Platinum (not supported: offboard and
  // register again).
  Status ChangeTier(const tenancy::AdminAccess& admin, const CompanyId& company, Tier tier);

  // Offboards the company (tenancy::CompanyLifecycle::Offboard): fences it so that no write
  // of it can commit any more, purges everything it owns, and records its id as retired.
  Status Offboard(const tenancy::AdminAccess& admin, const CompanyId& company,
                  const tenancy::OffboardOptions& options = {});

 private:
  // Commits one update of the company record under ctx's guard and reads the record back.
  Result<Company> UpdateCompany(const tenancy::TenantContext& ctx, std::string update,
                                std::string condition, Expr expr, Status on_condition_failure);
  tenancy::CompanyLifecycle Lifecycle(const tenancy::SchemaCatalog& catalog) const;

  Store store_;
  tenancy::LifecycleOptions lifecycle_;
};

}  // namespace issuetracker::tracker
