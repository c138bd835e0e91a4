// The machinery of the wire codec: every message struct is described once, as a list of
// its members with their wire names (IT_WIRE_DESCRIBE), and two visitors walk that
// description, the Encoder writing JSON and the Decoder reading it back with DynamoDB's
// errors. Encoding and decoding of a struct therefore cannot disagree. Internal to the
// wire codec: included only by its .cc files.
#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/result.h"
#include "dynamo/wire/attribute_json.h"
#include "dynamo/wire/codec.h"
#include "dynamo/wire/decode_state.h"
#include "dynamo/wire/json_read.h"
#include "dynamo/wire/json_writer.h"
#include "dynamo/wire_names.h"

namespace issuetracker::dynamo::wire {

// How a member is written and checked.
enum class Presence : uint8_t {
  // Written only when it differs from its default (set optional, non-empty container or
  // string, true, non-zero number, non-first enumerator); absent on the wire: left default.
  kOptional,
  // Always written; absent on the wire: "Value null at '<path>' failed to satisfy
  // constraint: Member must not be null".
  kRequired,
  // Always written; absent on the wire: left default.
  kAlways,
};
inline constexpr Presence kOptional = Presence::kOptional;
inline constexpr Presence kRequired = Presence::kRequired;
inline constexpr Presence kAlways = Presence::kAlways;

// Declares the description of `Type`, whose structure is called `wire_name` in DynamoDB's
// API (used in type-error messages). The body calls v("Member", m.member, presence) for each
// member, and v.Object(...) for a nested object the C++ struct flattens.
// WireTag makes argument-dependent lookup find WireStructName in this namespace.
struct WireTag {};
#define IT_WIRE_DESCRIBE(Type, wire_name)                                                      \
  inline constexpr std::string_view WireStructName(const Type*, WireTag) { return wire_name; } \
  template <typename V, typename M>                                                            \
  requires std::is_same_v<std::remove_const_t<M>, Type>                                        \
  void Describe(V& v, M& m)

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};
template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <typename T>
struct IsStringMap : std::false_type {};
template <typename T>
struct IsStringMap<std::map<std::string, T>> : std::true_type {};

template <typename T>
bool IsDefault(const T& value) {
  if constexpr (IsOptional<T>::value) {
    return !value.has_value();
  } else if constexpr (IsVector<T>::value || IsStringMap<T>::value ||
                       std::is_same_v<T, std::string> || std::is_same_v<T, AttributeMap>) {
    return value.empty();
  } else if constexpr (std::is_enum_v<T> || std::is_arithmetic_v<T>) {
    return value == T{};
  } else {
    return false;  // structures and attribute values are written when asked for
  }
}

class Encoder {
 public:
  static constexpr bool kDecoding = false;
  explicit Encoder(JsonWriter& w) : w_(w) {}

  template <typename T>
  void operator()(std::string_view name, const T& value, Presence presence = kOptional) {
    if (presence == kOptional && IsDefault(value)) return;
    if constexpr (IsOptional<T>::value) {
      if (!value) return;
    }
    w_.Key(name);
    Write(value);
  }

  // A nested object holding members the C++ struct keeps flat; written when `present`
  // (or when required).
  template <typename Fn>
  void Object(std::string_view name, bool present, Presence presence, Fn&& fn) {
    if (!present && presence == kOptional) return;
    w_.Key(name);
    w_.BeginObject();
    fn(*this);
    w_.EndObject();
  }

  template <typename T>
  void Write(const T& value) {
    if constexpr (std::is_same_v<T, std::string>) {
      w_.String(value);
    } else if constexpr (std::is_same_v<T, bool>) {
      w_.Bool(value);
    } else if constexpr (std::is_enum_v<T>) {
      w_.String(ToWire(value));
    } else if constexpr (std::is_integral_v<T>) {
      w_.Int(value);
    } else if constexpr (std::is_floating_point_v<T>) {
      w_.Double(value);
    } else if constexpr (IsOptional<T>::value) {
      Write(*value);
    } else if constexpr (std::is_same_v<T, AttributeValue>) {
      WriteValue(w_, value);
    } else if constexpr (std::is_same_v<T, AttributeMap>) {
      WriteItem(w_, value);
    } else if constexpr (IsVector<T>::value) {
      w_.BeginArray();
      for (const auto& element : value) Write(element);
      w_.EndArray();
    } else if constexpr (IsStringMap<T>::value) {
      w_.BeginObject();
      for (const auto& [key, element] : value) {
        w_.Key(key);
        Write(element);
      }
      w_.EndObject();
    } else {
      w_.BeginObject();
      Describe(*this, value);
      w_.EndObject();
    }
  }

