// Item codecs: domain values <-> DynamoDB items.
//
// The key and identity attributes of every item come from tenancy::Layout (so pooled items
// carry "COMPANY001#ISSUE#ISS-001" keys and silo items plain ones); the codecs add the data
// attributes, named as in the spec's sample data. Decoding goes through the layout's *Of()
// parsers, so an item of another company fails to decode (Internal "Isolation check
// failed") instead of being returned. Malformed data decodes to Corruption.
//
// Stored forms (persisted; docs/tenancy.md):
//   lists (labels, members, attachments, mentions)  L of S (order kept; [] allowed)
//   numbers                                          N
//   is_internal                                      BOOL
//   unassigned issue                                 no assigned_user / assigned_team
//   no due date                                      due_date = "9999-12-31" (kNoDueDate)
//   never signed in                                  last_login_date = kNeverSignedIn
//   version 0, counter 0, empty description          attribute absent
// The two sentinels exist because GSIs are sparse: the silo AssigneeIndex sorts on
// due_date and CompanyIndex (users) on last_login_date, and an item without the sort key
// attribute would be missing from "issues by assignee" or "users by company".
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "common/result.h"
#include "dynamo/attribute_value.h"
#include "tenancy/layout.h"
#include "tracker/model.h"

namespace issuetracker::tracker {

inline constexpr std::string_view kNoDueDate = "9999-12-31";
// Sorts before every real timestamp, so never-signed-in users come last in a descending
// "most recent login first" listing.
inline constexpr std::string_view kNeverSignedIn = "0000-00-00T00:00:00.000000Z";

// Data attribute names (key and index attributes are in tenancy/schema_names.h).
// persisted: do not rename.
namespace field {
inline constexpr std::string_view kCompanyName = "company_name";
inline constexpr std::string_view kContactEmail = "contact_email";
inline constexpr std::string_view kSubscriptionStatus = "subscription_status";
inline constexpr std::string_view kMonthlyQuota = "monthly_quota";
inline constexpr std::string_view kApiCallsUsed = "api_calls_used";
inline constexpr std::string_view kMaxUsers = "max_users";
inline constexpr std::string_view kCurrentUsers = "current_users";
inline constexpr std::string_view kIssueCounter = "issue_counter";
inline constexpr std::string_view kTeamCounter = "team_counter";
inline constexpr std::string_view kCommentCounter = "comment_counter";
inline constexpr std::string_view kTitle = "title";
inline constexpr std::string_view kDescription = "description";
inline constexpr std::string_view kIssueType = "issue_type";
inline constexpr std::string_view kReporter = "reporter";
inline constexpr std::string_view kLabels = "labels";
inline constexpr std::string_view kEstimatedHours = "estimated_hours";
inline constexpr std::string_view kStoryPoints = "story_points";
inline constexpr std::string_view kVersion = "version";
inline constexpr std::string_view kMembers = "members";
inline constexpr std::string_view kMaxMembers = "max_members";
inline constexpr std::string_view kCurrentWorkload = "current_workload";
inline constexpr std::string_view kAuthorName = "author_name";
inline constexpr std::string_view kContent = "content";
inline constexpr std::string_view kIsInternal = "is_internal";
inline constexpr std::string_view kAttachments = "attachments";
inline constexpr std::string_view kMentions = "mentions";
inline constexpr std::string_view kFullName = "full_name";
inline constexpr std::string_view kUserStatus = "user_status";
}  // namespace field

dynamo::Item EncodeCompany(const tenancy::Layout& layout, const Company& company);
Result<Company> DecodeCompany(const tenancy::Layout& layout, const dynamo::Item& item);

dynamo::Item EncodeUser(const tenancy::Layout& layout, const tenancy::CompanyScope& scope,
                        const User& user);
Result<User> DecodeUser(const tenancy::Layout& layout, const tenancy::CompanyScope& scope,
                        const dynamo::Item& item);

dynamo::Item EncodeTeam(const tenancy::Layout& layout, const tenancy::CompanyScope& scope,
                        const Team& team);
Result<Team> DecodeTeam(const tenancy::Layout& layout, const tenancy::CompanyScope& scope,
                        const dynamo::Item& item);

dynamo::Item EncodeIssue(const tenancy::Layout& layout, const tenancy::CompanyScope& scope,
                         const Issue& issue);
Result<Issue> DecodeIssue(const tenancy::Layout& layout, const tenancy::CompanyScope& scope,
                          const dynamo::Item& item);

dynamo::Item EncodeComment(const tenancy::Layout& layout, const tenancy::CompanyScope& scope,
                           const Comment& comment);
Result<Comment> DecodeComment(const tenancy::Layout& layout, const tenancy::CompanyScope& scope,
                              const dynamo::Item& item);

// A list of strings as an L of S.
dynamo::AttributeValue StringList(const std::vector<std::string>& values);
dynamo::AttributeValue EmailList(const std::vector<UserEmail>& values);

}  // namespace issuetracker::tracker
