// Strong, validated identifiers of the multi-tenant data model: CompanyId, IssueId, TeamId,
// CommentId, UserEmail and TableName, and the Tier and Role enumerations.
//
// Every id is validated on construction (Parse) and can never contain the `#` delimiter of
// pooled composite keys ("COMPANY001#ISSUE#ISS-001"), nor any other character that could let
// one company's id forge another company's key or table name. Values that fail validation
// get a ValidationException naming the id and the rule it broke.
//
// Formats (docs/tenancy.md):
//   CompanyId  2..64 of [A-Z0-9_-], starting with a letter or digit; "POOLED" and
//              "PLATINUM-TEMPLATE" are reserved (they would name shared or template tables).
//   IssueId    ISS-<n>, TeamId TEAM-<n>, CommentId CMT-<n>: n >= 1 written with at least three
//              digits and no extra leading zeros (ISS-001, ISS-12345), at most 12 digits.
//   UserEmail  local@domain, lower-cased; local part 1..64 of [a-z0-9._%+-] without leading,
//              trailing or doubled dots; domain of two or more labels of [a-z0-9-]; <= 254.
//
// Thread-safety: immutable value types.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace issuetracker::tenancy {

inline constexpr size_t kMaxCompanyIdLength = 64;
inline constexpr size_t kMaxEmailLength = 254;
inline constexpr size_t kMaxEmailLocalLength = 64;
inline constexpr int kMaxSequenceDigits = 12;
// The largest number a sequential id can carry (12 digits).
inline constexpr uint64_t kMaxSequence = 999'999'999'999ULL;

// Validation rules, one per id kind. Used through the Id<> aliases below.
struct CompanyIdRules {
  static constexpr std::string_view kWhat = "company id";
  static Result<std::string> Normalize(std::string_view text);
};
struct UserEmailRules {
  static constexpr std::string_view kWhat = "e-mail address";
  static Result<std::string> Normalize(std::string_view text);
};
struct IssueIdRules {
  static constexpr std::string_view kWhat = "issue id";
  static constexpr std::string_view kPrefix = "ISS-";
  static Result<std::string> Normalize(std::string_view text);
};
struct TeamIdRules {
  static constexpr std::string_view kWhat = "team id";
  static constexpr std::string_view kPrefix = "TEAM-";
  static Result<std::string> Normalize(std::string_view text);
};
struct CommentIdRules {
  static constexpr std::string_view kWhat = "comment id";
  static constexpr std::string_view kPrefix = "CMT-";
  static Result<std::string> Normalize(std::string_view text);
};

template <typename Rules>
concept SequentialRules = requires {
  Rules::kPrefix;
};

// A validated identifier. Only Parse (and, for sequential ids, FromSequence) create one.
template <typename Rules>
class Id {
 public:
  // Validates `text`; ValidationException naming the rule broken.
  static Result<Id> Parse(std::string_view text) {
    auto normalized = Rules::Normalize(text);
    if (!normalized.ok()) return normalized.status();
    return Id(std::move(normalized).value());
  }

  // The id numbered `n` (ISS-001 for 1). REQUIRES: 1 <= n <= kMaxSequence.
  static Id FromSequence(uint64_t n) requires SequentialRules<Rules>;
  // The number of a sequential id (1 for ISS-001).
  uint64_t sequence() const requires SequentialRules<Rules>;

  const std::string& str() const { return value_; }
  friend bool operator==(const Id&, const Id&) = default;
  friend auto operator<=>(const Id&, const Id&) = default;

 private:
  explicit Id(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

using CompanyId = Id<CompanyIdRules>;
using UserEmail = Id<UserEmailRules>;
using IssueId = Id<IssueIdRules>;
using TeamId = Id<TeamIdRules>;
using CommentId = Id<CommentIdRules>;

// "ISS-001" for ("ISS-", 1). REQUIRES: 1 <= n <= kMaxSequence.
std::string FormatSequentialId(std::string_view prefix, uint64_t n);
// The number in a canonical sequential id with `prefix`, or nullopt.
std::optional<uint64_t> ParseSequentialId(std::string_view prefix, std::string_view text);

template <typename Rules>
Id<Rules> Id<Rules>::FromSequence(uint64_t n) requires SequentialRules<Rules> {
  return Id(FormatSequentialId(Rules::kPrefix, n));
}

template <typename Rules>
uint64_t Id<Rules>::sequence() const requires SequentialRules<Rules> {
  return ParseSequentialId(Rules::kPrefix, value_).value_or(0);
}

// A physical table name. Built by Layout (layout.h) and nowhere else.
class TableName {
 public:
  explicit TableName(std::string name) : name_(std::move(name)) {}
  const std::string& str() const { return name_; }
  friend bool operator==(const TableName&, const TableName&) = default;
  friend auto operator<=>(const TableName&, const TableName&) = default;

 private:
  std::string name_;
};

// Subscription tiers. Basic and Premium share the pooled tables; Platinum gets silo tables.
// persisted as "Basic", "Premium", "Platinum" (company_tier).
enum class Tier : uint8_t { kBasic, kPremium, kPlatinum };

std::string_view TierName(Tier tier);
// "Basic" | "Premium" | "Platinum"; ValidationException otherwise.
Result<Tier> ParseTier(std::string_view text);

// User roles, in increasing order of privilege (compare with <).
// persisted as "User", "Admin", "Super Admin", "Root User" (user_role); do not reorder.
enum class Role : uint8_t { kUser = 0, kAdmin = 1, kSuperAdmin = 2, kRootUser = 3 };

std::string_view RoleName(Role role);
// "User" | "Admin" | "Super Admin" | "Root User"; ValidationException otherwise.
Result<Role> ParseRole(std::string_view text);

}  // namespace issuetracker::tenancy
