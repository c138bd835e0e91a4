#include "engine/item_codec.h"

#include <algorithm>
#include <cstring>

namespace issuetracker::engine {

using dynamo::AttributeValue;
using dynamo::AttrType;
using dynamo::Item;

namespace {

constexpr char kFormatVersion = 0x01;
// Values are decoded at depth 0 (a top-level attribute's value) to kMaxDepth: the levels
// DynamoDB allows, which ValidateItem enforces on every write.
constexpr int kMaxDepth = dynamo::kMaxNestingLevels - 1;

void PutBytes(std::string_view s, std::string* out) {
  PutVarint32(static_cast<uint32_t>(s.size()), out);
  out->append(s);
}

void EncodeValue(const AttributeValue& v, std::string* out);

void EncodeMap(const dynamo::AttributeMap& m, std::string* out) {
  PutVarint32(static_cast<uint32_t>(m.size()), out);
  for (const auto& [name, value] : m) {
    PutBytes(name, out);
    EncodeValue(value, out);
  }
}

void EncodeValue(const AttributeValue& v, std::string* out) {
  out->push_back(static_cast<char>(v.type()));
  switch (v.type()) {
    case AttrType::kS:
      PutBytes(v.s(), out);
      break;
    case AttrType::kN:
      PutBytes(v.n().ToString(), out);
      break;
    case AttrType::kB:
      PutBytes(v.b(), out);
      break;
    case AttrType::kBool:
      out->push_back(v.boolean() ? 1 : 0);
      break;
    case AttrType::kNull:
      break;
    case AttrType::kM:
      EncodeMap(v.m(), out);
      break;
    case AttrType::kL:
      PutVarint32(static_cast<uint32_t>(v.l().size()), out);
      for (const auto& e : v.l()) EncodeValue(e, out);
      break;
    case AttrType::kSS:
    case AttrType::kBS: {
      const auto& set = v.type() == AttrType::kSS ? v.ss() : v.bs();
      PutVarint32(static_cast<uint32_t>(set.size()), out);
      for (const auto& e : set) PutBytes(e, out);
      break;
    }
    case AttrType::kNS:
      PutVarint32(static_cast<uint32_t>(v.ns().size()), out);
      for (const auto& e : v.ns()) PutBytes(e.ToString(), out);
      break;
  }
}

// Decoders add the DynamoDB size of what they decode to *size (AttributeValue::StorageSize
// rules), so readers get an item's size without walking it again. They decode into the
// value or container they are given, reusing what it already holds: a string keeps its
// buffer, a map or list its elements, so decoding into an item of the same shape (the
// next row of a query) allocates nothing.

// Reads a varint32 length, with the one-byte case inline (names and most values).
[[gnu::always_inline]] inline bool GetLength(std::string_view* in, uint32_t* len) {
  if (!in->empty() && static_cast<uint8_t>((*in)[0]) < 0x80) {
    *len = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    return true;
  }
  return GetVarint32(in, len);
}

// Reads a length-prefixed byte string into `s`.
[[gnu::always_inline]] inline bool GetBytesInto(std::string_view* in, std::string* s) {
  uint32_t len;
  if (!GetLength(in, &len) || in->size() < len) return false;
  // clear + append: the cheapest copy into an existing buffer (no aliasing checks).
  s->clear();
  s->append(in->data(), len);
  in->remove_prefix(len);
  return true;
}

bool DecodeValue(std::string_view* in, int depth, AttributeValue* v, size_t* size);

// Replaces `out` with the `len` bytes at `src`. When `out` is at least as long (a reused
// item: names, and values no longer than before) short copies are made inline — they are
// most of an item, and a memcpy call costs more than they do.
[[gnu::always_inline]] inline void CopyInto(const char* src, size_t len, std::string* out) {
  if (len > out->size() || len > 32) {
    out->clear();  // then append: no aliasing checks, unlike assign
    out->append(src, len);
    return;
  }
  out->resize(len);  // shrinks in place
  char* dst = out->data();
  if (len >= 16) {
    std::memcpy(dst, src, 16);
    std::memcpy(dst + len - 16, src + len - 16, 16);
  } else if (len >= 8) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + len - 8, src + len - 8, 8);
  } else if (len >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + len - 4, src + len - 4, 4);
  } else {
    for (size_t i = 0; i < len; ++i) dst[i] = src[i];
  }
}

// Whether `s` holds exactly the `len` bytes at `p`; short strings (names) inline.
[[gnu::always_inline]] inline bool SameBytes(const std::string& s, const char* p, size_t len) {
  if (s.size() != len) return false;
  const char* q = s.data();
  if (len >= 8 && len <= 16) {
    uint64_t a, b, c, d;
    std::memcpy(&a, q, 8);
    std::memcpy(&b, p, 8);
    std::memcpy(&c, q + len - 8, 8);
    std::memcpy(&d, p + len - 8, 8);
    return ((a ^ b) | (c ^ d)) == 0;
  }
  return std::memcmp(q, p, len) == 0;
}

