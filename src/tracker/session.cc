#include "tracker/session.h"

#include <mutex>

#include "tenancy/lifecycle.h"
#include "tenancy/schema_names.h"
#include "tracker/codec.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

using dynamo::Item;
using tenancy::TenantContext;
namespace attr = tenancy::attr;

namespace {

constexpr std::string_view kSessionPrefix = "Session no longer valid: ";

std::string UserTable(const tenancy::Layout& layout, const TenantContext& ctx) {
  return layout.TableFor(ctx.scope(), tenancy::Entity::kUser).str();
}

}  // namespace

Status SessionInvalid(std::string_view why) {
  return Status(Code::kUnauthenticated,
                std::string(kSessionPrefix) + std::string(why) + "; sign in again");
}

bool IsSessionInvalid(const Status& status) {
  return status.Is(Code::kUnauthenticated) && status.message().starts_with(kSessionPrefix);
}

SessionChecks::SessionChecks(dynamo::Backend& backend, const tenancy::Layout& layout,
                             const Clock& clock, SessionCheckOptions options)
    : backend_(backend), layout_(layout), clock_(clock), options_(options) {}

// ------------------------------------------------------------------ what a record says

Status SessionChecks::CheckCompanyRecord(const TenantContext& ctx,
                                         const std::optional<Item>& item) const {
  const std::string& id = ctx.company_id().str();
  if (!item) return SessionInvalid("company " + id + " no longer exists");
  auto state = tenancy::ParseCompanyState(layout_, *item);
  if (!state.ok()) return state.status();
  if (state->incarnation != ctx.scope().incarnation()) {
    return SessionInvalid("company " + id +
                          " was offboarded (its id may have been registered again since)");
  }
  switch (state->state) {
    case tenancy::LifecycleState::kActive:
      break;
    case tenancy::LifecycleState::kOffboarding:
      return SessionInvalid("company " + id + " is being offboarded");
    case tenancy::LifecycleState::kRetired:
      return SessionInvalid("company " + id + " was offboarded");
    case tenancy::LifecycleState::kOnboarding:
      return SessionInvalid("company " + id + " is being onboarded or bulk-loaded");
  }
  if (state->tier != ctx.tier()) {
    return SessionInvalid("company " + id + " moved from the " +
                          std::string(tenancy::TierName(ctx.tier())) + " tier to " +
                          (state->tier ? std::string(tenancy::TierName(*state->tier)) : "none"));
  }
  return Status::Ok();
}

Status SessionChecks::CheckUserRecord(const TenantContext& ctx,
                                      const std::optional<Item>& item) const {
  const std::string& who = ctx.actor().str();
  if (!item) {
    return SessionInvalid("user " + who + " no longer exists in company " + ctx.company_id().str());
  }
  const std::string* status = dynamo::FindS(*item, field::kUserStatus);
  if (status == nullptr || *status != UserStatusName(UserStatus::kActive)) {
    return SessionInvalid("user " + who + " is disabled");
  }
  const std::string* role = dynamo::FindS(*item, attr::kUserRole);
  if (role == nullptr || *role != tenancy::RoleName(ctx.role())) {
    return SessionInvalid("the role of " + who + " changed from " +
                          std::string(tenancy::RoleName(ctx.role())) + " to " +
                          (role ? *role : std::string("none")));
  }
  return Status::Ok();
}

// ------------------------------------------------------------------ writes

