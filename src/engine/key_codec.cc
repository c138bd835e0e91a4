#include "engine/key_codec.h"

#include <xxhash.h>

#include <cstring>

#include "engine/item_codec.h"

namespace issuetracker::engine {

using dynamo::AttributeValue;
using dynamo::AttrType;

std::string TablePrefix(uint32_t table_id, uint8_t index_id) {
  std::string out;
  out.reserve(kTablePrefixSize);
  PutFixed32BE(table_id, &out);
  out.push_back(static_cast<char>(index_id));
  return out;
}

void HashSegmentBounds(uint32_t table_id, uint8_t index_id, int64_t segment, int64_t segments,
                       std::string* lower, std::string* upper) {
  const std::string prefix = TablePrefix(table_id, index_id);
  const uint64_t lo = (static_cast<uint64_t>(segment) << 32) / static_cast<uint64_t>(segments);
  const uint64_t hi = (static_cast<uint64_t>(segment + 1) << 32) / static_cast<uint64_t>(segments);
  *lower = prefix;
  PutFixed32BE(static_cast<uint32_t>(lo), lower);
  if (hi > UINT32_MAX) {
    *upper = PrefixSuccessor(prefix);
  } else {
    *upper = prefix;
    PutFixed32BE(static_cast<uint32_t>(hi), upper);
  }
}

std::string TableIdPrefix(uint32_t table_id) {
  std::string out;
  PutFixed32BE(table_id, &out);
  return out;
}

uint32_t PartitionHash(const AttributeValue& pk) {
  uint64_t h = 0;
  switch (pk.type()) {
    case AttrType::kS:
      h = XXH3_64bits(pk.s().data(), pk.s().size());
      break;
    case AttrType::kB:
      h = XXH3_64bits(pk.b().data(), pk.b().size());
      break;
    case AttrType::kN: {
      const std::string text = pk.n().ToString();
      h = XXH3_64bits(text.data(), text.size());
      break;
    }
    default:
      break;
  }
  return static_cast<uint32_t>(h >> 32);
}

void AppendKeyPrefix(std::string_view bytes, std::string* out) {
  // Bytes up to each zero byte are copied at once; the zero byte is escaped.
  while (!bytes.empty()) {
    const void* zero = std::memchr(bytes.data(), '\0', bytes.size());
    if (zero == nullptr) {
      out->append(bytes);
      return;
    }
    const size_t at = static_cast<size_t>(static_cast<const char*>(zero) - bytes.data());
    out->append(bytes.data(), at + 1);
    out->push_back(static_cast<char>(0xFF));
    bytes.remove_prefix(at + 1);
  }
}

void AppendKeyValue(const AttributeValue& v, std::string* out) {
  switch (v.type()) {
    case AttrType::kS:
    case AttrType::kB:
      AppendKeyPrefix(v.type() == AttrType::kS ? v.s() : v.b(), out);
      out->push_back('\0');
      out->push_back('\x01');
      break;
    case AttrType::kN:
      v.n().AppendOrderedKey(out);
      break;
    default:
      break;
  }
}

Result<AttributeValue> DecodeKeyValue(dynamo::ScalarType type, std::string_view* in) {
  if (type == dynamo::ScalarType::kN) {
    IT_ASSIGN_OR_RETURN(auto n, dynamo::Number::DecodeOrderedKey(in));
    return AttributeValue::N(std::move(n));
  }
  std::string bytes;
  size_t i = 0;
  while (true) {
    if (i >= in->size()) return Status::Corruption("truncated key value");
    char c = (*in)[i++];
    if (c != '\0') {
      bytes.push_back(c);
    } else {
      if (i >= in->size()) return Status::Corruption("truncated key value");
      char next = (*in)[i++];
      if (next == '\x01') break;
      if (next != static_cast<char>(0xFF)) return Status::Corruption("bad key escape");
      bytes.push_back('\0');
    }
    if (bytes.size() > kMaxKeyValueBytes) {
      return Status::Corruption("key value longer than 2048 bytes");
    }
  }
  // Key attributes are never empty (DynamoDB rejects empty key strings and binaries).
  if (bytes.empty()) return Status::Corruption("empty key value");
  in->remove_prefix(i);
  return type == dynamo::ScalarType::kS ? AttributeValue::S(std::move(bytes))
                                        : AttributeValue::B(std::move(bytes));
}

size_t KeyValueSizeHint(const AttributeValue& v) {
  // The bytes, the terminator, and room for a few escapes (or a number's encoding).
  return (v.is(AttrType::kS) ? v.s().size() : v.is(AttrType::kB) ? v.b().size() : 0) + 24;
}

void AppendPartitionPrefix(uint32_t table_id, uint8_t index_id, const AttributeValue& pk,
                           std::string* out) {
  PutFixed32BE(table_id, out);
  out->push_back(static_cast<char>(index_id));
  PutFixed32BE(PartitionHash(pk), out);
  AppendKeyValue(pk, out);
}

std::string PartitionPrefix(uint32_t table_id, uint8_t index_id, const AttributeValue& pk) {
  std::string out;
  out.reserve(kHashPrefixSize + KeyValueSizeHint(pk));
  AppendPartitionPrefix(table_id, index_id, pk, &out);
  return out;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto last = static_cast<uint8_t>(out.back());
    if (last != 0xFF) {
      out.back() = static_cast<char>(last + 1);
      return out;
    }
    out.pop_back();
  }
  return out;
}

}  // namespace issuetracker::engine