// Resizes a reused sequence to `count` elements, keeping the ones it has.
template <typename Seq>
void ResizeForReuse(Seq* seq, uint32_t count) {
  if (seq->size() > count) seq->erase(seq->begin() + count, seq->end());
  seq->reserve(count);
  while (seq->size() < count) seq->emplace_back();
}

// An item (top level, `map_overhead` false) or an M value (3 bytes plus 1 per element).
bool DecodeMap(std::string_view* in, int depth, dynamo::AttributeMap* m, size_t* size,
               bool map_overhead) {
  uint32_t count;
  if (!GetLength(in, &count) || count > in->size()) return false;
  // The map's values are at `depth`: checked here, because strings are read inline below
  // rather than by DecodeValue.
  if (depth > kMaxDepth && count > 0) return false;
  // Names are stored sorted and unique: fill the flat map's sequence in place and adopt
  // it without re-sorting (checking the order, so corrupt input cannot break the map).
  dynamo::AttributeMap::sequence_type seq = m->extract_sequence();
  // The names of seq[0, kept) are the map's own, so they are ascending (a flat map's
  // invariant): a name read equal to the one already in its slot, after a predecessor
  // that also was, is known to be in order without comparing the two.
  const size_t kept = std::min<size_t>(seq.size(), count);
  ResizeForReuse(&seq, count);
  size_t total = map_overhead ? 3 + count : 0;
  // A cursor whose address never escapes in the common path, so it stays in registers.
  const char* p = in->data();
  const char* const end = p + in->size();
  // Reads a length-prefixed string at p (a one-byte length inline) into `out`.
  auto read_bytes = [&](std::string* out) {
    uint32_t len;
    if (p < end && static_cast<uint8_t>(*p) < 0x80) {
      len = static_cast<uint8_t>(*p++);
    } else {
      std::string_view rest(p, static_cast<size_t>(end - p));
      if (!GetVarint32(&rest, &len)) return false;
      p = rest.data();
    }
    if (static_cast<size_t>(end - p) < len) return false;
    CopyInto(p, len, out);
    p += len;
    total += len;
    return true;
  };
  bool previous_kept = false;  // seq[i - 1]'s name was the one already in its slot
  for (uint32_t i = 0; i < count; ++i) {
    auto& [name, value] = seq[i];
    // The name, with its length's one-byte case inline.
    uint32_t len;
    if (p < end && static_cast<uint8_t>(*p) < 0x80) {
      len = static_cast<uint8_t>(*p++);
    } else {
      std::string_view rest(p, static_cast<size_t>(end - p));
      if (!GetVarint32(&rest, &len)) return false;
      p = rest.data();
    }
    if (static_cast<size_t>(end - p) <= len) return false;  // a value must follow
    total += len;
    const bool same = i < kept && SameBytes(name, p, len);
    if (!same) CopyInto(p, len, &name);
    p += len;
    // Names are written sorted: a name not after its predecessor is corruption.
    if (i > 0 && !(same && previous_kept) && !dynamo::AttributeNameLess()(seq[i - 1].first, name))
      return false;
    previous_kept = same;
    // Strings, the commonest attribute, inline; everything else through DecodeValue.
    if (*p == static_cast<char>(AttrType::kS)) {
      ++p;
      if (!read_bytes(value.type() == AttrType::kS ? &value.s() : &value.EmplaceS())) return false;
    } else {
      std::string_view rest(p, static_cast<size_t>(end - p));
      if (!DecodeValue(&rest, depth, &value, &total)) return false;
      p = rest.data();
    }
  }
  m->adopt_sequence(boost::container::ordered_unique_range, std::move(seq));
  *in = std::string_view(p, static_cast<size_t>(end - p));
  *size += total;
  return true;
}

// A number is stored as exactly the text Number::ToString() writes (ParseCanonicalInto
// refuses anything else: "+", exponents, "-0", needless zeros, out of range), parsed into
// `n` reusing its digits' buffer.
bool DecodeNumber(std::string_view* in, dynamo::Number* n, size_t* size) {
  uint32_t len;
  if (!GetLength(in, &len) || in->size() < len) return false;
  if (!dynamo::Number::ParseCanonicalInto(in->substr(0, len), n)) return false;
  *size += n->StorageSize();
  in->remove_prefix(len);
  return true;
}

