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
// The tier inside a context comes from the company's record in CompanyManagement (or from
// an administrative caller that has just written it), never from the request.
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

  // A context acting for `scope`'s company with the Root User role. The caller vouches
  // for the tier (it has just created the company, or read its record).
  TenantContext ContextFor(const CompanyScope& scope) const;
  // A context for `company`, its tier read from CompanyManagement. NotFound when the
  // company does not exist; storage errors as returned by the backend.
  Result<TenantContext> ContextFor(dynamo::Backend& backend, const Layout& layout,
                                   const CompanyId& company) const;

  const std::string& purpose() const { return purpose_; }

 private:
  explicit AdminAccess(std::string purpose) : purpose_(std::move(purpose)) {}
  std::string purpose_;
};

// Where `company`'s data lives, from its CompanyManagement record (consistent read).
// NotFound when there is no such company; Corruption when its tier is unreadable.
Result<CompanyScope> LoadCompanyScope(dynamo::Backend& backend, const Layout& layout,
                                      const CompanyId& company);

}  // namespace issuetracker::tenancy
