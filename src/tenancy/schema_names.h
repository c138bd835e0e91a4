// The attribute and index names of the schema (spec/database-setup.md), in one place.
//
// Key and index attributes are named here because tenancy builds every key; the tracker's
// item codecs use the same constants for the attributes they also read. Several of these
// names (status, name, role, comment, date, ...) are DynamoDB reserved words, so every
// expression refers to attributes through #placeholders.
//
// persisted: these names are the stored attribute names; do not rename.
#pragma once

#include <string_view>

namespace issuetracker::tenancy::attr {

// System tables.
inline constexpr std::string_view kCompanyId = "company_id";
inline constexpr std::string_view kStackName = "stack_name";
inline constexpr std::string_view kTierName = "tier_name";
inline constexpr std::string_view kKeyId = "key_id";
inline constexpr std::string_view kCompanyTier = "company_tier";
// The service's IdempotencyKeys table (sort key; partition: company_id).
inline constexpr std::string_view kIdempotencyKey = "idempotency_key";
// When an IdempotencyKeys record expires (epoch seconds): the table's time-to-live attribute.
inline constexpr std::string_view kExpiresAt = "expires_at";

// The company lifecycle (lifecycle.h), on CompanyManagement records.
inline constexpr std::string_view kLifecycleState = "lifecycle_state";
inline constexpr std::string_view kIncarnation = "incarnation";
// When the current incarnation was registered (a UTC timestamp, FormatUtcMicros).
inline constexpr std::string_view kRegisteredAt = "registered_at";
inline constexpr std::string_view kOffboardingStarted = "offboarding_started";
inline constexpr std::string_view kRetiredDate = "retired_date";

// Pooled composite keys: "<COMPANY>#<TYPE>#<ID>".
inline constexpr std::string_view kCompanyIssueId = "company_issue_id";
inline constexpr std::string_view kCompanyTeamId = "company_team_id";
inline constexpr std::string_view kCompanyCommentId = "company_comment_id";
inline constexpr std::string_view kCompanyUserId = "company_user_id";

// Plain ids (silo keys, and data attributes in pooled items).
inline constexpr std::string_view kIssueId = "issue_id";
inline constexpr std::string_view kTeamId = "team_id";
inline constexpr std::string_view kCommentId = "comment_id";
inline constexpr std::string_view kEmail = "email";

// Index key attributes.
inline constexpr std::string_view kStatus = "status";
inline constexpr std::string_view kPriority = "priority";
inline constexpr std::string_view kAssignedUser = "assigned_user";
inline constexpr std::string_view kAssignedTeam = "assigned_team";
inline constexpr std::string_view kCreatedDate = "created_date";
inline constexpr std::string_view kUpdatedDate = "updated_date";
inline constexpr std::string_view kDueDate = "due_date";
inline constexpr std::string_view kTeamLead = "team_lead";
inline constexpr std::string_view kTeamName = "team_name";
inline constexpr std::string_view kAuthorEmail = "author_email";
inline constexpr std::string_view kLastLoginDate = "last_login_date";
inline constexpr std::string_view kUserRole = "user_role";

}  // namespace issuetracker::tenancy::attr

namespace issuetracker::tenancy::index {

// Pooled Issues.
inline constexpr std::string_view kCompanyStatus = "CompanyStatusIndex";
inline constexpr std::string_view kAssignee = "AssigneeIndex";
inline constexpr std::string_view kTeam = "TeamIndex";
inline constexpr std::string_view kPriority = "PriorityIndex";
// Pooled Teams (and pooled and silo Users).
inline constexpr std::string_view kCompany = "CompanyIndex";
inline constexpr std::string_view kTeamLead = "TeamLeadIndex";
// Pooled Comments.
inline constexpr std::string_view kIssue = "IssueIndex";
inline constexpr std::string_view kUser = "UserIndex";
// Pooled Users (and silo Users for RoleIndex).
inline constexpr std::string_view kEmail = "EmailIndex";
inline constexpr std::string_view kRole = "RoleIndex";
// Silo templates.
inline constexpr std::string_view kStatus = "StatusIndex";
inline constexpr std::string_view kLead = "LeadIndex";
inline constexpr std::string_view kAuthor = "AuthorIndex";

}  // namespace issuetracker::tenancy::index
