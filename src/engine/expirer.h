// Expirer: the part of the engine behind time to live (Engine's operations in ttl_ops.cc):
// a background thread that deletes expired items (expirer.cc).
//
// Which tables have time to live enabled is kept in the catalog (a marker "x" table_id(4)
// written in the same batch as the descriptor that enables it, dropped with the one that
// disables it or with the table), so the expirer finds them after a restart without
// loading every descriptor.
//
// An item expires when its time-to-live attribute is a Number of epoch seconds below the
// current time (the Env's clock) and not more than five years in the past; any other item
// (attribute missing, not a Number, in the future, or too old) never expires. Each pass
// deletes every expired item of every such table, in batches of ttl_batch_items: each
// batch is one atomic write of the items, their index entries, statistics, collection
// sizes and change records (marked as deletions by the service), holding the items' locks
// and checking each item again under its lock. A crash between batches loses nothing: the
// next pass finds what is left. Passes run every ttl_interval_seconds, so an item is
// deleted at most one interval plus one pass after it expires. Internal.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "engine/core.h"

namespace issuetracker::engine {

// Catalog key of a table's time-to-live marker; its value is the table's name.
std::string TtlMarkerKey(uint32_t table_id);

// Whether `item` has expired at `now_seconds` under the time-to-live attribute `attr`.
bool ItemExpired(const dynamo::Item& item, const std::string& attr, double now_seconds);

class Expirer {
 public:
  explicit Expirer(EngineCore& core) : core_(core) {}
  // Stops the background thread.
  ~Expirer();
  Expirer(const Expirer&) = delete;
  Expirer& operator=(const Expirer&) = delete;

  // Starts the background thread (a pass every ttl_interval_seconds).
  void Start();
  // One pass over every table with time to live enabled; returns the items deleted.
  Result<int64_t> ExpirePass();
  // One pass over one table (by name and id; nothing when it changed meanwhile).
  Result<int64_t> ExpireTable(const std::string& name, uint32_t table_id);

 private:
  void Run();
  // Deletes the expired items among `keys` (base keys) in one batch.
  Result<int64_t> DeleteBatch(const TableRef& table, const std::vector<std::string>& keys,
                              double now_seconds);

  EngineCore& core_;
  std::mutex mu_;  // with wake_: wakes the thread for shutdown
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace issuetracker::engine
