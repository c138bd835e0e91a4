#include <gtest/gtest.h>

#include <random>

#include "engine/catalog.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"

namespace issuetracker::engine {
namespace {

using dynamo::AttributeValue;
using dynamo::Item;
using dynamo::Number;

TEST(ItemCodecTest, RoundTripsEveryType) {
  const std::vector<Item> items = {
      {},
      {{"s", AttributeValue::S("")}},
      {{"s", AttributeValue::S(std::string("a\0b", 3))}, {"n", AttributeValue::N("-1.5e-20")}},
      {{"b", AttributeValue::B(std::string("\x00\xff", 2))},
       {"t", AttributeValue::Bool(false)},
       {"z", AttributeValue::Null()}},
      {{"m", AttributeValue::M(
                 {{"x", AttributeValue::L({AttributeValue::M({}), AttributeValue::L({})})}})}},
      {{"ss", AttributeValue::SS({"a", "b"})},
       {"ns", AttributeValue::NS({Number::FromInt64(-3), Number::FromInt64(7)})},
       {"bs", AttributeValue::BS({std::string(1, '\0'), "\x01"})}},
      {{std::string(300, 'k'), AttributeValue::S(std::string(70000, 'v'))}},
  };
  for (const auto& item : items) {
    const std::string encoded = EncodeItem(item);
    auto decoded = DecodeItem(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, item);
  }
}

// Decoding into an item that already holds another item (any shape: other names, types,
// nesting, longer lists and sets) gives exactly the decoded item, and the same size.
TEST(ItemCodecTest, DecodeIntoReusesAnyPreviousShape) {
  const std::vector<Item> items = {
      {},
      {{"a", AttributeValue::S("short")}, {"b", AttributeValue::N("12.5")}},
      {{"a", AttributeValue::S(std::string(100, 'x'))},
       {"b", AttributeValue::M(
                 {{"k", AttributeValue::L({AttributeValue::N("1"), AttributeValue::S("two")})}})}},
      {{"a", AttributeValue::L({AttributeValue::Null(), AttributeValue::Bool(true),
                                AttributeValue::L({AttributeValue::S("deep")})})},
       {"c", AttributeValue::SS({"x", "y", "z"})},
       {"d", AttributeValue::NS({Number::FromInt64(1), Number::FromInt64(2)})}},
      {{"a", AttributeValue::B("bin")}, {"c", AttributeValue::SS({"only"})}},
      {{"b", AttributeValue::M({})}, {"z", AttributeValue::BS({"\x01", "\x02"})}},
  };
  for (const Item& previous : items) {
    for (const Item& next : items) {
      Item target = previous;
      size_t size = 0, fresh_size = 0;
      ASSERT_TRUE(DecodeItemInto(EncodeItem(next), &target, &size).ok());
      auto fresh = DecodeItem(EncodeItem(next), &fresh_size);
      ASSERT_TRUE(fresh.ok());
      EXPECT_EQ(target, next);
      EXPECT_EQ(size, fresh_size);
      EXPECT_EQ(size, dynamo::ItemSize(next));
    }
  }
  Item target = items[2];
  EXPECT_EQ(DecodeItemInto("\x01\x05junk", &target).code(), Code::kCorruption);
  EXPECT_TRUE(target.empty());
}

TEST(ItemCodecTest, RejectsCorruptInput) {
  const std::string good =
      EncodeItem({{"a", AttributeValue::L({AttributeValue::S("xyz"), AttributeValue::N("12")})}});
  for (size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_EQ(DecodeItem(good.substr(0, cut)).status().code(), Code::kCorruption)
        << "cut at " << cut;
  }
  EXPECT_EQ(DecodeItem(good + "x").status().code(), Code::kCorruption);
  std::string bad_version = good;
  bad_version[0] = 0x7F;
  EXPECT_EQ(DecodeItem(bad_version).status().code(), Code::kCorruption);
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {  // random garbage never crashes the decoder
    std::string junk(1 + rng() % 40, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    junk[0] = 0x01;
    (void)DecodeItem(junk);
  }
}

TEST(VarintTest, RoundTrips) {
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, 1ull << 32, ~0ull}) {
    std::string s;
    PutVarint64(v, &s);
    std::string_view in = s;
    uint64_t out;
    ASSERT_TRUE(GetVarint64(&in, &out));
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
  }
  std::string_view truncated("\x80", 1);
  uint64_t out;
  EXPECT_FALSE(GetVarint64(&truncated, &out));
}

TEST(KeyCodecTest, StringAndBinaryKeysKeepOrderAndAreprefixFree) {
  std::vector<std::string> values = {"",
                                     std::string(1, '\0'),
                                     std::string("\0\0", 2),
                                     std::string("\0a", 2),
                                     "a",
                                     std::string("a\0", 2),
                                     "a\x01",
                                     "ab",
                                     "b",
                                     "\xff",
                                     "\xff\xff"};
  std::sort(values.begin(), values.end());
  std::vector<std::string> keys;
  for (const auto& v : values) {
    std::string k;
    AppendKeyValue(AttributeValue::S(v), &k);
    std::string_view in = k;
    auto back = DecodeKeyValue(dynamo::ScalarType::kS, &in);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->s(), v);
    EXPECT_TRUE(in.empty());
    keys.push_back(k);
  }
  // The stored format: each zero byte escaped as 00 FF, then the terminator 00 01.
  std::string exact;
  AppendKeyValue(AttributeValue::S(std::string("a\0bc\0\0", 6)), &exact);
  EXPECT_EQ(exact, std::string("a\0\xff"
                               "bc\0\xff\0\xff\0\x01",
                               11));
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    EXPECT_LT(keys[i], keys[i + 1]) << i;
    // Any continuation of a smaller key stays smaller: the encoding is prefix-free.
    EXPECT_LT(keys[i] + "\xff\xff\xff", keys[i + 1]) << i;
  }
}

