// AttributeValue: one DynamoDB value, typed (S, N, B, BOOL, NULL, M, L, SS, NS, BS).
//
// Items are maps from attribute name to AttributeValue. Binary values hold raw bytes (the
// wire codec does the base64). Sets are stored sorted and without duplicates once
// validated; ValidateForWrite() reports DynamoDB's errors for empty or duplicated sets.
//
// Thread-safety: value types; const access is safe from many threads.
#pragma once

#include <boost/container/flat_map.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "dynamo/number.h"

namespace issuetracker::dynamo {

class AttributeValue;

// Byte-wise name order (the order of std::less<std::string>), deciding on the first byte
// when it differs — most attribute names do — without a memcmp call. Transparent, so
// lookups by string_view or literal allocate nothing.
struct AttributeNameLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const {
    if (!a.empty() && !b.empty() && a[0] != b[0]) {
      return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
    }
    return a < b;
  }
};

// Attribute name -> value. Ordered so that items print, encode and compare
// deterministically (DynamoDB itself gives maps no order); a flat map, because items
// are small and built and read far more often than edited: one allocation per map
// instead of one per attribute. Inserting invalidates iterators and references.
using AttributeMap = boost::container::flat_map<std::string, AttributeValue, AttributeNameLess>;
using Item = AttributeMap;
using AttributeList = std::vector<AttributeValue>;

// The ten DynamoDB types, named as on the wire by TypeName().
enum class AttrType : uint8_t { kS, kN, kB, kBool, kNull, kM, kL, kSS, kNS, kBS };

// "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS".
std::string_view TypeName(AttrType type);
// Parses a wire type name; false when `name` is not one.
bool ParseTypeName(std::string_view name, AttrType* type);

class AttributeValue {
 public:
  // NULL.
  AttributeValue() : rep_(NullTag{}) {}
  // The empty value of a type ("", 0, false, {} ...), to be filled through the mutable
  // accessors (decoders build values in place this way).
  explicit AttributeValue(AttrType empty_of_type) : rep_(EmptyRep(empty_of_type)) {}

  static AttributeValue S(std::string s) {
    return AttributeValue(Rep(std::in_place_index<0>, std::move(s)));
  }
  static AttributeValue N(Number n) {
    return AttributeValue(Rep(std::in_place_index<1>, std::move(n)));
  }
  // REQUIRES: `text` parses as a number (for literals in code and tests).
  static AttributeValue N(std::string_view text);
  static AttributeValue N(int64_t n) { return N(Number::FromInt64(n)); }
  static AttributeValue B(std::string bytes) {
    return AttributeValue(Rep(std::in_place_index<2>, BinTag{std::move(bytes)}));
  }
  static AttributeValue Bool(bool b) { return AttributeValue(Rep(std::in_place_index<3>, b)); }
  static AttributeValue Null() { return AttributeValue(); }
  static AttributeValue M(AttributeMap m) {
    return AttributeValue(Rep(std::in_place_index<5>, std::move(m)));
  }
  static AttributeValue L(AttributeList l) {
    return AttributeValue(Rep(std::in_place_index<6>, std::move(l)));
  }
  // Sets keep their elements as given; Normalize() sorts them and drops duplicates.
  static AttributeValue SS(std::vector<std::string> v) {
    return AttributeValue(Rep(std::in_place_index<7>, StrSet{std::move(v)}));
  }
  static AttributeValue NS(std::vector<Number> v) {
    return AttributeValue(Rep(std::in_place_index<8>, std::move(v)));
  }
  static AttributeValue BS(std::vector<std::string> v) {
    return AttributeValue(Rep(std::in_place_index<9>, BinSet{std::move(v)}));
  }

  AttrType type() const { return static_cast<AttrType>(rep_.index()); }
  bool is(AttrType t) const { return type() == t; }
  bool IsScalarKeyType() const {
    return type() == AttrType::kS || type() == AttrType::kN || type() == AttrType::kB;
  }

  // Accessors. REQUIRES: type() matches.
  const std::string& s() const { return std::get<0>(rep_); }
  std::string& s() { return std::get<0>(rep_); }
  const Number& n() const { return std::get<1>(rep_); }
  Number& n() { return std::get<1>(rep_); }
  const std::string& b() const { return std::get<2>(rep_).bytes; }
  std::string& b() { return std::get<2>(rep_).bytes; }
  bool boolean() const { return std::get<3>(rep_); }
  const AttributeMap& m() const { return std::get<5>(rep_); }
  AttributeMap& m() { return std::get<5>(rep_); }
  const AttributeList& l() const { return std::get<6>(rep_); }
  AttributeList& l() { return std::get<6>(rep_); }
  const std::vector<std::string>& ss() const { return std::get<7>(rep_).items; }
  std::vector<std::string>& ss() { return std::get<7>(rep_).items; }
  const std::vector<Number>& ns() const { return std::get<8>(rep_); }
  std::vector<Number>& ns() { return std::get<8>(rep_); }
  const std::vector<std::string>& bs() const { return std::get<9>(rep_).items; }
  std::vector<std::string>& bs() { return std::get<9>(rep_).items; }

