#include "engine/item_codec.h"

namespace issuetracker::engine {

using dynamo::AttrType;
using dynamo::AttributeValue;
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
    case AttrType::kS: PutBytes(v.s(), out); break;
    case AttrType::kN: PutBytes(v.n().ToString(), out); break;
    case AttrType::kB: PutBytes(v.b(), out); break;
    case AttrType::kBool: out->push_back(v.boolean() ? 1 : 0); break;
    case AttrType::kNull: break;
    case AttrType::kM: EncodeMap(v.m(), out); break;
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

bool DecodeValue(std::string_view* in, int depth, AttributeValue* v);

// Reads a length-prefixed byte string in place into `s`.
bool GetBytesInto(std::string_view* in, std::string* s) {
  uint32_t len;
  if (!GetVarint32(in, &len) || in->size() < len) return false;
  s->assign(in->data(), len);
  in->remove_prefix(len);
  return true;
}

bool DecodeMap(std::string_view* in, int depth, dynamo::AttributeMap* m) {
  uint32_t count;
  if (!GetVarint32(in, &count) || count > in->size()) return false;
  // Names are stored sorted and unique: build the flat map's sequence in place and adopt
  // it without re-sorting (checking the order, so corrupt input cannot break the map).
  dynamo::AttributeMap::sequence_type seq;
  seq.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    seq.emplace_back();
    auto& entry = seq.back();
    if (!GetBytesInto(in, &entry.first) || !DecodeValue(in, depth, &entry.second)) return false;
    if (i > 0 && !(seq[i - 1].first < entry.first)) return false;
  }
  m->adopt_sequence(boost::container::ordered_unique_range, std::move(seq));
  return true;
}

bool DecodeNumber(std::string_view* in, dynamo::Number* n) {
  uint32_t len;
  if (!GetVarint32(in, &len) || in->size() < len) return false;
  auto parsed = dynamo::Number::Parse(in->substr(0, len));
  if (!parsed.ok()) return false;
  *n = std::move(*parsed);
  in->remove_prefix(len);
  return true;
}

bool DecodeStrings(std::string_view* in, std::vector<std::string>* set) {
  uint32_t count;
  if (!GetVarint32(in, &count) || count > in->size()) return false;
  set->resize(count);
  for (auto& e : *set) {
    if (!GetBytesInto(in, &e)) return false;
  }
  return true;
}

bool DecodeValue(std::string_view* in, int depth, AttributeValue* v) {
  if (in->empty() || depth > kMaxDepth) return false;
  const auto tag = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  switch (static_cast<AttrType>(tag)) {
    case AttrType::kS: return GetBytesInto(in, &v->EmplaceS());
    case AttrType::kN: return DecodeNumber(in, &v->EmplaceN());
    case AttrType::kB: return GetBytesInto(in, &v->EmplaceB());
    case AttrType::kBool:
      if (in->empty()) return false;
      v->EmplaceBool((*in)[0] != 0);
      in->remove_prefix(1);
      return true;
    case AttrType::kNull: v->EmplaceNull(); return true;
    case AttrType::kM: return DecodeMap(in, depth + 1, &v->EmplaceM());
    case AttrType::kL: {
      uint32_t count;
      if (!GetVarint32(in, &count) || count > in->size()) return false;
      dynamo::AttributeList& l = v->EmplaceL();
      l.resize(count);
      for (auto& e : l) {
        if (!DecodeValue(in, depth + 1, &e)) return false;
      }
      return true;
    }
    case AttrType::kSS: return DecodeStrings(in, &v->EmplaceSS());
    case AttrType::kBS: return DecodeStrings(in, &v->EmplaceBS());
    case AttrType::kNS: {
      uint32_t count;
      if (!GetVarint32(in, &count) || count > in->size()) return false;
      std::vector<dynamo::Number>& set = v->EmplaceNS();
      set.resize(count);
      for (auto& e : set) {
        if (!DecodeNumber(in, &e)) return false;
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

Result<Item> DecodeItem(std::string_view data) {
  if (data.empty() || data[0] != kFormatVersion) return Status::Corruption("bad item format version");
  data.remove_prefix(1);
  Item item;
  if (!DecodeMap(&data, 0, &item) || !data.empty()) return Status::Corruption("malformed item");
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
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xFF));
}

uint32_t DecodeFixed32BE(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

void PutFixed64BE(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xFF));
}

uint64_t DecodeFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace issuetracker::engine
