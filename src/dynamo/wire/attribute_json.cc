#include "dynamo/wire/attribute_json.h"

#include <boost/json/value.hpp>

#include "dynamo/wire/json_read.h"

namespace issuetracker::dynamo::wire {
namespace {

namespace json = boost::json;

void WriteStrings(JsonWriter& w, const std::vector<std::string>& v) {
  w.BeginArray();
  for (const auto& s : v) w.String(s);
  w.EndArray();
}

bool ReadNumber(const json::value& v, Number* out, DecodeState& state) {
  std::string text;
  if (!ReadString(v, &text, state)) return false;
  auto n = Number::Parse(text);
  if (!n.ok()) {
    state.ValidationError(n.status());
    return false;
  }
  *out = std::move(n).value();
  return true;
}

bool ReadBinary(const json::value& v, std::string* out, DecodeState& state) {
  const json::string* s = v.if_string();
  if (s == nullptr) {
    if (v.is_object()) {
      state.TypeError("Start of structure or map found where not expected");
    } else if (v.is_array()) {
      state.TypeError("Unrecognized collection type class java.nio.ByteBuffer");
    } else {
      state.TypeError("only base-64-encoded strings are convertible to bytes");
    }
    return false;
  }
  std::string error = DecodeBase64(std::string_view(s->data(), s->size()), out);
  if (!error.empty()) {
    state.TypeError(std::move(error));
    return false;
  }
  return true;
}

// Reads one member of an AttributeValue object into *out.
void ReadMember(AttrType type, const json::value& v, AttributeValue* out, DecodeState& state) {
  switch (type) {
    case AttrType::kS:
      ReadString(v, &out->EmplaceS(), state);
      return;
    case AttrType::kN:
      ReadNumber(v, &out->EmplaceN(), state);
      return;
    case AttrType::kB:
      ReadBinary(v, &out->EmplaceB(), state);
      return;
    case AttrType::kBool: {
      bool b = false;
      ReadBool(v, &b, state);
      out->EmplaceBool(b);
      return;
    }
    case AttrType::kNull: {
      bool b = false;
      if (ReadBool(v, &b, state) && !b) {
        state.ValidationError(
            "One or more parameter values were invalid: Null attribute value types must have the "
            "value of true");
      }
      out->EmplaceNull();
      return;
    }
    case AttrType::kM:
      ReadItem(v, &out->EmplaceM(), state);
      return;
    case AttrType::kL: {
      AttributeList& list = out->EmplaceL();
      if (!ExpectList(v, state)) return;
      const json::array& a = v.get_array();
      list.resize(a.size());
      for (size_t i = 0; i < a.size() && !state.failed(); ++i) ReadValue(a[i], &list[i], state);
      return;
    }
    case AttrType::kSS:
    case AttrType::kBS: {
      auto& set = type == AttrType::kSS ? out->EmplaceSS() : out->EmplaceBS();
      if (!ExpectList(v, state)) return;
      const json::array& a = v.get_array();
      set.resize(a.size());
      for (size_t i = 0; i < a.size() && !state.failed(); ++i) {
        if (type == AttrType::kSS) {
          ReadString(a[i], &set[i], state);
        } else {
          ReadBinary(a[i], &set[i], state);
        }
      }
      return;
    }
    case AttrType::kNS: {
      auto& set = out->EmplaceNS();
      if (!ExpectList(v, state)) return;
      const json::array& a = v.get_array();
      set.resize(a.size());
      for (size_t i = 0; i < a.size() && !state.failed(); ++i) ReadNumber(a[i], &set[i], state);
      return;
    }
  }
}

}  // namespace

// `{"<TypeName(type)>":`, indexed by AttrType.
constexpr std::string_view kTypedOpen[] = {R"({"S":)",    R"({"N":)", R"({"B":)", R"({"BOOL":)",
                                           R"({"NULL":)", R"({"M":)", R"({"L":)", R"({"SS":)",
                                           R"({"NS":)",   R"({"BS":)"};

void WriteValue(JsonWriter& w, const AttributeValue& value) {
  w.BeginObjectWithKey(kTypedOpen[static_cast<size_t>(value.type())]);
  switch (value.type()) {
    case AttrType::kS:
      w.String(value.s());
      break;
    case AttrType::kN:
      w.String(value.n().ToString());
      break;
    case AttrType::kB:
      w.Base64(value.b());
      break;
    case AttrType::kBool:
      w.Bool(value.boolean());
      break;
    case AttrType::kNull:
      w.Bool(true);
      break;
    case AttrType::kM:
      WriteItem(w, value.m());
      break;
    case AttrType::kL:
      w.BeginArray();
      for (const auto& v : value.l()) WriteValue(w, v);
      w.EndArray();
      break;
    case AttrType::kSS:
      WriteStrings(w, value.ss());
      break;
    case AttrType::kNS:
      w.BeginArray();
      for (const auto& n : value.ns()) w.String(n.ToString());
      w.EndArray();
      break;
    case AttrType::kBS:
      w.BeginArray();
      for (const auto& b : value.bs()) w.Base64(b);
      w.EndArray();
      break;
  }
  w.EndObject();
}

void WriteItem(JsonWriter& w, const AttributeMap& item) {
  w.BeginObject();
  for (const auto& [name, value] : item) {
    w.Key(name);
    WriteValue(w, value);
  }
  w.EndObject();
}

void ReadValue(const json::value& json, AttributeValue* out, DecodeState& state) {
  const json::object* o = json.if_object();
  if (o == nullptr) {
    if (json.is_null()) return;
    state.TypeError(json.is_array() ? "Unrecognized collection type class "
                                      "com.amazonaws.dynamodb.v20120810.AttributeValue"
                                    : "Unexpected value type in payload");
    return;
  }
  int members = 0;
  for (const auto& member : *o) {
    AttrType type;
    if (member.value().is_null() || !ParseTypeName(member.key(), &type)) continue;
    if (++members > 1) {
      state.ValidationError(
          "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
          "the supported datatypes");
      return;
    }
    ReadMember(type, member.value(), out, state);
    if (state.failed()) return;
  }
  if (members == 0) {
    state.ValidationError(
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  }
}

void ReadItem(const json::value& json, AttributeMap* out, DecodeState& state) {
  out->clear();
  if (!ExpectMap(json, "AttributeValue", state)) return;
  const json::object& o = json.get_object();
  out->reserve(o.size());
  for (const auto& member : o) {
    std::string_view name(member.key().data(), member.key().size());
    // Our own encoder writes names in order, so the hint is right and insertion is O(1).
    auto it = out->try_emplace(out->end(), std::string(name));
    ReadValue(member.value(), &it->second, state);
    if (state.failed()) return;
  }
}

}  // namespace issuetracker::dynamo::wire
