// The REST service over loopback HTTP (wrk) against the same requests handed to the
// handler in process, on the spec's sample data plus synthetic issues. Not a test; prints
// figures, ratios and the issue's targets (docs/benchmarks.md).
//
//   build/bench/api_bench [--issues=10000] [--duration=10] [--runs=3] [--connections=16]
//                         [--server-threads=0] [--companies=1] [--log=1] [--dir=/tmp/api_bench]
//                         [--only=get|list|create] [--serve-seconds=0]
//
// The GET and list use Sarah's token (a User of COMPANY001, Basic, which holds the issues);
// the creates rotate over the tokens of --companies companies (COMPANY001 and Basic
// companies BENCH01...), since each company's issue ids are one sequence on its record.
// The rate limit and quota of the companies are raised so that they measure the service,
// not the limiter. --log=1 writes the JSON request log to a file in --dir (as serve does).

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/wrk_runner.h"
#include "engine/engine.h"
#include "http/api_service.h"
#include "http/metered_backend.h"
#include "net/server.h"
#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tracker/sample_data.h"
#include "tracker/tracker.h"

namespace {

using namespace issuetracker;  // NOLINT: a benchmark program

constexpr std::string_view kSecret = "benchmark-secret-of-at-least-32-bytes!!";

using bench::RunWrk;
using bench::WrkResult;

std::string Token(const http::JwtSigner& signer, const std::string& company,
                  const std::string& user, const std::string& role,
                  const std::string& registration) {
  http::JwtClaims claims;
  const int64_t now = SystemClock::Default()->NowMicros() / 1'000'000;
  claims.issuer = "issuetracker";
  claims.audience = {"issuetracker-api"};
  claims.expires_at = now + 24 * 3600;
  claims.strings = {
      {"company", company}, {"user", user}, {"role", role}, {"registration", registration}};
  return signer.Sign(claims).value();
}

// Requests per second of `request` handed to the handler in process, on one thread.
double InProcess(http::ApiService& api, net::Request request, int calls) {
  net::Response response;
  const double start = bench::NowSeconds();
  int bad = 0;
  for (int i = 0; i < calls; ++i) {
    response.Clear();
    api.Handle(request, response);
    bad += response.status >= 300;
  }
  const double seconds = bench::NowSeconds() - start;
  if (bad > 0) std::printf("  (in process: %d non-2xx answers)\n", bad);
  return calls / seconds;
}

net::Request MakeRequest(const std::string& method, const std::string& target,
                         const std::string& token, const std::string& body) {
  net::Request r;
  r.method = method == "POST" ? net::Method::kPost : net::Method::kGet;
  r.method_text = method;
  r.target = target;
  net::ParseTarget(target, r);
  r.headers.Add("Host", "127.0.0.1");
  r.headers.Add("Authorization", "Bearer " + token);
  if (!body.empty()) r.headers.Add("Content-Type", "application/json");
  r.body = body;
  r.remote_address = "127.0.0.1";
  return r;
}

// Calls per second of `call` (the data layer's operation behind a request, without the
// service) on one thread; -1 when a call failed.
double DataLayer(const std::function<bool()>& call, int calls) {
  const double start = bench::NowSeconds();
  for (int i = 0; i < calls; ++i) {
    if (!call()) return -1;
  }
  return calls / (bench::NowSeconds() - start);
}

struct Scenario {
  std::string name;
  std::string wrk_args;              // script and its arguments
  net::Request request;              // the same request for the in-process figure
  std::function<bool()> data_layer;  // the tracker call the handler makes for it
  int in_process_calls;
  double target_rps;
  double target_p99_us;  // 0: none
};

}  // namespace

