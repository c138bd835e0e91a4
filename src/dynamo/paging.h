// Helpers over any dynamo::Backend for what DynamoDB answers in parts: Query and Scan pages
// (LastEvaluatedKey) and BatchGetItem's UnprocessedKeys.
//
// Thread-safety: stateless functions; as thread-safe as the backend.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "dynamo/backend.h"

namespace issuetracker::dynamo {

// Runs `request` page after page (ExclusiveStartKey = the previous LastEvaluatedKey) and
// calls `page` for each, until the last page or the first error (`page`'s or the backend's).
Status ForEachQueryPage(Backend& backend, QueryRequest request,
                        const std::function<Status(QueryResponse& page)>& page);
Status ForEachScanPage(Backend& backend, ScanRequest request,
                       const std::function<Status(ScanResponse& page)>& page);

// Every item of every page.
Result<std::vector<Item>> QueryAll(Backend& backend, QueryRequest request);
Result<std::vector<Item>> ScanAll(Backend& backend, ScanRequest request);

// How long to wait between rounds of unprocessed keys or items.
struct BatchRetryOptions {
  int max_rounds = 12;
  std::chrono::milliseconds base_delay{50};
  std::chrono::milliseconds max_delay{5000};
};

// Reads every key of `request_items` with BatchGetItem, at most 100 keys per call, sending
// UnprocessedKeys again after a delay drawn uniformly from [0, min(max, base * 2^round)]
// ("full jitter"). The items found, by table (in no particular order). Throttling when keys
// stay unprocessed after max_rounds; the backend's first error otherwise.
Result<std::map<std::string, std::vector<Item>>> BatchGetAll(
    Backend& backend, std::map<std::string, KeysAndAttributes> request_items,
    const BatchRetryOptions& options = {});

}  // namespace issuetracker::dynamo
