// The domain model of the issue tracker: companies, users, teams, issues and comments, with
// the enumerations their stored values come from (spec/database-setup.md, "Add Sample Data").
//
// These are plain values; the repositories (company_repository.h, ...) load and store them
// and codec.h maps them to items. Ids are the validated strong types of tenancy/ids.h.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "tenancy/ids.h"

namespace issuetracker::tracker {

using tenancy::CommentId;
using tenancy::CompanyId;
using tenancy::IssueId;
using tenancy::Role;
using tenancy::TeamId;
using tenancy::Tier;
using tenancy::UserEmail;

// ------------------------------------------------------------------ enumerations
// Each is stored by its name; persisted: do not rename or reorder.

// The workflow: Open -> In Progress -> In Review -> Closed (see workflow.h).
enum class IssueStatus : uint8_t { kOpen, kInProgress, kInReview, kClosed };
enum class Priority : uint8_t { kLow, kMedium, kHigh, kCritical };
enum class IssueType : uint8_t { kBug, kFeature, kTask, kImprovement };
enum class TeamStatus : uint8_t { kActive, kInactive };
enum class SubscriptionStatus : uint8_t { kActive, kSuspended, kCancelled };
enum class UserStatus : uint8_t { kActive, kDisabled };

// "Open", "In Progress", "In Review", "Closed".
std::string_view StatusName(IssueStatus s);
// "Low", "Medium", "High", "Critical".
std::string_view PriorityName(Priority p);
// "Bug", "Feature", "Task", "Improvement".
std::string_view IssueTypeName(IssueType t);
// "active", "inactive".
std::string_view TeamStatusName(TeamStatus s);
// "active", "suspended", "cancelled".
std::string_view SubscriptionStatusName(SubscriptionStatus s);
// "active", "disabled".
std::string_view UserStatusName(UserStatus s);

// Parsers: ValidationException naming the accepted values.
Result<IssueStatus> ParseStatus(std::string_view text);
Result<Priority> ParsePriority(std::string_view text);
Result<IssueType> ParseIssueType(std::string_view text);
Result<TeamStatus> ParseTeamStatus(std::string_view text);
Result<SubscriptionStatus> ParseSubscriptionStatus(std::string_view text);
Result<UserStatus> ParseUserStatus(std::string_view text);

// Every status name, in workflow order (for queries that read one status at a time).
std::span<const std::string> AllStatusNames();
// Every team status name.
std::span<const std::string> AllTeamStatusNames();

// ------------------------------------------------------------------ limits

// Per-tier defaults for a new company.
struct TierLimits {
  int64_t monthly_quota;
  int64_t max_users;
};
TierLimits DefaultLimits(Tier tier);

inline constexpr size_t kMaxTitleLength = 256;
inline constexpr size_t kMaxDescriptionLength = 16 * 1024;
inline constexpr size_t kMaxCommentLength = 16 * 1024;
inline constexpr size_t kMaxNameLength = 128;
inline constexpr size_t kMaxLabels = 20;
inline constexpr size_t kMaxLabelLength = 64;
inline constexpr size_t kMaxAttachments = 20;
inline constexpr size_t kMaxAttachmentNameLength = 256;
// Mentions and members are checked inside one transaction (at most 100 actions).
inline constexpr size_t kMaxMentions = 20;
inline constexpr int64_t kMaxTeamMembers = 50;

// ------------------------------------------------------------------ entities

struct Company {
  CompanyId company_id;
  std::string company_name;
  Tier company_tier = Tier::kBasic;
  UserEmail contact_email;
  SubscriptionStatus subscription_status = SubscriptionStatus::kActive;
  std::string created_date;
  int64_t monthly_quota = 0;
  int64_t api_calls_used = 0;
  int64_t max_users = 0;
  int64_t current_users = 0;
  // The last sequence numbers handed out for ISS-, TEAM- and CMT- ids (0: none yet).
  uint64_t issue_counter = 0;
  uint64_t team_counter = 0;
  uint64_t comment_counter = 0;
};

struct User {
  UserEmail email;
  CompanyId company_id;
  std::string full_name;
  Role role = Role::kUser;
  UserStatus status = UserStatus::kActive;
  std::string created_date;
  std::optional<std::string> last_login_date;  // nullopt: never signed in
};

struct Team {
  TeamId team_id;
  CompanyId company_id;
  std::string team_name;
  std::string description;
  UserEmail team_lead;
  std::vector<UserEmail> members;
  std::string created_date;
  TeamStatus status = TeamStatus::kActive;
  int64_t max_members = 10;
  // The number of the team's issues that are not Closed.
  int64_t current_workload = 0;
  // Optimistic concurrency for membership changes (0: never changed since loading).
  int64_t version = 0;
};

struct Issue {
  IssueId issue_id;
  CompanyId company_id;
  std::string title;
  std::string description;
  IssueStatus status = IssueStatus::kOpen;
  Priority priority = Priority::kMedium;
  IssueType issue_type = IssueType::kTask;
  std::optional<UserEmail> assigned_user;
  std::optional<TeamId> assigned_team;
  UserEmail reporter;
  std::string created_date;
  std::string updated_date;
  std::optional<std::string> due_date;  // YYYY-MM-DD
  std::vector<std::string> labels;
  std::optional<int64_t> estimated_hours;
  std::optional<int64_t> story_points;
  // Optimistic concurrency: every change must name the version it read (0 for items
  // written without one, such as the spec's sample data).
  int64_t version = 0;
};

struct Comment {
  CommentId comment_id;
  IssueId issue_id;
  CompanyId company_id;
  UserEmail author_email;
  std::string author_name;
  std::string content;
  std::string created_date;
  bool is_internal = false;
  std::vector<std::string> attachments;
  std::vector<UserEmail> mentions;
};

// ------------------------------------------------------------------ pagination

inline constexpr int32_t kDefaultPageSize = 25;
inline constexpr int32_t kMaxPageSize = 100;

struct PageRequest {
  int32_t limit = kDefaultPageSize;  // clamped to 1..kMaxPageSize
  std::string token;                 // empty: first page
};

template <typename T>
struct Page {
  std::vector<T> items;
  // Set when more items may follow; pass it back in PageRequest::token.
  std::optional<std::string> next_token;
};

}  // namespace issuetracker::tracker
