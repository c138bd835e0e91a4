#include "dynamo/client/retry.h"

#include <gtest/gtest.h>

#include "dynamo/client/client.h"
#include "dynamo/client/http_pool.h"

namespace issuetracker::dynamo::client {
namespace {

Status Transport(bool maybe_delivered, bool timeout) {
  auto d = std::make_shared<TransportDetail>();
  d->maybe_delivered = maybe_delivered;
  d->timeout = timeout;
  return Status(Code::kIOError, "connection reset", d);
}

TEST(RetryTest, Classification) {
  EXPECT_EQ(ClassifyForRetry(Status(Code::kProvisionedThroughputExceeded, ""), false),
            RetryKind::kThrottling);
  EXPECT_EQ(ClassifyForRetry(Status(Code::kThrottling, ""), false), RetryKind::kThrottling);
  EXPECT_EQ(ClassifyForRetry(Status(Code::kRequestLimitExceeded, ""), false),
            RetryKind::kThrottling);
  EXPECT_EQ(ClassifyForRetry(Status::Internal(""), false), RetryKind::kTransient);
  EXPECT_EQ(ClassifyForRetry(Status(Code::kServiceUnavailable, ""), false), RetryKind::kTransient);
  EXPECT_EQ(ClassifyForRetry(Status::Validation("x"), true), RetryKind::kNone);
  EXPECT_EQ(ClassifyForRetry(Status::ConditionalCheckFailed(), true), RetryKind::kNone);
  EXPECT_EQ(ClassifyForRetry(Status(Code::kTransactionCanceled, ""), true), RetryKind::kNone);
  // Connection failures: before sending always; after, only when idempotent.
  EXPECT_EQ(ClassifyForRetry(Transport(false, false), false), RetryKind::kTransient);
  EXPECT_EQ(ClassifyForRetry(Transport(true, false), true), RetryKind::kTransient);
  EXPECT_EQ(ClassifyForRetry(Transport(true, true), true), RetryKind::kTimeout);
  EXPECT_EQ(ClassifyForRetry(Transport(true, false), false), RetryKind::kNone);
  EXPECT_EQ(ClassifyForRetry(Status::IOError("disk"), true), RetryKind::kNone);
}

TEST(RetryTest, FullJitterWithinExponentialBounds) {
  RetryOptions o;
  o.jitter_seed = 7;
  o.max_attempts = 12;
  o.quota_capacity = 1 << 30;
  RetryPolicy policy(o);
  for (int attempt = 1; attempt < 12; ++attempt) {
    const double transient_cap = std::min(20000.0, 25.0 * (1 << (attempt - 1)));
    const double throttle_cap = std::min(20000.0, 500.0 * (1 << (attempt - 1)));
    double max_seen = 0;
    for (int i = 0; i < 200; ++i) {
      int cost = 0;
      auto d = policy.NextDelay(RetryKind::kTransient, attempt, &cost);
      ASSERT_TRUE(d);
      EXPECT_LE(d->count(), transient_cap);
      EXPECT_GE(d->count(), 0);
      max_seen = std::max(max_seen, static_cast<double>(d->count()));
      auto t = policy.NextDelay(RetryKind::kThrottling, attempt, &cost);
      EXPECT_LE(t->count(), throttle_cap);
    }
    // Jitter spreads over the whole range: the largest of 200 draws is near the cap.
    EXPECT_GE(max_seen, transient_cap * 0.8 - 1) << attempt;
  }
}

TEST(RetryTest, AttemptsAndQuotaAreBounded) {
  RetryOptions o;
  o.max_attempts = 3;
  o.quota_capacity = 12;
  RetryPolicy policy(o);
  int cost = 0;
  EXPECT_TRUE(policy.NextDelay(RetryKind::kTransient, 1, &cost));
  EXPECT_EQ(cost, 5);
  EXPECT_TRUE(policy.NextDelay(RetryKind::kTransient, 2, &cost));
  EXPECT_FALSE(policy.NextDelay(RetryKind::kTransient, 3, &cost));  // third attempt was last
  EXPECT_EQ(policy.quota(), 2);
  EXPECT_FALSE(policy.NextDelay(RetryKind::kTransient, 1, &cost));  // quota exhausted
  policy.OnSuccess(5);                                              // a retried call succeeds
  EXPECT_EQ(policy.quota(), 7);
  EXPECT_FALSE(policy.NextDelay(RetryKind::kTimeout, 1, &cost));  // timeouts cost 10
  policy.OnSuccess(0);
  policy.OnSuccess(0);
  policy.OnSuccess(0);
  EXPECT_EQ(policy.quota(), 10);
  EXPECT_TRUE(policy.NextDelay(RetryKind::kTimeout, 1, &cost));
  EXPECT_EQ(cost, 10);
  EXPECT_FALSE(policy.NextDelay(RetryKind::kNone, 1, &cost));
}

TEST(RetryTest, UpdateExpressionsThatMayNotBeRepeated) {
  EXPECT_TRUE(IsIdempotentUpdate("SET #a = :a, #b = :b REMOVE #c"));
  EXPECT_TRUE(IsIdempotentUpdate("SET #a = if_not_exists(#a, :zero) DELETE #s :e"));
  EXPECT_TRUE(IsIdempotentUpdate("SET address = :addr, #added = :x"));
  EXPECT_FALSE(IsIdempotentUpdate("ADD #count :one"));
  EXPECT_FALSE(IsIdempotentUpdate("set #n = #n + :one"));
  EXPECT_FALSE(IsIdempotentUpdate("SET #n = #n - :one"));
  EXPECT_FALSE(IsIdempotentUpdate("SET #l = list_append(#l, :v)"));
  EXPECT_FALSE(IsIdempotentUpdate("SET #a = :a add #c :one"));
}

}  // namespace
}  // namespace issuetracker::dynamo::client
