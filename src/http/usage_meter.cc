#include "http/usage_meter.h"

#include <vector>

namespace issuetracker::http {

UsageMeter::UsageMeter(tracker::Tracker& tracker, std::chrono::milliseconds interval)
    : tracker_(tracker), interval_(interval) {
  if (interval_.count() > 0) thread_ = std::thread([this] { Run(); });
}

UsageMeter::~UsageMeter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  Flush();
}

void UsageMeter::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, interval_, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

Status UsageMeter::Admit(const tenancy::TenantContext& ctx) {
  const std::string& company = ctx.company_id().str();
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(company);
    if (it != entries_.end() && it->second.ctx &&
        it->second.ctx->scope().incarnation() == ctx.scope().incarnation()) {
      Entry& e = it->second;
      if (e.used + e.pending >= e.quota) {
        return Status(Code::kQuotaExceeded, "Company " + company +
                                                " has used its monthly quota of " +
                                                std::to_string(e.quota) + " API calls");
      }
      ++e.pending;
      return Status::Ok();
    }
  }
  // First call of the company (or of a new registration of its id): read its record.
  IT_ASSIGN_OR_RETURN(tracker::Company record, tracker_.companies().Get(ctx));
  std::lock_guard lock(mu_);
  Entry& e = entries_[company];
  if (!e.ctx || e.ctx->scope().incarnation() != ctx.scope().incarnation()) {
    e = Entry{ctx, record.api_calls_used, record.monthly_quota, 0};
  }
  if (e.used + e.pending >= e.quota) {
    return Status(Code::kQuotaExceeded, "Company " + company + " has used its monthly quota of " +
                                            std::to_string(e.quota) + " API calls");
  }
  ++e.pending;
  return Status::Ok();
}

void UsageMeter::Refresh(const tracker::Company& record) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(record.company_id.str());
  if (it == entries_.end()) return;
  it->second.used = record.api_calls_used;
  it->second.quota = record.monthly_quota;
}

void UsageMeter::Flush() {
  std::lock_guard flushing(flush_mu_);
  struct Work {
    std::string company;
    tenancy::TenantContext ctx;
    int64_t calls;
  };
  std::vector<Work> work;
  {
    std::lock_guard lock(mu_);
    for (auto& [company, e] : entries_) {
      if (e.ctx) work.push_back({company, *e.ctx, e.pending});
    }
  }
  for (Work& w : work) {
    auto record = tracker_.companies().AddApiCalls(w.ctx, w.calls);
    std::lock_guard lock(mu_);
    auto it = entries_.find(w.company);
    if (it == entries_.end()) continue;
    if (!record.ok()) {
      // Offboarded or re-registered: the calls cannot be counted any more; the next call
      // reads the record again. Storage errors: keep the count for the next flush.
      if (record.status().Is(Code::kUnauthenticated)) entries_.erase(it);
      continue;
    }
    Entry& e = it->second;
    e.pending -= w.calls;
    e.used = record->api_calls_used;
    e.quota = record->monthly_quota;
  }
}

}  // namespace issuetracker::http
