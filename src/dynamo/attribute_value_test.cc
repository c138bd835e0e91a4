#include "dynamo/attribute_value.h"

#include <gtest/gtest.h>

namespace issuetracker::dynamo {
namespace {

using AV = AttributeValue;

TEST(AttributeValueTest, TypesAndNames) {
  struct Case {
    AV value;
    AttrType type;
    std::string_view name;
  } cases[] = {
      {AV::S("x"), AttrType::kS, "S"},
      {AV::N("1"), AttrType::kN, "N"},
      {AV::B("\x01"), AttrType::kB, "B"},
      {AV::Bool(true), AttrType::kBool, "BOOL"},
      {AV::Null(), AttrType::kNull, "NULL"},
      {AV::M({}), AttrType::kM, "M"},
      {AV::L({}), AttrType::kL, "L"},
      {AV::SS({"a"}), AttrType::kSS, "SS"},
      {AV::NS({Number::FromInt64(1)}), AttrType::kNS, "NS"},
      {AV::BS({"a"}), AttrType::kBS, "BS"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.value.type(), c.type);
    EXPECT_EQ(TypeName(c.type), c.name);
    AttrType parsed;
    ASSERT_TRUE(ParseTypeName(c.name, &parsed));
    EXPECT_EQ(parsed, c.type);
  }
  AttrType unused;
  EXPECT_FALSE(ParseTypeName("X", &unused));
}

TEST(AttributeValueTest, EqualityFollowsDynamo) {
  EXPECT_EQ(AV::S("a"), AV::S("a"));
  EXPECT_NE(AV::S("1"), AV::N("1"));
  EXPECT_NE(AV::S("a"), AV::B("a"));
  EXPECT_EQ(AV::N("1.0"), AV::N("1"));
  EXPECT_EQ(AV::SS({"a", "b"}), AV::SS({"b", "a"}));
  EXPECT_NE(AV::SS({"a", "b"}), AV::SS({"a"}));
  EXPECT_EQ(AV::L({AV::S("a"), AV::N("2")}), AV::L({AV::S("a"), AV::N("2")}));
  EXPECT_NE(AV::L({AV::S("a"), AV::N("2")}), AV::L({AV::N("2"), AV::S("a")}));
  EXPECT_EQ(AV::M({{"x", AV::Bool(false)}}), AV::M({{"x", AV::Bool(false)}}));
  EXPECT_NE(AV::M({{"x", AV::Bool(false)}}), AV::M({{"x", AV::Bool(true)}}));
}

TEST(AttributeValueTest, SizesFollowDynamoRules) {
  EXPECT_EQ(AV::S("hello").StorageSize(), 5u);
  EXPECT_EQ(AV::B("abc").StorageSize(), 3u);
  EXPECT_EQ(AV::Bool(true).StorageSize(), 1u);
  EXPECT_EQ(AV::Null().StorageSize(), 1u);
  EXPECT_EQ(AV::N("123").StorageSize(), 3u);
  // 3 bytes overhead + per element (name + value + 1).
  EXPECT_EQ(AV::M({{"ab", AV::S("xyz")}}).StorageSize(), 3u + 2 + 3 + 1);
  EXPECT_EQ(AV::L({AV::S("xyz"), AV::Null()}).StorageSize(), 3u + 4 + 2);
  EXPECT_EQ(AV::SS({"ab", "c"}).StorageSize(), 3u);
  Item item{{"id", AV::S("1234")}, {"n", AV::N("1")}};
  EXPECT_EQ(ItemSize(item), 2u + 4 + 1 + 2);
}

TEST(AttributeValueTest, ValidationRejectsBadSets) {
  struct Case {
    AV value;
    std::string_view message;  // empty: valid
  } cases[] = {
      {AV::SS({"a", "b"}), ""},
      {AV::SS({}), "One or more parameter values were invalid: An string set  may not be empty"},
      {AV::SS({"a", "a"}),
       "One or more parameter values were invalid: Input collection [a, a] contains duplicates."},
      {AV::NS({}), "One or more parameter values were invalid: An number set  may not be empty"},
      {AV::NS({Number::FromInt64(1), *Number::Parse("1.0")}),
       "Input collection contains duplicates"},
      {AV::BS({}), "One or more parameter values were invalid: Binary sets should not be empty"},
      {AV::L({AV::M({{"x", AV::SS({})}})}),
       "One or more parameter values were invalid: An string set  may not be empty"},
  };
  for (const auto& c : cases) {
    Status s = ValidateValue(c.value);
    if (c.message.empty()) {
      EXPECT_TRUE(s.ok()) << s.ToString();
    } else {
      EXPECT_EQ(s.code(), Code::kValidation);
      EXPECT_EQ(s.message(), c.message);
    }
  }
}

// 32 levels at most, the top-level value being level 1, counted through maps and lists.
TEST(AttributeValueTest, ValidationRejectsNestingBeyond32Levels) {
  auto nested = [](int wraps, AV leaf) {
    for (int i = 0; i < wraps; ++i) leaf = i % 2 ? AV::L({std::move(leaf)}) : AV::M({{"k", leaf}});
    return leaf;
  };
  constexpr std::string_view kTooDeep =
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "
      "beyond supported limit";
  EXPECT_TRUE(ValidateValue(nested(31, AV::S("leaf"))).ok());
  EXPECT_TRUE(ValidateValue(nested(31, AV::M({}))).ok());
  EXPECT_EQ(ValidateValue(nested(32, AV::S("leaf"))).message(), kTooDeep);
  EXPECT_EQ(ValidateValue(nested(32, AV::Null())).message(), kTooDeep);
  EXPECT_EQ(ValidateItem({{"a", AV::N("1")}, {"b", nested(40, AV::Bool(true))}}).code(),
            Code::kValidation);
}

TEST(AttributeValueTest, NormalizeSortsSets) {
  AV v = AV::M({{"s", AV::SS({"b", "a", "b"})},
                {"n", AV::NS({Number::FromInt64(3), Number::FromInt64(-1)})}});
  v.Normalize();
  EXPECT_EQ(v.m().at("s").ss(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(v.m().at("n").ns().front(), Number::FromInt64(-1));
  EXPECT_EQ(AV::S("a\"b").DebugString(), "{\"S\":\"a\\\"b\"}");
  EXPECT_EQ(AV::L({AV::N("1"), AV::Bool(true)}).DebugString(),
            "{\"L\":[{\"N\":\"1\"},{\"BOOL\":true}]}");
}

}  // namespace
}  // namespace issuetracker::dynamo
