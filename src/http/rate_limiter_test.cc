#include "http/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "net/http_types.h"

namespace issuetracker::http {
namespace {

constexpr int64_t kStart = int64_t{1700000000} * 1000000;

TEST(RateLimiterTest, BurstThenRefusalWithHeaderValues) {
  ManualClock clock(kStart);
  RateLimiter limiter({.clock = &clock});
  const RateLimit limit{.rate_per_second = 1, .burst = 5};
  for (int i = 0; i < 5; ++i) {
    RateLimitDecision d = limiter.Acquire("company-1", limit);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit, 5);
    EXPECT_EQ(d.remaining, 4 - i);
    EXPECT_EQ(d.reset_seconds, i + 1);  // seconds to refill what has been taken
    EXPECT_EQ(d.retry_after_seconds, 0);
  }
  RateLimitDecision refused = limiter.Acquire("company-1", limit);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after_seconds, 1);
  EXPECT_EQ(refused.reset_seconds, 5);
}

TEST(RateLimiterTest, RefillsContinuously) {
  ManualClock clock(kStart);
  RateLimiter limiter({.clock = &clock});
  const RateLimit limit{.rate_per_second = 2, .burst = 2};
  EXPECT_TRUE(limiter.Acquire("k", limit).allowed);
  EXPECT_TRUE(limiter.Acquire("k", limit).allowed);
  EXPECT_FALSE(limiter.Acquire("k", limit).allowed);
  clock.AdvanceMicros(250000);  // half a token
  RateLimitDecision d = limiter.Acquire("k", limit);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 1);  // 0.25 s rounded up to whole seconds
  clock.AdvanceMicros(250000);
  EXPECT_TRUE(limiter.Acquire("k", limit).allowed);
  clock.AdvanceMicros(60 * 1000000);  // never more than the burst
  EXPECT_EQ(limiter.Acquire("k", limit).remaining, 1);
}

TEST(RateLimiterTest, SlowRatesGiveLongRetryAfter) {
  ManualClock clock(kStart);
  RateLimiter limiter({.clock = &clock});
  const RateLimit limit{.rate_per_second = 0.1, .burst = 1};
  EXPECT_TRUE(limiter.Acquire("k", limit).allowed);
  RateLimitDecision d = limiter.Acquire("k", limit);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 10);
  EXPECT_EQ(d.reset_seconds, 10);
}

TEST(RateLimiterTest, KeysAreIndependentAndCostsCount) {
  ManualClock clock(kStart);
  RateLimiter limiter({.clock = &clock});
  const RateLimit limit{.rate_per_second = 1, .burst = 10};
  EXPECT_TRUE(limiter.Acquire("a", limit, 10).allowed);
  EXPECT_FALSE(limiter.Acquire("a", limit).allowed);
  EXPECT_TRUE(limiter.Acquire("b", limit).allowed);
  RateLimitDecision big = limiter.Acquire("b", limit, 10);  // 9 left: refused, nothing taken
  EXPECT_FALSE(big.allowed);
  EXPECT_EQ(big.remaining, 9);
  EXPECT_EQ(big.retry_after_seconds, 1);
  EXPECT_EQ(limiter.size(), 2u);
}

TEST(RateLimiterTest, ShrinkingTheBurstClampsTheBucket) {
  ManualClock clock(kStart);
  RateLimiter limiter({.clock = &clock});
  EXPECT_EQ(limiter.Acquire("k", {.rate_per_second = 1, .burst = 10}).remaining, 9);
  RateLimitDecision d = limiter.Acquire("k", {.rate_per_second = 1, .burst = 3});
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.limit, 3);
  EXPECT_EQ(d.remaining, 2);
}

