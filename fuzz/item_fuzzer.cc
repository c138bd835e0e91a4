// Fuzz target "item": DecodeItem / DecodeItemInto (engine/item_codec.h) on arbitrary
// bytes, as read from a stored value.
//
// Input: the stored value. Checks: no crash, leak, over-read or deep recursion; failures
// are Corruption and leave the target item empty; decode ok => EncodeItem(decoded) equals
// the input, the size reported is dynamo::ItemSize(decoded), the item passes the
// validation every write applies (dynamo::ValidateItem), and decoding into an item that
// already holds another (the reuse path of Query) gives the same item and size.
#include <string>

#include "dynamo/attribute_value.h"
#include "engine/item_codec.h"
#include "fuzz/fuzz_check.h"

using issuetracker::Code;
using issuetracker::dynamo::AttributeValue;
using issuetracker::dynamo::Item;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = issuetracker::fuzz::AsText(data, size);
  size_t item_size = 0;
  auto item = issuetracker::engine::DecodeItem(input, &item_size);
  // A previous row of another shape: names, types, nesting and sets to reuse or drop.
  Item reused{{"a", AttributeValue::L({AttributeValue::S("x"), AttributeValue::N(int64_t{7})})},
              {"b", AttributeValue::M({{"c", AttributeValue::SS({"p", "q"})}})},
              {"z", AttributeValue::B("bytes")}};
  size_t reused_size = 0;
  const auto status = issuetracker::engine::DecodeItemInto(input, &reused, &reused_size);
  if (!item.ok()) {
    FUZZ_CHECK(item.status().code() == Code::kCorruption);
    FUZZ_CHECK(status.code() == Code::kCorruption && reused.empty());
    return 0;
  }
  FUZZ_CHECK(status.ok() && reused == *item && reused_size == item_size);
  FUZZ_CHECK(issuetracker::engine::EncodeItem(*item) == input);
  FUZZ_CHECK(item_size == issuetracker::dynamo::ItemSize(*item));
  FUZZ_CHECK(issuetracker::dynamo::ValidateItem(*item).ok());
  return 0;
}
