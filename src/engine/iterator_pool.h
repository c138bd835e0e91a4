// IteratorPool: iterators over one column family, kept between reads. A read leases one and
// refreshes it to the database's latest state, which costs next to nothing while no flush or
// compaction changed the files (the common case), instead of building a new iterator (a
// merging iterator over every level and memtable) for each read.
//
// The pooled iterators have no bounds: a reader checks its own range. An idle iterator pins
// the files it last read, so the pool keeps few of them and Release() drops them (after a
// compaction, and periodically).
//
// Thread-safe.
#pragma once

#include <rocksdb/db.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "common/result.h"

namespace issuetracker::engine {

class IteratorPool {
 public:
  // Iterators of `cf` read with `options` (no bounds, no snapshot: they are refreshed).
  IteratorPool(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, rocksdb::ReadOptions options)
      : db_(db), cf_(cf), options_(std::move(options)) {}

  // An iterator leased for one read; given back when destroyed.
  class Lease {
   public:
    Lease(IteratorPool* pool, std::unique_ptr<rocksdb::Iterator> it)
        : pool_(pool), it_(std::move(it)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (it_) pool_->GiveBack(std::move(it_));
    }
    rocksdb::Iterator* operator->() const { return it_.get(); }
    rocksdb::Iterator* get() const { return it_.get(); }

   private:
    IteratorPool* pool_;
    std::unique_ptr<rocksdb::Iterator> it_;
  };

  // An iterator at the database's latest state, not positioned.
  Result<Lease> Take();
  // Drops the idle iterators that were last used more than `idle` ago (all, by default).
  void Release(
      std::chrono::steady_clock::duration idle = std::chrono::steady_clock::duration::zero());

 private:
  static constexpr size_t kMaxIdle = 16;
  struct Idle {
    std::unique_ptr<rocksdb::Iterator> it;
    std::chrono::steady_clock::time_point since;
  };
  void GiveBack(std::unique_ptr<rocksdb::Iterator> it);

  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const cf_;
  const rocksdb::ReadOptions options_;
  std::mutex mu_;
  std::vector<Idle> idle_;  // guarded by mu_; the most recently used last
};

}  // namespace issuetracker::engine
