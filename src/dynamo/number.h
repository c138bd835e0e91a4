// Number: a DynamoDB number, exact decimal with up to 38 significant digits.
//
// DynamoDB numbers are decimal, not binary floating point: "0.1" + "0.2" is exactly "0.3",
// and "1.50", "1.5" and "15E-1" are the same number. The supported magnitudes are
// 1E-130 to 9.9999999999999999999999999999999999999E+125 (and zero). Parsing, arithmetic,
// comparison and the order-preserving key encoding here follow those rules exactly.
//
// Thread-safety: an immutable value type.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace issuetracker::dynamo {

class Number {
 public:
  static constexpr int kMaxSignificantDigits = 38;
  // Value = 0.d1d2...dn x 10^exponent, so 1 has exponent 1 and 0.01 has exponent -1.
  // Smallest positive magnitude 1E-130 has exponent -129; the largest has exponent 126.
  static constexpr int kMinExponent = -129;
  static constexpr int kMaxExponent = 126;

  // Zero.
  Number() = default;

  // Parses DynamoDB's textual number: optional sign, digits with an optional fraction,
  // optional exponent ("e"/"E", optional sign, digits). Leading and trailing whitespace
  // is not allowed. Fails with ValidationException and DynamoDB's message on text that is
  // not a number, more than 38 significant digits, or a magnitude out of range.
  static Result<Number> Parse(std::string_view text);
  static Number FromInt64(int64_t value);

  // Canonical text: no exponent, no leading or trailing zeros, "-" only for negatives,
  // "0" for zero. Parse(x.ToString()) == x.
  std::string ToString() const;

  // Exact numeric comparison.
  std::strong_ordering operator<=>(const Number& other) const;
  bool operator==(const Number& other) const = default;

  // Exact arithmetic. Fails with ValidationException when the result needs more than 38
  // significant digits or leaves the supported range (DynamoDB's messages).
  Result<Number> Add(const Number& other) const;
  Result<Number> Subtract(const Number& other) const;
  Number Negated() const;

  bool IsZero() const { return digits_.empty(); }
  bool IsNegative() const { return negative_; }
  int SignificantDigits() const { return static_cast<int>(digits_.size()); }

  // The size DynamoDB charges for this number in an item: about one byte per two
  // significant digits plus one (see the .cc for the exact rule).
  size_t StorageSize() const;

  // Appends an encoding whose memcmp order equals numeric order and which is prefix-free
  // (no encoding is a proper prefix of another), for use inside composite keys.
  void AppendOrderedKey(std::string* out) const;
  // Decodes one AppendOrderedKey encoding from the front of `*in` and advances `*in`.
  // Returns Corruption on input AppendOrderedKey cannot produce (bad tag or digit, exponent
  // out of range, more than 38 digits, a leading or trailing zero digit, no terminator),
  // so that a decoded key always encodes back to the bytes it came from.
  static Result<Number> DecodeOrderedKey(std::string_view* in);

  // The value as an integer when it is one and fits.
  std::optional<int64_t> ToInt64() const;
  // A nearby double (for display or statistics only; never for storage or comparison).
  double ToDouble() const;

 private:
  bool negative_ = false;
  int32_t exponent_ = 0;  // meaningless when zero
  std::string digits_;    // '0'..'9', no leading or trailing '0'; empty means zero
};

}  // namespace issuetracker::dynamo
