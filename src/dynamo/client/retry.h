// Retries as the AWS SDKs' "standard" retry mode:
//   - retried: throttling errors (ThrottlingException, ProvisionedThroughputExceededException,
//     RequestLimitExceeded, LimitExceededException), transient errors (InternalServerError,
//     ServiceUnavailable and any HTTP 5xx) and connection failures and timeouts;
//   - a connection failure after the request may have reached the server (written, no
//     answer) is retried only for an idempotent request: the caller says which;
//   - the delay before retry n (n = 1, 2, ...) is uniformly random in
//     [0, min(max_backoff, base * 2^(n-1))] ("full jitter"), base being the throttling
//     base for throttling errors;
//   - at most max_attempts attempts in all;
//   - a retry quota shared by every call (standard mode's token bucket: a retry takes 5
//     tokens, 10 after a timeout; a success returns what its retries took, or 1 token when
//     it needed none) stops retry storms when the service is down.
// The defaults follow the AWS SDKs' DynamoDB settings (base 25 ms, 500 ms for throttling,
// 20 s cap); AWS_MAX_ATTEMPTS overrides max_attempts, as in the SDKs.
//
// Thread-safety: a RetryPolicy may be used from many threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <random>

#include "common/status.h"

namespace issuetracker::dynamo::client {

struct RetryOptions {
  int max_attempts = 10;
  std::chrono::milliseconds base_delay{25};
  std::chrono::milliseconds throttling_base_delay{500};
  std::chrono::milliseconds max_backoff{20000};
  int quota_capacity = 500;
  // How the policy waits (tests substitute a recorder); default: std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
  uint64_t jitter_seed = 0;  // 0: seeded from std::random_device
};

enum class RetryKind : uint8_t { kNone, kThrottling, kTransient, kTimeout };

// How `status` should be retried, if at all. `idempotent` says whether the request may be
// sent again after it possibly reached the server.
RetryKind ClassifyForRetry(const Status& status, bool idempotent);

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryOptions options);

  // After attempt `attempt` (1-based) failed with `kind`: the delay to wait before the next
  // attempt, or nullopt when no retry is allowed (attempts or quota exhausted). Takes quota
  // and stores the amount in *cost.
  std::optional<std::chrono::milliseconds> NextDelay(RetryKind kind, int attempt, int* cost);
  // After a call succeeded: returns `last_cost` (the quota its last retry took), or one
  // token when it needed no retry (last_cost 0).
  void OnSuccess(int last_cost);
  // Waits `delay` (through options.sleep).
  void Sleep(std::chrono::milliseconds delay) const;

  const RetryOptions& options() const { return options_; }
  int quota() const;

 private:
  RetryOptions options_;
  mutable std::mutex mu_;  // guards the members below
  std::mt19937_64 rng_;
  int quota_;
};

}  // namespace issuetracker::dynamo::client
