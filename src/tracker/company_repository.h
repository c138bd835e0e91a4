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
  explicit CompanyRepository(Store store) : store_(store) {}

  // Registers a company (administrative). A Platinum company is onboarded first: its silo
  // tables are created and recorded in CompanyStackMapping. Conflict when the company
  // exists; Validation for bad names or limits.
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

  // Removes the company and everything it owns (tenancy::Provisioner::Offboard).
  Status Offboard(const tenancy::AdminAccess& admin, const CompanyId& company);

 private:
  Result<Company> UpdateCompany(const tenancy::TenantContext& ctx, dynamo::UpdateItemRequest r,
                                Status on_condition_failure);

  Store store_;
};

}  // namespace issuetracker::tracker