TEST(KeyCodecTest, BeginsWithPrefixBoundsMatchExactlyThePrefixedValues) {
  const std::vector<std::string> values = {"a",  "ab", std::string("ab\0", 3), "abc", "abd",
                                           "ac", "b"};
  std::string lo;
  AppendKeyPrefix("ab", &lo);
  const std::string hi = PrefixSuccessor(lo);
  for (const auto& v : values) {
    std::string k;
    AppendKeyValue(AttributeValue::S(v), &k);
    const bool inside = k >= lo && k < hi;
    EXPECT_EQ(inside, v.starts_with("ab")) << v;
  }
}

TEST(KeyCodecTest, NumberKeysSortNumerically) {
  std::vector<std::string> texts = {"-100", "-1.5", "-1", "0", "0.001", "1", "1.5", "10", "1e100"};
  std::string prev;
  for (const auto& t : texts) {
    std::string k;
    AppendKeyValue(AttributeValue::N(t), &k);
    if (!prev.empty()) {
      EXPECT_LT(prev, k) << t;
    }
    prev = k;
    std::string_view in = k;
    auto back = DecodeKeyValue(dynamo::ScalarType::kN, &in);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->n(), *Number::Parse(t));
  }
}

TEST(KeyCodecTest, PartitionsAreContiguousAndHashStable) {
  // The hash is persisted in every key: it must never change across versions.
  EXPECT_EQ(PartitionHash(AttributeValue::S("COMPANY001#ISSUE#ISS-001")),
            PartitionHash(AttributeValue::S("COMPANY001#ISSUE#ISS-001")));
  EXPECT_NE(PartitionHash(AttributeValue::S("a")), PartitionHash(AttributeValue::S("b")));
  EXPECT_EQ(PartitionHash(AttributeValue::N("1.0")), PartitionHash(AttributeValue::N("1")));
  const std::string p = PartitionPrefix(7, 0, AttributeValue::S("p"));
  std::string item_key = p;
  AppendKeyValue(AttributeValue::N("5"), &item_key);
  EXPECT_TRUE(item_key.starts_with(p));
  EXPECT_LT(item_key, PrefixSuccessor(p));
  EXPECT_EQ(PrefixSuccessor("a\xff\xff"), "b");
  EXPECT_EQ(PrefixSuccessor("\xff"), "");
}

TEST(CatalogTest, DescriptorRoundTripsThroughJson) {
  dynamo::CreateTableRequest r;
  r.table_name = "IssueTracker-Issues-Pooled";
  r.billing_mode = dynamo::BillingMode::kPayPerRequest;
  r.attribute_definitions = {
      {"id", dynamo::ScalarType::kS}, {"n", dynamo::ScalarType::kN}, {"g", dynamo::ScalarType::kB}};
  r.key_schema = {{"id", dynamo::KeyType::kHash}, {"n", dynamo::KeyType::kRange}};
  dynamo::GlobalSecondaryIndex gsi{"ByG",
                                   {{"g", dynamo::KeyType::kHash}},
                                   {dynamo::ProjectionType::kInclude, {"x", "y"}},
                                   std::nullopt};
  r.global_secondary_indexes = {gsi};
  r.attribute_definitions.push_back({"d", dynamo::ScalarType::kS});
  r.local_secondary_indexes = {{"ByD",
                                {{"id", dynamo::KeyType::kHash}, {"d", dynamo::KeyType::kRange}},
                                {dynamo::ProjectionType::kKeysOnly, {}}}};
  r.tags = {{"Project", "IssueTrackingSaaS"}};
  r.sse_specification = dynamo::SseSpecification{true, dynamo::SseType::kKms, "key-1"};
  r.stream_specification =
      dynamo::StreamSpecification{true, dynamo::StreamViewType::kNewAndOldImages};
  ASSERT_TRUE(ValidateCreateTable(r).ok());
  TableDesc d = DescFromCreateRequest(r, 42, "uuid-1", 1700000000.5);
  d.pitr_enabled = true;
  d.stream_label = "label";
  d.ttl_attribute = "expires";
  auto back = ParseTableDesc(SerializeTableDesc(d));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, 42u);
  EXPECT_EQ(back->range->type, dynamo::ScalarType::kN);
  ASSERT_EQ(back->indexes.size(), 2u);
  EXPECT_FALSE(back->indexes[0].local);
  EXPECT_TRUE(back->indexes[1].local);
  EXPECT_EQ(back->indexes[1].range->name, "d");
  EXPECT_TRUE(back->HasLocalIndexes());
  EXPECT_EQ(back->ttl_attribute, "expires");
  EXPECT_EQ(back->indexes[0].projection.non_key_attributes, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(back->indexes[0].hash.type, dynamo::ScalarType::kB);
  EXPECT_EQ(back->tags, r.tags);
  EXPECT_EQ(*back->sse->kms_master_key_id, "key-1");
  EXPECT_EQ(*back->stream->stream_view_type, dynamo::StreamViewType::kNewAndOldImages);
  EXPECT_TRUE(back->pitr_enabled);
  EXPECT_EQ(ParseTableDesc("{").status().code(), Code::kCorruption);
  EXPECT_EQ(ParseTableDesc("{\"id\": 1}").status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace issuetracker::engine
