#include "dynamo/wire/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace issuetracker::dynamo::wire {
namespace {

// The escaping a JSON string needs, one byte at a time: the reference for the writer's
// eight-bytes-at-a-time scan.
std::string Reference(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string Written(std::string_view s) {
  std::string out;
  JsonWriter(&out).String(s);
  return out;
}

TEST(JsonWriterTest, EveryByteAtEveryPositionOfTheWordScan) {
  // Each of the 256 byte values at each position of strings of every length that takes a
  // different path through the block scan (16-byte blocks, or 8-byte words without SSE2):
  // short strings as overlapping words, whole blocks, a tail block overlapping the last
  // whole one, and blocks after an escape.
  for (size_t length = 1; length <= 49; ++length) {
    for (size_t at = 0; at < length; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string s(length, 'a');
        s[at] = static_cast<char>(b);
        ASSERT_EQ(Written(s), Reference(s)) << "length " << length << " byte " << b << " at " << at;
      }
    }
  }
}

TEST(JsonWriterTest, BytesJustAroundTheEscapedOnesAreCopied) {
  // Neighbours of the escaped classes, whole words of them, and bytes above 0x7F (UTF-8),
  // which the word tests must not mistake for small ones.
  for (std::string s : {std::string(16, ' '), std::string(16, '!'), std::string(16, '#'),
                        std::string(16, '['), std::string(16, ']'), std::string(16, '\x7f'),
                        std::string(16, '\x80'), std::string(16, '\xa0'), std::string(16, '\xff'),
                        std::string("\xc3\xa9t\xc3\xa9 \xe2\x82\xac 12345678"), std::string()}) {
    EXPECT_EQ(Written(s), Reference(s));
    EXPECT_EQ(Written(s), "\"" + s + "\"");
  }
}

TEST(JsonWriterTest, OutputParsesBackToTheString) {
  std::string s;
  for (int b = 1; b < 128; ++b) s += static_cast<char>(b);
  s += s;  // escapes in both words of a pair and straddling them
  const std::string out = Written(s);
  EXPECT_EQ(boost::json::parse(out).as_string(), s);
}

TEST(JsonWriterTest, TypedOpenerIsObjectAndKey) {
  std::string a, b;
  JsonWriter wa(&a), wb(&b);
  wa.BeginArray();
  wb.BeginArray();
  for (int i = 0; i < 2; ++i) {
    wa.BeginObject();
    wa.Key("S");
    wa.String("x");
    wa.EndObject();
    wb.BeginObjectWithKey(R"({"S":)");
    wb.String("x");
    wb.EndObject();
  }
  wa.EndArray();
  wb.EndArray();
  EXPECT_EQ(wa.Flush(), wb.Flush());
  EXPECT_EQ(b, R"([{"S":"x"},{"S":"x"}])");
}

TEST(JsonWriterTest, GrowsPastEveryStepAndTrimsItsSpareRoom) {
  // Output appended to what `out` held, across many growths of the spare room, equals the
  // same text built a piece at a time; nothing of the spare room is left once flushed.
  std::string out = "prefix:";
  std::string expected = out;
  {
    JsonWriter w(&out);
    w.BeginArray();
    expected += "[";
    for (int i = 0; i < 5000; ++i) {
      if (i > 0) expected += ",";
      std::string s(static_cast<size_t>(i % 97), static_cast<char>('a' + i % 26));
      if (i % 7 == 0 && !s.empty()) s[s.size() / 2] = '\n';
      switch (i % 4) {
        case 0:
          w.String(s);
          expected += Reference(s);
          break;
        case 1:
          w.Int(-i);
          expected += std::to_string(-i);
          break;
        case 2:
          w.Bool(i % 3 == 0);
          expected += i % 3 == 0 ? "true" : "false";
          break;
        case 3:
          w.Base64(s);
          std::string b64;
          AppendBase64(s, &b64);
          expected += "\"" + b64 + "\"";
          break;
      }
      if (i == 2500) {
        EXPECT_EQ(w.Flush(), expected);  // and writing goes on after it
      }
    }
    w.EndArray();
    expected += "]";
  }
  EXPECT_EQ(out, expected);
  EXPECT_EQ(out.find('\0'), std::string::npos);
}

}  // namespace
}  // namespace issuetracker::dynamo::wire