int main(int argc, char** argv) {
  const long long issues = bench::Flag(argc, argv, "issues", 10000);
  const long long duration = bench::Flag(argc, argv, "duration", 10);
  const long long runs = std::max(1LL, bench::Flag(argc, argv, "runs", 3));
  const long long connections = bench::Flag(argc, argv, "connections", 16);
  const long long server_threads = bench::Flag(argc, argv, "server-threads", 0);
  const long long companies = std::max(1LL, bench::Flag(argc, argv, "companies", 1));
  const bool log = bench::Flag(argc, argv, "log", 1) != 0;
  const long long serve_seconds = bench::Flag(argc, argv, "serve-seconds", 0);
  const std::string only = bench::FlagString(argc, argv, "only", "");
  const std::string dir =
      bench::FreshDir(bench::FlagString(argc, argv, "dir", "/tmp/api_bench"), "db");
  const std::string scripts = bench::FlagString(argc, argv, "scripts", "bench/wrk");

  engine::EngineOptions engine_options;
  engine_options.path = dir;
  auto engine = engine::Engine::Open(engine_options);
  if (!engine.ok()) {
    std::fprintf(stderr, "engine: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<dynamo::Backend> backend = http::WrapWithMetering(**engine);
  tenancy::Layout layout{tenancy::SchemaConfig{}};
  tenancy::SchemaCatalog catalog(layout);
  tenancy::Provisioner(*backend, catalog).ProvisionAll();
  auto admin = tenancy::AdminAccess::Grant("api_bench");
  if (!tracker::SeedSampleData(*backend, layout, admin).ok()) return 1;
  tracker::Tracker tracker(*backend, layout);

  // The synthetic issues, in COMPANY001; and the other companies of the create benchmark.
  const double load_start = bench::NowSeconds();
  std::vector<std::string> company_ids = {"COMPANY001"};
  for (long long c = 1; c < companies; ++c) {
    char id[32];
    std::snprintf(id, sizeof id, "BENCH%02lld", c);
    company_ids.push_back(id);
    tracker::NewCompany nc{
        .company_id = tracker::CompanyId::Parse(id).value(),
        .company_name = id,
        .contact_email = tracker::UserEmail::Parse("sarah@techstart.com").value()};
    if (!tracker.companies().Create(admin, nc).ok()) return 1;
  }
  for (const std::string& id : company_ids) {
    auto ctx = admin.ContextFor(*backend, layout, tracker::CompanyId::Parse(id).value());
    if (!ctx.ok() || !tracker.companies().UpdateLimits(*ctx, 1'000'000'000'000LL, 50).ok())
      return 1;
    if (id != "COMPANY001") {
      auto u =
          tracker.users().Create(*ctx, {tracker::UserEmail::Parse("sarah@techstart.com").value(),
                                        "Sarah", tracker::Role::kUser});
      if (!u.ok()) return 1;
    }
  }
  {
    auto ctx = admin.ContextFor(*backend, layout, tracker::CompanyId::Parse("COMPANY001").value());
    for (long long i = 0; i < issues; ++i) {
      tracker::NewIssue in{.title = "Synthetic issue " + std::to_string(i),
                           .description = "Generated by api_bench",
                           .priority = static_cast<tracker::Priority>(i % 4),
                           .labels = {"synthetic"},
                           .reporter = tracker::UserEmail::Parse("sarah@techstart.com").value()};
      if (!tracker.issues().Create(*ctx, in).ok()) return 1;
    }
  }
  std::printf("data: the spec's sample plus %lld issues in COMPANY001, %lld companies (%.1f s)\n",
              issues, companies, bench::NowSeconds() - load_start);

  http::ApiOptions options;
  options.jwt.hs256_secret = std::string(kSecret);
  options.jwt.issuer = "issuetracker";
  options.jwt.audience = "issuetracker-api";
  options.api_key_pepper = "benchmark-pepper-16+";
  for (const std::string& id : company_ids) options.company_rate_limits[id] = {1e9, 1e9};
  std::unique_ptr<http::RequestLogger> logger;
  if (log) {
    logger = http::RequestLogger::Create({.path = dir + "/../requests.log"}).value();
    options.request_log = logger.get();
  }
  auto api = http::ApiService::Create(std::move(options), tracker, *backend).value();
  auto signer = http::JwtSigner::Create({.hs256_secret = std::string(kSecret)}).value();
  std::vector<std::string> tokens;
  for (const std::string& id : company_ids) {
    auto ctx = admin.ContextFor(*backend, layout, tracker::CompanyId::Parse(id).value());
    if (!ctx.ok()) return 1;
    tokens.push_back(Token(*signer, id, "sarah@techstart.com", "User", ctx->scope().incarnation()));
  }

  net::ServerOptions server_options;
  server_options.threads = static_cast<int>(server_threads);
  http::ApiService* handler = api.get();
  auto server =
      net::Server::Start(server_options, [handler](const net::Request& q, net::Response& r) {
        handler->Handle(q, r);
      }).value();
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port());
  if (serve_seconds > 0) {
    std::printf("serving %s for %lld s; token: %s\n", url.c_str(), serve_seconds,
                tokens[0].c_str());
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(serve_seconds));
    return 0;
  }
  const std::string one = "/v1/issues/ISS-" + std::to_string(std::max(1LL, issues / 2));
  const std::string list = "/v1/issues?status=Open&limit=20";
  std::string all_tokens;
  for (const std::string& t : tokens) all_tokens += " " + t;
  const std::string create_body =
      R"({"title":"Benchmark issue","priority":"Medium","issue_type":"Task","labels":["bench"]})";
  // Sarah's context, as the service builds it, for the data layer's own figures.
  auto sarah = tracker.auth().Resume({tracker::UserEmail::Parse("sarah@techstart.com").value(),
                                      tracker::CompanyId::Parse("COMPANY001").value()},
                                     tracker::Role::kUser);
  if (!sarah.ok()) return 1;
  const tracker::IssueId one_id =
      tracker::IssueId::FromSequence(static_cast<uint64_t>(std::max(1LL, issues / 2)));
  const tracker::NewIssue new_issue{.title = "Benchmark issue",
                                    .issue_type = tracker::IssueType::kTask,
                                    .priority = tracker::Priority::kMedium,
                                    .labels = {"bench"}};
  std::vector<Scenario> scenarios = {
      {"get", "-s " + scripts + "/get.lua " + url + " -- " + one + " " + tokens[0],
       MakeRequest("GET", one, tokens[0], ""),
       [&] { return tracker.issues().Get(*sarah, one_id).ok(); }, 200000, 30000, 5000},
      {"list", "-s " + scripts + "/get.lua " + url + " -- '" + list + "' " + tokens[0],
       MakeRequest("GET", list, tokens[0], ""),
       [&] {
         return tracker.issues()
             .List(*sarah, tracker::IssueQuery::WithStatus(tracker::IssueStatus::kOpen),
                   {.limit = 20})
             .ok();
       },
       50000, 10000, 0},
      {"create", "-s " + scripts + "/create_issue.lua " + url + " --" + all_tokens,
       MakeRequest("POST", "/v1/issues", tokens[0], create_body),
       [&] { return tracker.issues().Create(*sarah, new_issue).ok(); }, 20000, 5000, 0},
  };
  std::string load;
  std::getline(std::ifstream("/proc/loadavg"), load);
  std::printf("server threads: %d (0 = %u cores); wrk -t1 -c%lld -d%llds; log: %s; load: %s\n",
              server_options.threads, std::thread::hardware_concurrency(), connections, duration,
              log ? "file" : "off", load.c_str());
  for (const Scenario& s : scenarios) {
    if (!only.empty() && only != s.name) continue;
    const double data_layer = DataLayer(s.data_layer, s.in_process_calls);
    const double in_process = InProcess(*api, s.request, s.in_process_calls);
    const std::string command = "wrk -t1 -c" + std::to_string(connections) + " -d" +
                                std::to_string(duration) + "s --latency " + s.wrk_args + " 2>&1";
    std::vector<WrkResult> results;
    for (long long i = 0; i < runs; ++i) {
      WrkResult r = RunWrk(command);
      if (!r.ok) {
        std::fprintf(stderr, "wrk did not run: %s\n", command.c_str());
        return 1;
      }
      std::printf(
          "%-6s run %lld: %8.0f req/s  p50 %6.0f us  p99 %6.0f us  CPU/req: server %.1f us, wrk "
          "%.1f us\n",
          s.name.c_str(), i + 1, r.requests_per_second, r.p50_us, r.p99_us,
          r.server_cpu_us / r.requests, r.wrk_cpu_us / r.requests);
      if (!r.errors.empty()) std::printf("  wrk reported: %s", r.errors.c_str());
      std::fflush(stdout);
      results.push_back(r);
    }
    std::sort(results.begin(), results.end(), [](const WrkResult& a, const WrkResult& b) {
      return a.requests_per_second < b.requests_per_second;
    });
    const WrkResult& m = results[results.size() / 2];
    const bool rate_met = m.requests_per_second >= s.target_rps;
    const bool p99_met = s.target_p99_us == 0 || m.p99_us < s.target_p99_us;
    const double server_cpu = m.server_cpu_us / m.requests;
    const double wrk_cpu = m.wrk_cpu_us / m.requests;
    std::printf(
        "%-6s median: %.0f req/s over HTTP, p99 %.0f us; in process, one thread: data layer %.0f "
        "calls/s, handler %.0f req/s; ratio in-process/HTTP %.2fx; CPU per request server %.1f "
        "us + wrk %.1f us (two idle cores: ~%.0f req/s); target >= %.0f req/s%s: %s\n",
        s.name.c_str(), m.requests_per_second, m.p99_us, data_layer, in_process,
        in_process / m.requests_per_second, server_cpu, wrk_cpu, 2e6 / (server_cpu + wrk_cpu),
        s.target_rps, s.target_p99_us > 0 ? " and p99 < 5 ms" : "",
        rate_met && p99_met ? "met" : "MISSED");
    std::fflush(stdout);
  }
  server->Stop();
  return 0;
}
