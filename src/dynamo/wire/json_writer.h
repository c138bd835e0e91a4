// JsonWriter: appends compact JSON to a string, as fast as the client's hot path needs
// (no DOM, no allocation beyond the output's growth). Internal to the wire codec.
//
// The writer tracks only whether a separator is due; callers produce well-formed
// sequences (Key before every member value, matched Begin/End calls).
//
// Thread-safety: none; one writer per output.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace issuetracker::dynamo::wire {

class JsonWriter {
 public:
  // `out` must outlive the writer; output is appended to it. While the writer works,
  // `out` also holds spare room past the output (zeros), so that each write checks for
  // space once and copies with plain stores; Flush(), or the writer's end, trims it.
  // Read or change `out` only after one of them.
  explicit JsonWriter(std::string* out)
      : out_(*out), cursor_(out->data() + out->size()), limit_(cursor_) {}
  ~JsonWriter() { Flush(); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void BeginObject() { Punctuate('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Punctuate('['); }
  void EndArray() { Close(']'); }
  // BeginObject() then Key(name), for a name that needs no escaping, given as the literal
  // text `{"name":` (the typed wrappers of attribute values: `{"S":`).
  void BeginObjectWithKey(std::string_view open_and_key) {
    char* p = Room(open_and_key.size() + 1);
    if (comma_) *p++ = ',';
    std::memcpy(p, open_and_key.data(), open_and_key.size());
    cursor_ = p + open_and_key.size();
    comma_ = false;
  }
  // A member name; the next call writes its value.
  void Key(std::string_view name) {
    AppendQuoted(name, ':');
    comma_ = false;
  }
  void String(std::string_view s) {
    AppendQuoted(s, 0);
    comma_ = true;
  }
  void Bool(bool b) {
    char* p = Room(6);
    if (comma_) *p++ = ',';
    std::memcpy(p, b ? "true" : "false", 5);
    cursor_ = p + (b ? 4 : 5);
    comma_ = true;
  }
  void Int(int64_t v);
  // Shortest text that reads back as the same double ("5", "1421866952.062", "1e-07").
  void Double(double v);
  // `bytes` as a base64 JSON string.
  void Base64(std::string_view bytes);

  // Trims `out` to the output written so far and returns it; writing may go on.
  std::string& Flush() {
    out_.resize(static_cast<size_t>(cursor_ - out_.data()));
    limit_ = cursor_ = out_.data() + out_.size();
    return out_;
  }

 private:
  // Where the next `n` bytes go, with room for them.
  char* Room(size_t n) {
    if (static_cast<size_t>(limit_ - cursor_) < n) Grow(n);
    return cursor_;
  }
  void Grow(size_t n);
  void Punctuate(char open) {
    char* p = Room(2);
    if (comma_) *p++ = ',';
    *p++ = open;
    cursor_ = p;
    comma_ = false;
  }
  void Close(char close) {
    *Room(1) = close;
    ++cursor_;
    comma_ = true;
  }
  // `s` quoted and escaped after the separator due, then `suffix` unless it is 0.
  void AppendQuoted(std::string_view s, char suffix);

  std::string& out_;
  char* cursor_;  // the end of the output written, inside out_
  char* limit_;   // the end of out_: [cursor_, limit_) is spare room
  bool comma_ = false;
};

// Standard base64 with padding (RFC 4648), as DynamoDB writes binary values.
void AppendBase64(std::string_view bytes, std::string* out);

// Decodes standard base64 into *out (replacing it). Returns an empty string on success,
// else the reason in DynamoDB's words ("Base64 encoded length is expected a multiple of 4
// bytes but found: 5", "Invalid last non-pad Base64 character dectected" [sic]).
std::string DecodeBase64(std::string_view text, std::string* out);

}  // namespace issuetracker::dynamo::wire
