// Tables: the part of the engine behind the table operations (CreateTable, DeleteTable,
// UpdateTable, tags, the continuous-backups switch; Engine's, in table_ops.cc and
// update_table.cc) that outlives a call: online index creation. A new index is backfilled
// in the background in chunks, each chunk's entries and progress one atomic batch, and
// published ACTIVE with its recounted statistics in one more (backfill.cc); a crash at any
// step resumes from the progress saved. Internal.
#pragma once

#include <rocksdb/write_batch.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/catalog.h"
#include "engine/core.h"

namespace issuetracker::engine {

class Tables {
 public:
  explicit Tables(EngineCore& core) : core_(core) {}
  // Stops the backfills (their markers stay: they resume at the next open).
  ~Tables();
  Tables(const Tables&) = delete;
  Tables& operator=(const Tables&) = delete;

  // Starts the backfill of every index of `desc` still backfilling, unless one runs
  // already. The core calls it with every descriptor it loads; UpdateTable with the one it
  // publishes.
  void EnsureBackfills(const TableDesc& desc);
  // At open: loads the tables with backfill markers, which resumes their backfills.
  void ResumeBackfills();
  // Blocks until every backfill started so far has ended.
  void WaitForBackfills();
  // Adds to `batch` the removal of index `index` of `t`: its entries, its statistics, its
  // backfill marker. REQUIRES: no write to `t` in flight (the table locked exclusively).
  Status DropIndexData(const TableDesc& t, const IndexDesc& index, rocksdb::WriteBatch* batch);

 private:
  void RunBackfill(const std::string& table_name, uint32_t table_id, uint8_t index_id);
  // Indexes the items after `*resume` (up to one chunk) in one batch with the marker's
  // progress. Sets *done after the last chunk.
  Status BackfillChunk(const TableRef& table, const IndexDesc& index, std::string* resume,
                       bool* done);
  Status PublishBackfilledIndex(const std::string& table_name, uint32_t table_id, uint8_t index_id);

  EngineCore& core_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;  // guards threads_ and running_
  std::vector<std::thread> threads_;
  std::set<std::pair<uint32_t, uint8_t>> running_;  // (table id, index id)
};

}  // namespace issuetracker::engine
