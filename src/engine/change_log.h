// The change log: one record per write to a table with point-in-time recovery or a
// stream enabled, written in the same atomic RocksDB batch as the item and its index
// entries. Point-in-time restores, per-tenant restores and DynamoDB Streams read it.
//
// persisted: do not reorder. In the "changes" column family (docs/storage-format.md):
//   key   : table_id(4, BE) stamp(8, BE)
//   value : version(0x02) varint64(stamp - date) event(1) flags(1)
//           [old image] [new image | key attributes]
//           event: 0 INSERT, 1 MODIFY, 2 REMOVE; flags: 1 old image, 2 new image,
//           4 keys only, 8 a deletion by the service (time to live; REMOVE only);
//           each image is varint32 length + EncodeItem bytes.
//           Version 0x01 (written before the date was kept) has no date field: its date is
//           its stamp.
// A record has two times. Its stamp orders it: strictly increasing across the database
// and across restarts, it is the stream sequence number, and one item's records are in
// the order its writes committed (the stamp is taken under the item's lock). Its date is
// the wall-clock time at which the write took its stamp: what a point-in-time restore
// compares with the requested time. The stamp is never below the date, and is usually
// equal to it; it runs ahead of the wall clock after a restart (it continues above the
// persisted lease) and during bursts of more than one write per microsecond.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "dynamo/attribute_value.h"

namespace issuetracker::engine {

enum class ChangeEvent : uint8_t { kInsert = 0, kModify = 1, kRemove = 2 };

struct ChangeRecord {
  int64_t stamp = 0;  // the record's place in the log; also the stream sequence number
  int64_t date = 0;   // wall-clock microseconds since the epoch when the write was stamped
  ChangeEvent event = ChangeEvent::kInsert;
  std::optional<dynamo::Item> old_image;
  std::optional<dynamo::Item> new_image;
  std::optional<dynamo::Item> keys;  // when neither image was kept
  bool by_service = false;           // deleted by time to live
};

// Which images a table's change records keep.
struct ChangeImages {
  bool old_image = false;
  bool new_image = false;
  bool by_service = false;  // not an image: marks a deletion by time to live
  bool any() const { return old_image || new_image; }
};

std::string ChangeKey(uint32_t table_id, int64_t stamp);
// Decodes the stamp of a change key. REQUIRES: key is 12 bytes.
int64_t ChangeKeyStamp(std::string_view key);
uint32_t ChangeKeyTable(std::string_view key);

// A stamp with its date (see above). REQUIRES: date <= stamp.
struct ChangeStamp {
  int64_t stamp = 0;
  int64_t date = 0;
};

// Encodes a record of a write from `old_item` to `new_item` (either may be null, not
// both), stamped `at`. `keys` is used when the images kept do not include the key
// attributes.
std::string EncodeChange(const dynamo::Item* old_item, const dynamo::Item* new_item,
                         const ChangeImages& images, const dynamo::Item& keys, ChangeStamp at);
// The same record in two parts, for writers that encode records before they are stamped
// (imports): the value is ChangeHead(at) followed by ChangeBody(...).
std::string ChangeBody(const dynamo::Item* old_item, const dynamo::Item* new_item,
                       const ChangeImages& images, const dynamo::Item& keys);
std::string ChangeHead(ChangeStamp at);
// Decodes a record. Corruption for anything EncodeChange cannot write: a key not 12 bytes
// or with a negative stamp, an unknown version, a date after the stamp or before 0, an
// unknown event, flags other than the encoder's (keys alone, or old and/or new image; no
// old image for an INSERT, no new image for a REMOVE), a bad image, trailing bytes.
Result<ChangeRecord> DecodeChange(std::string_view key, std::string_view value);
// The date of a record, decoding nothing else (the head's checks only).
Result<int64_t> DecodeChangeDate(std::string_view key, std::string_view value);

// DynamoDB's stream sequence numbers are decimal strings; ours are the stamp, padded to
// 21 digits so they also sort as strings.
std::string SequenceNumberOf(int64_t stamp);
// The stamp of a sequence number as SequenceNumberOf writes it: exactly 21 decimal digits
// (leading zeros included), at most INT64_MAX. nullopt for anything else (a sign, spaces,
// another length, a value out of range): sequence numbers come from clients.
std::optional<int64_t> ParseSequenceNumber(std::string_view text);

// Whether `label` has the form of a stream label (StreamLabel in core.h writes them):
// "YYYY-MM-DDTHH:MM:SS.ffffff", digits where the letters are.
bool IsStreamLabel(std::string_view label);

// A stream shard iterator, as handed to clients: "table|label|position|created", where
// position is the first stamp to return and created the wall-clock microseconds at which
// the iterator was made; both in canonical decimal (no sign, no leading zero).
struct ShardIteratorState {
  std::string table;  // a valid table name
  std::string label;  // a stream label (StreamLabel's form: "2026-12-01T02:07:21.123456")
  int64_t position = 0;
  int64_t created = 0;
};
std::string EncodeShardIterator(const ShardIteratorState& state);
// nullopt for anything EncodeShardIterator cannot write: iterators come from clients.
std::optional<ShardIteratorState> DecodeShardIterator(std::string_view text);

// Allocates change stamps: strictly increasing, never behind the wall clock, and never
// behind any stamp handed out before a restart (a persisted lease keeps the floor), and
// dates them with the wall clock.
//
// A stamp is taken before its write commits, so a reader must not read past a stamp
// still in flight, or it would skip that record when it lands. The clock tracks stamps
// in flight until Done(); Watermark() is the bound below which every record is final.
// Thread-safe.
class ChangeClock {
 public:
  // `persist(lease)` durably records that no stamp above `lease` has been handed out.
  using PersistFn = std::function<Status(int64_t lease)>;
  // `wall` must outlive the clock; `floor` is the lease read at open.
  ChangeClock(const Clock* wall, int64_t floor, PersistFn persist)
      : wall_(wall), last_(floor), lease_(floor), persist_(std::move(persist)) {}

