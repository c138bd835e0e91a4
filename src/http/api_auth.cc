// Authentication of REST calls: bearer tokens (JWT) and API keys, cached once verified.
#include <functional>

#include "http/api_internal.h"

namespace issuetracker::http {

namespace {

constexpr std::string_view kPlatformScope = "platform";
// How long a verified API key is trusted before its record is read again (a revocation
// by another process takes effect within this; by this process at once).
constexpr int64_t kApiKeyTrustMicros = 1'000'000;
// Uncached API key look-ups per client address.
constexpr RateLimit kApiKeyLookupLimit{20, 40};

Status Unauthenticated(std::string_view why) { return ApiError(401, "unauthenticated", why); }

Result<Principal> PrincipalOfClaims(const JwtClaims& claims) {
  Principal p;
  if (claims.Find("scope") == kPlatformScope) {
    if (claims.subject.empty()) return Unauthenticated("A platform token needs a subject (sub)");
    p.platform = true;
    p.user = claims.subject;
    return p;
  }
  auto company = claims.Find("company");
  auto user = claims.Find("user");
  auto role = claims.Find("role");
  auto registration = claims.Find("registration");
  if (!company || !user || !role || !registration) {
    return Unauthenticated("The token must carry company, user, role and registration claims");
  }
  auto parsed_role = tenancy::ParseRole(*role);
  if (!parsed_role.ok()) return Unauthenticated("The token's role claim is not a role");
  p.company = std::string(*company);
  p.user = std::string(*user);
  p.role = *parsed_role;
  p.registration = std::string(*registration);
  auto company_id = tracker::CompanyId::Parse(p.company);
  auto email = tracker::UserEmail::Parse(p.user);
  if (!company_id.ok() || !email.ok()) {
    return Unauthenticated("The token names no valid company and user");
  }
  p.company_id = std::move(company_id).value();
  p.email = std::move(email).value();
  return p;
}

Result<Principal> VerifyBearer(ApiService::State& state, std::string_view token, int64_t now) {
  if (auto cached = state.credentials.Find(token, now)) return *cached;
  auto claims = state.jwt->Verify(token);
  if (!claims.ok()) {
    std::optional<JwtError> why = JwtErrorOf(claims.status());
    return Unauthenticated("The bearer token was refused (" +
                           std::string(why ? JwtErrorName(*why) : "invalid") + ")");
  }
  IT_ASSIGN_OR_RETURN(Principal principal, PrincipalOfClaims(*claims));
  // Cached until it expires (without the verifier's leeway) and never past a minute, so a
  // token that is not yet valid (nbf) was never cached and expired ones are verified again.
  int64_t until = now + 60'000'000;
  if (claims->expires_at) until = std::min(until, *claims->expires_at * 1'000'000);
  state.credentials.Put(token, principal, until);
  return principal;
}

Result<Principal> VerifyApiKey(ApiService::State& state, const net::Request& req,
                               std::string_view presented, int64_t now) {
  if (auto cached = state.credentials.Find(presented, now)) return *cached;
  std::optional<std::string_view> key_id = ApiKeyIdOf(presented);
  const Status refused = Unauthenticated("The API key was refused");
  if (!key_id) return refused;
  // A key not verified recently costs storage reads before anyone is known: bounded per
  // client address, so guessing keys cannot turn into a flood of reads.
  RateLimitDecision lookups =
      state.limiter.Acquire("api-key-lookups:" + req.remote_address, kApiKeyLookupLimit);
  if (!lookups.allowed) {
    return ApiError(429, "rate_limited", "Too many API key look-ups from this address");
  }
  IT_ASSIGN_OR_RETURN(std::optional<tracker::ApiKeyRecord> record,
                      state.tracker.api_keys().Find(*key_id));
  if (!record || !state.hasher->Verify(presented, record->key_hash) || record->revoked) {
    return refused;
  }
  Principal p;
  p.company = record->company_id.str();
  p.user = record->created_by.str();
  p.role = record->role;
  p.api_key_id = record->key_id;
  p.key_incarnation = record->incarnation;
  p.company_id = record->company_id;
  p.email = record->created_by;
  state.credentials.Put(presented, p, now + kApiKeyTrustMicros);
  return p;
}

}  // namespace

Result<Principal> Authenticate(ApiService::State& state, const net::Request& req) {
  const int64_t now = state.clock->NowMicros();
  if (auto authorization = req.headers.Find("Authorization")) {
    std::optional<std::string_view> token = FindBearerToken(*authorization);
    if (!token) return Unauthenticated("Authorization must be \"Bearer <token>\"");
    return VerifyBearer(state, *token, now);
  }
  if (auto key = req.headers.Find("X-Api-Key")) return VerifyApiKey(state, req, *key, now);
  return Unauthenticated("Send a bearer token (Authorization: Bearer ...) or an X-Api-Key");
}

Result<tenancy::TenantContext> ContextOf(ApiService::State& state, const Principal& p) {
  if (!p.email || !p.company_id) {
    return Unauthenticated("The credential names no valid company and user");
  }
  auto ctx = state.tracker.auth().Resume({*p.email, *p.company_id}, p.role);
  if (!ctx.ok()) {
    if (ctx.status().Is(Code::kUnauthenticated)) return Unauthenticated(ctx.status().message());
    return ctx.status();
  }
  // A credential acts only in the registration of the company it was issued for: after an
  // offboarding, a new company registered under the same id is another tenant.
  if (!p.api_key_id.empty() && ctx->scope().incarnation() != p.key_incarnation) {
    return Unauthenticated("The API key belongs to an earlier registration of the company");
  }
  if (p.api_key_id.empty() && ctx->scope().incarnation() != p.registration) {
    return Unauthenticated(
        "The token was issued for another registration of the company; sign in again");
  }
  return ctx;
}

// ------------------------------------------------------------------ the cache

CredentialCache::CredentialCache(size_t max_entries)
    : max_per_shard_(std::max<size_t>(1, max_entries / kShards)) {}

CredentialCache::Shard& CredentialCache::ShardFor(std::string_view credential) const {
  size_t h = std::hash<std::string_view>{}(credential);
  return const_cast<Shard&>(shards_[h % kShards]);
}

std::optional<Principal> CredentialCache::Find(std::string_view credential,
                                               int64_t now_micros) const {
  Shard& shard = ShardFor(credential);
  std::shared_lock lock(shard.mu);
  auto it = shard.entries.find(credential);
  if (it == shard.entries.end() || now_micros >= it->second.valid_until) return std::nullopt;
  return it->second.principal;
}

void CredentialCache::Put(std::string_view credential, const Principal& principal,
                          int64_t valid_until_micros) {
  Shard& shard = ShardFor(credential);
  std::unique_lock lock(shard.mu);
  if (shard.entries.size() >= max_per_shard_) shard.entries.clear();  // rare: start over
  shard.entries[std::string(credential)] = Entry{principal, valid_until_micros};
}

void CredentialCache::DropApiKeys() {
  for (Shard& shard : shards_) {
    std::unique_lock lock(shard.mu);
    std::erase_if(shard.entries,
                  [](const auto& e) { return !e.second.principal.api_key_id.empty(); });
  }
}

}  // namespace issuetracker::http
