#include "tenancy/ids.h"

#include <array>
#include <cassert>
#include <string>

namespace issuetracker::tenancy {
namespace {

bool IsUpperAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Printable rendering of untrusted input for error messages (bounded, control characters
// escaped), so a hostile id cannot inject into logs.
std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 80;
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMaxShown) out += "...";
  out += "\"";
  return out;
}

Status Invalid(std::string_view what, std::string_view text, std::string_view rule) {
  std::string msg = "Invalid ";
  msg += what;
  msg += ' ';
  msg += Quote(text);
  msg += ": ";
  msg += rule;
  return Status::Validation(msg);
}

// The rule shared by every id: nothing that could act as a key delimiter or escape.
Status CheckNoDelimiter(std::string_view what, std::string_view text) {
  if (text.find('#') != std::string_view::npos) {
    return Invalid(what, text, "must not contain '#', the key delimiter");
  }
  return Status::Ok();
}

Result<std::string> NormalizeSequential(std::string_view what, std::string_view prefix,
                                        std::string_view text) {
  IT_RETURN_IF_ERROR(CheckNoDelimiter(what, text));
  if (!ParseSequentialId(prefix, text).has_value()) {
    std::string rule = "expected ";
    rule += prefix;
    rule += "<number> with at least three digits and no extra leading zeros, e.g. ";
    rule += FormatSequentialId(prefix, 1);
    return Invalid(what, text, rule);
  }
  return std::string(text);
}

Status CheckEmailLocal(std::string_view email, std::string_view local) {
  constexpr std::string_view kWhat = UserEmailRules::kWhat;
  if (local.empty() || local.size() > kMaxEmailLocalLength) {
    return Invalid(kWhat, email, "the part before '@' must have 1 to 64 characters");
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return Invalid(kWhat, email, "dots may not start, end or repeat in the part before '@'");
  }
  for (char c : local) {
    if (!IsLowerAlnum(c) && c != '.' && c != '_' && c != '%' && c != '+' && c != '-') {
      return Invalid(kWhat, email, "only letters, digits and . _ % + - are allowed before '@'");
    }
  }
  return Status::Ok();
}

Status CheckEmailDomain(std::string_view email, std::string_view domain) {
  constexpr std::string_view kWhat = UserEmailRules::kWhat;
  int labels = 0;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    std::string_view label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return Invalid(kWhat, email, "the domain must be dot-separated labels like example.com");
    }
    for (char c : label) {
      if (!IsLowerAlnum(c) && c != '-') {
        return Invalid(kWhat, email, "the domain may contain only letters, digits, '-' and '.'");
      }
    }
    ++labels;
    start = dot + 1;
  }
  if (labels < 2) return Invalid(kWhat, email, "the domain needs at least two labels");
  return Status::Ok();
}

}  // namespace

std::string FormatSequentialId(std::string_view prefix, uint64_t n) {
  assert(n >= 1 && n <= kMaxSequence);
  std::string digits = std::to_string(n);
  if (digits.size() < 3) digits.insert(0, 3 - digits.size(), '0');
  std::string out(prefix);
  out += digits;
  return out;
}

std::optional<uint64_t> ParseSequentialId(std::string_view prefix, std::string_view text) {
  if (text.size() <= prefix.size() || text.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view digits = text.substr(prefix.size());
  if (digits.size() < 3 || digits.size() > static_cast<size_t>(kMaxSequenceDigits)) {
    return std::nullopt;
  }
  uint64_t n = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n == 0) return std::nullopt;
  // Canonical form only: exactly what FormatSequentialId would print.
  if (digits.size() > 3 && digits.front() == '0') return std::nullopt;
  return n;
}

Result<std::string> CompanyIdRules::Normalize(std::string_view text) {
  IT_RETURN_IF_ERROR(CheckNoDelimiter(kWhat, text));
  if (text.size() < 2 || text.size() > kMaxCompanyIdLength) {
    return Invalid(kWhat, text, "must have 2 to 64 characters");
  }
  if (!IsUpperAlnum(text.front())) {
    return Invalid(kWhat, text, "must start with an upper-case letter or a digit");
  }
  for (char c : text) {
    if (!IsUpperAlnum(c) && c != '_' && c != '-') {
      return Invalid(kWhat, text, "only upper-case letters, digits, '_' and '-' are allowed");
    }
  }
  if (text == "POOLED" || text == "PLATINUM-TEMPLATE") {
    return Invalid(kWhat, text, "is reserved: it would name shared or template tables");
  }
  return std::string(text);
}

Result<std::string> UserEmailRules::Normalize(std::string_view text) {
  IT_RETURN_IF_ERROR(CheckNoDelimiter(kWhat, text));
  if (text.empty() || text.size() > kMaxEmailLength) {
    return Invalid(kWhat, text, "must have 1 to 254 characters");
  }
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  size_t at = lower.find('@');
  if (at == std::string::npos || lower.find('@', at + 1) != std::string::npos) {
    return Invalid(kWhat, text, "must contain exactly one '@'");
  }
  std::string_view view(lower);
  IT_RETURN_IF_ERROR(CheckEmailLocal(text, view.substr(0, at)));
  IT_RETURN_IF_ERROR(CheckEmailDomain(text, view.substr(at + 1)));
  return lower;
}

Result<std::string> IssueIdRules::Normalize(std::string_view text) {
  return NormalizeSequential(kWhat, kPrefix, text);
}
Result<std::string> TeamIdRules::Normalize(std::string_view text) {
  return NormalizeSequential(kWhat, kPrefix, text);
}
Result<std::string> CommentIdRules::Normalize(std::string_view text) {
  return NormalizeSequential(kWhat, kPrefix, text);
}

namespace {
constexpr std::array<std::string_view, 3> kTierNames = {"Basic", "Premium", "Platinum"};
constexpr std::array<std::string_view, 4> kRoleNames = {"User", "Admin", "Super Admin",
                                                        "Root User"};
}  // namespace

std::string_view TierName(Tier tier) { return kTierNames[static_cast<size_t>(tier)]; }

Result<Tier> ParseTier(std::string_view text) {
  for (size_t i = 0; i < kTierNames.size(); ++i) {
    if (kTierNames[i] == text) return static_cast<Tier>(i);
  }
  return Invalid("tier", text, "expected Basic, Premium or Platinum");
}

std::string_view RoleName(Role role) { return kRoleNames[static_cast<size_t>(role)]; }

Result<Role> ParseRole(std::string_view text) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == text) return static_cast<Role>(i);
  }
  return Invalid("role", text, "expected User, Admin, Super Admin or Root User");
}

}  // namespace issuetracker::tenancy