// Sets are stored as every write leaves them: validated (not empty, no duplicates) and
// normalised (sorted), so their elements must be strictly ascending.
bool DecodeStrings(std::string_view* in, std::vector<std::string>* set, size_t* size) {
  uint32_t count;
  if (!GetLength(in, &count) || count == 0 || count > in->size()) return false;
  ResizeForReuse(set, count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string& e = (*set)[i];
    if (!GetBytesInto(in, &e) || (i > 0 && !((*set)[i - 1] < e))) return false;
    *size += e.size();
  }
  return true;
}

bool DecodeBytesValue(std::string_view* in, std::string* s, size_t* size) {
  if (!GetBytesInto(in, s)) return false;
  *size += s->size();
  return true;
}

// Reads a tag and its payload into `v`, keeping v's storage when the type is unchanged.
bool DecodeValue(std::string_view* in, int depth, AttributeValue* v, size_t* size) {
  if (depth > kMaxDepth || in->empty()) return false;
  const auto tag = static_cast<uint8_t>((*in)[0]);
  if (tag > static_cast<uint8_t>(AttrType::kBS)) return false;
  in->remove_prefix(1);
  const auto type = static_cast<AttrType>(tag);
  const bool same = v->type() == type;
  switch (type) {
    case AttrType::kS:
      return DecodeBytesValue(in, same ? &v->s() : &v->EmplaceS(), size);
    case AttrType::kN:
      return DecodeNumber(in, same ? &v->n() : &v->EmplaceN(), size);
    case AttrType::kB:
      return DecodeBytesValue(in, same ? &v->b() : &v->EmplaceB(), size);
    case AttrType::kBool:
      if (in->empty() || static_cast<uint8_t>((*in)[0]) > 1) return false;
      v->EmplaceBool((*in)[0] != 0);
      in->remove_prefix(1);
      *size += 1;
      return true;
    case AttrType::kNull:
      v->EmplaceNull();
      *size += 1;
      return true;
    case AttrType::kM:
      return DecodeMap(in, depth + 1, same ? &v->m() : &v->EmplaceM(), size, true);
    case AttrType::kL: {
      uint32_t count;
      if (!GetLength(in, &count) || count > in->size()) return false;
      dynamo::AttributeList& l = same ? v->l() : v->EmplaceL();
      ResizeForReuse(&l, count);
      *size += 3 + count;
      for (AttributeValue& e : l) {
        if (!DecodeValue(in, depth + 1, &e, size)) return false;
      }
      return true;
    }
    case AttrType::kSS:
      return DecodeStrings(in, same ? &v->ss() : &v->EmplaceSS(), size);
    case AttrType::kBS:
      return DecodeStrings(in, same ? &v->bs() : &v->EmplaceBS(), size);
    case AttrType::kNS: {
      uint32_t count;
      if (!GetLength(in, &count) || count == 0 || count > in->size()) return false;
      std::vector<dynamo::Number>& set = same ? v->ns() : v->EmplaceNS();
      ResizeForReuse(&set, count);
      for (uint32_t i = 0; i < count; ++i) {  // strictly ascending, as for DecodeStrings
        if (!DecodeNumber(in, &set[i], size) || (i > 0 && !(set[i - 1] < set[i]))) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

void EncodeItem(const Item& item, std::string* out) {
  out->push_back(kFormatVersion);
  EncodeMap(item, out);
}

std::string EncodeItem(const Item& item) {
  std::string out;
  EncodeItem(item, &out);
  return out;
}

Status DecodeItemInto(std::string_view data, Item* item, size_t* item_size) {
  if (data.empty() || data[0] != kFormatVersion) {
    item->clear();
    return Status::Corruption("bad item format version");
  }
  data.remove_prefix(1);
  size_t size = 0;
  if (!DecodeMap(&data, 0, item, &size, false) || !data.empty()) {
    item->clear();
    return Status::Corruption("malformed item");
  }
  if (item_size) *item_size = size;
  return Status::Ok();
}

Result<Item> DecodeItem(std::string_view data, size_t* item_size) {
  Item item;
  IT_RETURN_IF_ERROR(DecodeItemInto(data, &item, item_size));
  return item;
}

void PutVarint32(uint32_t v, std::string* out) { PutVarint64(v, out); }

bool GetVarint32(std::string_view* in, uint32_t* v) {
  uint64_t wide;
  if (!GetVarint64(in, &wide) || wide > UINT32_MAX) return false;
  *v = static_cast<uint32_t>(wide);
  return true;
}

void PutVarint64(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint64(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) {
      // PutVarint64 writes the shortest form: no final zero byte after the first, and no
      // bits beyond the 64th.
      if ((byte == 0 && shift > 0) || (shift == 63 && byte > 1)) return false;
      *v = result;
      return true;
    }
  }
  return false;
}

void PutFixed32BE(uint32_t v, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xFF));
}

uint32_t DecodeFixed32BE(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

void PutFixed64BE(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xFF));
}

uint64_t DecodeFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace issuetracker::engine
