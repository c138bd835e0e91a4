#include "dynamo/number.h"

#include <algorithm>
#include <cstdlib>

namespace issuetracker::dynamo {
namespace {

constexpr std::string_view kNotNumeric = "The parameter cannot be converted to a numeric value";
constexpr std::string_view kTooManyDigits =
    "Attempting to store more than 38 significant digits in a Number";
constexpr std::string_view kOverflow =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr std::string_view kUnderflow =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

// Exponent bias for the ordered key encoding: exponents -129..126 map to 71..326, which
// fits two bytes.
constexpr int kExponentBias = 200;
constexpr char kNegativeTag = 0x3F;
constexpr char kZeroTag = static_cast<char>(0x80);
constexpr char kPositiveTag = static_cast<char>(0xC0);

// Compares two non-negative decimal integers given as digit strings without leading zeros.
int CompareMagnitude(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// a + b for digit strings of equal length (may produce one more digit).
std::string AddDigits(const std::string& a, const std::string& b) {
  std::string out(a.size() + 1, '0');
  int carry = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int d = (a[i] - '0') + (b[i] - '0') + carry;
    out[i + 1] = static_cast<char>('0' + d % 10);
    carry = d / 10;
  }
  out[0] = static_cast<char>('0' + carry);
  return out;
}

// a - b for digit strings of equal length with a >= b.
std::string SubtractDigits(const std::string& a, const std::string& b) {
  std::string out(a.size(), '0');
  int borrow = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int d = (a[i] - '0') - (b[i] - '0') - borrow;
    borrow = d < 0 ? 1 : 0;
    out[i] = static_cast<char>('0' + (d + 10) % 10);
  }
  return out;
}

}  // namespace

Result<Number> Number::Parse(std::string_view text) {
  auto bad = [&] {
    return Status::Validation(std::string(kNotNumeric) + ": " + std::string(text));
  };
  if (text.empty()) return Status::Validation(kNotNumeric);
  size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') {
    negative = text[i] == '-';
    ++i;
  }
  std::string digits;
  int64_t int_digits = 0;
  bool seen_digit = false;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    digits.push_back(text[i++]);
    ++int_digits;
    seen_digit = true;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      digits.push_back(text[i++]);
      seen_digit = true;
    }
  }
  if (!seen_digit) return bad();
  int64_t exp10 = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    if (i >= text.size()) return bad();
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      // Saturate: anything this large is out of range anyway.
      if (exp10 < 1000000) exp10 = exp10 * 10 + (text[i] - '0');
      ++i;
    }
    if (exp_negative) exp10 = -exp10;
  }
  if (i != text.size()) return bad();

  // value = 0.digits x 10^(int_digits + exp10); strip leading zeros, then trailing ones.
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  Number n;
  if (lead == digits.size()) return n;  // zero, whatever its sign or exponent
  int64_t exponent = int_digits - static_cast<int64_t>(lead) + exp10;
  size_t end = digits.size();
  while (digits[end - 1] == '0') --end;
  n.digits_ = digits.substr(lead, end - lead);
  n.negative_ = negative;
  if (n.digits_.size() > kMaxSignificantDigits) return Status::Validation(kTooManyDigits);
  if (exponent > kMaxExponent) return Status::Validation(kOverflow);
  if (exponent < kMinExponent) return Status::Validation(kUnderflow);
  n.exponent_ = static_cast<int32_t>(exponent);
  return n;
}

bool Number::ParseCanonicalInto(std::string_view t, Number* out) {
  if (t.empty()) return false;
  if (t.size() == 1 && t[0] == '0') {
    out->negative_ = false;
    out->exponent_ = 0;
    out->digits_.clear();
    return true;
  }
  const bool negative = t[0] == '-';
  const char* p = t.data() + (negative ? 1 : 0);
  const char* const end = t.data() + t.size();
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  // The whole part: "0" (only before a point) or digits without a leading zero.
  const char* whole_end = p;
  while (whole_end < end && digit(*whole_end)) ++whole_end;
  const size_t whole = static_cast<size_t>(whole_end - p);
  if (whole == 0) return false;
  const bool zero_whole = *p == '0';
  if (zero_whole && whole > 1) return false;
  const char* fraction = whole_end;
  if (fraction < end) {
    if (*fraction != '.' || ++fraction == end) return false;
    for (const char* q = fraction; q < end; ++q) {
      if (!digit(*q)) return false;
    }
    if (end[-1] == '0') return false;
  } else if (zero_whole) {
    return false;  // "0" alone was handled above: this is "-0"
  }
  std::string& digits = out->digits_;
  int64_t exponent;
  if (zero_whole) {  // "0.00ddd": the digits after the fraction's leading zeros
    const char* first = fraction;
    while (*first == '0') ++first;  // the fraction ends in a non-zero digit
    exponent = -static_cast<int64_t>(first - fraction);
    digits.assign(first, static_cast<size_t>(end - first));
  } else {  // "ddd[.ddd]": all digits, trailing zeros of the whole part dropped
    exponent = static_cast<int64_t>(whole);
    if (fraction < end) {
      digits.assign(p, whole);
      digits.append(fraction, static_cast<size_t>(end - fraction));
    } else {
      const char* last = whole_end;
      while (last[-1] == '0') --last;  // the first digit is not '0'
      digits.assign(p, static_cast<size_t>(last - p));
    }
  }
  if (digits.size() > kMaxSignificantDigits || exponent > kMaxExponent || exponent < kMinExponent)
    return false;
  out->negative_ = negative;
  out->exponent_ = static_cast<int32_t>(exponent);
  return true;
}

