// The HTTP server core's overhead: a trivial handler served over loopback HTTP/1.1 with
// keep-alive, measured by wrk (16 connections), against the same handler called in
// process. Not a test; prints figures and a ratio (see docs/benchmarks.md).
//
//   build/bench/net_bench [--duration=10] [--runs=3] [--connections=16] [--wrk-threads=1]
//                         [--server-threads=0] [--serve-seconds=0]
// Each run is reported; the summary takes the run with the median throughput.
// --serve-seconds=N only serves for N seconds (for profiling or a manual wrk run).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/wrk_runner.h"
#include "net/server.h"

namespace {

using issuetracker::bench::RunWrk;
using issuetracker::bench::WrkResult;
using issuetracker::net::Request;
using issuetracker::net::Response;

// The handler under test: what a health check or a cached GET costs at the least.
void TrivialHandler(const Request& request, Response& response) {
  response.headers.Add("Content-Type", "text/plain");
  if (request.path == "/") {
    response.body.assign("ok\n");
  } else {
    response.status = 404;
  }
}

// Nanoseconds per call of the handler in process, through the same std::function and
// with the Request/Response reuse a session does.
double InProcessNanos(const issuetracker::net::Handler& handler, long long calls) {
  Request request;
  request.method_text = "GET";
  request.target = "/";
  request.path = "/";
  request.headers.Add("Host", "127.0.0.1:8080");
  Response response;
  size_t sink = 0;
  const double start = issuetracker::bench::NowSeconds();
  for (long long i = 0; i < calls; ++i) {
    response.Clear();
    handler(request, response);
    sink += response.body.size();
  }
  const double seconds = issuetracker::bench::NowSeconds() - start;
  if (sink == 0) std::printf("(unexpected empty bodies)\n");
  return seconds * 1e9 / static_cast<double>(calls);
}

}  // namespace

int main(int argc, char** argv) {
  using issuetracker::bench::Flag;
  const long long duration = Flag(argc, argv, "duration", 10);
  const long long runs = std::max(1LL, Flag(argc, argv, "runs", 3));
  const long long connections = Flag(argc, argv, "connections", 16);
  const long long wrk_threads = Flag(argc, argv, "wrk-threads", 1);
  const long long server_threads = Flag(argc, argv, "server-threads", 0);
  const long long serve_seconds = Flag(argc, argv, "serve-seconds", 0);

  const issuetracker::net::Handler handler = TrivialHandler;
  issuetracker::net::ServerOptions options;
  options.address = "127.0.0.1";
  options.port = static_cast<uint16_t>(Flag(argc, argv, "port", 0));
  options.threads = static_cast<int>(server_threads);
  auto started = issuetracker::net::Server::Start(options, handler);
  if (!started.ok()) {
    std::fprintf(stderr, "start: %s\n", started.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<issuetracker::net::Server> server = std::move(started).value();
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port()) + "/";
  if (serve_seconds > 0) {
    std::printf("serving %s for %lld s\n", url.c_str(), serve_seconds);
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(serve_seconds));
    server->Stop();
    return 0;
  }

  const double in_process_ns = InProcessNanos(handler, 2000000);
  const std::string command = "wrk -t" + std::to_string(wrk_threads) + " -c" +
                              std::to_string(connections) + " -d" + std::to_string(duration) +
                              "s --latency " + url + " 2>&1";
  std::string load;
  std::getline(std::ifstream("/proc/loadavg"), load);
  std::printf("server threads: %d (0 = hardware concurrency %u); load average before: %s\n",
              options.threads, std::thread::hardware_concurrency(), load.c_str());
  std::printf("wrk: %s\n", command.c_str());
  std::fflush(stdout);
  // A short warm-up, then the measured runs.
  RunWrk("wrk -t1 -c" + std::to_string(connections) + " -d1s " + url + " >/dev/null 2>&1");
  std::vector<WrkResult> results;
  for (long long i = 0; i < runs; ++i) {
    WrkResult r = RunWrk(command);
    if (!r.ok) {
      std::fprintf(stderr, "wrk did not run (install it: apt-get install wrk)\n");
      return 1;
    }
    std::printf(
        "run %lld: %9.0f requests/s  p50 %6.0f us  p99 %6.0f us  CPU per request: server %.2f "
        "us, wrk %.2f us\n",
        i + 1, r.requests_per_second, r.p50_us, r.p99_us, r.server_cpu_us / r.requests,
        r.wrk_cpu_us / r.requests);
    if (!r.errors.empty()) std::printf("  wrk reported: %s", r.errors.c_str());
    std::fflush(stdout);
    results.push_back(r);
  }
  server->Stop();
  std::sort(results.begin(), results.end(), [](const WrkResult& a, const WrkResult& b) {
    return a.requests_per_second < b.requests_per_second;
  });
  const WrkResult& wrk = results[results.size() / 2];
  const double in_process_rps = 1e9 / in_process_ns;
  std::printf("in process  (one thread): %12.0f requests/s  (%.1f ns per call)\n", in_process_rps,
              in_process_ns);
  std::printf("over HTTP   (%lld conns, median run): %9.0f requests/s  p50 %.0f us  p99 %.0f us\n",
              connections, wrk.requests_per_second, wrk.p50_us, wrk.p99_us);
  std::printf("ratio in-process/HTTP: %.0fx; HTTP cost per request: %.2f us of wall time\n",
              in_process_rps / wrk.requests_per_second, 1e6 / wrk.requests_per_second);
  // What two cores could serve if the server and wrk had them to themselves: every
  // request costs the server's and wrk's CPU time.
  const double server_cpu = wrk.server_cpu_us / wrk.requests;
  const double wrk_cpu = wrk.wrk_cpu_us / wrk.requests;
  std::printf(
      "CPU per request: server %.2f us, wrk %.2f us; two idle cores would serve about %.0f "
      "requests/s with wrk sharing them, %.0f without\n",
      server_cpu, wrk_cpu, 2e6 / (server_cpu + wrk_cpu), 2e6 / server_cpu);
  std::printf("target >= 80000 requests/s: %s; p99 < 5 ms: %s\n",
              wrk.requests_per_second >= 80000 ? "met" : "MISSED",
              wrk.p99_us < 5000 ? "met" : "MISSED");
  return 0;
}
