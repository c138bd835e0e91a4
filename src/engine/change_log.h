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
#include <functional>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

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
// Thread-safe.
class ChangeClock {
 public:
  // `persist(lease)` durably records that stamps up to `lease` may have been used.
  using PersistFn = std::function<Status(int64_t lease)>;
  ChangeClock(int64_t floor, PersistFn persist) : last_(floor), lease_(floor), persist_(std::move(persist)) {}

  // The next stamp, given the wall clock's `now_micros`.
  Result<int64_t> Next(int64_t now_micros);

 private:
  static constexpr int64_t kLeaseMicros = 60LL * 1000000;
  std::atomic<int64_t> last_;
  std::mutex lease_mu_;
  std::atomic<int64_t> lease_;  // written under lease_mu_
  PersistFn persist_;
};

}  // namespace issuetracker::engine