  // In-place construction for decoders: each replaces the value with an empty one of the
  // type and returns it to be filled, saving the moves of building and assigning.
  std::string& EmplaceS() { return rep_.emplace<0>(); }
  Number& EmplaceN() { return rep_.emplace<1>(); }
  std::string& EmplaceB() { return rep_.emplace<2>().bytes; }
  void EmplaceBool(bool b) { rep_.emplace<3>(b); }
  void EmplaceNull() { rep_.emplace<4>(); }
  AttributeMap& EmplaceM() { return rep_.emplace<5>(); }
  AttributeList& EmplaceL() { return rep_.emplace<6>(); }
  std::vector<std::string>& EmplaceSS() { return rep_.emplace<7>().items; }
  std::vector<Number>& EmplaceNS() { return rep_.emplace<8>(); }
  std::vector<std::string>& EmplaceBS() { return rep_.emplace<9>().items; }

  // Number of elements of a set (SS, NS, BS), list or map; 0 otherwise.
  size_t ElementCount() const;

  // Sorts set elements (recursively in maps and lists). Idempotent.
  void Normalize();

  // DynamoDB's equality: same type and value; sets compare as sets (order-insensitive).
  friend bool operator==(const AttributeValue& a, const AttributeValue& b);

  // The size DynamoDB accounts for this value (not counting its attribute name):
  // strings and binaries by length, numbers per Number::StorageSize, 1 byte for BOOL and
  // NULL, 3 bytes plus 1 per element (and element sizes, names included) for M and L.
  size_t StorageSize() const;

  // A compact, JSON-like rendering for messages and logs, e.g. {"S":"abc"}.
  std::string DebugString() const;

 private:
  struct NullTag {
    bool operator==(const NullTag&) const = default;
  };
  struct BinTag {
    std::string bytes;
    bool operator==(const BinTag&) const = default;
  };
  struct StrSet {
    std::vector<std::string> items;
    bool operator==(const StrSet&) const = default;
  };
  struct BinSet {
    std::vector<std::string> items;
    bool operator==(const BinSet&) const = default;
  };
  // persisted order: the variant index is the AttrType value; do not reorder.
  using Rep = std::variant<std::string, Number, BinTag, bool, NullTag, AttributeMap, AttributeList,
                           StrSet, std::vector<Number>, BinSet>;
  explicit AttributeValue(Rep rep) : rep_(std::move(rep)) {}
  static Rep EmptyRep(AttrType type);
  Rep rep_;
};

// The size DynamoDB accounts for a whole item: the sum over attributes of the name's
// UTF-8 length plus the value's StorageSize().
size_t ItemSize(const Item& item);

// Whether a value (or an item) holds a set anywhere, i.e. whether Normalize() can change it.
bool HasSets(const AttributeValue& value);
bool HasSets(const Item& item);

// Renders an item like DebugString().
std::string ItemDebugString(const Item& item);

// The string value of attribute `name`, or nullptr when absent or not a string.
const std::string* FindS(const Item& item, std::string_view name);

// DynamoDB's ValidationException for an invalid parameter value:
// "One or more parameter values were invalid: <detail>".
Status InvalidParameter(std::string_view detail);

// DynamoDB's limit on nesting: a top-level attribute's value is level 1, the elements of
// a map or list at level L are at level L + 1, and no value may lie beyond level 32.
inline constexpr int kMaxNestingLevels = 32;

// Checks a value arriving from a client as DynamoDB does before a write: sets non-empty
// and without duplicates ("Input collection ... contains duplicates"), numbers already
// valid by construction, nested values checked recursively and at most kMaxNestingLevels
// deep ("Nesting Levels have exceeded supported limits ..."). Returns ValidationException.
Status ValidateValue(const AttributeValue& value);
// An attribute name is at most 65535 bytes (DynamoDB: "less than 64 KB").
inline constexpr size_t kMaxAttributeNameBytes = 65535;
Status CheckAttributeName(std::string_view name);
// CheckAttributeName and ValidateValue over every attribute of an item.
Status ValidateItem(const Item& item);

}  // namespace issuetracker::dynamo