Number Number::FromInt64(int64_t value) {
  Number n;
  if (value == 0) return n;
  uint64_t mag =
      value < 0 ? uint64_t{0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string s = std::to_string(mag);
  n.negative_ = value < 0;
  n.exponent_ = static_cast<int32_t>(s.size());
  while (s.back() == '0') s.pop_back();
  n.digits_ = std::move(s);
  return n;
}

std::string Number::ToString() const {
  if (IsZero()) return "0";
  std::string out;
  if (negative_) out.push_back('-');
  const int len = static_cast<int>(digits_.size());
  if (exponent_ <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent_), '0');
    out += digits_;
  } else if (exponent_ < len) {
    out.append(digits_, 0, static_cast<size_t>(exponent_));
    out.push_back('.');
    out.append(digits_, static_cast<size_t>(exponent_));
  } else {
    out += digits_;
    out.append(static_cast<size_t>(exponent_ - len), '0');
  }
  return out;
}

std::strong_ordering Number::operator<=>(const Number& other) const {
  auto sign = [](const Number& n) { return n.IsZero() ? 0 : (n.negative_ ? -1 : 1); };
  int sa = sign(*this), sb = sign(other);
  if (sa != sb) return sa <=> sb;
  if (sa == 0) return std::strong_ordering::equal;
  // Same sign: compare magnitudes, then flip for negatives.
  int mag;
  if (exponent_ != other.exponent_) {
    mag = exponent_ < other.exponent_ ? -1 : 1;
  } else {
    int c = digits_.compare(other.digits_);
    mag = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (sa < 0) mag = -mag;
  return mag <=> 0;
}

Result<Number> Number::Add(const Number& other) const {
  if (IsZero()) return other;
  if (other.IsZero()) return *this;
  // Scale both to integers at the exponent of the lowest significant digit.
  const int32_t low_a = exponent_ - static_cast<int32_t>(digits_.size());
  const int32_t low_b = other.exponent_ - static_cast<int32_t>(other.digits_.size());
  const int32_t low = std::min(low_a, low_b);
  std::string a = digits_ + std::string(static_cast<size_t>(low_a - low), '0');
  std::string b = other.digits_ + std::string(static_cast<size_t>(low_b - low), '0');
  const size_t width = std::max(a.size(), b.size());
  a.insert(0, width - a.size(), '0');
  b.insert(0, width - b.size(), '0');

  std::string sum;
  bool negative;
  if (negative_ == other.negative_) {
    sum = AddDigits(a, b);
    negative = negative_;
  } else {
    int c = CompareMagnitude(a, b);  // equal widths, so lexicographic works
    if (c == 0) return Number();
    sum = c > 0 ? SubtractDigits(a, b) : SubtractDigits(b, a);
    negative = c > 0 ? negative_ : other.negative_;
  }
  // sum = integer digits x 10^low; renormalise into 0.digits x 10^exponent.
  size_t lead = sum.find_first_not_of('0');
  if (lead == std::string::npos) return Number();
  size_t end = sum.find_last_not_of('0') + 1;
  Number n;
  n.negative_ = negative;
  int64_t exponent = static_cast<int64_t>(sum.size() - lead) + low;
  n.digits_ = sum.substr(lead, end - lead);
  // A result that needs more than 38 digits is refused with DynamoDB's overflow message,
  // as DynamoDB answers it for arithmetic (a literal of 39 digits gets kTooManyDigits).
  if (n.digits_.size() > kMaxSignificantDigits || exponent > kMaxExponent)
    return Status::Validation(kOverflow);
  if (exponent < kMinExponent) return Status::Validation(kUnderflow);
  n.exponent_ = static_cast<int32_t>(exponent);
  return n;
}

Result<Number> Number::Subtract(const Number& other) const { return Add(other.Negated()); }

Number Number::Negated() const {
  Number n = *this;
  if (!n.IsZero()) n.negative_ = !n.negative_;
  return n;
}

size_t Number::StorageSize() const {
  // DynamoDB stores numbers as base-100 digits: one byte per pair of digits aligned on the
  // decimal exponent, one byte of exponent, and one more byte for negatives. This is the
  // measured rule (dynalite's), finer than the documented "1 byte per two digits + 1".
  if (IsZero()) return 1;
  const size_t n = digits_.size();
  size_t size = 1 + (n + 1) / 2;
  if (n % 2 == 0 && exponent_ % 2 != 0) ++size;
  if (negative_) ++size;
  return size;
}

void Number::AppendOrderedKey(std::string* out) const {
  if (IsZero()) {
    out->push_back(kZeroTag);
    return;
  }
  uint16_t biased = static_cast<uint16_t>(exponent_ + kExponentBias);
  if (!negative_) {
    out->push_back(kPositiveTag);
    out->push_back(static_cast<char>(biased >> 8));
    out->push_back(static_cast<char>(biased & 0xFF));
    for (char d : digits_) out->push_back(static_cast<char>(d - '0' + 1));  // 1..10
    out->push_back('\0');  // shorter mantissa sorts first
  } else {
    // Larger magnitudes sort first: complement the exponent and digits, and make the
    // terminator sort last.
    biased = static_cast<uint16_t>(0xFFFF - biased);
    out->push_back(kNegativeTag);
    out->push_back(static_cast<char>(biased >> 8));
    out->push_back(static_cast<char>(biased & 0xFF));
    for (char d : digits_) out->push_back(static_cast<char>(10 - (d - '0')));  // 10..1
    out->push_back(static_cast<char>(0xFF));
  }
}

Result<Number> Number::DecodeOrderedKey(std::string_view* in) {
  // Accepts exactly what AppendOrderedKey writes for a number Parse accepts: an exponent
  // in range and 1..38 digits, the first and the last not zero. Anything else would
  // decode to a number that does not encode back to the same bytes, or to none at all.
  if (in->empty()) return Status::Corruption("truncated number key");
  const char tag = (*in)[0];
  if (tag == kZeroTag) {
    in->remove_prefix(1);
    return Number();
  }
  if (tag != kPositiveTag && tag != kNegativeTag) return Status::Corruption("bad number key tag");
  if (in->size() < 4) return Status::Corruption("truncated number key");
  Number n;
  n.negative_ = tag == kNegativeTag;
  uint16_t biased =
      static_cast<uint16_t>((static_cast<uint8_t>((*in)[1]) << 8) | static_cast<uint8_t>((*in)[2]));
  if (n.negative_) biased = static_cast<uint16_t>(0xFFFF - biased);
  n.exponent_ = static_cast<int32_t>(biased) - kExponentBias;
  if (n.exponent_ < kMinExponent || n.exponent_ > kMaxExponent) {
    return Status::Corruption("number key exponent out of range");
  }
  const char terminator = n.negative_ ? static_cast<char>(0xFF) : '\0';
  size_t i = 3;
  for (; i < in->size() && (*in)[i] != terminator; ++i) {
    int v = static_cast<uint8_t>((*in)[i]);
    if (v < 1 || v > 10) return Status::Corruption("bad number key digit");
    if (n.digits_.size() == kMaxSignificantDigits) {
      return Status::Corruption("number key has more than 38 digits");
    }
    n.digits_.push_back(static_cast<char>('0' + (n.negative_ ? 10 - v : v - 1)));
  }
  if (i >= in->size()) return Status::Corruption("truncated number key");
  if (n.digits_.empty()) return Status::Corruption("number key without digits");
  if (n.digits_.front() == '0' || n.digits_.back() == '0') {
    return Status::Corruption("number key with a leading or trailing zero digit");
  }
  in->remove_prefix(i + 1);
  return n;
}

std::optional<int64_t> Number::ToInt64() const {
  if (IsZero()) return 0;
  if (exponent_ < static_cast<int32_t>(digits_.size()) || exponent_ > 19) return std::nullopt;
  uint64_t mag = 0;
  for (int i = 0; i < exponent_; ++i) {
    int d = i < static_cast<int>(digits_.size()) ? digits_[static_cast<size_t>(i)] - '0' : 0;
    if (mag > (UINT64_MAX - static_cast<uint64_t>(d)) / 10) return std::nullopt;
    mag = mag * 10 + static_cast<uint64_t>(d);
  }
  if (!negative_ && mag > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  if (negative_ && mag > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
  return negative_ ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
}

double Number::ToDouble() const { return std::strtod(ToString().c_str(), nullptr); }

}  // namespace issuetracker::dynamo
