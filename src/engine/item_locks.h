// ItemLocks: striped mutexes that serialise writes to one item.
//
// An item maps to one of kStripes mutexes by a hash of its table id and key. A writer
// locks the stripes of all the items it changes in ascending stripe order (so that
// multi-item writers cannot deadlock) and holds them from reading the old item until its
// batch is committed: that is what makes conditional writes linearizable.
//
// Each stripe also has a version, advanced whenever a Guard holding it is released, so after
// every write under it. A reader that takes the versions (Versions) before it reads items
// without their locks, and later holds their stripes, knows which of the items may have
// changed in between: those whose stripe's version moved (the time-to-live expirer reads
// again only those).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

namespace issuetracker::engine {

class ItemLocks {
 public:
  static constexpr size_t kStripes = 4096;

  static size_t StripeOf(std::string_view item_key);

  // The version of every stripe (kStripes of them) into *out. A write committed after this
  // call returns finds its stripe's version advanced once it has released the stripe; one
  // committed before may advance it too. So for an item read after this call: if its
  // stripe's version, read while holding the stripe, is still the one noted, the item is
  // as read.
  void Versions(std::vector<uint64_t>* out) const;
  // A stripe's version. REQUIRES: the caller holds the stripe (for the guarantee above).
  uint64_t Version(size_t stripe) const {
    return versions_[stripe].load(std::memory_order_acquire);
  }

  // Holds a set of stripes until destroyed.
  class Guard {
   public:
    Guard(ItemLocks* locks, std::vector<size_t> stripes);
    Guard(ItemLocks* locks, size_t stripe) : Guard(locks, std::vector<size_t>{stripe}) {}
    ~Guard();
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    ItemLocks* locks_;
    std::vector<size_t> stripes_;
  };

 private:
  std::array<std::mutex, kStripes> mutexes_;
  std::array<std::atomic<uint64_t>, kStripes> versions_{};
};

}  // namespace issuetracker::engine
