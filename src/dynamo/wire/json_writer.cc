#include "dynamo/wire/json_writer.h"

#include <array>
#include <charconv>
#include <cstring>

namespace issuetracker::dynamo::wire {
namespace {

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for alphabet characters, 64 for '=', 255 for anything else.
constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> table{};
  for (auto& v : table) v = 255;
  for (int i = 0; i < 64; ++i) table[static_cast<uint8_t>(kBase64Alphabet[i])] = i;
  table['='] = 64;
  return table;
}
constexpr std::array<uint8_t, 256> kDecode = MakeDecodeTable();

// Whether a byte must be escaped inside a JSON string.
constexpr std::array<bool, 256> MakeEscapeTable() {
  std::array<bool, 256> table{};
  for (int i = 0; i < 0x20; ++i) table[i] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}
constexpr std::array<bool, 256> kEscape = MakeEscapeTable();

// Whether any of the eight bytes of `x` must be escaped (below 0x20, '"' or '\\'). Exact
// for "any" (the usual SWAR tests: a borrow into a byte only happens after a lower byte
// already matched).
bool AnyNeedsEscape(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
  return (below_space | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\'))) != 0;
}

}  // namespace

void JsonWriter::AppendQuoted(std::string_view s) {
  // Find the first byte to escape, eight bytes at a time: most strings have none and are
  // copied whole.
  const char* const data = s.data();
  const size_t size = s.size();
  size_t i = 0;
  uint64_t x;
  for (; i + 8 <= size; i += 8) {
    std::memcpy(&x, data + i, 8);
    if (AnyNeedsEscape(x)) break;
  }
  if (i + 8 > size && size >= 8) {  // the tail, as the last eight bytes
    std::memcpy(&x, data + size - 8, 8);
    if (!AnyNeedsEscape(x)) i = size;
  }
  while (i < size && !kEscape[static_cast<unsigned char>(data[i])]) ++i;
  out_.push_back('"');
  if (i == size) {
    out_.append(data, size);
    out_.push_back('"');
    return;
  }
  size_t start = 0;
  for (; i < size; ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (!kEscape[c]) continue;
    out_.append(data + start, i - start);
    start = i + 1;
    switch (c) {
      case '"':
        out_.append("\\\"");
        break;
      case '\\':
        out_.append("\\\\");
        break;
      case '\n':
        out_.append("\\n");
        break;
      case '\r':
        out_.append("\\r");
        break;
      case '\t':
        out_.append("\\t");
        break;
      case '\b':
        out_.append("\\b");
        break;
      case '\f':
        out_.append("\\f");
        break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out_.append(escaped, sizeof(escaped));
      }
    }
  }
  out_.append(data + start, size - start);
  out_.push_back('"');
}

void JsonWriter::Int(int64_t v) {
  Separate();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), v);
  out_.append(buffer, end);
  comma_ = true;
}

void JsonWriter::Double(double v) {
  Separate();
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), v);
  out_.append(buffer, end);
  comma_ = true;
}

void JsonWriter::Base64(std::string_view bytes) {
  Separate();
  out_.push_back('"');
  AppendBase64(bytes, &out_);
  out_.push_back('"');
  comma_ = true;
}

void AppendBase64(std::string_view bytes, std::string* out) {
  const size_t start = out->size();
  out->resize(start + (bytes.size() + 2) / 3 * 4);
  char* p = out->data() + start;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    *p++ = kBase64Alphabet[(n >> 18) & 63];
    *p++ = kBase64Alphabet[(n >> 12) & 63];
    *p++ = kBase64Alphabet[(n >> 6) & 63];
    *p++ = kBase64Alphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = in[i] << 16;
    *p++ = kBase64Alphabet[(n >> 18) & 63];
    *p++ = kBase64Alphabet[(n >> 12) & 63];
    *p++ = '=';
    *p++ = '=';
  } else if (i + 2 == bytes.size()) {
    const uint32_t n = (in[i] << 16) | (in[i + 1] << 8);
    *p++ = kBase64Alphabet[(n >> 18) & 63];
    *p++ = kBase64Alphabet[(n >> 12) & 63];
    *p++ = kBase64Alphabet[(n >> 6) & 63];
    *p++ = '=';
  }
}

std::string DecodeBase64(std::string_view text, std::string* out) {
  out->clear();
  if (text.size() % 4 != 0) {
    return "Base64 encoded length is expected a multiple of 4 bytes but found: " +
           std::to_string(text.size());
  }
  out->reserve(text.size() / 4 * 3);
  const std::string invalid = "Invalid last non-pad Base64 character dectected";
  for (size_t i = 0; i < text.size(); i += 4) {
    uint8_t v[4];
    for (int j = 0; j < 4; ++j) v[j] = kDecode[static_cast<unsigned char>(text[i + j])];
    const bool last = i + 4 == text.size();
    if (v[0] > 63 || v[1] > 63) return invalid;
    // '=' only at the end, as "x=" or "==".
    if (v[2] == 64 && (v[3] != 64 || !last)) return invalid;
    if (v[3] == 64 && !last) return invalid;
    if (v[2] == 255 || v[3] == 255) return invalid;
    out->push_back(static_cast<char>((v[0] << 2) | (v[1] >> 4)));
    if (v[2] == 64) {
      if ((v[1] & 0x0F) != 0) return invalid;  // non-canonical trailing bits
      break;
    }
    out->push_back(static_cast<char>(((v[1] & 0x0F) << 4) | (v[2] >> 2)));
    if (v[3] == 64) {
      if ((v[2] & 0x03) != 0) return invalid;
      break;
    }
    out->push_back(static_cast<char>(((v[2] & 0x03) << 6) | v[3]));
  }
  return {};
}

}  // namespace issuetracker::dynamo::wire
