#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "net/http_types.h"

namespace issuetracker::http {
namespace {

constexpr double kMinRate = 1e-6;
constexpr int64_t kMaxSeconds = int64_t{1} << 40;  // keeps conversions in range

// Hashes std::string and std::string_view alike (heterogeneous lookup: no allocation to
// find a key).
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

int64_t CeilSeconds(double seconds) {
  if (!(seconds > 0)) return 0;
  return static_cast<int64_t>(
      std::min(std::ceil(seconds - 1e-9), static_cast<double>(kMaxSeconds)));
}

}  // namespace

namespace internal {

struct TokenBucket {
  double tokens = 0;
  int64_t updated_micros = 0;
  double rate = 1;
  double burst = 1;
  // Intrusive LRU list of the shard (most recent at the head).
  TokenBucket* prev = nullptr;
  TokenBucket* next = nullptr;
  const std::string* key = nullptr;

  // Refills up to `now`.
  void Refill(int64_t now) {
    const int64_t elapsed = now - updated_micros;
    if (elapsed > 0) {
      tokens = std::min(burst, tokens + static_cast<double>(elapsed) * 1e-6 * rate);
      updated_micros = now;
    } else if (elapsed < 0) {
      updated_micros = now;  // the clock went back: no refill, restart from now
    }
  }
  bool FullAt(int64_t now) const {
    return tokens + static_cast<double>(std::max<int64_t>(0, now - updated_micros)) * 1e-6 * rate >=
           burst;
  }
};

}  // namespace internal

using internal::TokenBucket;

struct RateLimiter::Shard {
  std::mutex mu;  // guards everything below
  std::unordered_map<std::string, TokenBucket, KeyHash, std::equal_to<>> buckets;
  TokenBucket* head = nullptr;
  TokenBucket* tail = nullptr;

  void Unlink(TokenBucket* b) {
    (b->prev ? b->prev->next : head) = b->next;
    (b->next ? b->next->prev : tail) = b->prev;
    b->prev = b->next = nullptr;
  }
  void PushFront(TokenBucket* b) {
    b->next = head;
    b->prev = nullptr;
    if (head) head->prev = b;
    head = b;
    if (!tail) tail = b;
  }
  void Erase(TokenBucket* b) {
    Unlink(b);
    buckets.erase(buckets.find(std::string_view(*b->key)));
  }
};

RateLimiter::RateLimiter(RateLimiterOptions options)
    : clock_(options.clock ? options.clock : SystemClock::Default()) {
  size_t shards = 1;
  while (shards < std::max<size_t>(1, options.shards)) shards <<= 1;
  shard_mask_ = shards - 1;
  max_keys_per_shard_ = std::max<size_t>(1, options.max_keys / shards);
  shards_ = std::make_unique<Shard[]>(shards);
}

RateLimiter::~RateLimiter() = default;

RateLimiter::Shard& RateLimiter::ShardFor(std::string_view key) const {
  const size_t hash = KeyHash()(key);
  // The map buckets on the low bits of the same hash: pick the shard from the high ones.
  return shards_[(hash >> 40) & shard_mask_];
}

RateLimitDecision RateLimiter::Acquire(std::string_view key, const RateLimit& limit, double cost) {
  const double rate = std::max(kMinRate, limit.rate_per_second);
  const double burst = std::max(1.0, limit.burst);
  cost = std::max(0.0, cost);
  const int64_t now = clock_->NowMicros();
  Shard& shard = ShardFor(key);

  RateLimitDecision d;
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.buckets.find(key);
  TokenBucket* bucket = nullptr;
  if (it != shard.buckets.end()) {
    bucket = &it->second;
    shard.Unlink(bucket);
  } else {
    // Drop idle (full) buckets from the cold end; if still at the bound, the coldest.
    for (int i = 0; i < 2 && shard.tail && shard.tail->FullAt(now); ++i) shard.Erase(shard.tail);
    if (shard.buckets.size() >= max_keys_per_shard_ && shard.tail) {
      shard.Erase(shard.tail);
      evicted_in_use_.fetch_add(1, std::memory_order_relaxed);
    }
    auto [inserted, ok] = shard.buckets.try_emplace(std::string(key));
    bucket = &inserted->second;
    bucket->key = &inserted->first;
    bucket->tokens = burst;
    bucket->updated_micros = now;
  }
  bucket->rate = rate;
  bucket->burst = burst;
  bucket->Refill(now);
  bucket->tokens = std::min(bucket->tokens, burst);
  shard.PushFront(bucket);
  // One more idle bucket out per call keeps memory near the working set.
  if (shard.tail && shard.tail != bucket && shard.tail->FullAt(now)) shard.Erase(shard.tail);

  d.allowed = bucket->tokens >= cost;
  if (d.allowed) bucket->tokens -= cost;
  d.limit = static_cast<int64_t>(std::floor(burst));
  d.remaining = static_cast<int64_t>(std::floor(bucket->tokens + 1e-9));
  d.reset_seconds = CeilSeconds((burst - bucket->tokens) / rate);
  if (!d.allowed)
    d.retry_after_seconds = std::max<int64_t>(1, CeilSeconds((cost - bucket->tokens) / rate));
  return d;
}

size_t RateLimiter::size() const {
  size_t total = 0;
  for (size_t i = 0; i <= shard_mask_; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    total += shards_[i].buckets.size();
  }
  return total;
}

void AddRateLimitHeaders(const RateLimitDecision& decision, net::Headers& headers) {
  headers.Set("RateLimit-Limit", std::to_string(decision.limit));
  headers.Set("RateLimit-Remaining", std::to_string(decision.remaining));
  headers.Set("RateLimit-Reset", std::to_string(decision.reset_seconds));
  if (!decision.allowed) headers.Set("Retry-After", std::to_string(decision.retry_after_seconds));
}

}  // namespace issuetracker::http
