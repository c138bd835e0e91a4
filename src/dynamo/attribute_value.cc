#include "dynamo/attribute_value.h"

#include <algorithm>
#include <cassert>

#include "common/result.h"

namespace issuetracker::dynamo {
namespace {

constexpr std::string_view kTypeNames[] = {"S", "N", "B",  "BOOL", "NULL",
                                           "M", "L", "SS", "NS",   "BS"};

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      out->append("\\u00");
      out->push_back(kHex[(c >> 4) & 0xF]);
      out->push_back(kHex[c & 0xF]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendHex(std::string_view bytes, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->append("\"0x");
  for (unsigned char c : bytes) {
    out->push_back(kHex[c >> 4]);
    out->push_back(kHex[c & 0xF]);
  }
  out->push_back('"');
}

template <typename T>
bool SameSet(std::vector<T> a, std::vector<T> b) {
  if (a.size() != b.size()) return false;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

template <typename T>
bool HasDuplicates(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

std::string ListForMessage(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += v[i];
  }
  return out + "]";
}

}  // namespace

std::string_view TypeName(AttrType type) { return kTypeNames[static_cast<size_t>(type)]; }

bool ParseTypeName(std::string_view name, AttrType* type) {
  for (size_t i = 0; i < std::size(kTypeNames); ++i) {
    if (kTypeNames[i] == name) {
      *type = static_cast<AttrType>(i);
      return true;
    }
  }
  return false;
}

AttributeValue::Rep AttributeValue::EmptyRep(AttrType type) {
  switch (type) {
    case AttrType::kS:
      return Rep(std::in_place_index<0>);
    case AttrType::kN:
      return Rep(std::in_place_index<1>);
    case AttrType::kB:
      return Rep(std::in_place_index<2>);
    case AttrType::kBool:
      return Rep(std::in_place_index<3>, false);
    case AttrType::kNull:
      return Rep(std::in_place_index<4>);
    case AttrType::kM:
      return Rep(std::in_place_index<5>);
    case AttrType::kL:
      return Rep(std::in_place_index<6>);
    case AttrType::kSS:
      return Rep(std::in_place_index<7>);
    case AttrType::kNS:
      return Rep(std::in_place_index<8>);
    case AttrType::kBS:
      return Rep(std::in_place_index<9>);
  }
  return Rep(std::in_place_index<4>);
}

AttributeValue AttributeValue::N(std::string_view text) {
  auto n = Number::Parse(text);
  assert(n.ok() && "AttributeValue::N(text) requires a valid number");
  return N(n.ok() ? *n : Number());
}

size_t AttributeValue::ElementCount() const {
  switch (type()) {
    case AttrType::kM:
      return m().size();
    case AttrType::kL:
      return l().size();
    case AttrType::kSS:
      return ss().size();
    case AttrType::kNS:
      return ns().size();
    case AttrType::kBS:
      return bs().size();
    default:
      return 0;
  }
}

void AttributeValue::Normalize() {
  auto sort_unique = [](auto& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  switch (type()) {
    case AttrType::kSS:
      sort_unique(ss());
      break;
    case AttrType::kNS:
      sort_unique(ns());
      break;
    case AttrType::kBS:
      sort_unique(bs());
      break;
    case AttrType::kM:
      for (auto& [name, v] : m()) v.Normalize();
      break;
    case AttrType::kL:
      for (auto& v : l()) v.Normalize();
      break;
    default:
      break;
  }
}

bool operator==(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case AttrType::kSS:
      return SameSet(a.ss(), b.ss());
    case AttrType::kNS:
      return SameSet(a.ns(), b.ns());
    case AttrType::kBS:
      return SameSet(a.bs(), b.bs());
    default:
      return a.rep_ == b.rep_;
  }
}

size_t AttributeValue::StorageSize() const {
  switch (type()) {
    case AttrType::kS:
      return s().size();
    case AttrType::kN:
      return n().StorageSize();
    case AttrType::kB:
      return b().size();
    case AttrType::kBool:
    case AttrType::kNull:
      return 1;
    case AttrType::kM: {
      size_t size = 3;
      for (const auto& [name, v] : m()) size += name.size() + v.StorageSize() + 1;
      return size;
    }
    case AttrType::kL: {
      size_t size = 3;
      for (const auto& v : l()) size += v.StorageSize() + 1;
      return size;
    }
    case AttrType::kSS: {
      size_t size = 0;
      for (const auto& e : ss()) size += e.size();
      return size;
    }
    case AttrType::kNS: {
      size_t size = 0;
      for (const auto& e : ns()) size += e.StorageSize();
      return size;
    }
    case AttrType::kBS: {
      size_t size = 0;
      for (const auto& e : bs()) size += e.size();
      return size;
    }
  }
  return 0;
}

std::string AttributeValue::DebugString() const {
  std::string out = "{\"";
  out += TypeName(type());
  out += "\":";
  switch (type()) {
    case AttrType::kS:
      AppendJsonString(s(), &out);
      break;
    case AttrType::kN:
      AppendJsonString(n().ToString(), &out);
      break;
    case AttrType::kB:
      AppendHex(b(), &out);
      break;
    case AttrType::kBool:
      out += boolean() ? "true" : "false";
      break;
    case AttrType::kNull:
      out += "true";
      break;
    case AttrType::kM:
      out += ItemDebugString(m());
      break;
    case AttrType::kL: {
      out.push_back('[');
      for (size_t i = 0; i < l().size(); ++i) {
        if (i) out.push_back(',');
        out += l()[i].DebugString();
      }
      out.push_back(']');
      break;
    }
    case AttrType::kSS:
    case AttrType::kBS: {
      const auto& v = type() == AttrType::kSS ? ss() : bs();
      out.push_back('[');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i) out.push_back(',');
        if (type() == AttrType::kSS) {
          AppendJsonString(v[i], &out);
        } else {
          AppendHex(v[i], &out);
        }
      }
      out.push_back(']');
      break;
    }
    case AttrType::kNS: {
      out.push_back('[');
      for (size_t i = 0; i < ns().size(); ++i) {
        if (i) out.push_back(',');
        AppendJsonString(ns()[i].ToString(), &out);
      }
      out.push_back(']');
      break;
    }
  }
  out.push_back('}');
  return out;
}

bool HasSets(const AttributeValue& v) {
  switch (v.type()) {
    case AttrType::kSS:
    case AttrType::kNS:
    case AttrType::kBS:
      return true;
    case AttrType::kM:
      return HasSets(v.m());
    case AttrType::kL:
      return std::any_of(v.l().begin(), v.l().end(),
                         [](const AttributeValue& e) { return HasSets(e); });
    default:
      return false;
  }
}

bool HasSets(const Item& item) {
  return std::any_of(item.begin(), item.end(), [](const auto& e) { return HasSets(e.second); });
}

size_t ItemSize(const Item& item) {
  size_t size = 0;
  for (const auto& [name, v] : item) size += name.size() + v.StorageSize();
  return size;
}

std::string ItemDebugString(const Item& item) {
  std::string out = "{";
  bool first = true;
  for (const auto& [name, v] : item) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(name, &out);
    out.push_back(':');
    out += v.DebugString();
  }
  out.push_back('}');
  return out;
}

