// Runs wrk (Debian's HTTP load generator) against a server in this process and reads its
// report, for the HTTP benchmarks.
#pragma once

#include <string>

namespace issuetracker::bench {

struct WrkResult {
  bool ok = false;
  double requests_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  double requests = 0;       // completed during the run
  double server_cpu_us = 0;  // CPU time (user + system) of this process during the run
  double wrk_cpu_us = 0;     // CPU time of wrk
  std::string errors;        // wrk's "Socket errors" / "Non-2xx" lines, if any
};

// "123.45us" / "1.20ms" / "2.00s" as microseconds.
double ParseLatencyMicros(const std::string& text);

// Runs `command` (a wrk command line with --latency) and measures the CPU time it and this
// process (the server) used meanwhile, a figure that other load on the machine disturbs
// much less than requests per second.
WrkResult RunWrk(const std::string& command);

}  // namespace issuetracker::bench
