// SessionChecks: a tenant context is a claim, not a licence. This re-validates it against
// the stored company and user on every write and every read.
//
// Writes (Guard): every transaction of the tracker also checks, in the same transaction,
//   - the company's CompanyManagement record: lifecycle_state = active, and the incarnation
//     and tier the context carries (tenancy::Layout::GuardFor), and
//   - for a signed-in user, the user's record: it exists, user_status = active, user_role =
//     the context's role.
// A check on an item the transaction already writes is merged into that action's condition.
// Each guarded action asks for the item's old image on failure (ALL_OLD), so a failed guard
// is told apart from the action's own condition without another read, and named exactly:
// "Session no longer valid: the role of alice@acme.com changed from Admin to User; sign in
// again" (Unauthenticated).
//
// Reads (CheckRead, called by every read after it read, so what it returns was read while
// the context was valid): the same facts, re-read from storage (two consistent GetItems)
// when this process has not validated them within `read_recheck_interval`; changes made
// through this process's own Tracker (role, status, deletion, offboarding, tier, sign-in)
// forget the cached validation at once. So a context revoked elsewhere reads for at most the
// interval after the revocation; with Reads::kStrict every read re-reads storage (costs
// measured in docs/benchmarks.md).
//
// Thread-safety: safe to call from many threads; the cache is guarded by a shared mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/result.h"
#include "dynamo/backend.h"
#include "tenancy/layout.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"

namespace issuetracker::tracker {

class Txn;

struct SessionCheckOptions {
  enum class Reads : uint8_t {
    kCached,  // re-read storage at most every read_recheck_interval_micros (default)
    kStrict,  // re-read storage on every read
  };
  Reads reads = Reads::kCached;
  // Must stay below tenancy::LifecycleOptions::reregistration_quarantine_micros.
  int64_t read_recheck_interval_micros = 1'000'000;

  enum class Enforcement : uint8_t {
    kOn,
    // No guard and no read check at all: the path before issue 11, kept only so that
    // bench/tracker_bench.cc can measure what the checks cost in one run. The build's
    // layering check fails when this name appears outside bench/ and this file's library.
    kOffForBenchmarkOnly,
  };
  Enforcement enforcement = Enforcement::kOn;
};

// The error of a context that is no longer valid (Unauthenticated, "Session no longer
// valid: <why>; sign in again").
Status SessionInvalid(std::string_view why);
bool IsSessionInvalid(const Status& status);

class SessionChecks {
 public:
  // `backend`, `layout` and `clock` must outlive the object.
  SessionChecks(dynamo::Backend& backend, const tenancy::Layout& layout, const Clock& clock,
                SessionCheckOptions options);

  // For a read that has just been done with `ctx`: OK when the context was valid (at most
  // the re-check interval ago, or now when strict); SessionInvalid otherwise; storage
  // errors as returned.
  Status CheckRead(const tenancy::TenantContext& ctx);
  // For a write about to start: the cached validation only (never reads storage; the
  // commit's guard is what decides). SessionInvalid when the cache already knows better.
  Status CheckWriteStart(const tenancy::TenantContext& ctx);

  // `error`, or SessionInvalid when ctx is no longer valid and that explains `error` (a
  // ResourceNotFound: the company's silo table is gone; an item that does not decode in
  // ctx's scope). Reads storage for such errors only.
  Status Explain(const tenancy::TenantContext& ctx, Status error);

  // Adds the context's guard to `txn` (see the header comment); without `user_too`, only
  // the company's part (for the clean-up that completes an already guarded write).
  // REQUIRES: ctx outlives txn's commit.
  void Guard(const tenancy::TenantContext& ctx, Txn* txn, bool user_too = true) const;

  // Whether the stored company record `item` (nullopt: absent) is what `ctx` claims:
  // OK or SessionInvalid saying why.
  Status CheckCompanyRecord(const tenancy::TenantContext& ctx,
                            const std::optional<dynamo::Item>& item) const;
  // The same for the acting user's record.
  Status CheckUserRecord(const tenancy::TenantContext& ctx,
                         const std::optional<dynamo::Item>& item) const;

  // This process changed the company's lifecycle or tier, or a user's role, status or
  // existence: forget what was validated.
  void ForgetCompany(const CompanyId& company);
  void ForgetUser(const CompanyId& company, const UserEmail& user);
  // `ctx` was validated just now (by sign-in's own transaction).
  void Remember(const tenancy::TenantContext& ctx);

  bool enforced() const { return options_.enforcement == SessionCheckOptions::Enforcement::kOn; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct UserEntry {
    tenancy::Role role;
    int64_t validated_at;
  };
  struct CompanyEntry {
    std::string incarnation;
    tenancy::Tier tier;
    int64_t validated_at = 0;
    std::unordered_map<std::string, UserEntry, StringHash, std::equal_to<>> users;
  };
  enum class Cached : uint8_t { kValid, kCompanyStale, kUserStale, kContradicted };

  Cached Lookup(const tenancy::TenantContext& ctx, int64_t now) const;
  bool Fresh(int64_t validated_at, int64_t now) const;
  // Reads what the cache does not vouch for and records what it found.
  Status Validate(const tenancy::TenantContext& ctx, bool company_too);

  dynamo::Backend& backend_;
  const tenancy::Layout& layout_;
  const Clock& clock_;
  const SessionCheckOptions options_;
  mutable std::shared_mutex mu_;
  // Guarded by mu_: positive validations by company id, then user e-mail.
  std::unordered_map<std::string, CompanyEntry, StringHash, std::equal_to<>> companies_;
};

}  // namespace issuetracker::tracker
