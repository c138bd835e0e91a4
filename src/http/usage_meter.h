// UsageMeter: admits API calls against each company's monthly quota and counts them in
// api_calls_used without a storage write per call.
//
// Admission is decided in memory: a call is admitted while the company's api_calls_used as
// last read, plus the calls this process admitted since, is below its monthly_quota. The
// admitted calls are added to the stored api_calls_used in one atomic ADD per company
// (tracker::CompanyRepository::AddApiCalls) every flush interval, by a background thread;
// each flush reads the record back, which brings in other processes' calls and quota
// changes.
//
// Bound on over-admission: a process admits at most what it admits between two of its
// flushes beyond the quota (the company's rate limit times the flush interval, plus its
// burst: 20 + 10 x 0.2 s = 22 calls for a Basic company with the defaults), and N processes
// sharing the tables N times that. A process that dies loses at most its unflushed calls
// (they go uncounted).
//
// Thread-safety: all members are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/result.h"
#include "tenancy/tenant_context.h"
#include "tracker/tracker.h"

namespace issuetracker::http {

class UsageMeter {
 public:
  // Starts the flushing thread when `interval` > 0. `tracker` must outlive the meter.
  UsageMeter(tracker::Tracker& tracker, std::chrono::milliseconds interval);
  // Flushes what is pending, then stops the thread.
  ~UsageMeter();

  // Admits one call of ctx's company: OK, or QuotaExceeded ("... monthly quota ...").
  // The first call of a company reads its record (any storage error is returned).
  Status Admit(const tenancy::TenantContext& ctx);

  // Adds every pending count to storage now.
  void Flush();

  // Takes a company record just read or written here (its quota or usage changed) as what
  // is known of its usage; the calls admitted since the last flush stay pending.
  void Refresh(const tracker::Company& record);

 private:
  struct Entry {
    std::optional<tenancy::TenantContext> ctx;  // for flushing
    int64_t used = 0;                           // api_calls_used as last read
    int64_t quota = 0;
    int64_t pending = 0;  // admitted, not yet flushed
  };
  void Run();

  tracker::Tracker& tracker_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;  // guards entries_ and stop_
  std::unordered_map<std::string, Entry> entries_;
  bool stop_ = false;
  std::condition_variable wake_;
  std::mutex flush_mu_;  // one flush at a time
  std::thread thread_;
};

}  // namespace issuetracker::http
