#include "engine/change_log.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/fuzz_seed.h"
#include "engine/item_codec.h"

namespace issuetracker::engine {
namespace {

using dynamo::AttributeValue;
using dynamo::Item;

// DecodeChange, saving the key and value as a seed of the "change" fuzz target
// (fuzz/change_fuzzer.cc: the first 12 bytes are the key).
Result<ChangeRecord> DecodeSeeded(std::string_view key, std::string_view value) {
  if (key.size() == 12) SaveFuzzSeed("change", std::string(key) + std::string(value));
  return DecodeChange(key, value);
}

// ParseSequenceNumber and DecodeShardIterator, saving the text as a seed of the "stream"
// fuzz target (fuzz/stream_fuzzer.cc).
std::optional<int64_t> ParseSeeded(std::string_view text) {
  SaveFuzzSeed("stream", text);
  return ParseSequenceNumber(text);
}
std::optional<ShardIteratorState> DecodeIteratorSeeded(std::string_view text) {
  SaveFuzzSeed("stream", text);
  return DecodeShardIterator(text);
}

TEST(ChangeLogTest, RecordsRoundTripWithTheirDate) {
  const Item old_item = {{"pk", AttributeValue::S("a")}, {"v", AttributeValue::N("1")}};
  const Item new_item = {{"pk", AttributeValue::S("a")}, {"v", AttributeValue::N("2")}};
  const Item keys = {{"pk", AttributeValue::S("a")}};
  const std::string key = ChangeKey(7, 5000);
  const std::string value =
      EncodeChange(&old_item, &new_item, {true, true}, keys, ChangeStamp{5000, 4200});
  auto r = DecodeSeeded(key, value);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stamp, 5000);
  EXPECT_EQ(r->date, 4200);
  EXPECT_EQ(r->event, ChangeEvent::kModify);
  EXPECT_EQ(*r->old_image, old_item);
  EXPECT_EQ(*r->new_image, new_item);
  EXPECT_EQ(*DecodeChangeDate(key, value), 4200);
  // Head and body written apart (as imports do) are the same record.
  EXPECT_EQ(ChangeHead({5000, 4200}) + ChangeBody(&old_item, &new_item, {true, true}, keys), value);
  // Keys only, for a table whose records keep no image.
  auto removed = DecodeSeeded(key, EncodeChange(&old_item, nullptr, {}, keys, {5000, 5000}));
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->event, ChangeEvent::kRemove);
  EXPECT_EQ(*removed->keys, keys);
  EXPECT_FALSE(removed->old_image.has_value());
}

