#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <random>

#include "common/fuzz_seed.h"
#include "engine/catalog.h"
#include "engine/core.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"
#include "engine/restores.h"

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
namespace json = boost::json;

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
// `maps` single-entry maps around a NULL, or around `leaf` (a tag and its payload).
std::string Nested(int maps, std::string leaf = Bytes({0x04})) {
  std::string value = std::move(leaf);
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
      // Strings in a map are read inline, not by the general value decoder (found by the
      // item fuzz target).
      {"a string nested beyond 32 levels", Nested(32, Bytes({0x00, 0x01, 'x'}))},
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
      Nested(31, Bytes({0x00, 0x01, 'x'})),
      Nested(31, Bytes({0x05, 0x00})),  // an empty map at the 32nd level
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

// Decoding into a reused item skips comparing a name with its predecessor when both are
// the names already in their slots (the reused map's own order); out-of-order or repeated
// names must still be caught whatever the reused item holds.
TEST(ItemCodecTest, ReusedNamesDoNotHideOutOfOrderNames) {
  // An item of S attributes with the names given, in that order, as EncodeItem would lay
  // them out if they were sorted.
  auto raw = [](const std::vector<std::string>& names) {
    std::string out(1, '\x01');
    out.push_back(static_cast<char>(names.size()));
    for (const std::string& name : names) {
      out.push_back(static_cast<char>(name.size()));
      out += name;
      out += std::string("\x00\x01v", 3);
    }
    return out;
  };
  const Item abc = {{"a", AttributeValue::S("v")},
                    {"bbbbbbbbbb", AttributeValue::S("v")},
                    {"c", AttributeValue::S("v")}};
  ASSERT_EQ(EncodeItem(abc), raw({"a", "bbbbbbbbbb", "c"}));
  const std::vector<std::vector<std::string>> bad = {
      {"a", "c", "bbbbbbbbbb"},      {"bbbbbbbbbb", "bbbbbbbbbb", "c"}, {"a", "a", "c"},
      {"c", "bbbbbbbbbb", "a"},      {"a", "bbbbbbbbbb", "bbbbbbbbbb"}, {"c", "a"},
      {"a", "bbbbbbbbbb", "c", "c"}, {"a", "bbbbbbbbbb", "c", "b"}};
  for (const auto& names : bad) {
    Item reused = abc;
    size_t size = 0;
    EXPECT_EQ(DecodeItemInto(raw(names), &reused, &size).code(), Code::kCorruption) << names.size();
    EXPECT_TRUE(reused.empty());
  }
  // The same shape, and a longer and a shorter one, decode into the reused item.
  for (const std::vector<std::string>& names :
       std::vector<std::vector<std::string>>{{"a", "bbbbbbbbbb", "c"},
                                             {"a", "bbbbbbbbbb", "c", "d"},
                                             {"a", "c"},
                                             {"bbbbbbbbbb", "c"}}) {
    Item reused = abc;
    ASSERT_TRUE(DecodeItemInto(raw(names), &reused).ok());
    EXPECT_EQ(EncodeItem(reused), raw(names));
  }
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
  d.stream_label = "2023-11-14T22:13:20.500000";
  SaveFuzzSeed("table_desc", "d" + SerializeTableDesc(d));
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

// A valid descriptor's JSON, for the corruption tests to alter.
json::object DescriptorJson() {
  dynamo::CreateTableRequest r;
  r.table_name = "Issues";
  r.attribute_definitions = {{"id", dynamo::ScalarType::kS}, {"g", dynamo::ScalarType::kS}};
  r.key_schema = {{"id", dynamo::KeyType::kHash}};
  r.provisioned_throughput = dynamo::ProvisionedThroughput{5, 5};
  r.global_secondary_indexes = {{"ByG",
                                 {{"g", dynamo::KeyType::kHash}},
                                 {dynamo::ProjectionType::kKeysOnly, {}},
                                 dynamo::ProvisionedThroughput{1, 1}},
                                {"ByG2",
                                 {{"g", dynamo::KeyType::kHash}},
                                 {dynamo::ProjectionType::kAll, {}},
                                 dynamo::ProvisionedThroughput{1, 1}}};
  EXPECT_TRUE(ValidateCreateTable(r).ok());
  const std::string text = SerializeTableDesc(DescFromCreateRequest(r, 3, "uuid-3", 1700000000));
  return json::parse(text).as_object();
}

// `text` with its one `placeholder` replaced by `number` (JSON text no json::value gives).
std::string WithNumber(std::string text, std::string_view placeholder, std::string_view number) {
  const size_t at = text.find(placeholder);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) text.replace(at, placeholder.size(), number);
  return text;
}

TEST(CatalogTest, DescriptorsTheEngineCannotWriteAreCorruption) {
  const std::string good = json::serialize(DescriptorJson());
  SaveFuzzSeed("table_desc", "d" + good);
  ASSERT_TRUE(ParseTableDesc(good).ok()) << ParseTableDesc(good).status().ToString();
  using Edit = std::function<void(json::object&)>;
  auto index = [](json::object& o, int i) -> json::object& {
    return o["indexes"].as_array()[i].as_object();
  };
  const std::vector<std::pair<std::string, Edit>> edits = {
      {"format 2", [](json::object& o) { o["format"] = 2; }},
      {"no format", [](json::object& o) { o.erase("format"); }},
      {"table id 0", [](json::object& o) { o["id"] = 0; }},
      {"table id negative", [](json::object& o) { o["id"] = -1; }},
      {"table id too large", [](json::object& o) { o["id"] = 4294967296LL; }},
      {"table id fractional", [](json::object& o) { o["id"] = 1.5; }},
      {"short name", [](json::object& o) { o["name"] = "ab"; }},
      {"name with a slash", [](json::object& o) { o["name"] = "a/b/c"; }},
      {"empty uuid", [](json::object& o) { o["uuid"] = ""; }},
      {"empty hash name", [](json::object& o) { o["hash"].as_object()["name"] = ""; }},
      {"unknown key type", [](json::object& o) { o["hash"].as_object()["type"] = "X"; }},
      {"range named as hash",
       [](json::object& o) {
         o["range"] = json::object{{"name", "id"}, {"type", "S"}};
       }},
      {"next index id 0", [](json::object& o) { o["next_index_id"] = 0; }},
      {"next index id 256", [](json::object& o) { o["next_index_id"] = 256; }},
      {"index id 0", [&](json::object& o) { index(o, 0)["id"] = 0; }},
      {"index id 255", [&](json::object& o) { index(o, 0)["id"] = 255; }},
      {"index id 300 (257 would wrap to 1)", [&](json::object& o) { index(o, 0)["id"] = 257; }},
      {"index id not below next", [&](json::object& o) { index(o, 1)["id"] = 3; }},
      {"duplicate index id", [&](json::object& o) { index(o, 1)["id"] = 1; }},
      {"duplicate index name", [&](json::object& o) { index(o, 1)["name"] = "ByG"; }},
      {"bad index name", [&](json::object& o) { index(o, 1)["name"] = "B y"; }},
      {"backfilling ACTIVE index", [&](json::object& o) { index(o, 0)["backfilling"] = true; }},
      {"unknown index status", [&](json::object& o) { index(o, 0)["status"] = "READY"; }},
      {"non-key attributes of KEYS_ONLY",
       [&](json::object& o) { index(o, 0)["non_key_attributes"] = json::array{"x"}; }},
      {"negative throughput", [](json::object& o) { o["throughput"].as_object()["read"] = -1; }},
      {"negative index throughput",
       [&](json::object& o) { index(o, 0)["throughput"].as_object()["write"] = -5; }},
      {"recovery days 0", [](json::object& o) { o["pitr_recovery_days"] = 0; }},
      {"recovery days 36", [](json::object& o) { o["pitr_recovery_days"] = 36; }},
      {"negative creation time", [](json::object& o) { o["creation_time"] = -1.0; }},
      {"stream with a bad label",
       [](json::object& o) {
         auto& st = o["settings"].as_object();
         st["stream_view_type"] = "KEYS_ONLY";
         st["stream_label"] = "label";
         st["stream_start_micros"] = 1;
       }},
      {"previous stream ending before it starts",
       [](json::object& o) {
         o["settings"].as_object()["previous_stream"] =
             json::object{{"label", "2023-11-14T22:13:20.500000"},
                          {"view", "KEYS_ONLY"},
                          {"start_micros", 10},
                          {"end_micros", 5}};
       }},
      {"tags not an array", [](json::object& o) { o["settings"].as_object()["tags"] = 1; }},
      {"settings missing", [](json::object& o) { o.erase("settings"); }},
      // Fields the engine never writes are refused at every level, not dropped.
      {"unknown table field", [](json::object& o) { o["ttl"] = "x"; }},
      {"unknown key attribute field", [](json::object& o) { o["hash"].as_object()["len"] = 1; }},
      {"unknown index field", [&](json::object& o) { index(o, 0)["sparse"] = true; }},
      {"unknown throughput field",
       [](json::object& o) { o["throughput"].as_object()["burst"] = 1; }},
      {"unknown settings field", [](json::object& o) { o["settings"].as_object()["ttl"] = "x"; }},
      {"unknown attribute definition field",
       [](json::object& o) { o["attribute_definitions"].as_array()[0].as_object()["n"] = 1; }},
      {"unknown tag field",
       [](json::object& o) {
         o["settings"].as_object()["tags"] =
             json::array{json::object{{"key", "k"}, {"value", "v"}, {"extra", 1}}};
       }},
  };
  for (const auto& [what, edit] : edits) {
    json::object o = DescriptorJson();
    edit(o);
    const std::string text = json::serialize(o);
    SaveFuzzSeed("table_desc", "d" + text);
    EXPECT_EQ(ParseTableDesc(text).status().code(), Code::kCorruption) << what;
  }
  for (const std::string& text : {std::string(""), std::string("[]"), std::string("null"),
                                  good.substr(0, good.size() - 1), good + "x"}) {
    EXPECT_EQ(ParseTableDesc(text).status().code(), Code::kCorruption) << text;
  }
  // A time too large for a double parses as infinity, which would be written back as no
  // JSON number (found by the table_desc fuzz target).
  for (const char* field :
       {"creation_time", "last_update_to_pay_per_request", "table_class_updated"}) {
    json::object o = DescriptorJson();
    o[field] = "a time";
    const std::string text = WithNumber(json::serialize(o), "\"a time\"", "1.7E400");
    SaveFuzzSeed("table_desc", "d" + text);
    EXPECT_EQ(ParseTableDesc(text).status().code(), Code::kCorruption) << field;
  }
}

TEST(CatalogTest, BackupMetadataTheEngineCannotWriteIsCorruption) {
  BackupMeta m;
  m.id = "00001700000000001-0badcafe";
  m.table_arn = "arn:aws:dynamodb:local:000000000000:table/Issues";
  m.arn = m.table_arn + "/backup/" + m.id;
  m.name = "nightly";
  m.created = 1700000000.5;
  m.size_bytes = 10;
  m.item_count = 1;
  m.desc_json = json::serialize(DescriptorJson());
  const std::string good = SerializeBackupMeta(m);
  SaveFuzzSeed("table_desc", "b" + good);
  auto back = ParseBackupMeta(good);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, m.id);
  EXPECT_EQ(back->desc_json, m.desc_json);
  using Edit = std::function<void(json::object&)>;
  const std::vector<std::pair<std::string, Edit>> edits = {
      {"id climbing out of the backups directory",
       [](json::object& o) {
         o["id"] = "../../x";
         o["arn"] = std::string(o["table_arn"].as_string()) + "/backup/../../x";
       }},
      {"id with upper-case hex",
       [](json::object& o) {
         o["id"] = "00001700000000001-0BADCAFE";
         o["arn"] = std::string(o["table_arn"].as_string()) + "/backup/00001700000000001-0BADCAFE";
       }},
      {"short id",
       [](json::object& o) {
         o["id"] = "1-0badcafe";
         o["arn"] = std::string(o["table_arn"].as_string()) + "/backup/1-0badcafe";
       }},
      {"ARN of another backup",
       [](json::object& o) {
         o["arn"] = std::string(o["table_arn"].as_string()) + "/backup/00001700000000002-0badcafe";
       }},
      {"negative size", [](json::object& o) { o["size_bytes"] = -1; }},
      {"negative count", [](json::object& o) { o["item_count"] = -1; }},
      {"negative creation time", [](json::object& o) { o["created"] = -1.0; }},
      {"descriptor not a string", [](json::object& o) { o["desc"] = 1; }},
      {"no name", [](json::object& o) { o.erase("name"); }},
      {"a field CreateBackup never writes", [](json::object& o) { o["region"] = "us-east-1"; }},
  };
  for (const auto& [what, edit] : edits) {
    json::object o = json::parse(good).as_object();
    edit(o);
    const std::string text = json::serialize(o);
    SaveFuzzSeed("table_desc", "b" + text);
    EXPECT_EQ(ParseBackupMeta(text).status().code(), Code::kCorruption) << what;
  }
  EXPECT_EQ(ParseBackupMeta("{").status().code(), Code::kCorruption);
  json::object o = json::parse(good).as_object();
  o["created"] = "a time";
  const std::string text = WithNumber(json::serialize(o), "\"a time\"", "1.7E400");
  SaveFuzzSeed("table_desc", "b" + text);
  EXPECT_EQ(ParseBackupMeta(text).status().code(), Code::kCorruption);
}

TEST(StatsCodecTest, StatisticsTheEngineCannotWriteAreCorruption) {
  StatsAccumulator stats;
  stats.Add(0, 10, 1000);
  stats.Add(3, -2, -200);
  stats.Add(255, 1, 1);
  const std::string value = EncodeStats(stats);
  auto back = DecodeStats(value);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->deltas, stats.deltas);
  ASSERT_TRUE(DecodeStats("").ok());
  EXPECT_TRUE(DecodeStats("")->deltas.empty());
  // Truncated at every length that is not whole entries.
  for (size_t n = 1; n < value.size(); ++n) {
    if (n % 17 != 0) {
      EXPECT_EQ(DecodeStats(value.substr(0, n)).status().code(), Code::kCorruption);
    }
  }
  EXPECT_EQ(DecodeStats(value + "x").status().code(), Code::kCorruption);
  // Index ids out of order or repeated.
  const std::string first = value.substr(0, 17), second = value.substr(17, 17);
  EXPECT_EQ(DecodeStats(second + first).status().code(), Code::kCorruption);
  EXPECT_EQ(DecodeStats(first + first).status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace issuetracker::engine
