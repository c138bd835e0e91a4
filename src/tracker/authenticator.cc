#include "tracker/authenticator.h"

#include <algorithm>

#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/repository_internal.h"

namespace issuetracker::tracker {

namespace attr = tenancy::attr;

Result<std::vector<CompanyId>> Authenticator::CompaniesOf(const UserEmail& email) {
  dynamo::QueryRequest query = store_.layout->LoginLookup(email);
  std::vector<CompanyId> companies;
  while (true) {
    IT_ASSIGN_OR_RETURN(dynamo::QueryResponse page, store_.backend->Query(query));
    for (const dynamo::Item& item : page.items) {
      IT_ASSIGN_OR_RETURN(CompanyId company, store_.layout->DirectoryEntryCompany(item));
      if (std::find(companies.begin(), companies.end(), company) == companies.end()) {
        companies.push_back(std::move(company));
      }
    }
    if (!page.last_evaluated_key) break;
    query.exclusive_start_key = std::move(page.last_evaluated_key);
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
  IT_ASSIGN_OR_RETURN(Company company, DecodeCompany(layout, *response.item));
  if (company.subscription_status == SubscriptionStatus::kCancelled) return denied;
  tenancy::CompanyScope scope(company.company_id, company.company_tier);

  IT_ASSIGN_OR_RETURN(std::optional<User> user, internal::FindUser(store_, scope, identity.email));
  if (!user || user->status != UserStatus::kActive) return denied;

  dynamo::UpdateItemRequest update;
  update.table_name = layout.TableFor(scope, tenancy::Entity::kUser).str();
  update.key = layout.UserKey(scope, identity.email);
  Expr e;
  update.update_expression = "SET " + e.Name(attr::kLastLoginDate) + " = " + e.Value(store_.Now());
  update.condition_expression =
      "attribute_exists(" + e.Name(internal::KeyAttribute(update.key)) + ")";
  update.expression_attribute_names = std::move(e.names);
  update.expression_attribute_values = std::move(e.values);
  auto updated = store_.backend->UpdateItem(update);
  if (!updated.ok()) {
    if (updated.status().Is(Code::kConditionalCheckFailed)) return denied;
    return updated.status();
  }
  return tenancy::TenantContext(scope, user->email, user->role, /*administrative=*/false);
}

}  // namespace issuetracker::tracker
