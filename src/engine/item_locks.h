// ItemLocks: striped mutexes that serialise writes to one item.
//
// An item maps to one of kStripes mutexes by a hash of its table id and key. A writer
// locks the stripes of all the items it changes in ascending stripe order (so that
// multi-item writers cannot deadlock) and holds them from reading the old item until its
// batch is committed: that is what makes conditional writes linearizable.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

namespace issuetracker::engine {

class ItemLocks {
 public:
  static constexpr size_t kStripes = 4096;

  static size_t StripeOf(std::string_view item_key);

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
};

}  // namespace issuetracker::engine
