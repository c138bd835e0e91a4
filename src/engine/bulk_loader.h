// BulkLoader: writes a large set of new keys into one column family as sorted SST files
// ingested at once, instead of through the memtable. Restores use it: the keys of a table
// being restored are fresh (a new table id), so the files land below everything else
// with no compaction, and a million-item table loads in seconds.
//
// Keys may be added in any order but must be unique. They are distributed into buckets
// by their leading bytes (table id, index id, partition-hash bits), so bucket ranges are
// disjoint and ordered; keys and values are kept in an arena of fixed-size blocks. A value
// equal to the one added just before is stored once: an item's ALL-projection index
// entries share its base record's bytes, so a load with four such indexes buffers each
// item once instead of five times.
// A run (everything buffered, up to the memory budget) is written by sorting each bucket
// and writing the buckets in key order — on two threads, each taking a contiguous half —
// into non-overlapping SST files, ingested in one call. A load larger than the budget
// becomes several runs.
//
// Not thread-safe; one loader per restore.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/mutation_sink.h"

namespace issuetracker::engine {

// A bounded pool of the loaders' arena blocks, shared by every bulk load of an engine:
// reusing blocks spares each import faulting in fresh memory. Thread-safe.
class BlockPool {
 public:
  static constexpr size_t kBlockBytes = 256 * 1024;
  explicit BlockPool(size_t max_blocks) : max_blocks_(max_blocks) {}
  // An empty block with capacity of at least kBlockBytes.
  std::string Take();
  // Returns a block (kept when it is of the pool's size and the pool is not full).
  void Give(std::string block);

 private:
  std::mutex mu_;
  std::vector<std::string> free_;  // guarded by mu_
  const size_t max_blocks_;
};

class BulkLoader {
 public:
  // `tmp_dir` holds the SST files until they are ingested; it is removed by the
  // destructor. `pool` (optional, must outlive the loader) supplies arena blocks.
  BulkLoader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string tmp_dir,
             BlockPool* pool = nullptr, size_t memory_budget = size_t{4} << 30,
             size_t target_file_bytes = size_t{512} << 20);
  ~BulkLoader();
  BulkLoader(const BulkLoader&) = delete;
  BulkLoader& operator=(const BulkLoader&) = delete;

  // REQUIRES: key.size() >= 9 (table id, index id, partition hash).
  Status Add(std::string_view key, std::string_view value);
  // Writes and ingests what is still buffered.
  Status Finish();
  // Writes what is buffered into SST files and returns their paths without ingesting them
  // (for callers that ingest atomically with other files). REQUIRES: the memory budget
  // was never reached (no run was ingested yet).
  Status WriteFiles(std::vector<std::string>* files);

  size_t entries() const { return entries_; }

 private:
  static constexpr size_t kBuckets = 256 * 64;  // index id x top 6 bits of the partition hash
  static constexpr size_t kBlockBytes = BlockPool::kBlockBytes;
  struct Entry {
    // Key bytes 5..12 (after table and index id) big-endian: most comparisons while
    // sorting a bucket are decided by these, without touching the key.
    uint64_t sort_prefix;
    uint32_t key_block;
    uint32_t key_offset;
    uint32_t value_block;
    uint32_t value_offset;
    uint32_t key_size;
    uint32_t value_size;
  };
  struct Bucket {
    std::vector<Entry> entries;
    size_t bytes = 0;    // keys and values written for these entries (shared ones too)
    bool sorted = true;  // entries were added in strictly ascending key order
  };
  static constexpr size_t kPrefixEnd = 13;     // the sort prefix is key bytes [5, 13)
  static constexpr size_t kPrefetchAhead = 4;  // entries written ahead of their fetch
  void SortBucket(std::vector<Entry>* entries) const;
  std::string_view KeyOf(const Entry& e) const {
    return std::string_view(blocks_[e.key_block].data() + e.key_offset, e.key_size);
  }
  std::string_view ValueOf(const Entry& e) const {
    return std::string_view(blocks_[e.value_block].data() + e.value_offset, e.value_size);
  }
  // Appends `bytes` to the arena and returns its block and offset.
  std::pair<uint32_t, uint32_t> Store(std::string_view bytes);
  void ReleaseBlocks();
  static size_t BucketOf(std::string_view key);
  // Sorts and writes buckets [first, last) into SST files named from `file_prefix`.
  Status WriteBuckets(size_t first, size_t last, const std::string& file_prefix,
                      std::vector<std::string>* files);
  Status WriteRun();
  Status WriteRunFiles(std::vector<std::string>* files);

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  std::string tmp_dir_;
  BlockPool* pool_;
  size_t memory_budget_;
  size_t target_file_bytes_;
  size_t buffered_bytes_ = 0;
  size_t entries_ = 0;
  int runs_ = 0;
  std::vector<Bucket> buckets_;
  std::vector<std::string> blocks_;  // the arena; the last block is being filled
  // The last value stored: where the caller's bytes were and where the copy is.
  const char* last_value_source_ = nullptr;
  Entry last_value_{};
};

// Sends the write path's mutations to a BulkLoader: only puts into the items column
// family are possible there (a table being loaded has no change log, and its statistics
// are summed with a StatsAccumulator); anything else is an internal error, kept in
// `status` for the caller to check after each item.
class BulkLoadSink final : public MutationSink {
 public:
  BulkLoadSink(BulkLoader* loader, rocksdb::ColumnFamilyHandle* items)
      : loader_(loader), items_(items) {}
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) override;
  void Delete(rocksdb::ColumnFamilyHandle*, std::string_view) override {
    status = Status::Internal("a bulk load cannot delete");
  }
  void Merge(rocksdb::ColumnFamilyHandle*, std::string_view, std::string_view) override {
    status = Status::Internal("a bulk load cannot merge");
  }
  Status status;

 private:
  BulkLoader* loader_;
  rocksdb::ColumnFamilyHandle* items_;
};

// One producer's bulk-load mutations, handed in batches to a loader that several
// producers share: each batch is added under the loader's lock, so producers run in
// parallel and the (single-threaded) loader takes a batch at a time. Flush() hands over
// the rest.
class StagedLoadSink final : public MutationSink {
 public:
  StagedLoadSink(BulkLoader* loader, std::mutex* loader_mu, rocksdb::ColumnFamilyHandle* items)
      : loader_(loader), loader_mu_(loader_mu), items_(items) {}
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) override;
  void Delete(rocksdb::ColumnFamilyHandle*, std::string_view) override {
    status = Status::Internal("a bulk load cannot delete");
  }
  void Merge(rocksdb::ColumnFamilyHandle*, std::string_view, std::string_view) override {
    status = Status::Internal("a bulk load cannot merge");
  }
  Status Flush();
  Status status;

 private:
  static constexpr size_t kBatchBytes = size_t{1} << 20;
  BulkLoader* loader_;
  std::mutex* loader_mu_;
  rocksdb::ColumnFamilyHandle* items_;
  // A value equal to the previous one (an ALL-projection index entry's) is staged once.
  static constexpr uint32_t kRepeatedValue = UINT32_MAX;
  std::string data_;                                  // keys and values, back to back
  std::vector<std::pair<uint32_t, uint32_t>> sizes_;  // (key size, value size or repeated)
  const char* last_source_ = nullptr;                 // the caller's bytes of the last value
  size_t last_offset_ = 0;                            // and where they were staged
  size_t last_size_ = 0;
};

}  // namespace issuetracker::engine
