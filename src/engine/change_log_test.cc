#include "engine/change_log.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "engine/item_codec.h"

namespace issuetracker::engine {
namespace {

using dynamo::AttributeValue;
using dynamo::Item;

TEST(ChangeLogTest, RecordsRoundTripWithTheirDate) {
  const Item old_item = {{"pk", AttributeValue::S("a")}, {"v", AttributeValue::N("1")}};
  const Item new_item = {{"pk", AttributeValue::S("a")}, {"v", AttributeValue::N("2")}};
  const Item keys = {{"pk", AttributeValue::S("a")}};
  const std::string key = ChangeKey(7, 5000);
  const std::string value =
      EncodeChange(&old_item, &new_item, {true, true}, keys, ChangeStamp{5000, 4200});
  auto r = DecodeChange(key, value);
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
  auto removed = DecodeChange(key, EncodeChange(&old_item, nullptr, {}, keys, {5000, 5000}));
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->event, ChangeEvent::kRemove);
  EXPECT_EQ(*removed->keys, keys);
  EXPECT_FALSE(removed->old_image.has_value());
}

TEST(ChangeLogTest, DeletionsByTheServiceAreMarked) {
  const Item old_item = {{"pk", AttributeValue::S("a")}, {"exp", AttributeValue::N("1")}};
  const Item keys = {{"pk", AttributeValue::S("a")}};
  const std::string key = ChangeKey(7, 5000);
  ChangeImages images{true, false, true};
  auto r = DecodeChange(key, EncodeChange(&old_item, nullptr, images, keys, {5000, 5000}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->by_service);
  EXPECT_EQ(r->event, ChangeEvent::kRemove);
  EXPECT_EQ(*r->old_image, old_item);
  // Keys only, too; and never on anything but a removal.
  images.old_image = false;
  r = DecodeChange(key, EncodeChange(&old_item, nullptr, images, keys, {5000, 5000}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->by_service);
  EXPECT_EQ(*r->keys, keys);
  r = DecodeChange(key, EncodeChange(nullptr, &old_item, images, keys, {5000, 5000}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->by_service);
  std::string forged = EncodeChange(nullptr, &old_item, {}, keys, {5000, 5000});
  forged[3] = static_cast<char>(forged[3] | 8);  // the service flag on an INSERT
  EXPECT_FALSE(DecodeChange(key, forged).ok());
  // A user's deletion is not marked.
  r = DecodeChange(key, EncodeChange(&old_item, nullptr, {true, false}, keys, {5000, 5000}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->by_service);
}

TEST(ChangeLogTest, VersionOneRecordsAreDatedByTheirStamp) {
  // Written before records kept a date: version 0x01, then event and flags.
  const Item keys = {{"pk", AttributeValue::S("a")}};
  const std::string body = ChangeBody(nullptr, &keys, {}, keys);
  const std::string value = std::string(1, '\x01') + body;
  auto r = DecodeChange(ChangeKey(1, 123456), value);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->date, 123456);
  EXPECT_EQ(r->event, ChangeEvent::kInsert);
}

TEST(ChangeLogTest, CorruptRecordsAreRejected) {
  const Item keys = {{"pk", AttributeValue::S("a")}};
  const std::string key = ChangeKey(1, 100);
  const std::string body = ChangeBody(nullptr, &keys, {}, keys);
  // A date after the stamp, an unknown version, bad flags, truncation, trailing bytes.
  EXPECT_FALSE(DecodeChange(key, ChangeHead({100, -1}) + body).ok());
  EXPECT_FALSE(DecodeChange(key, std::string(1, '\x03') + body).ok());
  std::string bad_flags = ChangeHead({100, 100}) + body;
  bad_flags[2] = 5;  // keys only together with an old image
  EXPECT_FALSE(DecodeChange(key, bad_flags).ok());
  const std::string good = ChangeHead({100, 100}) + body;
  for (size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(DecodeChange(key, good.substr(0, n)).ok());
  EXPECT_FALSE(DecodeChange(key, good + "x").ok());
  EXPECT_FALSE(DecodeChange(key.substr(0, 11), good).ok());
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
