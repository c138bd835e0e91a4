// Fuzz target "stream": ParseSequenceNumber and DecodeShardIterator (engine/change_log.h)
// on arbitrary text, as received from a client (GetShardIterator's SequenceNumber,
// GetRecords' ShardIterator).
//
// Input: the text. Checks: no crash or undefined behaviour (overflow included); a number
// parsed => SequenceNumberOf gives back the text; an iterator decoded => its table name
// and label are valid, its figures non-negative, and EncodeShardIterator gives back the
// text.
#include <string>

#include "engine/catalog.h"
#include "engine/change_log.h"
#include "fuzz/fuzz_check.h"

namespace engine = issuetracker::engine;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = issuetracker::fuzz::AsText(data, size);
  if (auto number = engine::ParseSequenceNumber(input)) {
    FUZZ_CHECK(*number >= 0 && engine::SequenceNumberOf(*number) == input);
  }
  if (auto state = engine::DecodeShardIterator(input)) {
    FUZZ_CHECK(engine::ValidateTableName(state->table).ok());
    FUZZ_CHECK(engine::IsStreamLabel(state->label));
    FUZZ_CHECK(state->position >= 0 && state->created >= 0);
    FUZZ_CHECK(engine::EncodeShardIterator(*state) == input);
  }
  return 0;
}
