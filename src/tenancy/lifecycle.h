// The company lifecycle: registration, offboarding and the retirement of company ids.
//
//   (none) --Register--> onboarding --Activate--> active --Offboard: fence--> offboarding
//                             |                                                  |
//                             +--Offboard(abandon_onboarding)--> offboarding --purge, retire
//                                                                                 v
//   retired --Register, once the quarantine has passed since the fence--> onboarding ...
//
// The state, and the company's incarnation, live on its CompanyManagement record
// (lifecycle_state, incarnation). The incarnation is a random 128-bit token chosen at each
// registration, so a re-registration of the same id is told apart from the old company
// forever. Every write of the tracker is committed in a transaction that also checks the
// record (Layout::GuardFor): lifecycle_state = active, and the incarnation and tier of the
// writer's context. So:
//   - the fence (active -> offboarding, one conditional UpdateItem) is the last moment any
//     write of the company can commit: a transaction holding the guard either committed
//     before it or fails;
//   - the purge that follows deletes everything the company has (its pooled items, or its
//     silo tables, stack mappings and login directory stubs) and checks that nothing is
//     left, since nothing can be added any more;
//   - only then is the id recorded as retired. The record becomes a tombstone (key, state,
//     the last incarnation and tier, offboarding_started, retired_date; nothing else).
//
// Re-registration: a retired id may be registered again once `reregistration_quarantine`
// has passed since its fence; the new registration gets a new incarnation. Nothing of the
// old company can reach it: its data was purged before the id was retired, none could be
// written after the fence, and every old session fails the incarnation check of every
// write (at once) and of every read (at the next re-validation, at most the read re-check
// interval of the process holding it, which the quarantine must exceed; docs/tenancy.md).
//
// A company in `onboarding` belongs to whoever registers it (CompanyRepository::Create, or
// a bulk seeder importing its data): it has no sessions, appears in no sign-in look-up, and
// Offboard refuses it unless told that the onboarding was abandoned.
//
// Thread-safety: CompanyLifecycle holds no mutable state; concurrent calls are safe (two
// offboardings of one company both finish it; two registrations of one id: one wins).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "dynamo/backend.h"
#include "tenancy/layout.h"
#include "tenancy/schema.h"
#include "tenancy/tenant_context.h"

namespace issuetracker::tenancy {

// persisted as "onboarding", "active", "offboarding", "retired" (lifecycle_state).
enum class LifecycleState : uint8_t { kOnboarding, kActive, kOffboarding, kRetired };

std::string_view LifecycleStateName(LifecycleState state);
Result<LifecycleState> ParseLifecycleState(std::string_view text);

// The lifecycle part of a CompanyManagement record.
struct CompanyState {
  CompanyId company_id;
  LifecycleState state = LifecycleState::kActive;
  std::string incarnation;
  std::optional<Tier> tier;         // absent only on a tombstone that lost it
  std::string offboarding_started;  // when the fence was set ("" before)
  // When the current incarnation was registered (registered_at, by the registrar's clock);
  // absent on records registered before it was recorded, records adopted from before the
  // lifecycle (AdoptLegacy) and tombstones.
  std::optional<int64_t> registered_at_micros;
};

// Reads the lifecycle fields of a stored record. A record written before the lifecycle
// existed (no lifecycle_state) reads as active with no incarnation (see AdoptLegacy).
// Corruption when they are malformed.
Result<CompanyState> ParseCompanyState(const Layout& layout, const dynamo::Item& item);

// Reads `company`'s record (consistent read) and its lifecycle fields; a record from before
// the lifecycle existed first gets lifecycle_state = active and a new incarnation (one
// conditional update). NotFound when there is no record.
Result<CompanyState> LoadCompanyState(dynamo::Backend& backend, const Layout& layout,
                                      const CompanyId& company);

// A new random incarnation token (32 hex digits).
std::string NewIncarnation();

// "2024-01-15T14:30:00.123456Z" for `micros` since the epoch (the tracker's timestamp form).
std::string FormatUtcMicros(int64_t micros);
// The inverse of FormatUtcMicros: nullopt for any other text.
std::optional<int64_t> ParseUtcMicros(std::string_view text);

struct LifecycleOptions {
  // How long after its fence a retired id stays unavailable. Must exceed the read re-check
  // interval of every process using the tables (tracker::SessionCheckOptions) plus the
  // clock skew between them.
  int64_t reregistration_quarantine_micros = 60'000'000;
  // Passes of the pooled purge until one finds nothing (GSIs of a remote DynamoDB may lag).
  int max_purge_passes = 10;
};

struct OffboardOptions {
  // Also offboard a company still in `onboarding` (its registration or bulk load failed
  // and will not be resumed). Otherwise such a company is refused with Conflict.
  bool abandon_onboarding = false;
};

class CompanyLifecycle {
 public:
  // `backend`, `catalog` and `clock` must outlive the object.
  CompanyLifecycle(dynamo::Backend& backend, const SchemaCatalog& catalog, const Clock& clock,
                   LifecycleOptions options = {});

  // Registers `company`: writes `record` (its CompanyManagement item, without lifecycle
  // fields; its company_tier must be `tier`) with lifecycle_state = onboarding, a new
  // incarnation and registered_at = now (by this object's clock; a per-company restore
  // never goes back before it, restore.h), on condition that the id is unused or retired
  // past the quarantine; then,
  // for Platinum, creates the silo tables and records them in CompanyStackMapping; then,
  // unless `activate` is false (a bulk load that activates later), makes it active.
  // Conflict when the id is in use or still in quarantine (the message says until when);
  // a failed onboarding removes the new record again.
  Result<CompanyScope> Register(const AdminAccess& admin, const CompanyId& company, Tier tier,
                                dynamo::Item record, bool activate = true);

  // onboarding -> active, in the scope's incarnation. Conflict otherwise.
  Status Activate(const AdminAccess& admin, const CompanyScope& scope);

  // For a bulk load into an existing company: active (or onboarding, a bulk load's own
  // state left by a failed run) -> onboarding, keeping the incarnation, so that no session
  // writes while the load runs and nobody offboards it meanwhile. Conflict when it is being
  // offboarded or retired, or its tier is not `tier`; NotFound when it does not exist.
  Result<CompanyScope> ReopenForBulkLoad(const AdminAccess& admin, const CompanyId& company,
                                         Tier tier);

  // Offboards `company`: fences it (active -> offboarding), purges everything it owns, checks
  // nothing is left, records the id as retired. Resumes an offboarding that stopped half-way
  // (the purge is idempotent); OK at once when the id is already retired. NotFound when
  // there is no such company; Conflict for a company in onboarding (see OffboardOptions).
  Status Offboard(const AdminAccess& admin, const CompanyId& company,
                  const OffboardOptions& options = {});

  // Moves an active company between the pooled tiers (Basic <-> Premium), which share the
  // tables. Contexts of the old tier stop working. Moving to or from Platinum would move
  // data between pooled and silo tables, which is not supported: Validation (offboard and
  // register again instead). Conflict when the company is not active in tier `from`.
  Status ChangePooledTier(const AdminAccess& admin, const CompanyId& company, Tier from, Tier to);

 private:
  Status Fence(const CompanyId& company, const OffboardOptions& options, CompanyState* state);
  Status Retire(const CompanyState& state);
  Status RemoveFailedRegistration(const CompanyScope& scope);
  std::string Now() const;

  dynamo::Backend& backend_;
  const SchemaCatalog& catalog_;
  const Clock& clock_;
  LifecycleOptions options_;
};

}  // namespace issuetracker::tenancy
