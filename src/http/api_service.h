// ApiService: the issue tracker's REST API (docs/api.md) as a net::Handler — a pure
// function from a request to a response, run by net::Server (`issuetracker serve`) or
// called directly (handler tests, benchmarks).
//
// Every request goes through, in order: a request id (X-Request-Id when valid, else a new
// one); routing (404 route_not_found / 405 with Allow); authentication (a Bearer JWT
// verified by http::JwtVerifier, or an X-Api-Key looked up in the ApiKeys table) whose
// company, user and role become a tenant context through tracker::Authenticator::Resume
// (never from the path or body), in the company registration the credential was issued for
// (a token's "registration" claim, an API key's record); the company's rate limit (token bucket of
// its tier's usage plan; 429 rate_limited with Retry-After and RateLimit-*) and monthly quota (429
// monthly_quota_exceeded); the role rule of the route (403, checked here and again by the
// data layer); the handler, with ETag/If-Match (412/428), Idempotency-Key on creates and
// cursor pagination; then metrics (/metrics) and one JSON log line.
//
// Thread-safety: Handle() may be called from many threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "dynamo/backend.h"
#include "http/jwt.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/request_log.h"
#include "net/http_types.h"
#include "tracker/tracker.h"

namespace issuetracker::http {

// A tier's usage plan: the request rate and burst of each company on it, and the monthly
// quota new companies of the tier get (stored on the company record, where a Root User may
// change it: PATCH /v1/company/limits).
struct UsagePlan {
  double rate_per_second = 10;
  double burst = 20;
  int64_t monthly_quota = 1000;
};

// The defaults: Basic 10/s burst 20, 1,000 calls a month; Premium 50/s burst 100, 10,000;
// Platinum 500/s burst 1,000, 1,000,000 (the spec's sample quotas for Basic and Premium).
std::map<tracker::Tier, UsagePlan> DefaultUsagePlans();

struct ApiOptions {
  // Bearer tokens. The verifier's clock defaults to the system clock.
  JwtVerifierOptions jwt;
  // The HMAC pepper API keys are hashed under (at least 16 bytes).
  std::string api_key_pepper;
  std::map<tracker::Tier, UsagePlan> plans = DefaultUsagePlans();
  // Per-company rate limits that replace their tier's (company id -> limit).
  std::map<std::string, RateLimit> company_rate_limits;
  // How often admitted calls are added to the companies' api_calls_used.
  std::chrono::milliseconds usage_flush_interval{200};
  // Verified tokens and API keys kept, so repeated credentials are not verified again.
  size_t credential_cache_entries = 100000;
  // Request logs: nullptr for none.
  RequestLogger* request_log = nullptr;
  const Clock* clock = nullptr;  // SystemClock::Default() when null; not owned
};

// The body of an error the server core answers by itself (net::ServerOptions::
// error_responder): problem+json with codes bad_request (400), request_timeout (408),
// payload_too_large (413), header_too_large (431), internal (500),
// http_version_not_supported (505).
void WriteServerError(int status, std::string_view detail, net::Response& response);

class ApiService {
 public:
  // `tracker` and `backend` (the tracker's backend, for /readyz and table metrics) must
  // outlive the service. Validation for bad JWT settings or pepper.
  static Result<std::unique_ptr<ApiService>> Create(ApiOptions options, tracker::Tracker& tracker,
                                                    dynamo::Backend& backend);
  ~ApiService();

  // The handler (net::Handler).
  void Handle(const net::Request& request, net::Response& response);

  // /readyz answers 503 once this is false (set during shutdown).
  void SetReady(bool ready);
  // Adds every admitted call not yet counted to the companies' api_calls_used now.
  void FlushUsage();

  // The registry /metrics exposes (for callers adding their own families).
  MetricsRegistry& metrics();

  struct State;  // internal (api_internal.h)

 private:
  explicit ApiService(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace issuetracker::http
