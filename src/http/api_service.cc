#include "http/api_service.h"

#include <cctype>
#include <chrono>
#include <cstdio>

#include "http/api_internal.h"
#include "http/crypto.h"
#include "http/encoding.h"
#include "tracker/permissions.h"

namespace issuetracker::http {

using tracker::Tier;

std::map<Tier, UsagePlan> DefaultUsagePlans() {
  return {{Tier::kBasic, {10, 20, 1'000}},
          {Tier::kPremium, {50, 100, 10'000}},
          {Tier::kPlatinum, {500, 1'000, 1'000'000}}};
}

// ------------------------------------------------------------------ state

namespace {

RateLimiterOptions LimiterOptions(const Clock* clock) {
  RateLimiterOptions o;
  o.clock = clock;
  return o;
}

}  // namespace

ApiService::State::State(ApiOptions opts, tracker::Tracker& t, dynamo::Backend& b)
    : options(std::move(opts)),
      tracker(t),
      backend(b),
      clock(options.clock ? options.clock : SystemClock::Default()),
      limiter(LimiterOptions(clock)),
      metrics(registry),
      credentials(options.credential_cache_entries),
      usage(t, options.usage_flush_interval) {}

RateLimit ApiService::State::LimitFor(const std::string& company, Tier tier) const {
  if (auto it = options.company_rate_limits.find(company);
      it != options.company_rate_limits.end()) {
    return it->second;
  }
  auto plan = options.plans.find(tier);
  if (plan == options.plans.end()) return RateLimit{};
  return RateLimit{plan->second.rate_per_second, plan->second.burst};
}

Result<std::unique_ptr<ApiService>> ApiService::Create(ApiOptions options,
                                                       tracker::Tracker& tracker,
                                                       dynamo::Backend& backend) {
  JwtVerifierOptions jwt = options.jwt;
  if (jwt.clock == nullptr) jwt.clock = options.clock;
  IT_ASSIGN_OR_RETURN(std::unique_ptr<JwtVerifier> verifier, JwtVerifier::Create(jwt));
  IT_ASSIGN_OR_RETURN(ApiKeyHasher hasher, ApiKeyHasher::Create(options.api_key_pepper));
  for (const auto& [tier, plan] : options.plans) {
    if (!(plan.rate_per_second > 0) || !(plan.burst >= 1) || plan.monthly_quota < 0) {
      return Status::Validation("A usage plan needs a rate > 0, a burst >= 1 and a quota >= 0");
    }
  }
  auto state = std::make_unique<State>(std::move(options), tracker, backend);
  state->jwt = std::move(verifier);
  state->hasher = std::make_unique<ApiKeyHasher>(std::move(hasher));
  return std::unique_ptr<ApiService>(new ApiService(std::move(state)));
}

ApiService::ApiService(std::unique_ptr<State> state) : state_(std::move(state)) {}
ApiService::~ApiService() = default;

void ApiService::SetReady(bool ready) { state_->ready.store(ready); }
void ApiService::FlushUsage() { state_->usage.Flush(); }
MetricsRegistry& ApiService::metrics() { return state_->registry; }

// ------------------------------------------------------------------ the pipeline

namespace {

void AddThrottled(ApiService::State& state, const std::string& company, std::string_view why) {
  state.metrics.throttled->CounterWith({company, why}).Increment();
}

// The admission of a tenant call: rate limit, then the monthly quota.
Status Admit(ApiService::State& state, const tenancy::TenantContext& ctx, net::Response& resp) {
  const std::string& company = ctx.company_id().str();
  RateLimitDecision decision = state.limiter.Acquire(company, state.LimitFor(company, ctx.tier()));
  AddRateLimitHeaders(decision, resp.headers);
  if (!decision.allowed) {
    AddThrottled(state, company, "rate_limited");
    return ApiError(429, "rate_limited",
                    "Company " + company +
                        " is over the request rate of its usage plan; retry "
                        "after " +
                        std::to_string(decision.retry_after_seconds) + " s");
  }
  Status quota = state.usage.Admit(ctx);
  if (quota.Is(Code::kQuotaExceeded)) {
    AddThrottled(state, company, "monthly_quota");
    return ApiError(429, "monthly_quota_exceeded", quota.message());
  }
  return quota;
}

std::string RequestHash(const net::Request& req) {
  std::string text = req.method_text;
  text += ' ';
  text += req.path;
  text += '\n';
  text += req.body;
  return HexEncode(Sha256(text));
}

// Runs a create under its Idempotency-Key when it has one.
Status RunIdempotent(Call& call, RouteHandler handler) {
  std::optional<std::string_view> key = call.req.headers.Find("Idempotency-Key");
  if (!key) return handler(call);
  tracker::IdempotencyRepository& records = call.state.tracker.idempotency();
  const std::string hash = RequestHash(call.req);
  auto held = records.Reserve(*call.ctx, *key, hash);
  if (!held.ok()) {
    if (held.status().Is(Code::kValidation)) {
      return ApiError(400, "invalid_header", held.status().message());
    }
    return held.status();
  }
  if (held->has_value()) {
    const tracker::IdempotencyRecord& r = **held;
    if (r.request_hash != hash) {
      return ApiError(422, "idempotency_key_reused",
                      "This Idempotency-Key was used for another request");
    }
    if (!r.completed) {
      call.resp.headers.Set("Retry-After", "1");
      return ApiError(409, "idempotency_key_in_use",
                      "A request with this Idempotency-Key is still running");
    }
    call.resp.status = r.status;
    call.resp.headers.Set("Content-Type", "application/json");
    call.resp.body = r.body;
    if (!r.location.empty()) call.resp.headers.Set("Location", r.location);
    if (!r.etag.empty()) call.resp.headers.Set("ETag", r.etag);
    call.resp.headers.Set("Idempotent-Replayed", "true");
    return Status::Ok();
  }
  Status handled = handler(call);
  if (handled.ok() && call.resp.status >= 200 && call.resp.status < 300) {
    tracker::IdempotencyRecord response{.status = call.resp.status, .body = call.resp.body};
    if (auto l = call.resp.headers.Find("Location")) response.location = *l;
    if (auto e = call.resp.headers.Find("ETag")) response.etag = *e;
    // The creation happened; failing to record it only costs a later retry its replay.
    (void)records.Complete(*call.ctx, *key, hash, response);
  } else {
    (void)records.Release(*call.ctx, *key, hash);
  }
  return handled;
}

Status Dispatch(Call& call, Principal& principal,
                std::optional<tenancy::TenantContext>& ctx_holder) {
  const Route& route = *call.match.route;
  if (route.caller == Caller::kAnyone) return HandleOps(call);
  IT_ASSIGN_OR_RETURN(principal, Authenticate(call.state, call.req));
  call.principal = &principal;
  if (route.caller == Caller::kPlatform) {
    if (!principal.platform) {
      return ApiError(403, "forbidden", "This operation needs a platform operator's token");
    }
    return HandlerFor(route.id)(call);
  }
  if (principal.platform) {
    return ApiError(403, "forbidden", "A platform operator's token acts for no company");
  }
  IT_ASSIGN_OR_RETURN(tenancy::TenantContext ctx, ContextOf(call.state, principal));
  ctx_holder.emplace(std::move(ctx));
  call.ctx = &*ctx_holder;
  IT_RETURN_IF_ERROR(Admit(call.state, *call.ctx, call.resp));
  MeteringScope metering(call.state.metrics.MeterFor(principal.company));
  if (route.idempotent_create) return RunIdempotent(call, HandlerFor(route.id));
  return HandlerFor(route.id)(call);
}

}  // namespace

void ApiService::Handle(const net::Request& req, net::Response& resp) {
  State& state = *state_;
  const auto started = std::chrono::steady_clock::now();
  std::string request_id;
  if (auto given = req.headers.Find("X-Request-Id"); given && IsValidRequestId(*given)) {
    request_id = *given;
  } else {
    request_id = NewRequestId();
  }
  RouteMatch match = MatchRoute(req.method, req.path);
  Principal principal;
  std::optional<tenancy::TenantContext> ctx;
  Status status;
  if (match.route == nullptr) {
    if (!match.allowed.empty()) {
      resp.headers.Set("Allow", match.allowed);
      status = ApiError(405, "method_not_allowed",
                        "Method " + req.method_text + " is not allowed here; use " + match.allowed);
    } else {
      status = ApiError(404, "route_not_found", "No resource at " + req.path);
    }
  } else if (!match.decodable) {
    status = ApiError(400, "invalid_parameter", "A path segment is not valid percent-encoding");
  } else {
    Call call{req, resp, match, state, request_id};
    status = Dispatch(call, principal, ctx);
  }
  if (!status.ok()) {
    Problem problem = ApiProblem(status, request_id);
    if (problem.status == 401) {
      resp.headers.Set("WWW-Authenticate", "Bearer realm=\"issuetracker\"");
    }
    WriteProblem(problem, resp);
    state.metrics.errors->CounterWith({problem.code}).Increment();
  }
  resp.headers.Set("X-Request-Id", request_id);

  const RouteId route = match.route ? match.route->id : RouteId::kCount;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  state.metrics.Requests(route, resp.status).Increment();
  state.metrics.Latency(route).Observe(seconds);
  if (state.options.request_log != nullptr) {
    RequestLogRecord record;
    record.request_id = request_id;
    record.company = principal.company;
    record.user = principal.user;
    record.method = req.method_text;
    record.route = match.route ? match.route->pattern : std::string_view("unmatched");
    record.path = req.path;
    record.status = resp.status;
    record.latency_us = static_cast<int64_t>(seconds * 1e6);
    record.response_bytes = resp.body.size();
    record.remote_address = req.remote_address;
    state.options.request_log->Log(record);
  }
}

void WriteServerError(int status, std::string_view detail, net::Response& response) {
  Problem p;
  p.status = status;
  switch (status) {
    case 400:
      p.code = "bad_request";
      break;
    case 408:
      p.code = "request_timeout";
      break;
    case 413:
      p.code = "payload_too_large";
      break;
    case 431:
      p.code = "header_too_large";
      break;
    case 505:
      p.code = "http_version_not_supported";
      break;
    default:
      p.code = status >= 500 ? "internal" : "bad_request";
  }
  p.detail = std::string(detail);
  WriteProblem(p, response);
}

// ------------------------------------------------------------------ helpers

Result<JsonObject> BodyOf(const Call& call) {
  std::optional<std::string_view> type = call.req.headers.Find("Content-Type");
  std::string_view media = type ? type->substr(0, type->find(';')) : std::string_view();
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (!net::EqualsIgnoreCase(media, "application/json")) {
    return ApiError(415, "unsupported_media_type",
                    "The body must be application/json (Content-Type)");
  }
  return JsonObject::Parse(call.req.body);
}

Status CheckIfMatch(const Call& call, std::string_view current_etag) {
  std::optional<std::string_view> given = call.req.headers.Find("If-Match");
  if (!given) {
    return ApiError(428, "precondition_required",
                    "This write needs an If-Match header with the resource's ETag");
  }
  std::string_view list = *given;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view tag = list.substr(0, comma);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag == "*" || tag == current_etag) return Status::Ok();
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return ApiError(412, "precondition_failed",
                  "The resource changed: its ETag is now " + std::string(current_etag));
}

Result<tracker::PageRequest> PageOf(const Call& call) {
  tracker::PageRequest page;
  if (auto limit = call.req.FindQueryParam("limit")) {
    int value = 0;
    bool digits = !limit->empty() && limit->size() <= 3;
    for (char c : *limit) {
      digits = digits && c >= '0' && c <= '9';
      if (digits) value = value * 10 + (c - '0');
    }
    if (!digits || value < 1 || value > tracker::kMaxPageSize) {
      return ApiError(
          400, "invalid_parameter",
          "limit must be an integer from 1 to " + std::to_string(tracker::kMaxPageSize));
    }
    page.limit = value;
  }
  if (auto cursor = call.req.FindQueryParam("cursor")) {
    if (cursor->empty() || cursor->size() > tenancy::kMaxPageTokenLength) {
      return ApiError(400, "invalid_cursor", "The cursor is not one this API returned");
    }
    page.token = std::string(*cursor);
  }
  return page;
}

void WriteJson(Call& call, int status, std::string body, std::string_view etag) {
  call.resp.status = status;
  call.resp.headers.Set("Content-Type", "application/json");
  if (!etag.empty()) call.resp.headers.Set("ETag", etag);
  call.resp.body = std::move(body);
}

std::string NextLink(const Call& call, std::string_view cursor) {
  std::string link = call.req.path;
  char sep = '?';
  for (const net::QueryParam& p : call.req.query_params) {
    if (p.name == "cursor") continue;
    link += sep;
    sep = '&';
    link += p.name;  // names the API reads are plain words
    link += '=';
    for (unsigned char c : p.value) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '@') {
        link += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        link += buf;
      }
    }
  }
  link += sep;
  link += "cursor=";
  link += cursor;  // base64url: safe in a query
  return link;
}

void WritePageEnvelope(Call& call, std::string items_json,
                       const std::optional<std::string>& next_cursor) {
  std::string body;
  body.reserve(items_json.size() + 64);
  JsonWriter w(body);
  w.BeginObject().Key("items").Raw(items_json);
  w.Key("next_cursor");
  if (next_cursor) {
    w.String(*next_cursor);
    std::string next = NextLink(call, *next_cursor);
    w.Member("next", next);
    call.resp.headers.Set("Link", "<" + next + ">; rel=\"next\"");
  } else {
    w.Null();
    w.Key("next").Null();
  }
  w.EndObject();
  WriteJson(call, 200, std::move(body));
}

}  // namespace issuetracker::http
