#include "bench/wrk_runner.h"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

namespace issuetracker::bench {
namespace {

double CpuMicros(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace

double ParseLatencyMicros(const std::string& text) {
  const double value = std::atof(text.c_str());
  if (text.find("us") != std::string::npos) return value;
  if (text.find("ms") != std::string::npos) return value * 1000;
  if (text.find('s') != std::string::npos) return value * 1e6;
  return value;
}

WrkResult RunWrk(const std::string& command) {
  WrkResult result;
  rusage self0{}, children0{};
  ::getrusage(RUSAGE_SELF, &self0);
  ::getrusage(RUSAGE_CHILDREN, &children0);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char line[1024];
  while (std::fgets(line, sizeof(line), pipe) != nullptr) {
    const std::string s(line);
    char unit[32];
    double value = 0;
    if (std::sscanf(line, "Requests/sec: %lf", &value) == 1) {
      result.requests_per_second = value;
      result.ok = true;
    } else if (s.find(" requests in ") != std::string::npos &&
               std::sscanf(line, " %lf requests in", &value) == 1) {
      result.requests = value;
    } else if (std::sscanf(line, " 50%% %31s", unit) == 1) {
      result.p50_us = ParseLatencyMicros(unit);
    } else if (std::sscanf(line, " 99%% %31s", unit) == 1) {
      result.p99_us = ParseLatencyMicros(unit);
    } else if (s.find("Socket errors") != std::string::npos ||
               s.find("Non-2xx") != std::string::npos) {
      result.errors += s;
    }
  }
  ::pclose(pipe);
  rusage self1{}, children1{};
  ::getrusage(RUSAGE_SELF, &self1);
  ::getrusage(RUSAGE_CHILDREN, &children1);
  result.server_cpu_us = CpuMicros(self1) - CpuMicros(self0);
  result.wrk_cpu_us = CpuMicros(children1) - CpuMicros(children0);
  return result;
}

}  // namespace issuetracker::bench