void SessionChecks::Guard(const TenantContext& ctx, Txn* txn, bool user_too) const {
  if (!enforced()) return;
  tenancy::CompanyGuard guard = layout_.GuardFor(ctx.scope());
  txn->Guard(
      guard.table.str(), guard.key, "guard:company",
      [&guard](Expr* e) {
        std::string condition;
        for (const auto& [name, value] : guard.equals) {
          if (!condition.empty()) condition += " AND ";
          condition += e->Name(name) + " = " + e->Value(value);
        }
        return condition;
      },
      [this, &ctx](const std::optional<Item>& old) { return CheckCompanyRecord(ctx, old); });
  if (ctx.administrative() || !user_too) return;
  Item key = layout_.UserKey(ctx.scope(), ctx.actor());
  const std::string key_attribute = key.begin()->first;
  txn->Guard(
      UserTable(layout_, ctx), key, "guard:user",
      [&](Expr* e) {
        return "attribute_exists(" + e->Name(key_attribute) + ") AND " +
               e->Name(field::kUserStatus) + " = " + e->Value(UserStatusName(UserStatus::kActive)) +
               " AND " + e->Name(attr::kUserRole) + " = " + e->Value(tenancy::RoleName(ctx.role()));
      },
      [this, &ctx](const std::optional<Item>& old) { return CheckUserRecord(ctx, old); });
}

// ------------------------------------------------------------------ reads

bool SessionChecks::Fresh(int64_t validated_at, int64_t now) const {
  return now >= validated_at && now - validated_at < options_.read_recheck_interval_micros;
}

SessionChecks::Cached SessionChecks::Lookup(const TenantContext& ctx, int64_t now) const {
  std::shared_lock lock(mu_);
  auto company = companies_.find(std::string_view(ctx.company_id().str()));
  if (company == companies_.end() || !Fresh(company->second.validated_at, now)) {
    return Cached::kCompanyStale;
  }
  const CompanyEntry& c = company->second;
  if (c.incarnation != ctx.scope().incarnation() || c.tier != ctx.tier()) {
    return Cached::kContradicted;
  }
  if (ctx.administrative()) return Cached::kValid;
  auto user = c.users.find(std::string_view(ctx.actor().str()));
  if (user == c.users.end() || !Fresh(user->second.validated_at, now)) return Cached::kUserStale;
  return user->second.role == ctx.role() ? Cached::kValid : Cached::kContradicted;
}

Status SessionChecks::CheckRead(const TenantContext& ctx) {
  if (!enforced()) return Status::Ok();
  if (options_.reads == SessionCheckOptions::Reads::kStrict) {
    return Validate(ctx, /*company_too=*/true);
  }
  switch (Lookup(ctx, clock_.NowMicros())) {
    case Cached::kValid:
      return Status::Ok();
    case Cached::kUserStale:
      return Validate(ctx, /*company_too=*/false);
    case Cached::kCompanyStale:
    case Cached::kContradicted:
      return Validate(ctx, /*company_too=*/true);
  }
  return Status::Ok();
}

Status SessionChecks::Explain(const TenantContext& ctx, Status error) {
  // A missing table (a dropped silo table) or an item that does not decode in ctx's scope
  // (another registration's item under the same key) is what a context of a past
  // registration or tier runs into.
  if (!enforced() || !(error.Is(Code::kResourceNotFound) || error.Is(Code::kCorruption) ||
                       error.Is(Code::kInternalServerError))) {
    return error;
  }
  Status session = Validate(ctx, /*company_too=*/true);
  return session.ok() ? error : session;
}

Status SessionChecks::CheckWriteStart(const TenantContext& ctx) {
  if (!enforced()) return Status::Ok();
  if (Lookup(ctx, clock_.NowMicros()) == Cached::kContradicted) {
    return Validate(ctx, /*company_too=*/true);
  }
  return Status::Ok();
}

