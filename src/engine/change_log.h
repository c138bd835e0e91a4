// The change log: one record per write to a table with point-in-time recovery or a
// stream enabled, written in the same atomic RocksDB batch as the item and its index
// entries. Point-in-time restores, per-tenant restores and DynamoDB Streams read it.
//
// persisted: do not reorder. In the "changes" column family (docs/storage-format.md):
//   key   : table_id(4, BE) stamp(8, BE)
//   value : version(0x01) event(1) flags(1) [old image] [new image | key attributes]
//           event: 0 INSERT, 1 MODIFY, 2 REMOVE; flags: 1 old image, 2 new image,
//           4 keys only; each image is varint32 length + EncodeItem bytes.
// The stamp is a hybrid logical clock in microseconds since the epoch: the wall clock,
// bumped to stay strictly increasing. A record's stamp is both its time (what
// point-in-time recovery compares against) and its stream sequence number, so records
// of one item are ordered as their writes were (writes to an item are serialised by
// its lock, which is held while the stamp is taken).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "dynamo/attribute_value.h"

namespace issuetracker::engine {

enum class ChangeEvent : uint8_t { kInsert = 0, kModify = 1, kRemove = 2 };

struct ChangeRecord {
  int64_t stamp = 0;  // microseconds since the epoch; also the sequence number
  ChangeEvent event = ChangeEvent::kInsert;
  std::optional<dynamo::Item> old_image;
  std::optional<dynamo::Item> new_image;
  std::optional<dynamo::Item> keys;  // when neither image was kept
};

// Which images a table's change records keep.
struct ChangeImages {
  bool old_image = false;
  bool new_image = false;
  bool any() const { return old_image || new_image; }
};

std::string ChangeKey(uint32_t table_id, int64_t stamp);
// Decodes the stamp of a change key. REQUIRES: key is 12 bytes.
int64_t ChangeKeyStamp(std::string_view key);
uint32_t ChangeKeyTable(std::string_view key);

// Encodes a record of a write from `old_item` to `new_item` (either may be null, not
// both). `keys` is used when the images kept do not include the key attributes.
std::string EncodeChange(const dynamo::Item* old_item, const dynamo::Item* new_item,
                         const ChangeImages& images, const dynamo::Item& keys);
Result<ChangeRecord> DecodeChange(std::string_view key, std::string_view value);

// DynamoDB's stream sequence numbers are decimal strings; ours are the stamp, padded to
// 21 digits so they also sort as strings.
std::string SequenceNumberOf(int64_t stamp);
std::optional<int64_t> ParseSequenceNumber(std::string_view text);

// Allocates change stamps: strictly increasing, never behind the wall clock, and never
// behind any stamp handed out before a restart (a persisted lease keeps the floor).
//
// A stamp is taken before its write commits, so a reader must not read past a stamp
// still in flight, or it would skip that record when it lands. The clock tracks stamps
// in flight until Done(); Watermark() is the bound below which every record is final.
// Thread-safe.
class ChangeClock {
 public:
  // `persist(lease)` durably records that stamps up to `lease` may have been used.
  using PersistFn = std::function<Status(int64_t lease)>;
  ChangeClock(int64_t floor, PersistFn persist)
      : last_(floor), lease_(floor), persist_(std::move(persist)) {}

  // The next stamp, given the wall clock's `now_micros`, registered as in flight.
  Result<int64_t> Next(int64_t now_micros);
  // The write carrying `stamp` committed (or was abandoned).
  void Done(int64_t stamp);
  // Every record with a smaller stamp is committed or will never be: the oldest stamp in
  // flight or, with none, the next stamp that can still be handed out — which is never
  // below the wall clock's `now_micros`.
  int64_t Watermark(int64_t now_micros) const;
  // Whether a write stamped at or before `stamp` is still in flight.
  bool InFlightThrough(int64_t stamp) const;

 private:
  static constexpr int64_t kLeaseMicros = 60LL * 1000000;
  mutable std::mutex mu_;
  int64_t last_;                 // guarded by mu_
  int64_t lease_;                // guarded by mu_
  std::set<int64_t> in_flight_;  // guarded by mu_
  PersistFn persist_;
};

// Stamps taken for one operation's batch; released (Done) when destroyed, which callers
// arrange to be after the batch is committed. Movable, not copyable.
class StampTickets {
 public:
  StampTickets() = default;
  StampTickets(StampTickets&& other) noexcept
      : clock_(other.clock_), stamps_(std::move(other.stamps_)) {
    other.stamps_.clear();
  }
  StampTickets& operator=(StampTickets&&) = delete;
  StampTickets(const StampTickets&) = delete;
  ~StampTickets() {
    for (int64_t s : stamps_) clock_->Done(s);
  }
  void Add(ChangeClock* clock, int64_t stamp) {
    clock_ = clock;
    stamps_.push_back(stamp);
  }

 private:
  ChangeClock* clock_ = nullptr;
  std::vector<int64_t> stamps_;
};

}  // namespace issuetracker::engine
