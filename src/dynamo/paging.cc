#include "dynamo/paging.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

namespace issuetracker::dynamo {
namespace {

constexpr size_t kMaxBatchGetKeys = 100;  // DynamoDB's limit per BatchGetItem call

void FullJitterSleep(const BatchRetryOptions& o, int round) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  const double ceiling = std::min<double>(
      static_cast<double>(o.max_delay.count()),
      static_cast<double>(o.base_delay.count()) * std::ldexp(1.0, std::min(round, 30)));
  std::uniform_real_distribution<double> d(0, ceiling);
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(d(rng))));
}

template <typename Request, typename Response, typename Call>
Status ForEachPage(Request request, Call call, const std::function<Status(Response&)>& page) {
  while (true) {
    IT_ASSIGN_OR_RETURN(Response response, call(request));
    IT_RETURN_IF_ERROR(page(response));
    if (!response.last_evaluated_key) return Status::Ok();
    request.exclusive_start_key = std::move(response.last_evaluated_key);
  }
}

// Sends one BatchGetItem (<= 100 keys) and its unprocessed keys again until none is left.
Status GetBatch(Backend& backend, BatchGetItemRequest request, const BatchRetryOptions& o,
                std::map<std::string, std::vector<Item>>* out) {
  for (int round = 0;; ++round) {
    IT_ASSIGN_OR_RETURN(BatchGetItemResponse r, backend.BatchGetItem(request));
    for (auto& [table, items] : r.responses) {
      auto& dest = (*out)[table];
      for (Item& item : items) dest.push_back(std::move(item));
    }
    if (r.unprocessed_keys.empty()) return Status::Ok();
    if (round + 1 >= o.max_rounds) {
      return Status(Code::kThrottling, "BatchGetItem left keys unprocessed after " +
                                           std::to_string(o.max_rounds) + " rounds");
    }
    request.request_items = std::move(r.unprocessed_keys);
    FullJitterSleep(o, round);
  }
}

}  // namespace

Status ForEachQueryPage(Backend& backend, QueryRequest request,
                        const std::function<Status(QueryResponse&)>& page) {
  return ForEachPage<QueryRequest, QueryResponse>(
      std::move(request), [&](const QueryRequest& r) { return backend.Query(r); }, page);
}

Status ForEachScanPage(Backend& backend, ScanRequest request,
                       const std::function<Status(ScanResponse&)>& page) {
  return ForEachPage<ScanRequest, ScanResponse>(
      std::move(request), [&](const ScanRequest& r) { return backend.Scan(r); }, page);
}

Result<std::vector<Item>> QueryAll(Backend& backend, QueryRequest request) {
  std::vector<Item> all;
  IT_RETURN_IF_ERROR(ForEachQueryPage(backend, std::move(request), [&](QueryResponse& p) {
    for (Item& item : p.items) all.push_back(std::move(item));
    return Status::Ok();
  }));
  return all;
}

Result<std::vector<Item>> ScanAll(Backend& backend, ScanRequest request) {
  std::vector<Item> all;
  IT_RETURN_IF_ERROR(ForEachScanPage(backend, std::move(request), [&](ScanResponse& p) {
    for (Item& item : p.items) all.push_back(std::move(item));
    return Status::Ok();
  }));
  return all;
}

Result<std::map<std::string, std::vector<Item>>> BatchGetAll(
    Backend& backend, std::map<std::string, KeysAndAttributes> request_items,
    const BatchRetryOptions& options) {
  std::map<std::string, std::vector<Item>> out;
  BatchGetItemRequest batch;
  size_t in_batch = 0;
  for (auto& [table, keys] : request_items) {
    for (Item& key : keys.keys) {
      KeysAndAttributes& slot = batch.request_items[table];
      if (slot.keys.empty()) {
        slot.consistent_read = keys.consistent_read;
        slot.projection_expression = keys.projection_expression;
        slot.expression_attribute_names = keys.expression_attribute_names;
      }
      slot.keys.push_back(std::move(key));
      if (++in_batch == kMaxBatchGetKeys) {
        IT_RETURN_IF_ERROR(GetBatch(backend, std::move(batch), options, &out));
        batch = BatchGetItemRequest();
        in_batch = 0;
      }
    }
  }
  if (in_batch > 0) IT_RETURN_IF_ERROR(GetBatch(backend, std::move(batch), options, &out));
  return out;
}

}  // namespace issuetracker::dynamo
