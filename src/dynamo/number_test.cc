#include "dynamo/number.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "common/fuzz_seed.h"

namespace issuetracker::dynamo {
namespace {

Number N(std::string_view s) {
  auto r = Number::Parse(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : Number();
}

TEST(NumberTest, ParsesAndCanonicalises) {
  struct Case {
    std::string_view in;
    std::string out;
  } cases[] = {
      {"0", "0"},
      {"-0", "0"},
      {"0.000", "0"},
      {"0e99999", "0"},
      {"1", "1"},
      {"+1", "1"},
      {"-1", "-1"},
      {"01", "1"},
      {"1.50", "1.5"},
      {"15E-1", "1.5"},
      {".5", "0.5"},
      {"5.", "5"},
      {"1e2", "100"},
      {"1E+2", "100"},
      {"123.456e1", "1234.56"},
      {"0.001", "0.001"},
      {"-0.00100", "-0.001"},
      {"1e-130", "0." + std::string(129, '0') + "1"},
      {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
      {"1234567890123456789012345678901234567800000",
       "1234567890123456789012345678901234567800000"},
  };
  for (const auto& c : cases) EXPECT_EQ(N(c.in).ToString(), c.out) << c.in;
}

// ParseCanonicalInto accepts exactly the texts ToString() writes, and parses them as Parse
// does: checked against Parse + ToString on crafted and random texts.
TEST(NumberTest, ParseCanonicalIntoAcceptsExactlyToStringsText) {
  auto check = [](const std::string& text) {
    auto parsed = Number::Parse(text);
    const bool canonical = parsed.ok() && parsed->ToString() == text;
    Number out = Number::Parse("-12345678901234567890.5").value();  // storage to reuse
    ASSERT_EQ(Number::ParseCanonicalInto(text, &out), canonical) << text;
    if (canonical) {
      EXPECT_EQ(out, *parsed) << text;
      EXPECT_EQ(out.ToString(), text);
    }
  };
  for (const std::string& text : std::vector<std::string>{"0",
                                                          "1",
                                                          "-1",
                                                          "10",
                                                          "100",
                                                          "-100",
                                                          "0.5",
                                                          "-0.5",
                                                          "0.05",
                                                          "0.000001",
                                                          "12.5",
                                                          "10.05",
                                                          "1.0",
                                                          "01",
                                                          "-0",
                                                          "0.",
                                                          ".5",
                                                          "+1",
                                                          "1e3",
                                                          "1E3",
                                                          "00.5",
                                                          "0.50",
                                                          "-",
                                                          "",
                                                          "1.2.3",
                                                          "1-",
                                                          "--1",
                                                          "0.0",
                                                          "99999999999999999999999999999999999999",
                                                          "999999999999999999999999999999999999991",
                                                          "1" + std::string(125, '0'),
                                                          "1" + std::string(126, '0'),
                                                          "0." + std::string(129, '0') + "1",
                                                          "0." + std::string(128, '0') + "1",
                                                          "12 ",
                                                          " 12",
                                                          "1a"}) {
    check(text);
  }
  std::mt19937 rng(7);
  const std::string alphabet = "0000111999.-+eE ";
  for (int i = 0; i < 200000; ++i) {
    std::string text(1 + rng() % 8, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    check(text);
  }
}

TEST(NumberTest, RejectsWithDynamoMessages) {
  struct Case {
    std::string_view in, message;
  } cases[] = {
      {"", "The parameter cannot be converted to a numeric value"},
      {"abc", "The parameter cannot be converted to a numeric value: abc"},
      {"1.2.3", "The parameter cannot be converted to a numeric value: 1.2.3"},
      {"1e", "The parameter cannot be converted to a numeric value: 1e"},
      {" 1", "The parameter cannot be converted to a numeric value:  1"},
      {"-", "The parameter cannot be converted to a numeric value: -"},
      {".", "The parameter cannot be converted to a numeric value: ."},
      {"0x10", "The parameter cannot be converted to a numeric value: 0x10"},
      {"NaN", "The parameter cannot be converted to a numeric value: NaN"},
      {"123456789012345678901234567890123456789",
       "Attempting to store more than 38 significant digits in a Number"},
      {"1e126",
       "Number overflow. Attempting to store a number with magnitude larger than supported range"},
      {"1e-131",
       "Number underflow. Attempting to store a number with magnitude smaller than supported "
       "range"},
  };
  for (const auto& c : cases) {
    auto r = Number::Parse(c.in);
    ASSERT_FALSE(r.ok()) << c.in;
    EXPECT_EQ(r.status().code(), Code::kValidation);
    EXPECT_EQ(r.status().message(), c.message) << c.in;
  }
  EXPECT_TRUE(Number::Parse("9.9999999999999999999999999999999999999E+125").ok());
}

TEST(NumberTest, ComparesExactly) {
  std::vector<std::string_view> ascending = {
      "-1e125",  "-100", "-10.5",  "-10", "-1.01", "-1", "-0.5",
      "-1e-130", "0",    "1e-130", "0.1", "0.12",  "1",  "1.0000000000000000000000000000000000001",
      "2",       "10",   "99.9",   "100", "1e125"};
  for (size_t i = 0; i < ascending.size(); ++i) {
    for (size_t j = 0; j < ascending.size(); ++j) {
      auto c = N(ascending[i]) <=> N(ascending[j]);
      EXPECT_EQ(c < 0, i < j) << ascending[i] << " vs " << ascending[j];
      EXPECT_EQ(c == 0, i == j) << ascending[i] << " vs " << ascending[j];
    }
  }
  EXPECT_EQ(N("1.50"), N("15e-1"));
}

TEST(NumberTest, ArithmeticIsExactDecimal) {
  struct Case {
    std::string_view a, b, sum, diff;
  } cases[] = {
      {"0.1", "0.2", "0.3", "-0.1"},
      {"1", "-1", "0", "2"},
      {"999", "1", "1000", "998"},
      {"1e20", "1", "100000000000000000001", "99999999999999999999"},
      {"-5.5", "2.25", "-3.25", "-7.75"},
      {"0", "-3", "-3", "3"},
      {"12345678901234567890", "0.0000000001", "12345678901234567890.0000000001",
       "12345678901234567889.9999999999"},
  };
  for (const auto& c : cases) {
    auto sum = N(c.a).Add(N(c.b));
    ASSERT_TRUE(sum.ok());
    EXPECT_EQ(sum->ToString(), c.sum) << c.a << " + " << c.b;
    auto diff = N(c.a).Subtract(N(c.b));
    ASSERT_TRUE(diff.ok());
    EXPECT_EQ(diff->ToString(), c.diff) << c.a << " - " << c.b;
  }
  // A result of 39 significant digits is refused; DynamoDB calls it an overflow (independent
  // conformance suites checked the message against DynamoDB), while a literal of 39 digits
  // gets "Attempting to store more than 38 significant digits in a Number".
  for (const auto& [a, b] : {std::pair{"1e38", "1"}, std::pair{"1e50", "-1"}}) {
    auto too_precise = N(a).Add(N(b));
    ASSERT_FALSE(too_precise.ok());
    EXPECT_EQ(too_precise.status().message(),
              "Number overflow. Attempting to store a number with magnitude larger than "
              "supported range");
  }
  auto overflow = N("9e125").Add(N("9e125"));
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(overflow.status().message().find("Number overflow"), std::string::npos);
}

TEST(NumberTest, OrderedKeyMatchesNumericOrderAndRoundTrips) {
  std::mt19937_64 rng(42);
  std::vector<Number> numbers;
  for (std::string_view s : {"0", "1", "-1", "0.5", "-0.5", "10", "1e125", "-1e125", "1e-130",
                             "-1e-130", "0.12", "0.1", "-0.12", "-0.1"}) {
    numbers.push_back(N(s));
  }
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    if (rng() % 2) s += '-';
    int digits = 1 + static_cast<int>(rng() % 38);
    for (int d = 0; d < digits; ++d) s += static_cast<char>('0' + rng() % 10);
    s += 'e';
    s += std::to_string(static_cast<int>(rng() % 160) - 80);
    numbers.push_back(N(s));
  }
  std::vector<std::string> keys;
  for (const auto& n : numbers) {
    std::string k;
    n.AppendOrderedKey(&k);
    if (keys.size() < 40) SaveFuzzSeed("number", k);  // the listed numbers, a few random
    std::string_view in = k;
    auto back = Number::DecodeOrderedKey(&in);
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(in.empty());
    EXPECT_EQ(*back, n);
    keys.push_back(k);
  }
  for (size_t i = 0; i < numbers.size(); ++i) {
    for (size_t j = i + 1; j < numbers.size(); j += 7) {
      auto c = numbers[i] <=> numbers[j];
      int kc = keys[i].compare(keys[j]);
      EXPECT_EQ(c < 0, kc < 0) << numbers[i].ToString() << " vs " << numbers[j].ToString();
      EXPECT_EQ(c == 0, kc == 0);
      // Prefix-free: an encoding followed by more bytes still compares the same way.
      if (c != 0) {
        EXPECT_EQ((keys[i] + "\x01").compare(keys[j]) < 0, c < 0);
      }
    }
  }
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// The 6-byte inputs and their kin: everything AppendOrderedKey cannot write is
// Corruption, never a number that encodes differently or that Parse would refuse.
TEST(NumberTest, DecodeOrderedKeyRejectsWhatTheEncoderCannotWrite) {
  struct Case {
    std::string in;
    std::string_view message;
  } cases[] = {
      {"", "truncated number key"},
      {Bytes({0x00, 0x00, 0xC9, 0x02, 0x00}), "bad number key tag"},
      {Bytes({0xC1, 0x00, 0xC9, 0x02, 0x00}), "bad number key tag"},
      {Bytes({0xC0, 0x00, 0xC9}), "truncated number key"},
      // Exponent 127 and -130 (biased 327 and 70), and the extremes of two bytes.
      {Bytes({0xC0, 0x01, 0x47, 0x02, 0x00}), "number key exponent out of range"},
      {Bytes({0xC0, 0x00, 0x46, 0x02, 0x00}), "number key exponent out of range"},
      {Bytes({0xC0, 0xFF, 0xFF, 0x02, 0x02, 0x00}), "number key exponent out of range"},
      {Bytes({0xC0, 0x00, 0x00, 0x02, 0x02, 0x00}), "number key exponent out of range"},
      {Bytes({0x3F, 0x00, 0x00, 0x09, 0x09, 0xFF}), "number key exponent out of range"},
      {Bytes({0x3F, 0xFE, 0xB8, 0x09, 0xFF}), "number key exponent out of range"},
      // Digits: 0x00 and 0x0B..0xFE are no digit; "01", "10" and "-0.10" are not canonical.
      {Bytes({0xC0, 0x00, 0xC9, 0x0B, 0x00}), "bad number key digit"},
      {Bytes({0x3F, 0xFF, 0x36, 0x00, 0xFF}), "bad number key digit"},
      {Bytes({0xC0, 0x00, 0xC9, 0x01, 0x02, 0x00}),
       "number key with a leading or trailing zero digit"},
      {Bytes({0xC0, 0x00, 0xC9, 0x02, 0x01, 0x00}),
       "number key with a leading or trailing zero digit"},
      {Bytes({0x3F, 0xFF, 0x37, 0x09, 0x0A, 0xFF}),
       "number key with a leading or trailing zero digit"},
      {Bytes({0xC0, 0x00, 0xC9, 0x00}), "number key without digits"},
      {Bytes({0xC0, 0x00, 0xC9, 0x02, 0x02}), "truncated number key"},
      {Bytes({0x3F, 0xFF, 0x36, 0x09, 0x00}), "bad number key digit"},
      {Bytes({0xC0, 0x00, 0xF0}) + std::string(39, '\x02') + std::string(1, '\0'),
       "number key has more than 38 digits"},
  };
  for (const auto& c : cases) {
    SaveFuzzSeed("number", c.in);
    std::string_view in = c.in;
    auto r = Number::DecodeOrderedKey(&in);
    ASSERT_FALSE(r.ok()) << testing::PrintToString(c.in) << " decoded to " << r->ToString();
    EXPECT_EQ(r.status().code(), Code::kCorruption);
    EXPECT_EQ(r.status().message(), c.message) << testing::PrintToString(c.in);
    EXPECT_EQ(in.size(), c.in.size()) << "consumed input on error";
  }
  // The bounds themselves decode: 1E-130, 1E+125 and 38 digits.
  for (std::string_view s : {"1e-130", "-1e-130", "9.9999999999999999999999999999999999999E+125",
                             "-9.9999999999999999999999999999999999999E+125"}) {
    std::string k;
    N(s).AppendOrderedKey(&k);
    std::string_view in = k;
    auto r = Number::DecodeOrderedKey(&in);
    ASSERT_TRUE(r.ok()) << s << ": " << r.status().ToString();
    EXPECT_EQ(*r, N(s));
  }
}

// decode(x) ok => encode(decode(x)) == the bytes consumed, and Parse accepts the number's
// text: over every two-byte exponent, and over random 6-byte inputs drawn mostly from the
// bytes that matter (tags, digit bounds, terminators).
TEST(NumberTest, DecodeOrderedKeyRoundTripsWhatItAccepts) {
  auto check = [](const std::string& bytes) {
    std::string_view in = bytes;
    auto r = Number::DecodeOrderedKey(&in);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kCorruption);
      return false;
    }
    std::string again;
    r->AppendOrderedKey(&again);
    EXPECT_EQ(again, bytes.substr(0, bytes.size() - in.size())) << testing::PrintToString(bytes);
    auto parsed = Number::Parse(r->ToString());
    EXPECT_TRUE(parsed.ok()) << r->ToString();
    if (parsed.ok()) {
      EXPECT_EQ(*parsed, *r);
    }
    return true;
  };
  int accepted = 0;
  for (int tag : {0x3F, 0xC0}) {
    for (int biased = 0; biased <= 0xFFFF; ++biased) {
      const int digit = tag == 0xC0 ? 0x02 : 0x09;
      std::string k = Bytes({tag, biased >> 8, biased & 0xFF, digit, tag == 0xC0 ? 0x00 : 0xFF});
      const int exponent = (tag == 0xC0 ? biased : 0xFFFF - biased) - 200;
      EXPECT_EQ(check(k), exponent >= Number::kMinExponent && exponent <= Number::kMaxExponent)
          << biased;
    }
  }
  std::mt19937_64 rng(10);
  const int interesting[] = {0x00, 0x01, 0x02, 0x09, 0x0A, 0x0B, 0x3F, 0x80, 0xC0, 0xFF};
  auto byte = [&] {
    return rng() % 4 == 0 ? static_cast<int>(rng() % 256) : interesting[rng() % 10];
  };
  for (int i = 0; i < 200000; ++i) {
    const int tag = rng() % 8 == 0 ? byte() : (rng() % 2 ? 0xC0 : 0x3F);
    // Exponent bytes near the valid range most of the time.
    const int biased =
        rng() % 2 ? static_cast<int>(rng() % 0x10000) : 60 + static_cast<int>(rng() % 280);
    const int hi = tag == 0x3F ? (0xFFFF - biased) >> 8 : biased >> 8;
    const int lo = tag == 0x3F ? (0xFFFF - biased) & 0xFF : biased & 0xFF;
    if (check(Bytes({tag, hi, lo, byte(), byte(), byte()}))) ++accepted;
  }
  EXPECT_GT(accepted, 1000);  // the property was exercised, not vacuously true
}

TEST(NumberTest, ConversionsAndSize) {
  EXPECT_EQ(N("42").ToInt64(), 42);
  EXPECT_EQ(N("-9223372036854775808").ToInt64(), INT64_MIN);
  EXPECT_EQ(N("9223372036854775808").ToInt64(), std::nullopt);
  EXPECT_EQ(N("1.5").ToInt64(), std::nullopt);
  EXPECT_EQ(Number::FromInt64(-1200).ToString(), "-1200");
  EXPECT_EQ(Number::FromInt64(0).ToString(), "0");
  EXPECT_DOUBLE_EQ(N("2.5").ToDouble(), 2.5);
  EXPECT_EQ(N("0").StorageSize(), 1u);
  EXPECT_EQ(N("1").StorageSize(), 2u);
  EXPECT_EQ(N("12345").StorageSize(), 4u);
  EXPECT_EQ(N("12").StorageSize(), 2u);
  EXPECT_EQ(N("1.2").StorageSize(), 3u);
  EXPECT_EQ(N("-12").StorageSize(), 3u);
}

}  // namespace
}  // namespace issuetracker::dynamo
