// Layout: the one component that decides where a company's data lives. It builds every
// table name, every primary key and every composite key string of the system, parses them
// back, and turns each list query the product needs into Query requests on the right table
// and index. Nothing else in the code base builds "COMPANY001#ISSUE#ISS-001" strings or
// table names.
//
//   Basic / Premium (pooled): shared tables "<prefix>Issues-Pooled" ..., partition keys
//     "<COMPANY>#ISSUE#<ISS-n>", "<COMPANY>#TEAM#<TEAM-n>", "<COMPANY>#COMMENT#<CMT-n>",
//     "<COMPANY>#USER#<email>", and company_id as the partition key of every index; the
//     login directory stubs of Platinum users "<COMPANY>#LOGIN#<incarnation>#<email>" in the
//     pooled Users table.
//   Platinum (silo): "<prefix>Issues-<COMPANY>", "<prefix>Teams-<COMPANY>", ... with plain
//     keys (issue_id + created_date, team_id + created_date, issue_id + created_date for
//     comments, email for users) and the silo template's indexes (docs/tenancy.md).
//
// Isolation: every key and every query is derived from a CompanyScope, and every item read
// back goes through an *Of() parser that rejects an item of another company. Page tokens are
// bound to the company and the query and are checked before use (DecodePageToken).
//
// Thread-safety: immutable after construction; safe to share between threads.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "dynamo/types.h"
#include "tenancy/ids.h"

namespace issuetracker::tracker {
class Authenticator;
}
namespace issuetracker::testing {
class ScopeTestPeer;  // tests only (tests/scope_test_peer.h); the layering check enforces it
}

namespace issuetracker::tenancy {

// Which names this deployment's tables get. Several environments can share one backend by
// giving each its own prefix; `environment` is the value of the Environment tag.
struct SchemaConfig {
  std::string table_prefix = "IssueTracker-";
  std::string environment = "Development";
};

inline constexpr size_t kMaxTablePrefixLength = 100;

// Prefix: 1..100 of [A-Za-z0-9_.-] (DynamoDB's table-name characters); environment: 1..256
// characters (a tag value). ValidationException otherwise.
Status ValidateSchemaConfig(const SchemaConfig& config);

// Where one company's data lives: its id, its tier and its incarnation (which registration
// of the id it is: a re-registration of the same id gets a new one, docs/tenancy.md).
//
// A scope cannot be made out of loose values: its constructor is private, and only a tenant
// context (TenantContext::scope(), made by sign-in or AdminAccess), the administrative path
// (AdminAccess, CompanyLifecycle) and sign-in (tracker::Authenticator) create one, from the
// company's stored record. Layout builds keys, table names and queries only from scopes, so
// every key in the system comes from a context or an administrative access.
class CompanyScope {
 public:
  const CompanyId& company_id() const { return company_id_; }
  Tier tier() const { return tier_; }
  // An opaque token naming the registration (lifecycle.h). Never empty.
  const std::string& incarnation() const { return incarnation_; }
  // Platinum companies have dedicated (silo) tables.
  bool silo() const { return tier_ == Tier::kPlatinum; }
  friend bool operator==(const CompanyScope&, const CompanyScope&) = default;

 private:
  friend class AdminAccess;
  friend class CompanyLifecycle;
  friend class tracker::Authenticator;
  friend class ::issuetracker::testing::ScopeTestPeer;
  CompanyScope(CompanyId company_id, Tier tier, std::string incarnation)
      : company_id_(std::move(company_id)), tier_(tier), incarnation_(std::move(incarnation)) {}