TEST(RateLimiterTest, ClockGoingBackDoesNotRefill) {
  ManualClock clock(kStart);
  RateLimiter limiter({.clock = &clock});
  const RateLimit limit{.rate_per_second = 1, .burst = 1};
  EXPECT_TRUE(limiter.Acquire("k", limit).allowed);
  clock.SetMicros(kStart - 3600 * 1000000LL);
  EXPECT_FALSE(limiter.Acquire("k", limit).allowed);
  clock.AdvanceMicros(1000000);
  EXPECT_TRUE(limiter.Acquire("k", limit).allowed);
}

TEST(RateLimiterTest, IdleBucketsAreEvictedWithoutLosingState) {
  ManualClock clock(kStart);
  RateLimiter limiter({.shards = 1, .max_keys = 64, .clock = &clock});
  const RateLimit limit{.rate_per_second = 100, .burst = 1};
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(limiter.Acquire("key-" + std::to_string(i), limit).allowed);
    clock.AdvanceMicros(1000);  // each bucket is full again 10 ms after its request
  }
  EXPECT_LE(limiter.size(), 64u);
  EXPECT_LE(limiter.size(), 12u);  // roughly the last 10 ms of keys stay
  EXPECT_EQ(limiter.evicted_in_use(), 0u);
}

TEST(RateLimiterTest, MemoryStaysBoundedWhenEveryBucketIsInUse) {
  ManualClock clock(kStart);
  RateLimiter limiter({.shards = 1, .max_keys = 64, .clock = &clock});
  const RateLimit limit{.rate_per_second = 1, .burst = 1};
  for (int i = 0; i < 100; ++i)
    EXPECT_TRUE(limiter.Acquire("key-" + std::to_string(i), limit).allowed);
  EXPECT_EQ(limiter.size(), 64u);
  EXPECT_EQ(limiter.evicted_in_use(), 36u);
  // The most recent keys are still limited; the oldest were dropped (start again full).
  EXPECT_FALSE(limiter.Acquire("key-99", limit).allowed);
  EXPECT_TRUE(limiter.Acquire("key-0", limit).allowed);
}

TEST(RateLimiterTest, ThreadsSharingAKeyGetExactlyTheBurst) {
  ManualClock clock(kStart);  // frozen: no refill during the test
  RateLimiter limiter({.shards = 16, .clock = &clock});
  const RateLimit limit{.rate_per_second = 1, .burst = 1000};
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (limiter.Acquire("shared", limit).allowed) allowed.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(RateLimiterTest, ThreadsOnTheirOwnKeysEachGetTheirBurst) {
  ManualClock clock(kStart);
  RateLimiter limiter({.shards = 16, .clock = &clock});
  const RateLimit limit{.rate_per_second = 1, .burst = 100};
  std::vector<int> allowed(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 50; ++k) {
        const std::string key = "t" + std::to_string(t) + "-k" + std::to_string(k);
        for (int i = 0; i < 120; ++i) allowed[t] += limiter.Acquire(key, limit).allowed ? 1 : 0;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(allowed[t], 50 * 100) << t;
  EXPECT_EQ(limiter.size(), 400u);
}

TEST(RateLimiterTest, HeadersFromADecision) {
  net::Headers h;
  AddRateLimitHeaders({.allowed = true, .limit = 20, .remaining = 19, .reset_seconds = 1}, h);
  EXPECT_EQ(h.Find("RateLimit-Limit"), "20");
  EXPECT_EQ(h.Find("RateLimit-Remaining"), "19");
  EXPECT_EQ(h.Find("RateLimit-Reset"), "1");
  EXPECT_FALSE(h.Contains("Retry-After"));
  AddRateLimitHeaders(
      {.allowed = false, .limit = 20, .remaining = 0, .reset_seconds = 2, .retry_after_seconds = 1},
      h);
  EXPECT_EQ(h.Find("RateLimit-Remaining"), "0");
  EXPECT_EQ(h.Find("Retry-After"), "1");
  EXPECT_EQ(h.size(), 4u);
}

}  // namespace
}  // namespace issuetracker::http
