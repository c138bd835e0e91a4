#include "http/encoding.h"

#include <gtest/gtest.h>

namespace issuetracker::http {
namespace {

TEST(Base64UrlTest, Rfc4648Vectors) {
  // RFC 4648 section 10, unpadded, in the URL-safe alphabet.
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64UrlEncode(plain), encoded);
    EXPECT_EQ(Base64UrlDecode(encoded), std::string(plain));
  }
  // The two URL-safe characters: 0xfb 0xff -> "-_8".
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64UrlTest, DecodingIsStrict) {
  for (std::string_view bad :
       {"Zg==", "Zm9v+", "Zm9v/", "Zm 9v", "Z", "Zm9vY", "Zh", "Zm9", "Zm8\n"}) {
    EXPECT_FALSE(Base64UrlDecode(bad).has_value()) << bad;
  }
  EXPECT_TRUE(Base64UrlDecode("Zg").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());   // non-zero unused bits
  EXPECT_FALSE(Base64UrlDecode("Zm9").has_value());  // "Zm8" is the canonical form
}

TEST(Base64UrlTest, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= all.size(); len += 37) {
    const std::string part = all.substr(0, len);
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(part)), part);
  }
}

TEST(HexTest, Lowercase) { EXPECT_EQ(HexEncode(std::string("\x00\xab\xff", 3)), "00abff"); }

TEST(JsonStringTest, EscapesAndReplacesInvalidUtf8) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"plain", "\"plain\""},
      {"a\"b\\c", "\"a\\\"b\\\\c\""},
      {"l1\nl2\r\t", "\"l1\\nl2\\r\\t\""},
      {std::string_view("\x01\x1f", 2), "\"\\u0001\\u001f\""},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
      {"bad \xff end", "\"bad \\ufffd end\""},
      {"overlong \xc0\xaf", "\"overlong \\ufffd\\ufffd\""},
      {"surrogate \xed\xa0\x80", "\"surrogate \\ufffd\\ufffd\\ufffd\""},
      {"cut \xe2\x82", "\"cut \\ufffd\\ufffd\""},
  };
  for (const auto& [in, want] : cases) {
    std::string out;
    AppendJsonString(out, in);
    EXPECT_EQ(out, want) << in;
  }
}

}  // namespace
}  // namespace issuetracker::http
