// Fuzz target "key": DecodeKeyValue (engine/key_codec.h) on the key values of an item
// key, a partition key and an optional sort key.
//
// Input: byte 0 is the partition key's type ('S', 'N' or 'B'), byte 1 the sort key's or
// '-' for none, then the encoded values, back to back. Checks: no crash, leak or
// over-read; failures are Corruption; decode ok => AppendKeyValue of each decoded value
// gives back exactly the bytes it was decoded from; and when both keys have the same type,
// their encodings compare (memcmp) as the values do, as the key order requires.
#include <string>

#include "engine/key_codec.h"
#include "fuzz/fuzz_check.h"

namespace {

using issuetracker::Code;
using issuetracker::dynamo::AttributeValue;
using issuetracker::dynamo::AttrType;
using issuetracker::dynamo::ScalarType;

bool TypeOf(char c, ScalarType* type) {
  switch (c) {
    case 'S':
      *type = ScalarType::kS;
      return true;
    case 'N':
      *type = ScalarType::kN;
      return true;
    case 'B':
      *type = ScalarType::kB;
      return true;
    default:
      return false;
  }
}

// Decodes one value from the front of *in; checks the round trip of what it consumed.
bool DecodeOne(ScalarType type, std::string_view* in, AttributeValue* value, std::string* encoded) {
  const std::string_view before = *in;
  auto r = issuetracker::engine::DecodeKeyValue(type, in);
  if (!r.ok()) {
    FUZZ_CHECK(r.status().code() == Code::kCorruption);
    FUZZ_CHECK(in->size() == before.size());
    return false;
  }
  issuetracker::engine::AppendKeyValue(*r, encoded);
  FUZZ_CHECK(*encoded == before.substr(0, before.size() - in->size()));
  *value = std::move(*r);
  return true;
}

int Sign(int c) { return (c > 0) - (c < 0); }

int ValueOrder(const AttributeValue& a, const AttributeValue& b) {
  if (a.is(AttrType::kN)) {
    auto c = a.n() <=> b.n();
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  const std::string& x = a.is(AttrType::kS) ? a.s() : a.b();
  const std::string& y = b.is(AttrType::kS) ? b.s() : b.b();
  return Sign(x.compare(y));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = issuetracker::fuzz::AsText(data, size);
  ScalarType hash_type, range_type;
  if (in.size() < 2 || !TypeOf(in[0], &hash_type)) return 0;
  const bool has_range = in[1] != '-';
  if (has_range && !TypeOf(in[1], &range_type)) return 0;
  in.remove_prefix(2);
  AttributeValue hash, range;
  std::string hash_bytes, range_bytes;
  if (!DecodeOne(hash_type, &in, &hash, &hash_bytes)) return 0;
  if (!has_range || !DecodeOne(range_type, &in, &range, &range_bytes)) return 0;
  if (hash_type == range_type) {
    FUZZ_CHECK(Sign(hash_bytes.compare(range_bytes)) == ValueOrder(hash, range));
  }
  return 0;
}
