// The REST service's internals shared by api_service.cc and the handlers' files
// (api_*_handlers.cc). Not part of the API.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/api_errors.h"
#include "http/api_json.h"
#include "http/api_key.h"
#include "http/api_router.h"
#include "http/api_service.h"
#include "http/metered_backend.h"
#include "http/usage_meter.h"

namespace issuetracker::http {

// Who a verified credential names.
struct Principal {
  bool platform = false;  // a platform operator (no company)
  std::string company;    // tenant: the company id
  std::string user;       // tenant: the user's e-mail; platform: the operator (sub)
  tracker::Role role = tracker::Role::kUser;
  std::string api_key_id;       // set when an API key authenticated the call
  std::string key_incarnation;  // the API key's company registration
  // Bearer tokens: the company registration (incarnation) the token was issued for (its
  // "registration" claim), so that a token of an offboarded company cannot act in a later
  // registration of the same id.
  std::string registration;
  // `company` and `user` parsed (tenants), so each call does not parse them again.
  std::optional<tracker::CompanyId> company_id;
  std::optional<tracker::UserEmail> email;
};

// Verified credentials (bearer tokens, API keys) by their text, until they expire. Bounded;
// sharded so that threads rarely contend.
class CredentialCache {
 public:
  explicit CredentialCache(size_t max_entries);
  std::optional<Principal> Find(std::string_view credential, int64_t now_micros) const;
  void Put(std::string_view credential, const Principal& principal, int64_t valid_until_micros);
  // Drops every cached API key (a key was revoked by this process).
  void DropApiKeys();

 private:
  struct Entry {
    Principal principal;
    int64_t valid_until;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::shared_mutex mu;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries;
  };
  static constexpr size_t kShards = 16;
  size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
  Shard& ShardFor(std::string_view credential) const;
};

// The metric families of the service and the series hot paths use.
struct ApiMetrics {
  explicit ApiMetrics(MetricsRegistry& registry);
  Counter& Requests(RouteId route, int status);
  Histogram& Latency(RouteId route);
  const CompanyMeter* MeterFor(const std::string& company);

  MetricFamily* requests;
  MetricFamily* latency;
  MetricFamily* throttled;
  MetricFamily* errors;
  MetricFamily* company_rcu;
  MetricFamily* company_wcu;
  MetricFamily* company_items;
  MetricFamily* table_items;
  MetricFamily* table_rcu;
  MetricFamily* table_wcu;
  MetricFamily* table_throttled;
  MetricFamily* table_errors;

 private:
  static constexpr size_t kRoutes = static_cast<size_t>(RouteId::kCount) + 1;  // + unmatched
  std::array<std::array<std::atomic<Counter*>, 500>, kRoutes> by_status_{};
  std::array<std::atomic<Histogram*>, kRoutes> latency_{};
  std::shared_mutex meters_mu_;
  std::unordered_map<std::string, std::unique_ptr<CompanyMeter>> meters_;
};

struct ApiService::State {
  State(ApiOptions options, tracker::Tracker& tracker, dynamo::Backend& backend);

  ApiOptions options;
  tracker::Tracker& tracker;
  dynamo::Backend& backend;
  const Clock* clock;
  std::unique_ptr<JwtVerifier> jwt;
  std::unique_ptr<ApiKeyHasher> hasher;
  RateLimiter limiter;
  MetricsRegistry registry;
  ApiMetrics metrics;
  CredentialCache credentials;
  UsageMeter usage;
  std::atomic<bool> ready{true};

  RateLimit LimitFor(const std::string& company, tracker::Tier tier) const;
};

// One request as the handlers see it.
struct Call {
  const net::Request& req;
  net::Response& resp;
  const RouteMatch& match;
  ApiService::State& state;
  std::string_view request_id;
  const tenancy::TenantContext* ctx = nullptr;  // tenant routes
  const Principal* principal = nullptr;         // tenant and platform routes
};

using RouteHandler = Status (*)(Call& call);

// The handler of each route (api_*_handlers.cc).
RouteHandler HandlerFor(RouteId route);
Status HandleOps(Call& call);  // /healthz, /readyz, /metrics, /openapi.json

// The credential of a request: a bearer token or an API key, verified (api_auth.cc).
// 401 when missing or invalid.
Result<Principal> Authenticate(ApiService::State& state, const net::Request& req);
// The tenant context of a tenant principal (tracker::Authenticator::Resume); 401 when the
// company, user or role no longer stand, or an API key belongs to an earlier registration.
Result<tenancy::TenantContext> ContextOf(ApiService::State& state, const Principal& principal);

// ---- helpers for handlers (api_service.cc)

// The request body as a JSON object: 415 unless Content-Type is application/json, 400 for
// malformed JSON.
Result<JsonObject> BodyOf(const Call& call);
// A path parameter parsed as a strong id: 404 not_found when it does not parse (an id that
// cannot exist), so bad and foreign ids look alike.
template <typename Id>
Result<Id> PathId(const Call& call, std::string_view name, std::string_view what) {
  auto id = Id::Parse(call.match.Param(name));
  if (!id.ok()) {
    return ApiError(
        404, "not_found",
        std::string(what) + " " + std::string(call.match.Param(name)) + " does not exist");
  }
  return std::move(id).value();
}
// The If-Match precondition of a write against the resource's current ETag: 428 when
// absent, 412 when it names another version ("*" matches any).
Status CheckIfMatch(const Call& call, std::string_view current_etag);
// The page a list asks for (?limit=1..100, ?cursor=...): 400 invalid_parameter otherwise.
Result<tracker::PageRequest> PageOf(const Call& call);
// Writes a JSON response (status, body, ETag when given).
void WriteJson(Call& call, int status, std::string body, std::string_view etag = {});
// Writes a page {"items":[...],"next_cursor":..,"next":..} and a Link header.
template <typename T, typename Encode>
void WritePage(Call& call, const tracker::Page<T>& page, Encode encode);
// The "next" link of a list: the request's path and query with `cursor` replaced.
std::string NextLink(const Call& call, std::string_view cursor);
void WritePageEnvelope(Call& call, std::string items_json,
                       const std::optional<std::string>& next_cursor);

template <typename T, typename Encode>
void WritePage(Call& call, const tracker::Page<T>& page, Encode encode) {
  std::string items;
  JsonWriter w(items);
  w.BeginArray();
  for (const T& item : page.items) encode(w, item);
  w.EndArray();
  WritePageEnvelope(call, std::move(items), page.next_token);
}

}  // namespace issuetracker::http
