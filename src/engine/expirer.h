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
// deletes every expired item of every such table, in batches: each batch is one atomic
// write of the items, their index entries, statistics, collection sizes and change records
// (marked as deletions by the service). A batch reads its items without their locks, then
// takes their locks and deletes each item that no write touched meanwhile (its stripe's
// version is unchanged, item_locks.h), reading again under the lock the few others. A
// crash between batches loses nothing: the next pass finds what is left.
//
// Pacing. While no other write has been committed for a second, a pass runs at full speed,
// in batches of ttl_batch_items sorted by key (the memtable takes them fastest so). While
// other writes run, it gives way to them: batches sized to commit in about kBusyCommit (a
// write arriving meanwhile waits behind one in RocksDB's write queue; 16 items at least),
// written at RocksDB's low priority, with pauses so that it works ttl_busy_share of the time
// (1 % by default).
// It never stops: under continuous writes it deletes at about that share of its full
// speed. Its thread runs at a low CPU priority (Linux nice 10). Passes run every
// ttl_interval_seconds; an item is deleted at most one interval plus one pass after it
// expires. Internal.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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

  // Starts the background thread (a pass every ttl_interval_seconds), at a low CPU priority
  // (Linux: nice 10, for that thread alone).
  void Start();
  // Runs a pass over every table with time to live enabled on the background thread now,
  // waits for it and returns the items deleted by a pass that started after the call (on
  // the calling thread when the thread was not started).
  Result<int64_t> RunPass();

 private:
  // An expired item found by a scan, and its stripe's version before it was read.
  struct Candidate {
    std::string key;
    dynamo::Item item;
    size_t stripe = 0;
    uint64_t version = 0;
  };
  // Where a pass is in a table: an iterator kept across batches, positioned at `from`.
  struct Cursor {
    std::string from, end;  // the next key to scan; the end of the table's items
    std::optional<IteratorPool::Lease> it;
    std::chrono::steady_clock::time_point refreshed;  // when `it` was
  };
  // How the next batch runs.
  struct Mode {
    bool busy = false;  // other writes were committed within the last second
    size_t items = 0;   // expired items per batch at most
    size_t full = 0;    // the same at full speed
  };

  void Run();
  // One pass over every table with time to live enabled, on the calling thread (passes
  // never overlap: one waits for the other); returns the items deleted.
  Result<int64_t> ExpirePass();
  Result<int64_t> PassLocked();
  // One pass over one table (by name and id; nothing when it changed meanwhile).
  Result<int64_t> ExpireTable(const std::string& name, uint32_t table_id);
  // Scans on from the cursor for up to mode.items expired items, and deletes them in one
  // batch; sets *done at the end of the table.
  Result<int64_t> ExpireBatch(const TableRef& table, const Mode& mode, Cursor* cursor, bool* done);
  Mode NextMode();
  // Waits after a batch that took `worked` (under writes: so that the expirer works
  // ttl_busy_share of the time). False when the engine is closing.
  bool Pace(const Mode& mode, std::chrono::steady_clock::duration worked);

  EngineCore& core_;
  std::mutex mu_;  // with wake_: wakes the thread (and a pacing pause) for shutdown
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  // Passes asked for by RunPass, and the last one that ran (guarded by mu_).
  uint64_t requested_ = 0, finished_ = 0;
  Result<int64_t> last_result_ = int64_t{0};
  std::condition_variable finished_cv_;
  std::thread thread_;

  // The state of the pass in progress (held by pass_mu_).
  std::mutex pass_mu_;
  std::vector<Candidate> candidates_;  // reused: decoding into them allocates little
  size_t candidate_count_ = 0;
  std::vector<uint64_t> versions_;
  SortedBatchSink sink_;
  rocksdb::WriteBatch batch_;
  size_t busy_items_ = 16;  // items per batch under writes (adjusted to kBusyCommit)
};

}  // namespace issuetracker::engine
