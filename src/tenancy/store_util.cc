#include "tenancy/store_util.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "dynamo/extensions.h"
#include "dynamo/wire_names.h"

namespace issuetracker::tenancy {

namespace {

void Backoff(int attempt) {
  int ms = std::min(1 << std::min(attempt, 8), 500);
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

bool IsTransient(const Status& s) {
  return s.Is(Code::kThrottling) || s.Is(Code::kProvisionedThroughputExceeded) ||
         s.Is(Code::kRequestLimitExceeded) || s.Is(Code::kInternalServerError) ||
         s.Is(Code::kServiceUnavailable);
}

}  // namespace

Status BatchWriteOnce(dynamo::Backend& backend, dynamo::BatchWriteItemRequest request) {
  for (int attempt = 0;; ++attempt) {
    auto response = backend.BatchWriteItem(request);
    if (!response.ok()) {
      if (IsTransient(response.status()) && attempt < kMaxBatchRetries) {
        Backoff(attempt);
        continue;
      }
      return response.status();
    }
    if (response->unprocessed_items.empty()) return Status::Ok();
    if (attempt >= kMaxBatchRetries) {
      return Status(Code::kThrottling, "BatchWriteItem left items unprocessed after retries");
    }
    request.request_items = std::move(response->unprocessed_items);
    Backoff(attempt);
  }
}

Status BatchWriteAll(dynamo::Backend& backend,
                     std::map<std::string, std::vector<dynamo::WriteRequest>> requests) {
  dynamo::BatchWriteItemRequest batch;
  size_t in_batch = 0;
  for (auto& [table, writes] : requests) {
    for (auto& write : writes) {
      batch.request_items[table].push_back(std::move(write));
      if (++in_batch == kMaxBatchWriteRequests) {
        IT_RETURN_IF_ERROR(BatchWriteOnce(backend, std::move(batch)));
        batch = dynamo::BatchWriteItemRequest();
        in_batch = 0;
      }
    }
  }
  if (in_batch > 0) IT_RETURN_IF_ERROR(BatchWriteOnce(backend, std::move(batch)));
  return Status::Ok();
}

dynamo::TransactConditionCheck GuardCheck(const CompanyGuard& guard) {
  dynamo::TransactConditionCheck check;
  check.table_name = guard.table.str();
  check.key = guard.key;
  for (size_t i = 0; i < guard.equals.size(); ++i) {
    const std::string name = "#g" + std::to_string(i);
    const std::string value = ":g" + std::to_string(i);
    if (!check.condition_expression.empty()) check.condition_expression += " AND ";
    check.condition_expression += name + " = " + value;
    check.expression_attribute_names[name] = std::string(guard.equals[i].first);
    check.expression_attribute_values[value] = guard.equals[i].second;
  }
  return check;
}

namespace {

// Commits one transaction, retrying conflicts and transient errors with backoff.
Status CommitChecked(dynamo::Backend& backend, const dynamo::TransactWriteItemsRequest& request) {
  for (int attempt = 0;; ++attempt) {
    auto response = backend.TransactWriteItems(request);
    if (response.ok()) return Status::Ok();
    const Status& s = response.status();
    bool retry = IsTransient(s) || s.Is(Code::kTransactionConflict);
    if (s.Is(Code::kTransactionCanceled)) {
      const auto* detail = s.DetailAs<dynamo::TransactionCanceledDetail>();
      if (detail != nullptr && !detail->reasons.empty() &&
          detail->reasons.front().code == "ConditionalCheckFailed") {
        return Status::ConditionalCheckFailed();
      }
      if (detail != nullptr) {
        for (const auto& reason : detail->reasons) {
          retry = retry || reason.code == "TransactionConflict";
        }
      }
    }
    if (!retry || attempt >= kMaxBatchRetries) return s;
    Backoff(attempt);
  }
}

}  // namespace

Status WriteAllChecked(dynamo::Backend& backend, const dynamo::TransactConditionCheck& check,
                       const std::string& table, std::vector<dynamo::WriteRequest> writes,
                       int64_t* committed) {
  // Room for the check and the deletes' keys, which DynamoDB counts too.
  constexpr size_t kItemBytes = kMaxTransactionBytes - (size_t{64} << 10);
  dynamo::TransactWriteItemsRequest request;  // the check, then the writes
  size_t bytes = 0;
  auto flush = [&]() -> Status {
    if (request.transact_items.size() <= 1) return Status::Ok();
    IT_RETURN_IF_ERROR(CommitChecked(backend, request));
    if (committed != nullptr) *committed += static_cast<int64_t>(request.transact_items.size() - 1);
    request.transact_items.clear();
    bytes = 0;
    return Status::Ok();
  };
  for (dynamo::WriteRequest& write : writes) {
    const size_t size = write.put_item ? dynamo::ItemSize(*write.put_item) : 0;
    if (request.transact_items.size() == kMaxTransactionActions ||
        (request.transact_items.size() > 1 && bytes + size > kItemBytes)) {
      IT_RETURN_IF_ERROR(flush());
    }
    if (request.transact_items.empty()) {
      request.transact_items.push_back(dynamo::TransactWriteItem{check, {}, {}, {}});
    }
    bytes += size;
    dynamo::TransactWriteItem action;
    if (write.put_item) {
      action.put.emplace();
      action.put->table_name = table;
      action.put->item = std::move(*write.put_item);
    } else {
      action.delete_item.emplace();
      action.delete_item->table_name = table;
      action.delete_item->key = std::move(*write.delete_key);
    }
    request.transact_items.push_back(std::move(action));
  }
  return flush();
}

Status DeleteAllChecked(dynamo::Backend& backend, const dynamo::TransactConditionCheck& check,
                        const std::string& table, std::vector<dynamo::Item> keys) {
  std::vector<dynamo::WriteRequest> writes;
  writes.reserve(keys.size());
  for (dynamo::Item& key : keys) writes.push_back({std::nullopt, std::move(key)});
  return WriteAllChecked(backend, check, table, std::move(writes));
}

Status ForEachItem(dynamo::Backend& backend, const QueryPlan& plan,
                   const std::function<Status(const dynamo::Item&)>& visit) {
  // One response for every page: its items' storage is reused page after page.
  dynamo::QueryResponse response;
  for (const QueryStep& step : plan.steps) {
    dynamo::QueryRequest request = step.request;
    while (true) {
      IT_RETURN_IF_ERROR(dynamo::QueryInto(backend, request, &response));
      for (const dynamo::Item& item : response.items) IT_RETURN_IF_ERROR(visit(item));
      if (!response.last_evaluated_key) break;
      request.exclusive_start_key = std::move(response.last_evaluated_key);
    }
  }
  return Status::Ok();
}

Status WaitForTableActive(dynamo::Backend& backend, const std::string& table, int timeout_ms,
                          const ProgressFn& progress) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::milliseconds(timeout_ms);
  auto next_report = start + std::chrono::seconds(5);
  auto interval = std::chrono::milliseconds(50);
  while (true) {
    auto d = backend.DescribeTable({table});
    std::string waiting;
    if (!d.ok()) {
      if (!d.status().Is(Code::kResourceNotFound) ||
          Clock::now() - start > std::chrono::seconds(30)) {
        return d.status();
      }
      waiting = "table not visible yet";
    } else {
      if (d->table.table_status != dynamo::TableStatus::kActive) {
        waiting = "table " + std::string(dynamo::ToWire(d->table.table_status));
      }
      for (const auto& g : d->table.global_secondary_indexes) {
        if (g.index_status == dynamo::IndexStatus::kActive) continue;
        waiting += (waiting.empty() ? "" : ", ") + std::string("index ") + g.index_name + " " +
                   std::string(dynamo::ToWire(g.index_status)) +
                   (g.backfilling ? " (backfilling)" : "");
      }
      if (waiting.empty()) return Status::Ok();
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      return Status(Code::kResourceInUse, "Table " + table + " did not become ACTIVE within " +
                                              std::to_string(timeout_ms / 1000) + " s: " + waiting);
    }
    if (progress && now >= next_report) {
      progress(
          table + ": " + waiting + " (" +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - start).count()) +
          " s)");
      next_report = now + std::chrono::seconds(5);
    }
    std::this_thread::sleep_for(interval);
    interval = std::min(interval * 2, std::chrono::milliseconds(2000));
  }
}

}  // namespace issuetracker::tenancy