  CompanyId company_id_;
  Tier tier_;
  std::string incarnation_;
};

// The condition every write of a scope is committed under (lifecycle.h): an item of
// CompanyManagement whose attributes must have the given values (the company is active, in
// the scope's incarnation and tier). The tracker adds it to each write's transaction.
struct CompanyGuard {
  TableName table;
  dynamo::Item key;
  std::vector<std::pair<std::string_view, dynamo::AttributeValue>> equals;
};

// The spec's three system tables, and the service's own: IdempotencyKeys (the REST
// service's Idempotency-Key records; schema.h, ServiceTables).
enum class SystemTable : uint8_t {
  kCompanyManagement,
  kCompanyStackMapping,
  kApiKeys,
  kIdempotencyKeys,
};
enum class Entity : uint8_t { kIssue, kTeam, kComment, kUser };

// "Issues", "Teams", "Comments", "Users".
std::string_view EntityTableStem(Entity entity);

// How to fetch one item. When `partition_only` is false, `key` is the full primary key
// (GetItem). Otherwise `key` holds only the partition key (the table also has a sort key)
// and the item is found with a Query on it, keeping items whose `filter` attribute equals
// the given value when a filter is set.
struct PointLookup {
  TableName table;
  dynamo::Item key;
  bool partition_only = false;
  std::optional<std::pair<std::string, dynamo::AttributeValue>> filter;
};

// The list queries the product serves; each is a Query, never a Scan.
// persisted (inside page tokens): do not reorder.
enum class ListKind : uint8_t {
  kIssuesByCompany,
  kIssuesByStatus,
  kIssuesByAssignee,
  kIssuesByTeam,
  kIssuesByPriority,
  kTeamsByCompany,
  kTeamsByLead,
  kCommentsByIssue,
  kCommentsByAuthor,
  kUsersByCompany,
  kUsersByRole,
  kPooledCompanyItems,
};

// One Query of a plan: the request with its key condition ("#pk = :pk [AND #sk = :sk]"),
// and the key attributes whose values that condition fixes.
struct QueryStep {
  dynamo::QueryRequest request;
  dynamo::Item bound;
};

// A list query as one or more Query requests, run in order (a silo table without a
// company-wide index is read one index partition after another, e.g. one status at a time).
// Callers may add a FilterExpression (with placeholders other than #pk, #sk, :pk, :sk),
// Limit and ExclusiveStartKey to each step's request.
struct QueryPlan {
  ListKind kind;
  Entity entity;
  std::vector<QueryStep> steps;
  // The attribute names a LastEvaluatedKey of this plan carries (table and index keys).
  std::vector<std::string> start_key_attributes;
};

// Where a paginated plan resumes: at `step`, after `start_key` when set.
struct PageCursor {
  size_t step = 0;
  std::optional<dynamo::Item> start_key;
};

// A comment's identity: the issue it belongs to and its own id.
struct CommentRef {
  IssueId issue_id;
  CommentId comment_id;
};

inline constexpr size_t kMaxPageTokenLength = 4096;
inline constexpr size_t kMaxIdempotencyKeyLength = 128;

class Layout {
 public:
  // REQUIRES: ValidateSchemaConfig(config).ok()
  explicit Layout(SchemaConfig config);

  const SchemaConfig& config() const { return config_; }

  // ------------------------------------------------------------------ table names
  TableName SystemTableName(SystemTable table) const;
  // The pooled table of an entity ("<prefix>Issues-Pooled").
  TableName PooledTableName(Entity entity) const;
  // The silo table of an entity for one company ("<prefix>Issues-COMPANY001").
  TableName SiloTableName(Entity entity, const CompanyId& company) const;
  // The table holding `entity` for `scope` (pooled or silo by tier).
  TableName TableFor(const CompanyScope& scope, Entity entity) const;

  // ------------------------------------------------------------------ system tables
  dynamo::Item CompanyKey(const CompanyId& company) const;
  dynamo::Item StackMappingKey(const CompanyId& company, std::string_view stack_name) const;
  // The company of a CompanyManagement or CompanyStackMapping item.
  Result<CompanyId> CompanyOf(const dynamo::Item& item) const;
  // What a write of `scope` is conditional on (see CompanyGuard).
  CompanyGuard GuardFor(const CompanyScope& scope) const;

  // ApiKeys: partition tier_name ("Basic", ...), sort key_id. The key of one key's record.
  dynamo::Item ApiKeyKey(Tier tier, std::string_view key_id) const;
  // A Query for every key record of one tier (consistent), optionally only `company`'s
  // (a filter on company_id).
  dynamo::QueryRequest ApiKeysQuery(Tier tier, const std::optional<CompanyId>& company) const;

  // IdempotencyKeys: partition company_id, sort "<user e-mail>/<key>". The record of the
  // key a user sent; Validation unless `key` is 1..kMaxIdempotencyKeyLength of
  // [A-Za-z0-9_.:-] (so it can neither hold the separator nor forge another user's key).
  Result<dynamo::Item> IdempotencyRecordKey(const CompanyScope& scope, const UserEmail& user,
                                            std::string_view key) const;
  // A Query for every idempotency record of `company` (consistent), for offboarding.
  dynamo::QueryRequest IdempotencyRecordsQuery(const CompanyId& company) const;