 private:
  JsonWriter& w_;
};

// "TableName" -> "tableName", as DynamoDB names members in validation messages.
inline std::string LowerFirst(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

template <typename T>
std::string_view WireTypeName() {
  if constexpr (std::is_same_v<T, std::string>) {
    return "String";
  } else if constexpr (std::is_same_v<T, AttributeValue>) {
    return "AttributeValue";
  } else if constexpr (IsVector<T>::value) {
    return "java.util.List";
  } else if constexpr (std::is_class_v<T>) {
    return WireStructName(static_cast<const T*>(nullptr), WireTag{});
  } else {
    return "String";
  }
}

class Decoder {
 public:
  static constexpr bool kDecoding = true;
  // `path` is the dotted member path of `object` in validation messages ("" at the top).
  Decoder(const boost::json::object& object, DecodeState& state, std::string path)
      : object_(object), state_(state), path_(std::move(path)) {}

  template <typename T>
  void operator()(std::string_view name, T& value, Presence presence = kOptional) {
    if (state_.failed()) return;
    const boost::json::value* v = object_.if_contains(name);
    if (v == nullptr || v->is_null()) {
      if (presence == kRequired) MissingMember(name);
      return;
    }
    if constexpr (NeedsPath<T>()) {
      Read(*v, value, Child(name));
    } else {
      Read(*v, value, path_);  // only used by enums, never when the path is unused
    }
  }

  // A ValidationException with `message` when member `name` is absent or null, for a
  // member the API Reference calls optional but DynamoDB requires (lenient states, reading
  // responses, let it pass).
  void ExpectPresent(std::string_view name, std::string message) {
    if (state_.failed() || state_.lenient()) return;
    const boost::json::value* v = object_.if_contains(name);
    if (v == nullptr || v->is_null()) state_.ValidationError(std::move(message));
  }

  template <typename Fn>
  void Object(std::string_view name, bool /*present*/, Presence presence, Fn&& fn) {
    if (state_.failed()) return;
    const boost::json::value* v = object_.if_contains(name);
    if (v == nullptr || v->is_null()) {
      if (presence == kRequired) MissingMember(name);
      return;
    }
    if (!ExpectStruct(*v, name, state_)) return;
    Decoder sub(v->get_object(), state_, Child(name));
    fn(sub);
  }

  // Whether reading a T may need its member path (for nested messages and enum errors).
  template <typename T>
  static constexpr bool NeedsPath() {
    if constexpr (IsOptional<T>::value) {
      return NeedsPath<typename T::value_type>();
    } else {
      return !(std::is_same_v<T, std::string> || std::is_same_v<T, bool> ||
               std::is_arithmetic_v<T> || std::is_same_v<T, AttributeValue> ||
               std::is_same_v<T, AttributeMap> || std::is_same_v<T, std::vector<AttributeMap>> ||
               std::is_same_v<T, std::vector<std::string>>);
    }
  }

  template <typename T>
  void Read(const boost::json::value& v, T& out, const std::string& path) {
    if (state_.failed()) return;
    if constexpr (std::is_same_v<T, std::string>) {
      ReadString(v, &out, state_);
    } else if constexpr (std::is_same_v<T, bool>) {
      ReadBool(v, &out, state_);
    } else if constexpr (std::is_enum_v<T>) {
      std::string name;
      if (ReadString(v, &name, state_) && !FromWire(name, &out)) BadEnum(name, out, path);
    } else if constexpr (std::is_same_v<T, int32_t>) {
      int64_t n = 0;
      if (ReadInt(v, &n, "Integer", state_)) {
        out = n > INT32_MAX ? INT32_MAX : n < INT32_MIN ? INT32_MIN : static_cast<int32_t>(n);
      }
    } else if constexpr (std::is_same_v<T, int64_t>) {
      ReadInt(v, &out, "Long", state_);
    } else if constexpr (std::is_floating_point_v<T>) {
      ReadDouble(v, &out, state_);
    } else if constexpr (IsOptional<T>::value) {
      out.emplace();
      Read(v, *out, path);
    } else if constexpr (std::is_same_v<T, AttributeValue>) {
      ReadValue(v, &out, state_);
    } else if constexpr (std::is_same_v<T, AttributeMap>) {
      ReadItem(v, &out, state_);
    } else if constexpr (IsVector<T>::value) {
      using Element = typename T::value_type;
      if (!ExpectList(v, state_)) return;
      const boost::json::array& a = v.get_array();
      out.clear();
      out.resize(a.size());
      for (size_t i = 0; i < a.size() && !state_.failed(); ++i) {
        if constexpr (NeedsPath<Element>()) {
          Read(a[i], out[i], path + "." + std::to_string(i + 1) + ".member");
        } else {
          Read(a[i], out[i], path);
        }
      }
    } else if constexpr (IsStringMap<T>::value) {
      using Element = typename T::mapped_type;
      if (!ExpectMap(v, WireTypeName<Element>(), state_)) return;
      out.clear();
      for (const auto& member : v.get_object()) {
        std::string key(member.key().data(), member.key().size());
        Element& element = out[key];
        if constexpr (NeedsPath<Element>()) {
          Read(member.value(), element, path + "." + key + ".member");
        } else {
          Read(member.value(), element, path);
        }
        if (state_.failed()) return;
      }
    } else {
      if (!ExpectStruct(v, WireStructName(static_cast<const T*>(nullptr), WireTag{}), state_))
        return;
      Decoder sub(v.get_object(), state_, path);
      Describe(sub, out);
    }
  }

 private:
  std::string Child(std::string_view name) const {
    return path_.empty() ? LowerFirst(name) : path_ + "." + LowerFirst(name);
  }
  void MissingMember(std::string_view name) {
    state_.ConstraintError("Value null at '" + Child(name) +
                           "' failed to satisfy constraint: Member must not be null");
  }
  template <typename E>
  void BadEnum(const std::string& value, E e, const std::string& path) {
    if constexpr (std::is_same_v<E, TableClass>) {  // DynamoDB's own words for this one
      state_.ValidationError(
          "Invalid table-class parameter provided. Please try again with a valid table-class "
          "value: [STANDARD, STANDARD_INFREQUENT_ACCESS].");
      return;
    }
    std::string names;
    for (std::string_view n : WireNames(e)) {
      if (!names.empty()) names += ", ";
      names += n;
    }
    state_.ConstraintError("Value '" + value + "' at '" + path +
                           "' failed to satisfy constraint: Member must satisfy enum value set: [" +
                           names + "]");
  }

  const boost::json::object& object_;
  DecodeState& state_;
  std::string path_;
};

// Writes `message` as a JSON object appended to *out.
template <typename T>
void EncodeMessage(const T& message, std::string* out) {
  JsonWriter w(out);
  Encoder encoder(w);
  w.BeginObject();
  Describe(encoder, message);
  w.EndObject();
}

// Parses `json` (a whole request or response body) into *message, replacing it.
Status ParseBody(std::string_view json, boost::json::monotonic_resource* resource,
                 boost::json::value* out);

template <typename T>
Status DecodeMessage(std::string_view json, T* message, bool lenient) {
  unsigned char buffer[4096];
  boost::json::monotonic_resource resource(buffer, sizeof(buffer));
  boost::json::value value;
  IT_RETURN_IF_ERROR(ParseBody(json, &resource, &value));
  DecodeState state(lenient);
  if (!ExpectStruct(value, WireStructName(static_cast<const T*>(nullptr), WireTag{}), state)) {
    return state.Finish();
  }
  *message = T{};
  Decoder decoder(value.get_object(), state, "");
  Describe(decoder, *message);
  return state.Finish();
}

// Define the codec.h overloads of a request or response type over the templates above.
// Responses decode leniently (DecodeState).
#define IT_WIRE_DEFINE_REQUEST(Type)                                                    \
  void EncodeTo(const Type& message, std::string* out) { EncodeMessage(message, out); } \
  Status Decode(std::string_view json, Type* message) {                                 \
    return DecodeMessage(json, message, false);                                         \
  }
#define IT_WIRE_DEFINE_RESPONSE(Type)                                                   \
  void EncodeTo(const Type& message, std::string* out) { EncodeMessage(message, out); } \
  Status Decode(std::string_view json, Type* message) { return DecodeMessage(json, message, true); }

}  // namespace issuetracker::dynamo::wire
