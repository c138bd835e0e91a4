// TenantContext: who is acting, for which company, and where that company's data lives.
//
// Every repository call of the tracker takes a `const TenantContext&`, and a TenantContext
// cannot be made out of loose values: its constructor is private. Exactly two paths create
// one:
//   - tracker::Authenticator (tracker/authenticator.h), from an identity an identity provider
//     has verified, after checking the user exists, is active in that company, and reading
//     the user's role from storage;
//   - AdminAccess, the explicit administrative path, for tools that act for the platform
//     (provisioning, seeding, verification, onboarding). Each grant names its purpose, so
//     every administrative access is visible in the code (grep AdminAccess::Grant).
// So a repository call without a tenant context does not compile, and a context for a
// company cannot be forged from a request.
//
// The tier and incarnation inside a context come from the company's record in
// CompanyManagement, never from the request. A context is a claim, not a licence: it says
// what was true when it was made, and every write re-checks it in its own transaction, every
// read against storage at most a short interval old (tracker/session.h, docs/tenancy.md).
//
// Thread-safety: immutable value; copying it shares no authority beyond the original's.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "dynamo/backend.h"
#include "tenancy/ids.h"
#include "tenancy/layout.h"

namespace issuetracker::tracker {
class Authenticator;
}

namespace issuetracker::tenancy {

class AdminAccess;

// The actor recorded for administrative contexts. ".invalid" is a reserved top-level
// domain, so no real user can have this address.
inline constexpr std::string_view kAdministrativeActor = "platform-admin@issuetracker.invalid";

class TenantContext {
 public:
  const CompanyScope& scope() const { return scope_; }
  const CompanyId& company_id() const { return scope_.company_id(); }
  Tier tier() const { return scope_.tier(); }
  // The acting user (kAdministrativeActor for administrative contexts).
  const UserEmail& actor() const { return actor_; }
  Role role() const { return role_; }
  // True when made by AdminAccess; such contexts act with the Root User role.
  bool administrative() const { return administrative_; }

 private:
  friend class AdminAccess;
  friend class tracker::Authenticator;
  TenantContext(CompanyScope scope, UserEmail actor, Role role, bool administrative)
      : scope_(std::move(scope)),
        actor_(std::move(actor)),
        role_(role),
        administrative_(administrative) {}

  CompanyScope scope_;
  UserEmail actor_;
  Role role_;
  bool administrative_;
};

// The explicit, named administrative path. Hold one only in tools and services that act
// for the platform rather than for a signed-in user.
class AdminAccess {
 public:
  // `purpose` says why (for example "seed --sample"); it is kept for logs and reports.
  static AdminAccess Grant(std::string_view purpose);

  // A context acting for `company` with the Root User role, in the company's current
  // incarnation and tier, read from its CompanyManagement record (consistent read). Like
  // any other context it is re-validated by every write and read (tracker/session.h).
  // NotFound when the company does not exist; Conflict when it is not active (being
  // onboarded or offboarded, or retired); storage errors as returned by the backend.
  Result<TenantContext> ContextFor(dynamo::Backend& backend, const Layout& layout,
                                   const CompanyId& company) const;

  const std::string& purpose() const { return purpose_; }

 private:
  explicit AdminAccess(std::string purpose) : purpose_(std::move(purpose)) {}
  std::string purpose_;
};

}  // namespace issuetracker::tenancy
