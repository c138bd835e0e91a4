// Extensions: what the embedded engine offers beyond DynamoDB's API.
//
// dynamo::Backend holds DynamoDB's operations and nothing else, so any DynamoDB
// implementation (Amazon DynamoDB, ScyllaDB Alternator, dynalite, our own endpoint) can
// stand behind it. The operations below have no DynamoDB equivalent that keeps their
// contract (ImportItems is all-or-nothing; BatchWriteItem is not), so they live in this
// separate interface. A caller asks for it with FindExtensions() and, when the backend
// does not offer it, takes a DynamoDB-only path that its own documentation states:
//   - bulk loads: BatchWriteItem (not atomic: a failure may leave part of a load written);
//   - per-key-prefix restores: RestoreTableToPointInTime into a temporary table, then the
//     prefix's items copied back (not atomic either);
//   - table metrics (TableMetricsSource, a separate interface because a remote client can
//     offer it too): counted by whoever keeps them, else not reported;
//   - QueryInto/ScanInto: Query and Scan, whose results are moved into the response.
//
// Thread-safety: implementations are safe to call from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "dynamo/backend.h"
#include "dynamo/types.h"

namespace issuetracker::dynamo {

// ------------------------------------------------------------------ per-prefix restore

// Restores, in `table_name`, only the items whose partition key (a string) starts with
// `partition_key_prefix` to their state at `restore_date_time`, leaving every other item
// as it is; index entries follow. With `target_table_name` the restored items are written
// to that new table (created with the source's schema) instead of the live one.
// Not a DynamoDB operation: the tenancy layer uses it for per-company restore.
struct RestoreKeyPrefixToPointInTimeRequest {
  std::string table_name;
  std::string partition_key_prefix;
  double restore_date_time = 0;
  std::optional<std::string> target_table_name;
};
struct RestoreKeyPrefixToPointInTimeResponse {
  int64_t items_restored = 0;  // items written (put or deleted) to reach the state at T
  int64_t items_examined = 0;
};

// ---------------------------------------------------------------------- bulk import

// Writes many new items into an existing table at once (not a DynamoDB operation: the
// seeders and importers use it). All or nothing: ValidationException for an invalid item
// or duplicate keys, ConditionalCheckFailedException when any item already exists (as if
// each had `attribute_not_exists` on its key), ItemCollectionSizeLimitExceededException
// when an item collection of a table with local secondary indexes would exceed its limit.
// Index entries, statistics and change records follow as for PutItem. A remote backend
// implements it with BatchWriteItem.
struct ImportItemsRequest {
  std::string table_name;
  std::vector<Item> items;
  // Instead of `items` (then empty): the items produced one at a time. Each call stores
  // the next item in `*item`, whatever it held, and returns true, or returns false when
  // there are no more. A backend is done with an item before it asks for the next, so a
  // large import never holds all of its items at once.
  std::function<bool(Item* item)> next_item;
};
struct ImportItemsResponse {
  int64_t items_imported = 0;
};

// -------------------------------------------------------------------- table metrics

// A table's request metrics, named after DynamoDB's CloudWatch metrics (not a DynamoDB
// operation: CloudWatch's role for backends that have no CloudWatch). Counted since the
// backend started.
struct TableMetrics {
  std::string table_name;
  double since = 0;      // seconds since epoch when counting started
  int64_t requests = 0;  // data-plane requests naming the table
  double consumed_read_capacity_units = 0;
  double consumed_write_capacity_units = 0;
  int64_t returned_item_count = 0;
  int64_t throttled_requests = 0;
  int64_t user_errors = 0;    // requests rejected with a 400-class error
  int64_t system_errors = 0;  // requests failed with a 500-class error
  int64_t conditional_check_failed_requests = 0;
  int64_t transaction_conflicts = 0;
  double successful_request_latency_avg_ms = 0;
  double successful_request_latency_max_ms = 0;
};
struct DescribeTableMetricsRequest {
  std::string table_name;
};
struct DescribeTableMetricsResponse {
  TableMetrics metrics;
};

// ------------------------------------------------------------------------ interface

class Extensions {
 public:
  virtual ~Extensions() = default;

  // Bulk import of new items, all or nothing (ImportItemsRequest).
  virtual Result<ImportItemsResponse> ImportItems(const ImportItemsRequest& request) = 0;
  // Per-tenant restore of the items under one key prefix
  // (RestoreKeyPrefixToPointInTimeRequest).
  virtual Result<RestoreKeyPrefixToPointInTimeResponse> RestoreKeyPrefixToPointInTime(
      const RestoreKeyPrefixToPointInTimeRequest& request) = 0;
  // Query and Scan into a caller's response, replacing its contents and reusing the
  // storage of the items already in it, so a loop or a server worker that keeps one
  // response pays no allocation per row. On error *response is unspecified.
  virtual Status QueryInto(const QueryRequest& request, QueryResponse* response) = 0;
  virtual Status ScanInto(const ScanRequest& request, ScanResponse* response) = 0;
};

// A table's request metrics since the backend started (CloudWatch's role where there is
// no CloudWatch). The embedded engine counts them itself; a remote client counts what it
// sent and the ConsumedCapacity it was returned.
class TableMetricsSource {
 public:
  virtual ~TableMetricsSource() = default;
  virtual Result<DescribeTableMetricsResponse> DescribeTableMetrics(
      const DescribeTableMetricsRequest& request) = 0;
};

// The metrics `backend` keeps, or nullptr when it keeps none.
TableMetricsSource* FindTableMetrics(Backend& backend);

// The extensions `backend` offers, or nullptr when it offers none (a remote backend).
// The pointer lives as long as the backend.
Extensions* FindExtensions(Backend& backend);

// Query and Scan into a reused response: through the extensions when the backend has
// them, else the plain operation's result moved into *response.
Status QueryInto(Backend& backend, const QueryRequest& request, QueryResponse* response);
Status ScanInto(Backend& backend, const ScanRequest& request, ScanResponse* response);

}  // namespace issuetracker::dynamo
