#include "dynamo/wire/json_read.h"

#include <boost/json/value.hpp>
#include <cmath>

namespace issuetracker::dynamo::wire {
namespace {

namespace json = boost::json;

std::string NumberName(const json::value& v) {
  if (v.is_double()) {
    double d = v.get_double();
    return d == std::floor(d) ? "NUMBER_VALUE" : "DECIMAL_VALUE";
  }
  return "NUMBER_VALUE";
}

// The message for a scalar or container where a `target` scalar belongs.
void ScalarMismatch(const json::value& v, std::string_view target, std::string_view collection,
                    DecodeState& state) {
  switch (v.kind()) {
    case json::kind::bool_:
      state.TypeError(std::string(v.get_bool() ? "TRUE_VALUE" : "FALSE_VALUE") +
                      " cannot be converted to " + std::string(target));
      return;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      state.TypeError(NumberName(v) + " cannot be converted to " + std::string(target));
      return;
    case json::kind::string:
      state.TypeError("STRING_VALUE cannot be converted to " + std::string(target));
      return;
    case json::kind::object:
      state.TypeError("Start of structure or map found where not expected");
      return;
    case json::kind::array:
      state.TypeError("Unrecognized collection type " + std::string(collection));
      return;
    case json::kind::null:
      return;
  }
}

}  // namespace

bool ReadString(const json::value& v, std::string* out, DecodeState& state) {
  if (const json::string* s = v.if_string()) {
    out->assign(s->data(), s->size());
    return true;
  }
  ScalarMismatch(v, "String", "class java.lang.String", state);
  return false;
}

bool ReadBool(const json::value& v, bool* out, DecodeState& state) {
  if (v.is_bool()) {
    *out = v.get_bool();
    return true;
  }
  if (const json::string* s = v.if_string()) {
    std::string upper;
    for (char c : *s)
      upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (upper == "TRUE" || upper == "1" || upper == "YES") {
      *out = true;
      return true;
    }
    if (upper == "FALSE" || upper == "0" || upper == "NO") {
      *out = false;
      return true;
    }
    state.TypeError("Unexpected token received from parser");
    return false;
  }
  ScalarMismatch(v, "Boolean", "class java.lang.Boolean", state);
  return false;
}

bool ReadInt(const json::value& v, int64_t* out, std::string_view java_type, DecodeState& state) {
  switch (v.kind()) {
    case json::kind::int64:
      *out = v.get_int64();
      return true;
    case json::kind::uint64:
      *out = v.get_uint64() > static_cast<uint64_t>(INT64_MAX)
                 ? INT64_MAX
                 : static_cast<int64_t>(v.get_uint64());
      return true;
    case json::kind::double_: {
      double d = std::floor(v.get_double());
      *out = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : static_cast<int64_t>(d);
      return true;
    }
    default:
      ScalarMismatch(v, java_type, "class java.lang." + std::string(java_type), state);
      return false;
  }
}

bool ReadDouble(const json::value& v, double* out, DecodeState& state) {
  switch (v.kind()) {
    case json::kind::int64:
      *out = static_cast<double>(v.get_int64());
      return true;
    case json::kind::uint64:
      *out = static_cast<double>(v.get_uint64());
      return true;
    case json::kind::double_:
      *out = v.get_double();
      return true;
    default:
      ScalarMismatch(v, "Double", "class java.lang.Double", state);
      return false;
  }
}

bool ExpectList(const json::value& v, DecodeState& state) {
  if (v.is_array()) return true;
  state.TypeError(v.is_object() ? "Start of structure or map found where not expected"
                                : "Unexpected field type");
  return false;
}

bool ExpectStruct(const json::value& v, std::string_view type_name, DecodeState& state) {
  if (v.is_object()) return true;
  state.TypeError(v.is_array() ? "Unrecognized collection type class com.amazonaws.dynamodb."
                                 "v20120810." +
                                     std::string(type_name)
                               : std::string("Unexpected field type"));
  return false;
}

bool ExpectMap(const json::value& v, std::string_view value_type, DecodeState& state) {
  if (v.is_object()) return true;
  if (v.is_array()) {
    std::string full = value_type == "String"
                           ? "java.lang.String"
                           : "com.amazonaws.dynamodb.v20120810." + std::string(value_type);
    state.TypeError("Unrecognized collection type java.util.Map<java.lang.String, " + full + ">");
  } else {
    state.TypeError("Unexpected field type");
  }
  return false;
}

Status DecodeState::Finish() const {
  if (!serialization_.ok()) return serialization_;
  if (!constraints_.empty()) {
    std::string message = std::to_string(constraints_.size()) + " validation error" +
                          (constraints_.size() > 1 ? "s" : "") + " detected: ";
    for (size_t i = 0; i < constraints_.size(); ++i) {
      if (i) message += "; ";
      message += constraints_[i];
    }
    return Status::Validation(message);
  }
  return validation_;
}

}  // namespace issuetracker::dynamo::wire