  // `count` consecutive stamps, all dated with the wall clock's time now (read under the
  // clock's lock, so dates never decrease in stamp order while the wall clock does not
  // step back). Returns the first; all are in flight until Done(first).
  Result<ChangeStamp> Next(int64_t count = 1);
  // The write carrying the block that starts at `first` committed (or was abandoned).
  void Done(int64_t first);
  // Every record with a smaller stamp is committed or will never be: the oldest stamp in
  // flight or, with none, the next stamp that can still be handed out — which is never
  // below the wall clock.
  int64_t Watermark() const;
  // Whether a write stamped at or before `stamp` is still in flight.
  bool InFlightThrough(int64_t stamp) const;
  // The highest stamp handed out so far.
  int64_t Last() const;
  // Persists the exact lease (the last stamp handed out), so that after a clean restart
  // stamps continue from the wall clock rather than from a lease ahead of it. No stamp
  // may be taken afterwards.
  Status Close();

 private:
  static constexpr int64_t kLeaseMicros = 60LL * 1000000;
  const Clock* wall_;
  mutable std::mutex mu_;
  int64_t last_;                          // guarded by mu_
  int64_t lease_;                         // guarded by mu_
  std::map<int64_t, int64_t> in_flight_;  // first stamp -> last stamp; guarded by mu_
  PersistFn persist_;
};

// The stamps of one operation, released (Done) when destroyed, which callers arrange to
// be after the operation's batch is committed. An operation that knows how many records
// it writes reserves them as one block with one date, so that its records are adjacent
// in the log and a restore never separates them; otherwise each Take() stamps one record.
// Movable, not copyable.
class StampTickets {
 public:
  StampTickets() = default;
  StampTickets(StampTickets&& other) noexcept;
  StampTickets& operator=(StampTickets&&) = delete;
  StampTickets(const StampTickets&) = delete;
  ~StampTickets();
  // Reserves `count` consecutive stamps for the next Take() calls.
  Status Reserve(ChangeClock* clock, int64_t count);
  // The next reserved stamp, or a fresh one when none is left.
  Result<ChangeStamp> Take(ChangeClock* clock);

 private:
  ChangeClock* clock_ = nullptr;
  std::vector<int64_t> blocks_;  // first stamps, each released by Done()
  ChangeStamp next_;             // next reserved stamp ...
  int64_t end_ = 0;              // ... up to this one, exclusive
};

}  // namespace issuetracker::engine
