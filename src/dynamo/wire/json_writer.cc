#include "dynamo/wire/json_writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Strings are scanned and copied a block at a time: 16 bytes in an SSE2 register where
// the target has one (every x86-64), else 8 bytes in a word.
#if defined(__SSE2__)
constexpr size_t kBlock = 16;
bool AnyNeedsEscape(__m128i v) {
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);  // v <= 0x1F
  return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) != 0;
}
bool BlockNeedsEscape(const char* p) {
  return AnyNeedsEscape(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
#else
constexpr size_t kBlock = 8;
bool BlockNeedsEscape(const char* p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return AnyNeedsEscape(x);
}
#endif

// Copies to `out` the longest run of whole blocks at the start of `s` that need no
// escaping (all of `s` when none of it does) and returns its length. Strings shorter than
// a block are read as two overlapping words, never past their end.
size_t CopyClean(std::string_view s, char* out) {
  const char* const src = s.data();
  const size_t size = s.size();
  size_t i = 0;
  for (; i + kBlock <= size; i += kBlock) {
    if (BlockNeedsEscape(src + i)) return i;
    std::memcpy(out + i, src + i, kBlock);
  }
  if (i == size) return size;
  if (size >= kBlock) {  // the tail, as the last block
    if (BlockNeedsEscape(src + size - kBlock)) return i;
    std::memcpy(out + size - kBlock, src + size - kBlock, kBlock);
    return size;
  }
  if (size >= 8) {  // (only when blocks are 16 bytes)
    uint64_t lo, hi;
    std::memcpy(&lo, src, 8);
    std::memcpy(&hi, src + size - 8, 8);
    if (AnyNeedsEscape(lo) || AnyNeedsEscape(hi)) return 0;
    std::memcpy(out, &lo, 8);
    std::memcpy(out + size - 8, &hi, 8);
    return size;
  }
  if (size >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, src, 4);
    std::memcpy(&hi, src + size - 4, 4);
    if (AnyNeedsEscape(lo | (uint64_t{hi} << 32))) return 0;
    std::memcpy(out, &lo, 4);
    std::memcpy(out + size - 4, &hi, 4);
    return size;
  }
  while (i < size && !kEscape[static_cast<unsigned char>(src[i])]) {
    out[i] = src[i];
    ++i;
  }
  return i;
}

// Writes `s` escaped at `out` and returns the end; at most six bytes per byte of `s`.
[[gnu::noinline]] char* CopyEscaped(std::string_view s, char* out) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (!kEscape[c]) {
      *out++ = ch;
      continue;
    }
    *out++ = '\\';
    switch (c) {
      case '"':
      case '\\':
        *out++ = ch;
        break;
      case '\n':
        *out++ = 'n';
        break;
      case '\r':
        *out++ = 'r';
        break;
      case '\t':
        *out++ = 't';
        break;
      case '\b':
        *out++ = 'b';
        break;
      case '\f':
        *out++ = 'f';
        break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        const char escaped[] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        std::memcpy(out, escaped, sizeof(escaped));
        out += sizeof(escaped);
      }
    }
  }
  return out;
}

// Writes the base64 of `bytes` at `p` and returns the end: (size + 2) / 3 * 4 bytes.
char* EncodeBase64(std::string_view bytes, char* p) {
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
  return p;
}

}  // namespace

void JsonWriter::Grow(size_t n) {
  // Spare room in steps of a quarter of the output so far (256 bytes to 16 KB): few
  // resizes, and zeros written past the output stay a fraction of it.
  const auto used = static_cast<size_t>(cursor_ - out_.data());
  out_.resize(used + std::max(n, std::clamp<size_t>(used / 4, 256, 16384)));
  cursor_ = out_.data() + used;
  limit_ = out_.data() + out_.size();
}

void JsonWriter::AppendQuoted(std::string_view s, char suffix) {
  // Room for the common case, nothing to escape: separator, quotes, suffix.
  char* p = Room(s.size() + 4);
  if (comma_) *p++ = ',';
  *p++ = '"';
  const size_t clean = CopyClean(s, p);
  p += clean;
  if (clean < s.size()) {
    cursor_ = p;
    p = CopyEscaped(s.substr(clean), Room((s.size() - clean) * 6 + 2));
  }
  *p++ = '"';
  if (suffix != 0) *p++ = suffix;
  cursor_ = p;
}

void JsonWriter::Int(int64_t v) {
  char* p = Room(32);
  if (comma_) *p++ = ',';
  cursor_ = std::to_chars(p, p + 31, v).ptr;
  comma_ = true;
}

void JsonWriter::Double(double v) {
  char* p = Room(40);
  if (comma_) *p++ = ',';
  cursor_ = std::to_chars(p, p + 39, v).ptr;
  comma_ = true;
}

void JsonWriter::Base64(std::string_view bytes) {
  char* p = Room((bytes.size() + 2) / 3 * 4 + 3);
  if (comma_) *p++ = ',';
  *p++ = '"';
  p = EncodeBase64(bytes, p);
  *p++ = '"';
  cursor_ = p;
  comma_ = true;
}

void AppendBase64(std::string_view bytes, std::string* out) {
  const size_t start = out->size();
  out->resize(start + (bytes.size() + 2) / 3 * 4);
  EncodeBase64(bytes, out->data() + start);
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
