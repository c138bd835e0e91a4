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
  using Entry = tenancy::Layout::DirectoryEntry;
  dynamo::QueryRequest query = store_.layout->LoginLookup(email);
  std::vector<Entry> entries;
  std::vector<CompanyId> candidates;
  while (true) {
    IT_ASSIGN_OR_RETURN(dynamo::QueryResponse page, store_.backend->Query(query));
    for (const dynamo::Item& item : page.items) {
      IT_ASSIGN_OR_RETURN(Entry entry, store_.layout->DirectoryEntryOf(item));
      // A stub from before stubs had their own key space names no registration: it is
      // never taken for a sign-in (Provisioner::ProvisionAll moves those of active
      // companies into the stub key space).
      if (entry.kind == Entry::Kind::kLegacyStub) continue;
      if (std::find(candidates.begin(), candidates.end(), entry.company) == candidates.end()) {
        candidates.push_back(entry.company);
      }
      entries.push_back(std::move(entry));
    }
    if (!page.last_evaluated_key) break;
    query.exclusive_start_key = std::move(page.last_evaluated_key);
  }
  // Only companies an entry is valid for now: the company is active, and the entry is of
  // its layout and registration: a pooled user for a pooled company, a stub of the
  // company's current incarnation for a Platinum one. Not one being onboarded, offboarded
  // or retired, and never because of an entry an earlier registration of the id left.
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
        if (state.state != tenancy::LifecycleState::kActive || !state.tier) continue;
        const bool silo = *state.tier == Tier::kPlatinum;
        const bool valid = std::any_of(entries.begin(), entries.end(), [&](const Entry& e) {
          if (e.company != state.company_id) return false;
          return silo ? e.kind == Entry::Kind::kStub && e.incarnation == state.incarnation
                      : e.kind == Entry::Kind::kPooledUser;
        });
        if (valid) companies.push_back(std::move(state.company_id));
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

Result<tenancy::TenantContext> Authenticator::Resume(const VerifiedIdentity& identity,
                                                     Role claimed_role) {
  if (auto known = store_.sessions->FindValidated(identity.company_id.str(), identity.email.str());
      known && known->role == claimed_role) {
    tenancy::CompanyScope scope(identity.company_id, known->tier, known->incarnation);
    return tenancy::TenantContext(std::move(scope), identity.email, claimed_role,
                                  /*administrative=*/false);
  }
  const Status denied(Code::kUnauthenticated,
                      "Unknown user, company, or a disabled account for " + identity.email.str());
  const uint64_t generation = store_.sessions->generation();
  const tenancy::Layout& layout = *store_.layout;
  dynamo::GetItemRequest get;
  get.table_name = layout.SystemTableName(tenancy::SystemTable::kCompanyManagement).str();
  get.key = layout.CompanyKey(identity.company_id);
  get.consistent_read = true;
  IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse response, store_.backend->GetItem(get));
  if (!response.item) return denied;
  IT_ASSIGN_OR_RETURN(tenancy::CompanyState state,
                      tenancy::ParseCompanyState(layout, *response.item));
  // A record from before the lifecycle has no incarnation yet: only SignIn adopts it.
  if (state.state != tenancy::LifecycleState::kActive || state.incarnation.empty()) return denied;
  IT_ASSIGN_OR_RETURN(Company company, DecodeCompany(layout, *response.item));
  if (company.subscription_status == SubscriptionStatus::kCancelled) return denied;
  tenancy::CompanyScope scope(company.company_id, company.company_tier, state.incarnation);
  IT_ASSIGN_OR_RETURN(std::optional<User> user,
                      internal::FindUserIn(store_, scope, identity.email));
  if (!user || user->status != UserStatus::kActive) return denied;
  if (user->role != claimed_role) {
    return SessionInvalid("the role of " + identity.email.str() + " changed from " +
                          std::string(tenancy::RoleName(claimed_role)) + " to " +
                          std::string(tenancy::RoleName(user->role)));
  }
  tenancy::TenantContext ctx(std::move(scope), user->email, user->role, /*administrative=*/false);
  store_.sessions->RememberSince(ctx, generation);
  return ctx;
}

}  // namespace issuetracker::tracker