namespace {

// ValidateValue for a value at nesting `level` (a top-level attribute's value is level 1).
Status ValidateValueAt(const AttributeValue& value, int level) {
  if (level > kMaxNestingLevels) {
    return Status::Validation(
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
        "levels beyond supported limit");
  }
  switch (value.type()) {
    case AttrType::kSS:
      if (value.ss().empty()) return InvalidParameter("An string set  may not be empty");
      if (HasDuplicates(value.ss())) {
        return InvalidParameter("Input collection " + ListForMessage(value.ss()) +
                                " contains duplicates.");
      }
      return Status::Ok();
    case AttrType::kNS:
      if (value.ns().empty()) return InvalidParameter("An number set  may not be empty");
      if (HasDuplicates(value.ns()))
        return Status::Validation("Input collection contains duplicates");
      return Status::Ok();
    case AttrType::kBS:
      if (value.bs().empty()) return InvalidParameter("Binary sets should not be empty");
      if (HasDuplicates(value.bs())) {
        return InvalidParameter("Input collection of type BS contains duplicates.");
      }
      return Status::Ok();
    case AttrType::kM:
      for (const auto& [name, v] : value.m()) IT_RETURN_IF_ERROR(ValidateValueAt(v, level + 1));
      return Status::Ok();
    case AttrType::kL:
      for (const auto& v : value.l()) IT_RETURN_IF_ERROR(ValidateValueAt(v, level + 1));
      return Status::Ok();
    default:
      return Status::Ok();
  }
}

}  // namespace

Status ValidateValue(const AttributeValue& value) { return ValidateValueAt(value, 1); }

Status CheckAttributeName(std::string_view name) {
  if (name.size() > kMaxAttributeNameBytes) {
    return Status::Validation(
        "One or more parameter values were invalid: Attribute name is too large, must be less "
        "than 65536 bytes; size: " +
        std::to_string(name.size()));
  }
  return Status::Ok();
}

Status ValidateItem(const Item& item) {
  for (const auto& [name, v] : item) {
    IT_RETURN_IF_ERROR(CheckAttributeName(name));
    IT_RETURN_IF_ERROR(ValidateValue(v));
  }
  return Status::Ok();
}

Status InvalidParameter(std::string_view detail) {
  return Status::Validation("One or more parameter values were invalid: " + std::string(detail));
}

const std::string* FindS(const Item& item, std::string_view name) {
  auto it = item.find(name);
  if (it == item.end() || !it->second.is(AttrType::kS)) return nullptr;
  return &it->second.s();
}

}  // namespace issuetracker::dynamo
