#include "engine/change_log.h"

#include <cstdio>

#include "engine/item_codec.h"

namespace issuetracker::engine {

namespace {

constexpr char kChangeVersion = 0x01;
constexpr uint8_t kOldFlag = 1, kNewFlag = 2, kKeysFlag = 4;

void PutImage(const dynamo::Item& item, std::string* out) {
  const std::string encoded = EncodeItem(item);
  PutVarint32(static_cast<uint32_t>(encoded.size()), out);
  out->append(encoded);
}

Result<dynamo::Item> GetImage(std::string_view* in) {
  uint32_t len;
  if (!GetVarint32(in, &len) || in->size() < len)
    return Status::Corruption("truncated change image");
  auto item = DecodeItem(in->substr(0, len));
  in->remove_prefix(len);
  return item;
}

}  // namespace

std::string ChangeKey(uint32_t table_id, int64_t stamp) {
  std::string key;
  PutFixed32BE(table_id, &key);
  PutFixed64BE(static_cast<uint64_t>(stamp), &key);
  return key;
}

int64_t ChangeKeyStamp(std::string_view key) {
  return static_cast<int64_t>(DecodeFixed64BE(key.data() + 4));
}
uint32_t ChangeKeyTable(std::string_view key) { return DecodeFixed32BE(key.data()); }

std::string EncodeChange(const dynamo::Item* old_item, const dynamo::Item* new_item,
                         const ChangeImages& images, const dynamo::Item& keys) {
  std::string out;
  out.push_back(kChangeVersion);
  const ChangeEvent event =
      !old_item ? ChangeEvent::kInsert : (new_item ? ChangeEvent::kModify : ChangeEvent::kRemove);
  out.push_back(static_cast<char>(event));
  const bool keep_old = images.old_image && old_item;
  const bool keep_new = images.new_image && new_item;
  const uint8_t flags = (keep_old ? kOldFlag : 0) | (keep_new ? kNewFlag : 0) |
                        (!keep_old && !keep_new ? kKeysFlag : 0);
  out.push_back(static_cast<char>(flags));
  if (keep_old) PutImage(*old_item, &out);
  if (keep_new) PutImage(*new_item, &out);
  if (flags & kKeysFlag) PutImage(keys, &out);
  return out;
}

Result<ChangeRecord> DecodeChange(std::string_view key, std::string_view value) {
  if (key.size() != 12 || value.size() < 3 || value[0] != kChangeVersion)
    return Status::Corruption("bad change record");
  ChangeRecord r;
  r.stamp = ChangeKeyStamp(key);
  const auto event = static_cast<uint8_t>(value[1]);
  if (event > 2) return Status::Corruption("bad change event");
  r.event = static_cast<ChangeEvent>(event);
  const auto flags = static_cast<uint8_t>(value[2]);
  value.remove_prefix(3);
  if (flags & kOldFlag) {
    IT_ASSIGN_OR_RETURN(r.old_image, GetImage(&value));
  }
  if (flags & kNewFlag) {
    IT_ASSIGN_OR_RETURN(r.new_image, GetImage(&value));
  }
  if (flags & kKeysFlag) {
    IT_ASSIGN_OR_RETURN(r.keys, GetImage(&value));
  }
  if (!value.empty()) return Status::Corruption("trailing bytes in change record");
  return r;
}

std::string SequenceNumberOf(int64_t stamp) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%021lld", static_cast<long long>(stamp));
  return buf;
}

std::optional<int64_t> ParseSequenceNumber(std::string_view text) {
  if (text.empty() || text.size() > 21) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (INT64_MAX - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

Result<int64_t> ChangeClock::Next(int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t next = std::max(now_micros, last_ + 1);
  if (next > lease_) {
    const int64_t lease = next + kLeaseMicros;
    IT_RETURN_IF_ERROR(persist_(lease));
    lease_ = lease;
  }
  last_ = next;
  in_flight_.insert(next);
  return next;
}

void ChangeClock::Done(int64_t stamp) {
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_.erase(stamp);
}

bool ChangeClock::InFlightThrough(int64_t stamp) const {
  std::lock_guard<std::mutex> lock(mu_);
  return !in_flight_.empty() && *in_flight_.begin() <= stamp;
}

int64_t ChangeClock::Watermark(int64_t now_micros) const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_.empty() ? std::max(last_ + 1, now_micros) : *in_flight_.begin();
}

}  // namespace issuetracker::engine
