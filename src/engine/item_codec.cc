#include "engine/item_codec.h"

namespace issuetracker::engine {

using dynamo::AttributeValue;
using dynamo::AttrType;
using dynamo::Item;

namespace {

constexpr char kFormatVersion = 0x01;
constexpr int kMaxDepth = 64;  // DynamoDB allows 32 levels of nesting

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
// rules), so readers get an item's size without walking it again.

// Reads a length-prefixed byte string in place into `s`.
bool GetBytesInto(std::string_view* in, std::string* s) {
  uint32_t len;
  if (!GetVarint32(in, &len) || in->size() < len) return false;
  s->assign(in->data(), len);
  in->remove_prefix(len);
  return true;
}

// Reads a value's type tag.
bool GetTag(std::string_view* in, AttrType* type) {
  if (in->empty() || static_cast<uint8_t>((*in)[0]) > static_cast<uint8_t>(AttrType::kBS))
    return false;
  *type = static_cast<AttrType>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

bool DecodeBody(std::string_view* in, int depth, AttributeValue* v, size_t* size);

// An item (top level, `map_overhead` false) or an M value (3 bytes plus 1 per element).
bool DecodeMap(std::string_view* in, int depth, dynamo::AttributeMap* m, size_t* size,
               bool map_overhead) {
  uint32_t count;
  if (!GetVarint32(in, &count) || count > in->size()) return false;
  // Names are stored sorted and unique: build the flat map's sequence in place — each
  // entry constructed directly as its name and an empty value of its type — and adopt it
  // without re-sorting (checking the order, so corrupt input cannot break the map).
  dynamo::AttributeMap::sequence_type seq;
  seq.reserve(count);
  if (map_overhead) *size += 3 + count;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t len;
    AttrType type;
    if (!GetVarint32(in, &len) || in->size() < len) return false;
    const char* name = in->data();
    in->remove_prefix(len);
    if (!GetTag(in, &type)) return false;
    seq.emplace_back(std::piecewise_construct, std::forward_as_tuple(name, len),
                     std::forward_as_tuple(type));
    auto& entry = seq.back();
    if (!DecodeBody(in, depth, &entry.second, size)) return false;
    *size += len;
    // Names are written sorted: a name not after its predecessor is corruption.
    if (i > 0 && !dynamo::AttributeNameLess()(seq[i - 1].first, entry.first)) return false;
  }
  m->adopt_sequence(boost::container::ordered_unique_range, std::move(seq));
  return true;
}

bool DecodeNumber(std::string_view* in, dynamo::Number* n, size_t* size) {
  uint32_t len;
  if (!GetVarint32(in, &len) || in->size() < len) return false;
  auto parsed = dynamo::Number::Parse(in->substr(0, len));
  if (!parsed.ok()) return false;
  *n = std::move(*parsed);
  *size += n->StorageSize();
  in->remove_prefix(len);
  return true;
}

bool DecodeStrings(std::string_view* in, std::vector<std::string>* set, size_t* size) {
  uint32_t count;
  if (!GetVarint32(in, &count) || count > in->size()) return false;
  set->resize(count);
  for (auto& e : *set) {
    if (!GetBytesInto(in, &e)) return false;
    *size += e.size();
  }
  return true;
}

bool DecodeBytesValue(std::string_view* in, std::string* s, size_t* size) {
  if (!GetBytesInto(in, s)) return false;
  *size += s->size();
  return true;
}

// Fills `v`, already of the right (empty) type, from the payload that follows its tag.
bool DecodeBody(std::string_view* in, int depth, AttributeValue* v, size_t* size) {
  if (depth > kMaxDepth) return false;
  switch (v->type()) {
    case AttrType::kS:
      return DecodeBytesValue(in, &v->s(), size);
    case AttrType::kN:
      return DecodeNumber(in, &v->n(), size);
    case AttrType::kB:
      return DecodeBytesValue(in, &v->b(), size);
    case AttrType::kBool:
      if (in->empty()) return false;
      *v = AttributeValue::Bool((*in)[0] != 0);
      in->remove_prefix(1);
      *size += 1;
      return true;
    case AttrType::kNull:
      *size += 1;
      return true;
    case AttrType::kM:
      return DecodeMap(in, depth + 1, &v->m(), size, true);
    case AttrType::kL: {
      uint32_t count;
      if (!GetVarint32(in, &count) || count > in->size()) return false;
      dynamo::AttributeList& l = v->l();
      l.reserve(count);
      *size += 3 + count;
      for (uint32_t i = 0; i < count; ++i) {
        AttrType type;
        if (!GetTag(in, &type)) return false;
        l.emplace_back(type);
        if (!DecodeBody(in, depth + 1, &l.back(), size)) return false;
      }
      return true;
    }
    case AttrType::kSS:
      return DecodeStrings(in, &v->ss(), size);
    case AttrType::kBS:
      return DecodeStrings(in, &v->bs(), size);
    case AttrType::kNS: {
      uint32_t count;
      if (!GetVarint32(in, &count) || count > in->size()) return false;
      std::vector<dynamo::Number>& set = v->ns();
      set.resize(count);
      for (auto& e : set) {
        if (!DecodeNumber(in, &e, size)) return false;
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

Result<Item> DecodeItem(std::string_view data, size_t* item_size) {
  if (data.empty() || data[0] != kFormatVersion)
    return Status::Corruption("bad item format version");
  data.remove_prefix(1);
  Item item;
  size_t size = 0;
  if (!DecodeMap(&data, 0, &item, &size, false) || !data.empty())
    return Status::Corruption("malformed item");
  if (item_size) *item_size = size;
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
