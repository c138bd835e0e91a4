#include "http/api_json.h"

#include <boost/json.hpp>
#include <set>

#include "http/api_errors.h"
#include "http/encoding.h"

namespace issuetracker::http {

namespace json = boost::json;

struct JsonObject::Rep {
  json::object object;
  std::set<std::string, std::less<>> asked;
};

namespace {

Status Invalid(std::string_view name, std::string_view expected) {
  return ApiError(400, "invalid_field",
                  "Member \"" + std::string(name) + "\" must be " + std::string(expected));
}

Status Missing(std::string_view name) {
  return ApiError(400, "missing_field", "Member \"" + std::string(name) + "\" is required");
}

}  // namespace

JsonObject::JsonObject(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
JsonObject::JsonObject(JsonObject&&) noexcept = default;
JsonObject& JsonObject::operator=(JsonObject&&) noexcept = default;
JsonObject::~JsonObject() = default;

Result<JsonObject> JsonObject::Parse(std::string_view body) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value value = json::parse(json::string_view(body.data(), body.size()), ec, {}, options);
  if (ec) {
    return ApiError(400, "malformed_json", "The body is not valid JSON: " + ec.message());
  }
  if (!value.is_object()) {
    return ApiError(400, "malformed_json", "The body must be a JSON object");
  }
  auto rep = std::make_unique<Rep>();
  rep->object = std::move(value.as_object());
  return JsonObject(std::move(rep));
}

Result<std::optional<std::string>> JsonObject::String(std::string_view name, bool required) {
  rep_->asked.emplace(name);
  const json::value* v = rep_->object.if_contains(json::string_view(name.data(), name.size()));
  if (v == nullptr) {
    if (required) return Missing(name);
    return std::optional<std::string>();
  }
  if (!v->is_string()) return Invalid(name, "a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<int64_t>> JsonObject::Int(std::string_view name, bool required) {
  rep_->asked.emplace(name);
  const json::value* v = rep_->object.if_contains(json::string_view(name.data(), name.size()));
  if (v == nullptr) {
    if (required) return Missing(name);
    return std::optional<int64_t>();
  }
  if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
  }
  return Invalid(name, "an integer");
}

Result<std::optional<bool>> JsonObject::Bool(std::string_view name, bool required) {
  rep_->asked.emplace(name);
  const json::value* v = rep_->object.if_contains(json::string_view(name.data(), name.size()));
  if (v == nullptr) {
    if (required) return Missing(name);
    return std::optional<bool>();
  }
  if (!v->is_bool()) return Invalid(name, "true or false");
  return std::optional<bool>(v->as_bool());
}

bool JsonObject::Has(std::string_view name) {
  rep_->asked.emplace(name);
  return rep_->object.if_contains(json::string_view(name.data(), name.size())) != nullptr;
}

Result<std::vector<std::string>> JsonObject::StringArray(std::string_view name) {
  rep_->asked.emplace(name);
  const json::value* v = rep_->object.if_contains(json::string_view(name.data(), name.size()));
  if (v == nullptr) return std::vector<std::string>();
  if (!v->is_array()) return Invalid(name, "an array of strings");
  std::vector<std::string> out;
  for (const json::value& e : v->as_array()) {
    if (!e.is_string()) return Invalid(name, "an array of strings");
    out.emplace_back(e.as_string());
  }
  return out;
}

Result<std::optional<std::optional<std::string>>> JsonObject::NullableString(
    std::string_view name) {
  using R = std::optional<std::optional<std::string>>;
  const json::value* v = rep_->object.if_contains(json::string_view(name.data(), name.size()));
  if (v != nullptr && v->is_null()) {
    rep_->asked.emplace(name);
    return R(std::optional<std::string>());
  }
  IT_ASSIGN_OR_RETURN(std::optional<std::string> s, String(name));
  if (!s) return R();
  return R(std::move(s));
}

Result<std::optional<std::optional<int64_t>>> JsonObject::NullableInt(std::string_view name) {
  using R = std::optional<std::optional<int64_t>>;
  const json::value* v = rep_->object.if_contains(json::string_view(name.data(), name.size()));
  if (v != nullptr && v->is_null()) {
    rep_->asked.emplace(name);
    return R(std::optional<int64_t>());
  }
  IT_ASSIGN_OR_RETURN(std::optional<int64_t> n, Int(name));
  if (!n) return R();
  return R(n);
}

Result<std::optional<JsonObject>> JsonObject::Object(std::string_view name, bool required) {
  rep_->asked.emplace(name);
  const json::value* v = rep_->object.if_contains(json::string_view(name.data(), name.size()));
  if (v == nullptr) {
    if (required) return Missing(name);
    return std::optional<JsonObject>();
  }
  if (!v->is_object()) return Invalid(name, "an object");
  auto rep = std::make_unique<Rep>();
  rep->object = v->as_object();
  return std::optional<JsonObject>(JsonObject(std::move(rep)));
}

Status JsonObject::Finish() const {
  for (const auto& member : rep_->object) {
    std::string_view key(member.key().data(), member.key().size());
    if (!rep_->asked.contains(key)) {
      return ApiError(400, "unknown_field", "Unknown member \"" + std::string(key) + "\"");
    }
  }
  return Status::Ok();
}

// ------------------------------------------------------------------ writer

void JsonWriter::Separate() {
  if (!first_) out_.push_back(',');
  first_ = false;
}

JsonWriter& JsonWriter::BeginObject() {
  Separate();
  out_.push_back('{');
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_.push_back('}');
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Separate();
  out_.push_back('[');
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  out_.push_back(']');
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view name) {
  Separate();
  AppendJsonString(out_, name);
  out_.push_back(':');
  first_ = true;  // the value that follows takes no comma
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  Separate();
  AppendJsonString(out_, value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  Separate();
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(value));
  out_.append(buf, static_cast<size_t>(n));
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  Separate();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  Separate();
  out_.append(json);
  return *this;
}

}  // namespace issuetracker::http
