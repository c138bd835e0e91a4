#include "engine/change_log.h"

#include <algorithm>
#include <cstdio>

#include "engine/item_codec.h"

namespace issuetracker::engine {

namespace {

constexpr char kChangeVersionStampDated = 0x01;  // no date field: the date is the stamp
constexpr char kChangeVersion = 0x02;
constexpr uint8_t kOldFlag = 1, kNewFlag = 2, kKeysFlag = 4, kServiceFlag = 8;

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

std::string ChangeHead(ChangeStamp at) {
  std::string out;
  out.push_back(kChangeVersion);
  PutVarint64(static_cast<uint64_t>(at.stamp - at.date), &out);
  return out;
}

std::string ChangeBody(const dynamo::Item* old_item, const dynamo::Item* new_item,
                       const ChangeImages& images, const dynamo::Item& keys) {
  std::string out;
  const ChangeEvent event =
      !old_item ? ChangeEvent::kInsert : (new_item ? ChangeEvent::kModify : ChangeEvent::kRemove);
  out.push_back(static_cast<char>(event));
  const bool keep_old = images.old_image && old_item;
  const bool keep_new = images.new_image && new_item;
  const uint8_t flags = (keep_old ? kOldFlag : 0) | (keep_new ? kNewFlag : 0) |
                        (!keep_old && !keep_new ? kKeysFlag : 0) |
                        (images.by_service && event == ChangeEvent::kRemove ? kServiceFlag : 0);
  out.push_back(static_cast<char>(flags));
  if (keep_old) PutImage(*old_item, &out);
  if (keep_new) PutImage(*new_item, &out);
  if (flags & kKeysFlag) PutImage(keys, &out);
  return out;
}

std::string EncodeChange(const dynamo::Item* old_item, const dynamo::Item* new_item,
                         const ChangeImages& images, const dynamo::Item& keys, ChangeStamp at) {
  return ChangeHead(at) + ChangeBody(old_item, new_item, images, keys);
}

namespace {

// Reads the version and date of a record, leaving `value` at its event byte.
Result<int64_t> DecodeHead(std::string_view key, std::string_view* value) {
  if (key.size() != 12 || value->empty()) return Status::Corruption("bad change record");
  const int64_t stamp = ChangeKeyStamp(key);
  if (stamp < 0) return Status::Corruption("bad change stamp");
  const char version = (*value)[0];
  value->remove_prefix(1);
  if (version == kChangeVersionStampDated) return stamp;
  uint64_t lead;
  if (version != kChangeVersion || !GetVarint64(value, &lead) ||
      lead > static_cast<uint64_t>(stamp))
    return Status::Corruption("bad change record");
  return stamp - static_cast<int64_t>(lead);
}

}  // namespace

Result<int64_t> DecodeChangeDate(std::string_view key, std::string_view value) {
  return DecodeHead(key, &value);
}

Result<ChangeRecord> DecodeChange(std::string_view key, std::string_view value) {
  ChangeRecord r;
  IT_ASSIGN_OR_RETURN(r.date, DecodeHead(key, &value));
  if (value.size() < 2) return Status::Corruption("bad change record");
  r.stamp = ChangeKeyStamp(key);
  const auto event = static_cast<uint8_t>(value[0]);
  if (event > 2) return Status::Corruption("bad change event");
  r.event = static_cast<ChangeEvent>(event);
  auto flags = static_cast<uint8_t>(value[1]);
  if (flags & kServiceFlag) {
    if (r.event != ChangeEvent::kRemove) return Status::Corruption("bad change flags");
    r.by_service = true;
    flags = static_cast<uint8_t>(flags & ~kServiceFlag);
  }
  // The encoder writes keys alone, or the images it kept: never an old image of an
  // INSERT or a new image of a REMOVE.
  if (flags == 0 || ((flags & kKeysFlag) ? flags != kKeysFlag : flags > (kOldFlag | kNewFlag)) ||
      (r.event == ChangeEvent::kInsert && (flags & kOldFlag)) ||
      (r.event == ChangeEvent::kRemove && (flags & kNewFlag)))
    return Status::Corruption("bad change flags");
  value.remove_prefix(2);
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

namespace {

// The value of a string of decimal digits, nullopt if it has anything else or exceeds
// INT64_MAX.
std::optional<int64_t> ParseDigits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    if (v > (INT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

// std::to_string of a non-negative value: no leading zero but in "0".
std::optional<int64_t> ParseCanonicalDecimal(std::string_view text) {
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  return ParseDigits(text);
}

bool IsTableNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

}  // namespace

bool IsStreamLabel(std::string_view label) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddddd";
  if (label.size() != kShape.size()) return false;
  for (size_t i = 0; i < label.size(); ++i) {
    if (kShape[i] == 'd' ? (label[i] < '0' || label[i] > '9') : label[i] != kShape[i]) return false;
  }
  return true;
}

std::optional<int64_t> ParseSequenceNumber(std::string_view text) {
  if (text.size() != 21) return std::nullopt;
  return ParseDigits(text);
}

std::string EncodeShardIterator(const ShardIteratorState& s) {
  return s.table + "|" + s.label + "|" + std::to_string(s.position) + "|" +
         std::to_string(s.created);
}

std::optional<ShardIteratorState> DecodeShardIterator(std::string_view text) {
  std::string_view parts[4];
  for (int i = 0; i < 3; ++i) {
    const size_t bar = text.find('|');
    if (bar == text.npos) return std::nullopt;
    parts[i] = text.substr(0, bar);
    text.remove_prefix(bar + 1);
  }
  parts[3] = text;
  const std::string_view table = parts[0];
  if (table.size() < 3 || table.size() > 255 ||
      !std::all_of(table.begin(), table.end(), IsTableNameChar) || !IsStreamLabel(parts[1]))
    return std::nullopt;
  const auto position = ParseCanonicalDecimal(parts[2]);
  const auto created = ParseCanonicalDecimal(parts[3]);  // a fourth '|' fails here
  if (!position || !created) return std::nullopt;
  return ShardIteratorState{std::string(table), std::string(parts[1]), *position, *created};
}

Result<ChangeStamp> ChangeClock::Next(int64_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = wall_->NowMicros();
  const int64_t first = std::max(now, last_ + 1);
  const int64_t last = first + count - 1;
  if (last > lease_) {
    const int64_t lease = last + kLeaseMicros;
    IT_RETURN_IF_ERROR(persist_(lease));
    lease_ = lease;
  }
  last_ = last;
  in_flight_.emplace(first, last);
  return ChangeStamp{first, now};
}

void ChangeClock::Done(int64_t first) {
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_.erase(first);
}

bool ChangeClock::InFlightThrough(int64_t stamp) const {
  std::lock_guard<std::mutex> lock(mu_);
  return !in_flight_.empty() && in_flight_.begin()->first <= stamp;
}

int64_t ChangeClock::Watermark() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_.empty() ? std::max(last_ + 1, wall_->NowMicros()) : in_flight_.begin()->first;
}

int64_t ChangeClock::Last() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

Status ChangeClock::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (lease_ == last_) return Status::Ok();
  IT_RETURN_IF_ERROR(persist_(last_));
  lease_ = last_;
  return Status::Ok();
}

StampTickets::StampTickets(StampTickets&& other) noexcept
    : clock_(other.clock_),
      blocks_(std::move(other.blocks_)),
      next_(other.next_),
      end_(other.end_) {
  other.blocks_.clear();
  other.end_ = other.next_.stamp;
}

StampTickets::~StampTickets() {
  for (int64_t first : blocks_) clock_->Done(first);
}

Status StampTickets::Reserve(ChangeClock* clock, int64_t count) {
  if (count <= 0) return Status::Ok();
  IT_ASSIGN_OR_RETURN(next_, clock->Next(count));
  clock_ = clock;
  blocks_.push_back(next_.stamp);
  end_ = next_.stamp + count;
  return Status::Ok();
}

Result<ChangeStamp> StampTickets::Take(ChangeClock* clock) {
  if (next_.stamp < end_) {
    const ChangeStamp taken = next_;
    ++next_.stamp;
    return taken;
  }
  IT_ASSIGN_OR_RETURN(ChangeStamp taken, clock->Next(1));
  clock_ = clock;
  blocks_.push_back(taken.stamp);
  return taken;
}

}  // namespace issuetracker::engine