Status SessionChecks::Validate(const TenantContext& ctx, bool company_too) {
  // Validated as of before the reads: the entry expires no later than it should.
  const int64_t now = clock_.NowMicros();
  const uint64_t generation = generation_.load(std::memory_order_acquire);
  const std::string& company = ctx.company_id().str();
  if (company_too) {
    dynamo::GetItemRequest get{
        layout_.SystemTableName(tenancy::SystemTable::kCompanyManagement).str(),
        layout_.CompanyKey(ctx.company_id()), true};
    IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse got, backend_.GetItem(get));
    Status valid = CheckCompanyRecord(ctx, got.item);
    if (!valid.ok()) {
      ForgetCompany(ctx.company_id());
      return valid;
    }
  }
  if (!ctx.administrative()) {
    dynamo::GetItemRequest get{UserTable(layout_, ctx), layout_.UserKey(ctx.scope(), ctx.actor()),
                               true};
    auto got = backend_.GetItem(get);
    std::optional<Item> user;
    if (got.ok()) {
      user = std::move(got->item);
    } else if (!got.status().Is(Code::kResourceNotFound)) {
      return got.status();
    } else if (!company_too) {
      // The company's silo Users table is gone: the company record says why.
      return Validate(ctx, /*company_too=*/true);
    }
    Status valid = CheckUserRecord(ctx, user);
    if (!valid.ok()) {
      ForgetUser(ctx.company_id(), ctx.actor());
      return valid;
    }
  }
  std::unique_lock lock(mu_);
  // A change made by this process meanwhile: the reads were valid, but not worth keeping.
  if (generation_.load(std::memory_order_acquire) != generation) return Status::Ok();
  auto it = companies_.find(std::string_view(company));
  if (company_too) {
    if (it == companies_.end()) it = companies_.emplace(company, CompanyEntry{}).first;
    CompanyEntry& c = it->second;
    if (c.incarnation != ctx.scope().incarnation() || c.tier != ctx.tier()) c.users.clear();
    c.incarnation = ctx.scope().incarnation();
    c.tier = ctx.tier();
    c.validated_at = now;
  } else if (it == companies_.end()) {
    return Status::Ok();  // forgotten meanwhile: the next read validates both again
  }
  if (!ctx.administrative()) it->second.users[ctx.actor().str()] = UserEntry{ctx.role(), now};
  return Status::Ok();
}

void SessionChecks::Remember(const TenantContext& ctx) {
  if (!enforced()) return;
  const int64_t now = clock_.NowMicros();
  std::unique_lock lock(mu_);
  CompanyEntry& c = companies_[ctx.company_id().str()];
  if (c.incarnation != ctx.scope().incarnation() || c.tier != ctx.tier()) c.users.clear();
  c.incarnation = ctx.scope().incarnation();
  c.tier = ctx.tier();
  c.validated_at = now;
  if (!ctx.administrative()) c.users[ctx.actor().str()] = UserEntry{ctx.role(), now};
}

std::optional<SessionChecks::Validated> SessionChecks::FindValidated(std::string_view company,
                                                                     std::string_view user) const {
  if (!enforced() || options_.reads == SessionCheckOptions::Reads::kStrict) return std::nullopt;
  const int64_t now = clock_.NowMicros();
  std::shared_lock lock(mu_);
  auto c = companies_.find(company);
  if (c == companies_.end() || !Fresh(c->second.validated_at, now)) return std::nullopt;
  auto u = c->second.users.find(user);
  if (u == c->second.users.end() || !Fresh(u->second.validated_at, now)) return std::nullopt;
  return Validated{c->second.incarnation, c->second.tier, u->second.role};
}

void SessionChecks::RememberSince(const TenantContext& ctx, uint64_t generation) {
  if (!enforced()) return;
  const int64_t now = clock_.NowMicros();
  std::unique_lock lock(mu_);
  if (generation_.load(std::memory_order_acquire) != generation) return;
  CompanyEntry& c = companies_[ctx.company_id().str()];
  if (c.incarnation != ctx.scope().incarnation() || c.tier != ctx.tier()) c.users.clear();
  c.incarnation = ctx.scope().incarnation();
  c.tier = ctx.tier();
  c.validated_at = now;
  if (!ctx.administrative()) c.users[ctx.actor().str()] = UserEntry{ctx.role(), now};
}

void SessionChecks::ForgetCompany(const CompanyId& company) {
  std::unique_lock lock(mu_);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  companies_.erase(company.str());
}

void SessionChecks::ForgetUser(const CompanyId& company, const UserEmail& user) {
  std::unique_lock lock(mu_);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  auto it = companies_.find(std::string_view(company.str()));
  if (it != companies_.end()) it->second.users.erase(user.str());
}

}  // namespace issuetracker::tracker
