// JsonWriter: appends compact JSON to a string, as fast as the client's hot path needs
// (no DOM, no allocation beyond the output's growth). Internal to the wire codec.
//
// The writer tracks only whether a separator is due; callers produce well-formed
// sequences (Key before every member value, matched Begin/End calls).
//
// Thread-safety: none; one writer per output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace issuetracker::dynamo::wire {

class JsonWriter {
 public:
  // `out` must outlive the writer; output is appended to it.
  explicit JsonWriter(std::string* out) : out_(*out) {}

  void BeginObject() {
    Separate();
    out_.push_back('{');
    comma_ = false;
  }
  void EndObject() {
    out_.push_back('}');
    comma_ = true;
  }
  void BeginArray() {
    Separate();
    out_.push_back('[');
    comma_ = false;
  }
  void EndArray() {
    out_.push_back(']');
    comma_ = true;
  }
  // BeginObject() then Key(name), for a name that needs no escaping, given as the literal
  // text `{"name":` (the typed wrappers of attribute values: `{"S":`).
  void BeginObjectWithKey(std::string_view open_and_key) {
    Separate();
    out_.append(open_and_key);
    comma_ = false;
  }
  // A member name; the next call writes its value.
  void Key(std::string_view name) {
    Separate();
    AppendQuoted(name);
    out_.push_back(':');
    comma_ = false;
  }
  void String(std::string_view s) {
    Separate();
    AppendQuoted(s);
    comma_ = true;
  }
  void Bool(bool b) {
    Separate();
    out_.append(b ? "true" : "false");
    comma_ = true;
  }
  void Int(int64_t v);
  // Shortest text that reads back as the same double ("5", "1421866952.062", "1e-07").
  void Double(double v);
  // `bytes` as a base64 JSON string.
  void Base64(std::string_view bytes);

  std::string& out() { return out_; }

 private:
  void Separate() {
    if (comma_) out_.push_back(',');
  }
  void AppendQuoted(std::string_view s);

  std::string& out_;
  bool comma_ = false;
};

// Standard base64 with padding (RFC 4648), as DynamoDB writes binary values.
void AppendBase64(std::string_view bytes, std::string* out);

// Decodes standard base64 into *out (replacing it). Returns an empty string on success,
// else the reason in DynamoDB's words ("Base64 encoded length is expected a multiple of 4
// bytes but found: 5", "Invalid last non-pad Base64 character dectected" [sic]).
std::string DecodeBase64(std::string_view text, std::string* out);

}  // namespace issuetracker::dynamo::wire