  // ------------------------------------------------------------------ issues
  dynamo::Item IssueKey(const CompanyScope& scope, const IssueId& id,
                        std::string_view created_date) const;
  PointLookup IssueLookup(const CompanyScope& scope, const IssueId& id) const;
  // Key plus the identifying attributes every stored issue carries (company_id, issue_id,
  // created_date, and company_issue_id when pooled).
  dynamo::Item IssueIdentity(const CompanyScope& scope, const IssueId& id,
                             std::string_view created_date) const;
  // The id of a stored issue; Internal error when the item is not an issue of `scope`.
  Result<IssueId> IssueOf(const CompanyScope& scope, const dynamo::Item& item) const;

  // ------------------------------------------------------------------ teams
  dynamo::Item TeamKey(const CompanyScope& scope, const TeamId& id,
                       std::string_view created_date) const;
  PointLookup TeamLookup(const CompanyScope& scope, const TeamId& id) const;
  dynamo::Item TeamIdentity(const CompanyScope& scope, const TeamId& id,
                            std::string_view created_date) const;
  Result<TeamId> TeamOf(const CompanyScope& scope, const dynamo::Item& item) const;

  // ------------------------------------------------------------------ comments
  dynamo::Item CommentKey(const CompanyScope& scope, const CommentRef& ref,
                          std::string_view created_date) const;
  PointLookup CommentLookup(const CompanyScope& scope, const CommentRef& ref) const;
  dynamo::Item CommentIdentity(const CompanyScope& scope, const CommentRef& ref,
                               std::string_view created_date) const;
  Result<CommentRef> CommentOf(const CompanyScope& scope, const dynamo::Item& item) const;
  // The attribute of a comment item that refers to its issue, and its value for `issue`
  // (company_issue_id "C#ISSUE#ISS-001" pooled, issue_id "ISS-001" silo).
  std::pair<std::string, dynamo::AttributeValue> CommentIssueReference(const CompanyScope& scope,
                                                                       const IssueId& issue) const;

  // ------------------------------------------------------------------ users
  dynamo::Item UserKey(const CompanyScope& scope, const UserEmail& email) const;
  PointLookup UserLookup(const CompanyScope& scope, const UserEmail& email) const;
  dynamo::Item UserIdentity(const CompanyScope& scope, const UserEmail& email) const;
  Result<UserEmail> UserOf(const CompanyScope& scope, const dynamo::Item& item) const;

  // The login directory: every user of every tier has an entry in the pooled Users table's
  // EmailIndex. A pooled user's entry is the user itself. A Platinum user (who lives in the
  // silo Users table) has a *directory stub* there instead: key
  // "<COMPANY>#LOGIN#<incarnation>#<email>", company_id and email, nothing else (no role or
  // login date, so no other index sees it). Stubs have a key space of their own: a stub key
  // is never a user key ("<COMPANY>#USER#<email>"), so no stub can be read or refused as a
  // user, and it names the registration that wrote it, so stubs of different registrations
  // of one company id never share a key. REQUIRES: scope.silo().
  dynamo::Item DirectoryStubKey(const CompanyScope& scope, const UserEmail& email) const;
  dynamo::Item DirectoryStub(const CompanyScope& scope, const UserEmail& email) const;
  // The key a stub had before stubs got their own key space: the pooled user key of the
  // same company id and e-mail. Only for removing such stubs (Provisioner's migration and
  // the Platinum purge). REQUIRES: scope.silo().
  dynamo::Item LegacyDirectoryStubKey(const CompanyScope& scope, const UserEmail& email) const;
  // The start of every stub key of `scope`'s registration ("<COMPANY>#LOGIN#<incarnation>#").
  std::string DirectoryStubKeyPrefix(const CompanyScope& scope) const;
  // The start of every pooled partition key of `entity` for `company` ("<COMPANY>#ISSUE#",
  // ..., "<COMPANY>#USER#"), which stubs ("<COMPANY>#LOGIN#...") never share.
  std::string PooledKeyPrefix(const CompanyId& company, Entity entity) const;
  // Whether a pooled Users item is a stub written before stubs got their own key space (a
  // legacy stub: a "<COMPANY>#USER#" key without a user_role). No current code writes one.
  static bool IsLegacyDirectoryStub(const dynamo::Item& item);
  // Query on the pooled EmailIndex for `email`, across companies.
  dynamo::QueryRequest LoginLookup(const UserEmail& email) const;

