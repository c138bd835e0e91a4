#include "tracker/authenticator.h"

#include <algorithm>

#include "tenancy/lifecycle.h"
#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/repository_internal.h"
#include "tracker/session.h"

namespace issuetracker::tracker {

namespace attr = tenancy::attr;

Result<std::vector<CompanyId>> Authenticator::CompaniesOf(const UserEmail& email) {
  dynamo::QueryRequest query = store_.layout->LoginLookup(email);
  std::vector<CompanyId> candidates;
  while (true) {
    IT_ASSIGN_OR_RETURN(dynamo::QueryResponse page, store_.backend->Query(query));
    for (const dynamo::Item& item : page.items) {
      IT_ASSIGN_OR_RETURN(CompanyId company, store_.layout->DirectoryEntryCompany(item));
      if (std::find(candidates.begin(), candidates.end(), company) == candidates.end()) {
        candidates.push_back(std::move(company));
      }
    }
    if (!page.last_evaluated_key) break;
    query.exclusive_start_key = std::move(page.last_evaluated_key);
  }
  // Only active companies: not one being onboarded, offboarded, or retired (whose
  // directory entries an offboarding is about to remove).
  std::vector<CompanyId> companies;
  const std::string table =
      store_.layout->SystemTableName(tenancy::SystemTable::kCompanyManagement).str();
  constexpr size_t kPerBatch = 100;  // BatchGetItem's limit
  for (size_t i = 0; i < candidates.size(); i += kPerBatch) {
    dynamo::BatchGetItemRequest batch;
    auto& request = batch.request_items[table];
    request.consistent_read = true;
    for (size_t j = i; j < std::min(candidates.size(), i + kPerBatch); ++j) {
      request.keys.push_back(store_.layout->CompanyKey(candidates[j]));
    }
    while (!batch.request_items.empty()) {
      IT_ASSIGN_OR_RETURN(dynamo::BatchGetItemResponse got, store_.backend->BatchGetItem(batch));
      for (const dynamo::Item& record : got.responses[table]) {
        IT_ASSIGN_OR_RETURN(tenancy::CompanyState state,
                            tenancy::ParseCompanyState(*store_.layout, record));
        if (state.state == tenancy::LifecycleState::kActive) {
          companies.push_back(std::move(state.company_id));
        }
      }
      batch.request_items = std::move(got.unprocessed_keys);
    }
  }
  std::sort(companies.begin(), companies.end());
  return companies;
}

Result<tenancy::TenantContext> Authenticator::SignIn(const VerifiedIdentity& identity) {
  const Status denied(Code::kUnauthenticated,
                      "Unknown user, company, or a disabled account for " + identity.email.str());
  const tenancy::Layout& layout = *store_.layout;
  dynamo::GetItemRequest get;
  get.table_name = layout.SystemTableName(tenancy::SystemTable::kCompanyManagement).str();
  get.key = layout.CompanyKey(identity.company_id);
  get.consistent_read = true;
  IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse response, store_.backend->GetItem(get));
  if (!response.item) return denied;
  IT_ASSIGN_OR_RETURN(tenancy::CompanyState state,
                      tenancy::ParseCompanyState(layout, *response.item));
  if (state.incarnation.empty()) {
    // A record from before the lifecycle: adopted (given an incarnation), then read again.
    IT_ASSIGN_OR_RETURN(state,
                        tenancy::LoadCompanyState(*store_.backend, layout, identity.company_id));
    IT_ASSIGN_OR_RETURN(response, store_.backend->GetItem(get));
    if (!response.item) return denied;
  }
  if (state.state != tenancy::LifecycleState::kActive) return denied;
  IT_ASSIGN_OR_RETURN(Company company, DecodeCompany(layout, *response.item));
  if (company.subscription_status == SubscriptionStatus::kCancelled) return denied;
  tenancy::CompanyScope scope(company.company_id, company.company_tier, state.incarnation);

  IT_ASSIGN_OR_RETURN(std::optional<User> user,
                      internal::FindUserIn(store_, scope, identity.email));
  if (!user || user->status != UserStatus::kActive) return denied;
  tenancy::TenantContext ctx(scope, user->email, user->role, /*administrative=*/false);

  // Records the sign-in under the new context's own guard: the company is still active in
  // this incarnation and tier, and the user still active with this role.
  dynamo::Item key = layout.UserKey(scope, identity.email);
  Expr e;
  std::string update = "SET " + e.Name(attr::kLastLoginDate) + " = " + e.Value(store_.Now());
  std::string condition = "attribute_exists(" + e.Name(internal::KeyAttribute(key)) + ")";
  Txn txn;
  txn.Update(layout.TableFor(scope, tenancy::Entity::kUser).str(), std::move(key), update,
             condition, std::move(e), denied);
  Status committed = CommitWrite(store_, ctx, &txn);
  if (!committed.ok()) {
    if (committed.Is(Code::kUnauthenticated)) return denied;
    return committed;
  }
  store_.sessions->Remember(ctx);
  return ctx;
}

}  // namespace issuetracker::tracker
