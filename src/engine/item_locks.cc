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
  for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) locks_->mutexes_[*it].unlock();
}

}  // namespace issuetracker::engine