  // One EmailIndex result.
  struct DirectoryEntry {
    enum class Kind : uint8_t {
      kPooledUser,  // a user of a pooled company
      kStub,        // a Platinum directory stub, of registration `incarnation`
      kLegacyStub,  // a stub in the pooled user key space (IsLegacyDirectoryStub)
    };
    Kind kind;
    CompanyId company;
    std::string incarnation;  // kStub only
  };
  // What an EmailIndex result is, checked against its composite key; an Isolation check
  // failure when its key and company_id disagree or the key is neither kind.
  Result<DirectoryEntry> DirectoryEntryOf(const dynamo::Item& item) const;

  // The primary key of a stored item of `entity` in `scope`'s table.
  Result<dynamo::Item> PrimaryKeyOf(const CompanyScope& scope, Entity entity,
                                    const dynamo::Item& item) const;

  // ------------------------------------------------------------------ list queries
  // `statuses` is every issue status (silo tables are read one status at a time).
  QueryPlan IssuesByCompany(const CompanyScope& scope, std::span<const std::string> statuses) const;
  QueryPlan IssuesByStatus(const CompanyScope& scope, std::string_view status) const;
  QueryPlan IssuesByAssignee(const CompanyScope& scope, const UserEmail& assignee) const;
  QueryPlan IssuesByTeam(const CompanyScope& scope, const TeamId& team) const;
  QueryPlan IssuesByPriority(const CompanyScope& scope, std::string_view priority,
                             std::span<const std::string> statuses) const;
  // `statuses` is every team status.
  QueryPlan TeamsByCompany(const CompanyScope& scope, std::span<const std::string> statuses) const;
  QueryPlan TeamsByLead(const CompanyScope& scope, const UserEmail& lead) const;
  QueryPlan CommentsByIssue(const CompanyScope& scope, const IssueId& issue) const;
  QueryPlan CommentsByAuthor(const CompanyScope& scope, const UserEmail& author) const;
  QueryPlan UsersByCompany(const CompanyScope& scope) const;
  QueryPlan UsersByRole(const CompanyScope& scope, Role role) const;
  // Every item of a pooled company in the pooled table of `entity` (issues through
  // CompanyStatusIndex, teams and users through CompanyIndex, comments through UserIndex),
  // for offboarding. REQUIRES: !scope.silo().
  QueryPlan PooledCompanyItems(const CompanyScope& scope, Entity entity) const;
  // Query on CompanyStackMapping for every stack entry of `company`.
  dynamo::QueryRequest StackMappingQuery(const CompanyId& company) const;

  // ------------------------------------------------------------------ page tokens
  // An opaque token for resuming `plan` at `cursor`. REQUIRES: cursor.step < steps.
  std::string EncodePageToken(const CompanyScope& scope, const QueryPlan& plan,
                              const PageCursor& cursor) const;
  // Decodes and checks a token: it must have been made for this company and this query, and
  // its start key must lie inside the partitions the plan reads. ValidationException
  // ("Invalid page token ...") otherwise, so a forged token cannot reach other data. Only
  // EncodePageToken's own spelling is accepted: a decoded cursor encodes back to `token`.
  Result<PageCursor> DecodePageToken(const CompanyScope& scope, const QueryPlan& plan,
                                     std::string_view token) const;

 private:
  std::string Prefixed(std::string_view stem) const;
  std::string CompositeKey(const CompanyId& company, std::string_view type,
                           std::string_view id) const;
  Status CheckStartKey(const CompanyScope& scope, const QueryPlan& plan, const QueryStep& step,
                       const dynamo::Item& key) const;

  SchemaConfig config_;
};

// Splits a pooled composite key "<COMPANY>#<TYPE>#<ID>" into its company and id when its
// type is `type`; nullopt when malformed. Exposed for tests and tools.
std::optional<std::pair<std::string, std::string>> SplitCompositeKey(std::string_view key,
                                                                     std::string_view type);

// The type tags of pooled composite keys.
inline constexpr std::string_view kIssueTag = "ISSUE";
inline constexpr std::string_view kTeamTag = "TEAM";
inline constexpr std::string_view kCommentTag = "COMMENT";
inline constexpr std::string_view kUserTag = "USER";
// Login directory stubs of Platinum users (Layout::DirectoryStubKey).
inline constexpr std::string_view kLoginTag = "LOGIN";

}  // namespace issuetracker::tenancy
