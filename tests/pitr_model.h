// Test support for point-in-time recovery: a reference model of one table's history, the
// random writes that drive both the engine and the model, and the table the PITR tests
// share.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "dynamo/backend.h"
#include "tests/suite_util.h"

namespace issuetracker::testing {

// Where the PITR tests' clocks start: 2023-11-14, in microseconds.
inline constexpr int64_t kPitrStart = 1700000000LL * 1000000;

// The table's items after every acknowledged write, with the time it was acknowledged.
// The state at time T is the state after the last write before the first write dated
// after T: with a clock that never goes back, every write acknowledged at or before T
// (docs/pitr.md states the same rule for the engine).
class PitrModel {
 public:
  // `item` null: the item was deleted. `key` is "pk/sk".
  void Apply(int64_t time, const std::string& key, const Item* item);
  // The items at `time` under partition keys starting with `prefix`, keyed by debug string.
  std::map<std::string, Item> At(int64_t time, std::string_view prefix = "") const;
  // The current items, keyed by debug string.
  std::map<std::string, Item> Current() const;
  // The latest time of any write (0 with none).
  int64_t LatestTime() const;
  // What an index with the given key attribute and projection would hold.
  static std::map<std::string, Item> Index(const std::map<std::string, Item>& items,
                                           const std::string& attr, bool keys_only);

 private:
  std::map<std::string, Item> current_;  // by "pk/sk"
  std::vector<std::pair<int64_t, std::map<std::string, Item>>> history_;
};

// Applies `count` random writes (puts, updates, deletes of keys "C<0..2>#ITEM#<0..39>" /
// 0..2) to `table` and to `model`, advancing the clock 1..5 ms before each.
void RandomWrites(dynamo::Backend& db, ManualClock& clock, PitrModel& model,
                  const std::string& table, int count, std::mt19937& rng);

// Creates `name` (pk S, sk N; GSIs ByColor (color, sk; ALL) and ByOwner (owner; KEYS_ONLY))
// with point-in-time recovery on, and a stream when `stream`.
void CreateTrackedTable(dynamo::Backend& db, const std::string& name, bool stream = false);

// All items of a table (or of an index), keyed by their debug string.
std::map<std::string, Item> ScanAll(dynamo::Backend& db, const std::string& table,
                                    std::optional<std::string> index = std::nullopt);

inline double Seconds(int64_t micros) { return static_cast<double>(micros) / 1e6; }

}  // namespace issuetracker::testing
