#include "tracker/model.h"

#include <array>

namespace issuetracker::tracker {
namespace {

constexpr std::array<std::string_view, 4> kStatusNames = {"Open", "In Progress", "In Review",
                                                          "Closed"};
constexpr std::array<std::string_view, 4> kPriorityNames = {"Low", "Medium", "High", "Critical"};
constexpr std::array<std::string_view, 4> kIssueTypeNames = {"Bug", "Feature", "Task",
                                                             "Improvement"};
constexpr std::array<std::string_view, 2> kTeamStatusNames = {"active", "inactive"};
constexpr std::array<std::string_view, 3> kSubscriptionNames = {"active", "suspended", "cancelled"};
constexpr std::array<std::string_view, 2> kUserStatusNames = {"active", "disabled"};

template <typename Enum, size_t N>
Result<Enum> ParseName(const std::array<std::string_view, N>& names, std::string_view what,
                       std::string_view text) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  std::string msg = "Invalid ";
  msg += what;
  msg += " \"";
  msg += text.substr(0, 64);
  msg += "\": expected one of ";
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) msg += ", ";
    msg += names[i];
  }
  return Status::Validation(msg);
}

}  // namespace

std::string_view StatusName(IssueStatus s) { return kStatusNames[static_cast<size_t>(s)]; }
std::string_view PriorityName(Priority p) { return kPriorityNames[static_cast<size_t>(p)]; }
std::string_view IssueTypeName(IssueType t) { return kIssueTypeNames[static_cast<size_t>(t)]; }
std::string_view TeamStatusName(TeamStatus s) { return kTeamStatusNames[static_cast<size_t>(s)]; }
std::string_view SubscriptionStatusName(SubscriptionStatus s) {
  return kSubscriptionNames[static_cast<size_t>(s)];
}
std::string_view UserStatusName(UserStatus s) { return kUserStatusNames[static_cast<size_t>(s)]; }

Result<IssueStatus> ParseStatus(std::string_view text) {
  return ParseName<IssueStatus>(kStatusNames, "issue status", text);
}
Result<Priority> ParsePriority(std::string_view text) {
  return ParseName<Priority>(kPriorityNames, "priority", text);
}
Result<IssueType> ParseIssueType(std::string_view text) {
  return ParseName<IssueType>(kIssueTypeNames, "issue type", text);
}
Result<TeamStatus> ParseTeamStatus(std::string_view text) {
  return ParseName<TeamStatus>(kTeamStatusNames, "team status", text);
}
Result<SubscriptionStatus> ParseSubscriptionStatus(std::string_view text) {
  return ParseName<SubscriptionStatus>(kSubscriptionNames, "subscription status", text);
}
Result<UserStatus> ParseUserStatus(std::string_view text) {
  return ParseName<UserStatus>(kUserStatusNames, "user status", text);
}

std::span<const std::string> AllStatusNames() {
  static const std::array<std::string, 4> kNames = {"Open", "In Progress", "In Review", "Closed"};
  return kNames;
}

std::span<const std::string> AllTeamStatusNames() {
  static const std::array<std::string, 2> kNames = {"active", "inactive"};
  return kNames;
}

TierLimits DefaultLimits(Tier tier) {
  switch (tier) {
    case Tier::kBasic:
      return {1'000, 5};
    case Tier::kPremium:
      return {10'000, 25};
    case Tier::kPlatinum:
      return {1'000'000, 10'000};
  }
  return {0, 0};
}

}  // namespace issuetracker::tracker