TEST(ChangeLogTest, DeletionsByTheServiceAreMarked) {
  // Seeds too: the change fuzz target once re-encoded records without their service mark.
  const Item old_item = {{"pk", AttributeValue::S("a")}, {"exp", AttributeValue::N("1")}};
  const Item keys = {{"pk", AttributeValue::S("a")}};
  const std::string key = ChangeKey(7, 5000);
  ChangeImages images{true, false, true};
  auto r = DecodeSeeded(key, EncodeChange(&old_item, nullptr, images, keys, {5000, 5000}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->by_service);
  EXPECT_EQ(r->event, ChangeEvent::kRemove);
  EXPECT_EQ(*r->old_image, old_item);
  // Keys only, too; and never on anything but a removal.
  images.old_image = false;
  r = DecodeSeeded(key, EncodeChange(&old_item, nullptr, images, keys, {5000, 5000}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->by_service);
  EXPECT_EQ(*r->keys, keys);
  r = DecodeSeeded(key, EncodeChange(nullptr, &old_item, images, keys, {5000, 5000}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->by_service);
  std::string forged = EncodeChange(nullptr, &old_item, {}, keys, {5000, 5000});
  forged[3] = static_cast<char>(forged[3] | 8);  // the service flag on an INSERT
  EXPECT_FALSE(DecodeSeeded(key, forged).ok());
  // A user's deletion is not marked.
  r = DecodeSeeded(key, EncodeChange(&old_item, nullptr, {true, false}, keys, {5000, 5000}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->by_service);
}

TEST(ChangeLogTest, VersionOneRecordsAreDatedByTheirStamp) {
  // Written before records kept a date: version 0x01, then event and flags.
  const Item keys = {{"pk", AttributeValue::S("a")}};
  const std::string body = ChangeBody(nullptr, &keys, {}, keys);
  const std::string value = std::string(1, '\x01') + body;
  auto r = DecodeSeeded(ChangeKey(1, 123456), value);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->date, 123456);
  EXPECT_EQ(r->event, ChangeEvent::kInsert);
}

TEST(ChangeLogTest, CorruptRecordsAreRejected) {
  const Item keys = {{"pk", AttributeValue::S("a")}};
  const std::string key = ChangeKey(1, 100);
  const std::string body = ChangeBody(nullptr, &keys, {}, keys);
  // A date after the stamp, an unknown version, bad flags, truncation, trailing bytes.
  EXPECT_FALSE(DecodeSeeded(key, ChangeHead({100, -1}) + body).ok());
  EXPECT_FALSE(DecodeSeeded(key, std::string(1, '\x03') + body).ok());
  std::string bad_flags = ChangeHead({100, 100}) + body;
  bad_flags[2] = 5;  // keys only together with an old image
  EXPECT_FALSE(DecodeSeeded(key, bad_flags).ok());
  const std::string good = ChangeHead({100, 100}) + body;
  for (size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(DecodeSeeded(key, good.substr(0, n)).ok());
  EXPECT_FALSE(DecodeSeeded(key, good + "x").ok());
  EXPECT_FALSE(DecodeSeeded(key.substr(0, 11), good).ok());
}

TEST(ChangeLogTest, RecordsTheEncoderCannotWriteAreRejected) {
  const Item item = {{"pk", AttributeValue::S("a")}};
  const std::string key = ChangeKey(1, 100);
  auto with = [](std::string value, size_t at, char byte) {
    value[at] = byte;
    return value;
  };
  // Event at offset 2 and flags at 3 (version, a one-byte date lead, event, flags).
  const std::string insert_new = EncodeChange(nullptr, &item, {true, true}, item, {100, 100});
  ASSERT_TRUE(DecodeSeeded(key, insert_new).ok());
  EXPECT_FALSE(DecodeSeeded(key, with(insert_new, 2, 3)).ok());  // unknown event
  EXPECT_FALSE(DecodeSeeded(key, with(insert_new, 3, 0)).ok());  // no flags
  for (int flags : {8, 16, 0x40, 0x80, 6, 7})
    EXPECT_FALSE(DecodeSeeded(key, with(insert_new, 3, static_cast<char>(flags))).ok()) << flags;
  // An INSERT has no old image, a REMOVE no new image: the same bytes under the other
  // event are corrupt.
  EXPECT_FALSE(DecodeSeeded(key, with(insert_new, 3, 1)).ok());
  const std::string remove_old = EncodeChange(&item, nullptr, {true, true}, item, {100, 100});
  ASSERT_TRUE(DecodeSeeded(key, remove_old).ok());
  EXPECT_FALSE(DecodeSeeded(key, with(remove_old, 3, 2)).ok());
  const std::string modify_both = EncodeChange(&item, &item, {true, true}, item, {100, 100});
  EXPECT_FALSE(DecodeSeeded(key, with(modify_both, 2, 0)).ok());  // INSERT with an old image
  EXPECT_FALSE(DecodeSeeded(key, with(modify_both, 2, 2)).ok());  // REMOVE with a new image
  // A negative stamp (top bit of the key's stamp set) or a non-shortest date lead.
  std::string negative = key;
  negative[4] = static_cast<char>(0x80);
  EXPECT_EQ(DecodeSeeded(negative, modify_both).status().code(), Code::kCorruption);
  EXPECT_EQ(DecodeChangeDate(negative, modify_both).status().code(), Code::kCorruption);
  EXPECT_FALSE(DecodeSeeded(key, std::string("\x02\x80\x00", 3) + modify_both.substr(2)).ok());
  // A bad image inside a well-formed record.
  std::string bad_image = insert_new;
  bad_image[5] = 2;  // the new image's item format version
  EXPECT_EQ(DecodeSeeded(key, bad_image).status().code(), Code::kCorruption);
}

TEST(ChangeLogTest, SequenceNumbersAreExactlyWhatWeHandOut) {
  EXPECT_EQ(SequenceNumberOf(1234), "000000000000000001234");
  EXPECT_EQ(ParseSeeded(SequenceNumberOf(1234)), 1234);
  EXPECT_EQ(ParseSeeded(SequenceNumberOf(0)), 0);
  EXPECT_EQ(ParseSeeded(SequenceNumberOf(INT64_MAX)), INT64_MAX);
  for (std::string_view bad :
       {"", "1234", "0000000000000000001234", "00000000000000000123a", "-00000000000000001234",
        "+00000000000000001234", " 00000000000000001234", "00000000000000001234 ",
        "009223372036854775808", "999999999999999999999", "0000000000000000\0001234"}) {
    EXPECT_FALSE(ParseSeeded(bad).has_value()) << bad;
  }
}

TEST(ChangeLogTest, ShardIteratorsAreExactlyWhatWeHandOut) {
  const ShardIteratorState state{"Issues-1.x_y", "2026-12-01T02:07:21.123456", 1700000000000001,
                                 1700000000000000};
  const std::string text = EncodeShardIterator(state);
  EXPECT_EQ(text, "Issues-1.x_y|2026-12-01T02:07:21.123456|1700000000000001|1700000000000000");
  auto back = DecodeIteratorSeeded(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->table, state.table);
  EXPECT_EQ(back->label, state.label);
  EXPECT_EQ(back->position, state.position);
  EXPECT_EQ(back->created, state.created);
  EXPECT_TRUE(DecodeIteratorSeeded("abc|2026-12-01T02:07:21.123456|0|0").has_value());
  const std::string label = "|2026-12-01T02:07:21.123456|";
  for (const std::string& bad : std::vector<std::string>{"",
                                                         "abc",
                                                         "abc" + label + "1",
                                                         "abc" + label + "1|2|3",
                                                         "ab" + label + "1|2",
                                                         "a/c" + label + "1|2",
                                                         std::string(256, 'a') + label + "1|2",
                                                         "abc" + label + "01|2",
                                                         "abc" + label + "1|02",
                                                         "abc" + label + "-1|2",
                                                         "abc" + label + "+1|2",
                                                         "abc" + label + "|2",
                                                         "abc" + label + "1|",
                                                         "abc" + label + "1 |2",
                                                         "abc" + label + "9223372036854775808|2",
                                                         "abc" + label + "1|99999999999999999999",
                                                         "abc|2026-12-01T02:07:21.12345|1|2",
                                                         "abc|2026-12-01 02:07:21.123456|1|2",
                                                         "abc|2026-12-01T02:07:21.12345x|1|2",
                                                         "abc||1|2"}) {
    EXPECT_FALSE(DecodeIteratorSeeded(bad).has_value()) << bad;
  }
}

TEST(ChangeClockTest, StampsIncreaseDatesFollowTheWallClockAndBlocksAreAdjacent) {
  ManualClock wall(1000);
  std::vector<int64_t> leases;
  ChangeClock clock(&wall, 0, [&](int64_t lease) {
    leases.push_back(lease);
    return Status::Ok();
  });
  auto a = clock.Next();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->stamp, 1000);
  EXPECT_EQ(a->date, 1000);
  auto block = clock.Next(5);  // the wall clock has not moved: stamps run ahead of it
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->stamp, 1001);
  EXPECT_EQ(block->date, 1000);
  EXPECT_EQ(clock.Last(), 1005);
  EXPECT_EQ(clock.Watermark(), 1000);  // the first block is still in flight
  clock.Done(a->stamp);
  EXPECT_EQ(clock.Watermark(), 1001);
  EXPECT_TRUE(clock.InFlightThrough(1003));
  clock.Done(block->stamp);
  EXPECT_FALSE(clock.InFlightThrough(1005));
  EXPECT_EQ(clock.Watermark(), 1006);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_GT(leases[0], 1000);
  // A clean close persists the exact lease: the next run starts from the last stamp.
  ASSERT_TRUE(clock.Close().ok());
  EXPECT_EQ(leases.back(), 1005);
}

TEST(ChangeClockTest, TicketsReserveOneDatedBlockThenTakeSingles) {
  ManualClock wall(50);
  ChangeClock clock(&wall, 0, [](int64_t) { return Status::Ok(); });
  {
    StampTickets tickets;
    ASSERT_TRUE(tickets.Reserve(&clock, 3).ok());
    wall.AdvanceMicros(10);
    for (int64_t i = 0; i < 3; ++i) {
      auto t = tickets.Take(&clock);
      ASSERT_TRUE(t.ok());
      EXPECT_EQ(t->stamp, 50 + i);
      EXPECT_EQ(t->date, 50);
    }
    auto extra = tickets.Take(&clock);  // beyond the reservation: a fresh stamp
    ASSERT_TRUE(extra.ok());
    EXPECT_EQ(extra->stamp, 60);
    EXPECT_EQ(extra->date, 60);
    EXPECT_TRUE(clock.InFlightThrough(60));
  }
  EXPECT_FALSE(clock.InFlightThrough(60));  // released with the tickets
}

}  // namespace
}  // namespace issuetracker::engine
