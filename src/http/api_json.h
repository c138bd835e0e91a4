// JSON in and out for the REST API.
//
// In: JsonObject reads a request body that must be one JSON object and hands out its
// members by name with their expected types; Finish() then refuses every member nobody
// asked for. Each refusal is a Status carrying an ApiErrorCode (api_errors.h) so it maps
// to a 400 with a stable code: malformed_json, invalid_field (wrong type or form),
// missing_field, unknown_field. Values that are well-formed but that the data layer
// refuses (a title too long, an unknown status name) are the data layer's Validation and
// map to 422.
//
// Out: JsonWriter appends members to a string with the escaping of http/encoding.h, so
// responses are built without a DOM.
//
// Thread-safety: plain values, one per request.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace issuetracker::http {

class JsonObject {
 public:
  // Parses `body`: malformed_json unless it is exactly one JSON object (at most
  // kMaxJsonDepth deep).
  static Result<JsonObject> Parse(std::string_view body);
  JsonObject(JsonObject&&) noexcept;
  JsonObject& operator=(JsonObject&&) noexcept;
  ~JsonObject();

  // Each returns nullopt when the member is absent; invalid_field when it has another
  // type; missing_field when absent and `required`.
  Result<std::optional<std::string>> String(std::string_view name, bool required = false);
  Result<std::optional<int64_t>> Int(std::string_view name, bool required = false);
  Result<std::optional<bool>> Bool(std::string_view name, bool required = false);
  // An array of strings; empty when absent (Has() tells absent from empty).
  Result<std::vector<std::string>> StringArray(std::string_view name);
  // Whether the member is present (asking marks it known, like the accessors).
  bool Has(std::string_view name);
  // For members whose null means "clear it": nullopt when absent, a nullopt inside for null.
  Result<std::optional<std::optional<std::string>>> NullableString(std::string_view name);
  Result<std::optional<std::optional<int64_t>>> NullableInt(std::string_view name);
  // A nested object member (nullopt when absent).
  Result<std::optional<JsonObject>> Object(std::string_view name, bool required = false);

  // unknown_field naming the first member that no accessor asked for.
  Status Finish() const;

 private:
  struct Rep;
  explicit JsonObject(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

inline constexpr int kMaxJsonDepth = 16;

// Builds a JSON object or array into a string.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // A member name (inside an object); the value follows.
  JsonWriter& Key(std::string_view name);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Key + value shorthands.
  JsonWriter& Member(std::string_view name, std::string_view value) {
    return Key(name).String(value);
  }
  JsonWriter& Member(std::string_view name, const char* value) { return Key(name).String(value); }
  JsonWriter& Member(std::string_view name, int64_t value) { return Key(name).Int(value); }
  JsonWriter& MemberBool(std::string_view name, bool value) { return Key(name).Bool(value); }
  // Appends already-encoded JSON as a value.
  JsonWriter& Raw(std::string_view json);

 private:
  void Separate();
  std::string& out_;
  bool first_ = true;  // no value yet at this nesting level
};

}  // namespace issuetracker::http
