// Token-bucket rate limiting keyed by a string (a company, an API key id, a user...).
//
// Each key has a bucket holding up to `burst` tokens that refills continuously at
// `rate_per_second`; a request takes `cost` tokens (1 by default) or is refused. The limit
// is passed on every call, so per-company plans and their changes apply at once (a bucket
// whose burst shrinks is clamped to it).
//
// Memory is bounded: at most max_keys buckets. A bucket that has refilled to full is
// indistinguishable from an absent one, so such idle buckets are evicted as calls pass by
// (least recently used first) at no cost in accuracy; only when every bucket is in use and
// a new key arrives is the least recently used bucket dropped (that key then starts again
// full; counted in evicted_in_use()).
//
// Thread-safety: all members are thread-safe. Buckets are spread over independently
// locked shards, so calls for different keys rarely contend.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "common/clock.h"

namespace issuetracker::net {
class Headers;
}

namespace issuetracker::http {

struct RateLimit {
  double rate_per_second = 10;  // > 0
  double burst = 20;            // >= 1: the most requests allowed at once
};

// The outcome of one call, with what the RateLimit-* headers (IETF draft
// "RateLimit header fields for HTTP") and Retry-After (RFC 9110 section 10.2.3) say.
struct RateLimitDecision {
  bool allowed = false;
  int64_t limit = 0;                // RateLimit-Limit: the burst
  int64_t remaining = 0;            // RateLimit-Remaining: whole tokens left after the call
  int64_t reset_seconds = 0;        // RateLimit-Reset: seconds until the bucket is full
  int64_t retry_after_seconds = 0;  // Retry-After when refused (>= 1); 0 when allowed
};

// Adds RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset and, when refused,
// Retry-After.
void AddRateLimitHeaders(const RateLimitDecision& decision, net::Headers& headers);

struct RateLimiterOptions {
  size_t shards = 64;            // rounded up to a power of two
  size_t max_keys = 100000;      // buckets kept at most (over all shards)
  const Clock* clock = nullptr;  // SystemClock::Default() when null; not owned
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimiterOptions options = {});
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes `cost` tokens from `key`'s bucket if it holds them. Invalid limits are clamped
  // (rate to at least 1e-6 per second, burst to at least 1).
  RateLimitDecision Acquire(std::string_view key, const RateLimit& limit, double cost = 1);

  // Buckets currently held.
  size_t size() const;
  // Buckets dropped while not yet full (see above).
  uint64_t evicted_in_use() const { return evicted_in_use_.load(std::memory_order_relaxed); }

 private:
  struct Shard;
  Shard& ShardFor(std::string_view key) const;

  const Clock* clock_;
  size_t shard_mask_;
  size_t max_keys_per_shard_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<uint64_t> evicted_in_use_{0};
};

}  // namespace issuetracker::http
