// Fuzz target "number": Number::DecodeOrderedKey on arbitrary bytes (a number inside a
// stored item key).
//
// Input: the bytes to decode. Checks: no crash, leak or over-read; a failure is Corruption
// and consumes nothing; decode ok => AppendOrderedKey(decoded) equals the bytes consumed,
// and Number::Parse accepts decoded.ToString() and gives the same number back.
#include <string>

#include "dynamo/number.h"
#include "fuzz/fuzz_check.h"

using issuetracker::Code;
using issuetracker::dynamo::Number;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = issuetracker::fuzz::AsText(data, size);
  std::string_view in = input;
  auto n = Number::DecodeOrderedKey(&in);
  if (!n.ok()) {
    FUZZ_CHECK(n.status().code() == Code::kCorruption);
    FUZZ_CHECK(in.size() == input.size());
    return 0;
  }
  std::string again;
  n->AppendOrderedKey(&again);
  FUZZ_CHECK(again == input.substr(0, input.size() - in.size()));
  auto parsed = Number::Parse(n->ToString());
  FUZZ_CHECK(parsed.ok() && *parsed == *n);
  return 0;
}
