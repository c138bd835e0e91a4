// Authenticator: the authentication path that turns a verified identity into a
// tenancy::TenantContext (the only way besides tenancy::AdminAccess to get one).
//
// Credentials are checked upstream by the identity provider (Cognito in the spec's
// architecture); what reaches here is an identity it vouches for: an e-mail address and the
// company the user chose to sign in to. The role in the context comes from storage, never
// from the caller.
//
// Thread-safety: safe to call from many threads.
#pragma once

#include <vector>

#include "common/result.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

// An identity verified by the identity provider.
struct VerifiedIdentity {
  UserEmail email;
  CompanyId company_id;
};

class Authenticator {
 public:
  explicit Authenticator(Store store) : store_(store) {}

  // The companies `email` belongs to, for the sign-in screen: a Query on the pooled Users
  // table's EmailIndex (which also holds the directory stubs of Platinum users), then one
  // consistent read of the companies' records. A company is returned only when it is active
  // and the entry is valid for it now: a pooled user of a pooled company, or a stub of the
  // Platinum company's current incarnation (so never for an entry an earlier registration
  // of the id left). Returns company ids only — nothing else of the user records it reads.
  Result<std::vector<CompanyId>> CompaniesOf(const UserEmail& email);

  // Signs a user in to one company: the company must exist and not be cancelled, the user
  // must exist there and be active; records last_login_date. Unauthenticated otherwise,
  // with the same message whichever check failed (so it reveals nothing).
  Result<tenancy::TenantContext> SignIn(const VerifiedIdentity& identity);

  // The context of one request that an upstream credential authenticated (the REST
  // service's verified bearer token, or an API key acting for its creator): `identity` and
  // the role the credential claims. Unlike SignIn it writes nothing (it runs on every
  // request): it builds the context from this process's fresh validation of the company and
  // user (SessionChecks::FindValidated) when there is one, else from the stored records (two
  // consistent GetItems), which it then remembers. The claimed role must be the stored one.
  // Unauthenticated otherwise, as for SignIn, and SessionInvalid ("... role ... changed ...")
  // when only the role differs. The context is re-validated by every call like any other.
  Result<tenancy::TenantContext> Resume(const VerifiedIdentity& identity, Role claimed_role);

 private:
  Store store_;
};

}  // namespace issuetracker::tracker
