#include <gtest/gtest.h>

#include <random>

#include "common/fuzz_seed.h"
#include "engine/catalog.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"

namespace issuetracker::engine {
namespace {

// Seeds of the "key" fuzz target: the key types ('S', 'N', 'B'; '-' for no sort key) and
// the encoded values (fuzz/key_fuzzer.cc).
void SaveKeySeed(std::string_view types, std::string_view encoded) {
  SaveFuzzSeed("key", std::string(types) + std::string(encoded));
}

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
    SaveFuzzSeed("item", encoded);
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

// Hand-built values. After the version byte: count, then name_len name tag payload per
// attribute (item_codec.h); tags S=0 N=1 BOOL=3 NULL=4 M=5 SS=7 NS=8 BS=9.
std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}
std::string Raw(std::initializer_list<int> body) { return "\x01" + Bytes(body); }
// An item of one attribute "a" whose tag and payload are given.
std::string OneAttr(std::string tag_and_payload) {
  return Bytes({0x01, 0x01, 0x01, 'a'}) + tag_and_payload;
}
std::string NumberAttr(std::string_view text) {
  return OneAttr(Bytes({0x01, static_cast<int>(text.size())}) + std::string(text));
}
// `maps` single-entry maps around a NULL.
std::string Nested(int maps) {
  std::string value = Bytes({0x04});
  for (int i = 0; i < maps; ++i) value = Bytes({0x05, 0x01, 0x01, 'k'}) + value;
  return OneAttr(value);
}

TEST(ItemCodecTest, RejectsWhatTheEncoderCannotWrite) {
  struct Case {
    std::string name, bytes;
  } cases[] = {
      {"count as a two-byte varint", Raw({0x81, 0x00, 0x01, 'a', 0x04})},
      {"name length as a two-byte varint", Raw({0x01, 0x81, 0x00, 'a', 0x04})},
      {"string length as a two-byte varint", OneAttr(Bytes({0x00, 0x81, 0x00, 'x'}))},
      {"names out of order", Raw({0x02, 0x01, 'b', 0x04, 0x01, 'a', 0x04})},
      {"duplicate names", Raw({0x02, 0x01, 'a', 0x04, 0x01, 'a', 0x04})},
      {"BOOL byte 2", OneAttr(Bytes({0x03, 0x02}))},
      {"BOOL byte 0xFF", OneAttr(Bytes({0x03, 0xFF}))},
      {"unknown tag", OneAttr(Bytes({0x0A}))},
      {"number with a plus sign", NumberAttr("+1")},
      {"number with a trailing fraction zero", NumberAttr("1.50")},
      {"number with a leading zero", NumberAttr("01")},
      {"number with an exponent", NumberAttr("1e2")},
      {"negative zero", NumberAttr("-0")},
      {"zero with a fraction", NumberAttr("0.0")},
      {"fraction without a whole part", NumberAttr(".5")},
      {"number point without a fraction", NumberAttr("5.")},
      {"number out of range", NumberAttr("1" + std::string(126, '0'))},
      {"number with 39 digits", NumberAttr(std::string(39, '7'))},
      {"empty string set", OneAttr(Bytes({0x07, 0x00}))},
      {"string set out of order", OneAttr(Bytes({0x07, 0x02, 0x01, 'b', 0x01, 'a'}))},
      {"string set with duplicates", OneAttr(Bytes({0x07, 0x02, 0x01, 'a', 0x01, 'a'}))},
      {"empty number set", OneAttr(Bytes({0x08, 0x00}))},
      {"number set out of order", OneAttr(Bytes({0x08, 0x02, 0x01, '2', 0x01, '1'}))},
      {"number set with duplicates", OneAttr(Bytes({0x08, 0x02, 0x01, '1', 0x01, '1'}))},
      {"binary set out of order", OneAttr(Bytes({0x09, 0x02, 0x01, 0xFF, 0x01, 0x00}))},
      {"nesting beyond 32 levels", Nested(32)},
  };
  for (const auto& c : cases) {
    SaveFuzzSeed("item", c.bytes);
    auto r = DecodeItem(c.bytes);
    if (r.ok()) {
      ADD_FAILURE() << c.name << " decoded to " << dynamo::ItemDebugString(*r);
      continue;
    }
    EXPECT_EQ(r.status().code(), Code::kCorruption) << c.name;
    EXPECT_EQ(r.status().message(), "malformed item") << c.name;
  }
  // Their valid neighbours decode and encode back, so each case above fails for the
  // reason it names.
  const std::string valid[] = {
      Raw({0x01, 0x01, 'a', 0x04}),
      OneAttr(Bytes({0x00, 0x01, 'x'})),
      Raw({0x02, 0x01, 'a', 0x04, 0x01, 'b', 0x04}),
      OneAttr(Bytes({0x03, 0x01})),
      NumberAttr("1"),
      NumberAttr("-0.05"),
      NumberAttr("10.5"),
      NumberAttr("0"),
      OneAttr(Bytes({0x07, 0x02, 0x01, 'a', 0x01, 'b'})),
      OneAttr(Bytes({0x08, 0x02, 0x01, '1', 0x01, '2'})),
      OneAttr(Bytes({0x09, 0x02, 0x01, 0x00, 0x01, 0xFF})),
      Nested(31),
  };
  for (const std::string& ok : valid) {
    SaveFuzzSeed("item", ok);
    auto r = DecodeItem(ok);
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(ok);
    EXPECT_EQ(EncodeItem(*r), ok);
  }
}

// decode ok => EncodeItem(decoded) == input, over random single-byte changes, insertions
// and deletions of valid encodings.
TEST(ItemCodecTest, DecodeRoundTripsWhatItAccepts) {
  const std::vector<Item> seeds = {
      {{"a", AttributeValue::S("xyz")}, {"b", AttributeValue::N("-12.5")}},
      {{"m", AttributeValue::M({{"l", AttributeValue::L({AttributeValue::Bool(true),
                                                         AttributeValue::Null()})}})}},
      {{"ss", AttributeValue::SS({"a", "b"})},
       {"ns", AttributeValue::NS({Number::FromInt64(-3), Number::FromInt64(7)})},
       {"bs", AttributeValue::BS({std::string(1, '\0'), "\x01"})}},
  };
  std::mt19937 rng(12);
  int accepted = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string bytes = EncodeItem(seeds[rng() % seeds.size()]);
    const size_t at = 1 + rng() % (bytes.size() - 1);
    switch (rng() % 3) {
      case 0:
        bytes[at] = static_cast<char>(rng() % 4 ? bytes[at] + 1 - static_cast<int>(rng() % 3)
                                                : static_cast<int>(rng()));
        break;
      case 1:
        bytes.insert(at, 1, static_cast<char>(rng() % 12));
        break;
      default:
        bytes.erase(at, 1);
        break;
    }
    auto r = DecodeItem(bytes);
    if (!r.ok()) continue;
    ++accepted;
    EXPECT_EQ(EncodeItem(*r), bytes) << ::testing::PrintToString(bytes);
  }
  EXPECT_GT(accepted, 300);
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

TEST(VarintTest, RejectsAllButTheShortestForm) {
  uint64_t out;
  uint32_t out32;
  for (std::string_view longer :
       {std::string_view("\x80\x00", 2), std::string_view("\x81\x80\x00", 3),
        std::string_view("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10),
        std::string_view("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 11)}) {
    std::string_view in = longer;
    EXPECT_FALSE(GetVarint64(&in, &out)) << ::testing::PrintToString(std::string(longer));
    in = longer;
    EXPECT_FALSE(GetVarint32(&in, &out32));
  }
  std::string_view too_wide("\x80\x80\x80\x80\x10", 5);  // 2^32
  EXPECT_FALSE(GetVarint32(&too_wide, &out32));
  std::string_view zero("\x00", 1);
  ASSERT_TRUE(GetVarint64(&zero, &out));
  EXPECT_EQ(out, 0u);
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
    SaveKeySeed("S-", k);
    if (!keys.empty()) SaveKeySeed("SS", keys.back() + k);
    keys.push_back(k);
    if (v.empty()) continue;  // no stored key is empty: the decoder refuses it (below)
    std::string_view in = k;
    auto back = DecodeKeyValue(dynamo::ScalarType::kS, &in);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->s(), v);
    EXPECT_TRUE(in.empty());
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

TEST(KeyCodecTest, DecodeKeyValueRejectsWhatNoStoredKeyHolds) {
  using dynamo::ScalarType;
  struct Case {
    ScalarType type;
    std::string in;
    std::string_view message;
  } cases[] = {
      {ScalarType::kS, "", "truncated key value"},
      {ScalarType::kS, "abc", "truncated key value"},
      {ScalarType::kB, std::string("a\0", 2), "truncated key value"},
      {ScalarType::kS, std::string("a\0\x02", 3), "bad key escape"},
      {ScalarType::kB, std::string("a\0\0", 3), "bad key escape"},
      {ScalarType::kS, std::string("\0\x01", 2), "empty key value"},
      {ScalarType::kB, std::string("\0\x01", 2), "empty key value"},
      {ScalarType::kS, std::string(2049, 'k') + std::string("\0\x01", 2),
       "key value longer than 2048 bytes"},
      {ScalarType::kB, std::string(4100, '\xff'), "key value longer than 2048 bytes"},
      {ScalarType::kN, std::string("\xc0\x00\xc9\x01\x02\x00", 6),
       "number key with a leading or trailing zero digit"},
  };
  for (const auto& c : cases) {
    const char type = c.type == ScalarType::kS ? 'S' : c.type == ScalarType::kN ? 'N' : 'B';
    SaveKeySeed(std::string(1, type) + "-", c.in);
    std::string_view in = c.in;
    auto r = DecodeKeyValue(c.type, &in);
    ASSERT_FALSE(r.ok()) << ::testing::PrintToString(c.in);
    EXPECT_EQ(r.status().code(), Code::kCorruption);
    EXPECT_EQ(r.status().message(), c.message) << ::testing::PrintToString(c.in);
    EXPECT_EQ(in.size(), c.in.size());
  }
  // The longest key value decodes, with its zero bytes escaped.
  std::string longest(kMaxKeyValueBytes, '\0');
  std::string k;
  AppendKeyValue(AttributeValue::B(longest), &k);
  std::string_view in = k;
  auto r = DecodeKeyValue(dynamo::ScalarType::kB, &in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->b(), longest);
}

// decode ok => the value encodes back to exactly the bytes consumed, for random inputs
// built from the bytes that matter to the escapes.
TEST(KeyCodecTest, DecodeKeyValueRoundTripsWhatItAccepts) {
  std::mt19937 rng(11);
  const char alphabet[] = {'\0', '\x01', '\x02', 'a', '\xfe', '\xff'};
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(1 + rng() % 12, '\0');
    for (auto& c : bytes) c = alphabet[rng() % sizeof(alphabet)];
    for (auto type : {dynamo::ScalarType::kS, dynamo::ScalarType::kB}) {
      std::string_view in = bytes;
      auto r = DecodeKeyValue(type, &in);
      if (!r.ok()) continue;
      ++accepted;
      std::string again;
      AppendKeyValue(*r, &again);
      EXPECT_EQ(again, bytes.substr(0, bytes.size() - in.size()));
    }
  }
  EXPECT_GT(accepted, 1000);
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
    SaveKeySeed("N-", k);
    if (!prev.empty()) SaveKeySeed("NN", prev + k);
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
