// EngineOptions: how an Engine (engine.h) is opened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/env.h"

namespace issuetracker::engine {

struct EngineOptions {
  // Directory of the database; created when missing.
  std::string path;
  // fsync the write-ahead log on every write: an acknowledged write then survives power
  // loss, not only a process kill (docs/engine.md says what a power loss may lose
  // without it).
  bool sync_writes = false;
  // RocksDB block cache for items and indexes.
  size_t block_cache_bytes = 256u << 20;
  // The clock, file system and randomness the engine uses (env.h). Not owned; must
  // outlive the engine. nullptr means Env::Default().
  Env* env = nullptr;
  // How long change records are kept for point-in-time recovery (DynamoDB: 35 days; a
  // table's RecoveryPeriodInDays can shorten it) and for streams (DynamoDB: 24 hours).
  // Tests set seconds.
  int64_t pitr_retention_seconds = 35LL * 86400;
  int64_t stream_retention_seconds = 86400;
  // How often the background trimmer drops change records past retention.
  int64_t trim_interval_seconds = 60;
  // Region and account that appear in ARNs.
  std::string region = "local";
  std::string account_id = "000000000000";
  // The largest item collection (one partition key's items and local secondary index
  // entries) of a table with local secondary indexes: DynamoDB's 10 GB. Tests set less.
  int64_t item_collection_size_limit_bytes = 10LL << 30;
  // Time to live: how often the expirer looks for expired items, and how many it deletes
  // per batch at full speed (while no other write runs). An item is deleted at most
  // ttl_interval_seconds (plus the time to delete the expired items before it) after it
  // expires. While other writes run, the expirer works ttl_busy_share of the time, in
  // small batches (expirer.h); 1: it never gives way (full batches, no pauses).
  int64_t ttl_interval_seconds = 10;
  int64_t ttl_batch_items = 1024;
  double ttl_busy_share = 0.01;
  // The address DescribeEndpoints answers (the endpoint server sets its own); empty:
  // DynamoDB's regional address, "dynamodb.<region>.amazonaws.com".
  std::string endpoint_address;
};

}  // namespace issuetracker::engine
