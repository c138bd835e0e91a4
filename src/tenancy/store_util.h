// Small helpers over dynamo::Backend shared by tenancy and tracker: batch writes that
// honour DynamoDB's 25-request limit and retry unprocessed items, and running a QueryPlan
// to the end.
//
// Thread-safety: stateless functions; as thread-safe as the backend.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "dynamo/backend.h"
#include "tenancy/layout.h"

namespace issuetracker::tenancy {

// DynamoDB's limit on the requests of one BatchWriteItem call.
inline constexpr size_t kMaxBatchWriteRequests = 25;
// How many times unprocessed items are sent again before giving up (with backoff).
inline constexpr int kMaxBatchRetries = 12;

// Writes every request, at most 25 per BatchWriteItem call, sending UnprocessedItems again
// with exponential backoff. Returns the first backend error, or Throttling when items stay
// unprocessed after kMaxBatchRetries attempts.
Status BatchWriteAll(dynamo::Backend& backend,
                     std::map<std::string, std::vector<dynamo::WriteRequest>> requests);

// Sends one BatchWriteItem request (<= 25 requests in total) and retries its unprocessed
// items as BatchWriteAll does.
Status BatchWriteOnce(dynamo::Backend& backend, dynamo::BatchWriteItemRequest request);

// DynamoDB's limit on the actions of one TransactWriteItems call.
inline constexpr size_t kMaxTransactionActions = 100;

// DynamoDB's limit on the aggregate size of the items of one TransactWriteItems call.
inline constexpr size_t kMaxTransactionBytes = size_t{4} << 20;

// `guard` as the ConditionCheck of a transaction: its item's attributes have its values.
dynamo::TransactConditionCheck GuardCheck(const CompanyGuard& guard);

// Applies every request (a put of a whole item or a delete by key) to `table` with
// TransactWriteItems calls of up to 99 requests and under 4 MB of items, each also holding
// `check` (its first action), so that no request commits unless the check holds at that
// moment. Transaction conflicts and transient errors are retried with backoff.
// ConditionalCheckFailed when `check` failed (the calls before it committed; *committed,
// when given, counts their requests); the backend's error otherwise. REQUIRES: the
// requests name distinct items.
Status WriteAllChecked(dynamo::Backend& backend, const dynamo::TransactConditionCheck& check,
                       const std::string& table, std::vector<dynamo::WriteRequest> writes,
                       int64_t* committed = nullptr);

// WriteAllChecked for deletes of every key in `keys`.
Status DeleteAllChecked(dynamo::Backend& backend, const dynamo::TransactConditionCheck& check,
                        const std::string& table, std::vector<dynamo::Item> keys);

// Runs every step of `plan` to the end, calling `visit` for each item in order; stops at
// the first error `visit` or the backend returns.
Status ForEachItem(dynamo::Backend& backend, const QueryPlan& plan,
                   const std::function<Status(const dynamo::Item&)>& visit);

// Reports what a long wait is waiting for ("IssueTracker-Issues-Pooled: table CREATING,
// index TeamIndex CREATING (12 s)").
using ProgressFn = std::function<void(std::string_view line)>;

// Waits until `table` and its indexes are ACTIVE: at once on the embedded engine; on
// DynamoDB, whose CreateTable and UpdateTable are asynchronous, after the table (seconds)
// and its indexes (minutes for a backfill) are built. DescribeTable is polled with growing
// intervals (50 ms up to 2 s); a ResourceNotFoundException is taken for "not visible yet"
// during the first 30 s (DynamoDB's DescribeTable is eventually consistent right after
// CreateTable). Calls `progress`, when given, about every 5 s while waiting. Fails with
// ResourceInUseException after `timeout_ms`, naming what is still not ACTIVE.
Status WaitForTableActive(dynamo::Backend& backend, const std::string& table,
                          int timeout_ms = 600'000, const ProgressFn& progress = {});

}  // namespace issuetracker::tenancy
