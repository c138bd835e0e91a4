#include "dynamo/client/retry.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "dynamo/client/http_pool.h"

namespace issuetracker::dynamo::client {

RetryKind ClassifyForRetry(const Status& status, bool idempotent) {
  switch (status.code()) {
    case Code::kThrottling:
    case Code::kProvisionedThroughputExceeded:
    case Code::kRequestLimitExceeded:
    case Code::kLimitExceeded:
      return RetryKind::kThrottling;
    case Code::kInternalServerError:
    case Code::kServiceUnavailable:
      return RetryKind::kTransient;
    case Code::kIOError: {
      const auto* transport = status.DetailAs<TransportDetail>();
      if (transport == nullptr) return RetryKind::kNone;
      if (transport->maybe_delivered && !idempotent) return RetryKind::kNone;
      return transport->timeout ? RetryKind::kTimeout : RetryKind::kTransient;
    }
    default:
      return RetryKind::kNone;
  }
}

RetryPolicy::RetryPolicy(RetryOptions options)
    : options_(std::move(options)),
      rng_(options_.jitter_seed ? options_.jitter_seed : std::random_device{}()),
      quota_(options_.quota_capacity) {}

std::optional<std::chrono::milliseconds> RetryPolicy::NextDelay(RetryKind kind, int attempt,
                                                                int* cost_taken) {
  if (kind == RetryKind::kNone || attempt >= options_.max_attempts) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  const int cost = kind == RetryKind::kTimeout ? 10 : 5;
  if (quota_ < cost) return std::nullopt;
  quota_ -= cost;
  *cost_taken = cost;
  const auto base =
      kind == RetryKind::kThrottling ? options_.throttling_base_delay : options_.base_delay;
  const double ceiling = std::min<double>(
      static_cast<double>(options_.max_backoff.count()),
      static_cast<double>(base.count()) * std::ldexp(1.0, std::min(attempt - 1, 30)));
  std::uniform_real_distribution<double> jitter(0.0, ceiling);
  return std::chrono::milliseconds(static_cast<int64_t>(jitter(rng_)));
}

void RetryPolicy::OnSuccess(int last_cost) {
  std::lock_guard<std::mutex> lock(mu_);
  quota_ = std::min(options_.quota_capacity, quota_ + (last_cost > 0 ? last_cost : 1));
}

void RetryPolicy::Sleep(std::chrono::milliseconds delay) const {
  if (options_.sleep) {
    options_.sleep(delay);
  } else if (delay.count() > 0) {
    std::this_thread::sleep_for(delay);
  }
}

int RetryPolicy::quota() const {
  std::lock_guard<std::mutex> lock(mu_);
  return quota_;
}

}  // namespace issuetracker::dynamo::client
