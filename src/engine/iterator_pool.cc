#include "engine/iterator_pool.h"

#include <algorithm>

#include "common/result.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

Result<IteratorPool::Lease> IteratorPool::Take() {
  std::unique_ptr<rocksdb::Iterator> it;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      it = std::move(idle_.back().it);
      idle_.pop_back();
    }
  }
  if (it) {
    // To the latest sequence number; the files are re-read only if they changed.
    rocksdb::Status s = it->Refresh();
    if (s.ok()) return Lease(this, std::move(it));
    it.reset();  // a broken iterator is not given back
  }
  // No bounds and no snapshot: the iterator can serve any read, and be refreshed.
  it.reset(db_->NewIterator(options_, cf_));
  IT_RETURN_IF_ERROR(FromRocks(it->status()));
  return Lease(this, std::move(it));
}

void IteratorPool::GiveBack(std::unique_ptr<rocksdb::Iterator> it) {
  if (!it->status().ok()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() >= kMaxIdle) return;
  idle_.push_back({std::move(it), std::chrono::steady_clock::now()});
}

void IteratorPool::Release(std::chrono::steady_clock::duration idle) {
  std::vector<Idle> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto cutoff = std::chrono::steady_clock::now() - idle;
    auto keep = std::stable_partition(idle_.begin(), idle_.end(),
                                      [&](const Idle& i) { return i.since <= cutoff; });
    dropped.assign(std::make_move_iterator(idle_.begin()), std::make_move_iterator(keep));
    idle_.erase(idle_.begin(), keep);
  }
  // Destroyed outside the lock: releasing files may take a moment.
}

}  // namespace issuetracker::engine
