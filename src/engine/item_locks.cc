#include "engine/item_locks.h"

#include <xxhash.h>

#include <algorithm>

namespace issuetracker::engine {

size_t ItemLocks::StripeOf(std::string_view item_key) {
  return static_cast<size_t>(XXH3_64bits(item_key.data(), item_key.size()) % kStripes);
}

ItemLocks::Guard::Guard(ItemLocks* locks, std::vector<size_t> stripes)
    : locks_(locks), stripes_(std::move(stripes)) {
  std::sort(stripes_.begin(), stripes_.end());
  stripes_.erase(std::unique(stripes_.begin(), stripes_.end()), stripes_.end());
  for (size_t s : stripes_) locks_->mutexes_[s].lock();
}

ItemLocks::Guard::~Guard() {
  for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) {
    // After the holder's write (a release: the write is visible to whoever sees the new
    // version), before the stripe is free.
    locks_->versions_[*it].fetch_add(1, std::memory_order_release);
    locks_->mutexes_[*it].unlock();
  }
}

void ItemLocks::Versions(std::vector<uint64_t>* out) const {
  out->resize(kStripes);
  // Acquire loads: nothing the caller does afterwards (taking a snapshot, reading items)
  // is ordered before them.
  for (size_t s = 0; s < kStripes; ++s) (*out)[s] = versions_[s].load(std::memory_order_acquire);
}

}  // namespace issuetracker::engine
