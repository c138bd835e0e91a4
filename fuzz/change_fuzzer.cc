// Fuzz target "change": DecodeChange / DecodeChangeDate (engine/change_log.h) on arbitrary
// bytes, as read from the change log.
//
// Input: a 12-byte key (table id, stamp) then the stored value. Checks: no crash, leak,
// over-read or undefined behaviour; failures are Corruption, and DecodeChangeDate fails
// whenever the head is bad; decode ok => the record is one the encoder writes: an event
// with the images it allows (one image kept, or the keys), a date not after the stamp, the
// service mark on deletions only, and EncodeChange of it (version 0x02) gives back the
// input's body.
#include <string>

#include "engine/change_log.h"
#include "fuzz/fuzz_check.h"

using issuetracker::Code;
namespace engine = issuetracker::engine;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = issuetracker::fuzz::AsText(data, size);
  const std::string_view key = input.substr(0, 12);
  const std::string_view value = input.substr(key.size());
  auto record = engine::DecodeChange(key, value);
  auto date = engine::DecodeChangeDate(key, value);
  if (!record.ok()) {
    FUZZ_CHECK(record.status().code() == Code::kCorruption);
    FUZZ_CHECK(date.ok() || date.status().code() == Code::kCorruption);
    return 0;
  }
  FUZZ_CHECK(date.ok() && *date == record->date);
  FUZZ_CHECK(record->stamp >= 0 && record->date <= record->stamp);
  FUZZ_CHECK(record->stamp == engine::ChangeKeyStamp(key));
  const bool insert = record->event == engine::ChangeEvent::kInsert;
  const bool remove = record->event == engine::ChangeEvent::kRemove;
  FUZZ_CHECK(!(insert && record->old_image) && !(remove && record->new_image));
  FUZZ_CHECK(record->keys ? !record->old_image && !record->new_image
                          : record->old_image || record->new_image);
  // Re-encode: the images kept, or the keys alone.
  const issuetracker::dynamo::Item empty;
  const issuetracker::dynamo::Item* old_item =
      record->old_image ? &*record->old_image : (insert ? nullptr : &empty);
  const issuetracker::dynamo::Item* new_item =
      record->new_image ? &*record->new_image : (remove ? nullptr : &empty);
  FUZZ_CHECK(!record->by_service || remove);  // only time to live's deletions are marked
  const engine::ChangeImages images{record->old_image.has_value(), record->new_image.has_value(),
                                    record->by_service};
  const std::string body =
      engine::ChangeBody(old_item, new_item, images, record->keys ? *record->keys : empty);
  FUZZ_CHECK(value.ends_with(body));
  if (value[0] == 0x02) {
    FUZZ_CHECK(engine::ChangeHead({record->stamp, record->date}) + body == value);
  }
  return 0;
}
