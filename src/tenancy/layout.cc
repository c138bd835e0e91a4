// Layout: table names, primary keys, identities and their parsers.
// (List queries are in layout_queries.cc, page tokens in page_token.cc.)
#include "tenancy/layout.h"

#include <cassert>

#include "tenancy/layout_internal.h"
#include "tenancy/lifecycle.h"
#include "tenancy/schema_names.h"

namespace issuetracker::tenancy {

using dynamo::AttributeValue;
using dynamo::Item;
using internal::FindS;
using internal::Foreign;
using internal::S;
using internal::Set;

Status ValidateSchemaConfig(const SchemaConfig& config) {
  const std::string& p = config.table_prefix;
  if (p.empty() || p.size() > kMaxTablePrefixLength) {
    return Status::Validation("The table prefix must have 1 to 100 characters");
  }
  for (char c : p) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) {
      return Status::Validation(
          "The table prefix may contain only letters, digits, '_', '-' and '.'");
    }
  }
  if (config.environment.empty() || config.environment.size() > 256) {
    return Status::Validation("The environment must have 1 to 256 characters");
  }
  return Status::Ok();
}

std::string_view EntityTableStem(Entity entity) {
  switch (entity) {
    case Entity::kIssue:
      return "Issues";
    case Entity::kTeam:
      return "Teams";
    case Entity::kComment:
      return "Comments";
    case Entity::kUser:
      return "Users";
  }
  return "";
}

std::optional<std::pair<std::string, std::string>> SplitCompositeKey(std::string_view key,
                                                                     std::string_view type) {
  size_t first = key.find('#');
  if (first == std::string_view::npos || first == 0) return std::nullopt;
  std::string_view rest = key.substr(first + 1);
  if (rest.size() <= type.size() + 1 || rest.substr(0, type.size()) != type ||
      rest[type.size()] != '#') {
    return std::nullopt;
  }
  std::string_view id = rest.substr(type.size() + 1);
  if (id.find('#') != std::string_view::npos) return std::nullopt;
  return std::make_pair(std::string(key.substr(0, first)), std::string(id));
}

Layout::Layout(SchemaConfig config) : config_(std::move(config)) {
  assert(ValidateSchemaConfig(config_).ok());
}

std::string Layout::Prefixed(std::string_view stem) const {
  std::string name = config_.table_prefix;
  name += stem;
  return name;
}

std::string Layout::CompositeKey(const CompanyId& company, std::string_view type,
                                 std::string_view id) const {
  std::string key = company.str();
  key += '#';
  key += type;
  key += '#';
  key += id;
  return key;
}

// ------------------------------------------------------------------ table names

TableName Layout::SystemTableName(SystemTable table) const {
  switch (table) {
    case SystemTable::kCompanyManagement:
      return TableName(Prefixed("CompanyManagement"));
    case SystemTable::kCompanyStackMapping:
      return TableName(Prefixed("CompanyStackMapping"));
    case SystemTable::kApiKeys:
      return TableName(Prefixed("ApiKeys"));
    case SystemTable::kIdempotencyKeys:
      return TableName(Prefixed("IdempotencyKeys"));
  }
  return TableName("");
}

TableName Layout::PooledTableName(Entity entity) const {
  std::string stem(EntityTableStem(entity));
  stem += "-Pooled";
  return TableName(Prefixed(stem));
}

TableName Layout::SiloTableName(Entity entity, const CompanyId& company) const {
  std::string stem(EntityTableStem(entity));
  stem += '-';
  stem += company.str();
  return TableName(Prefixed(stem));
}

TableName Layout::TableFor(const CompanyScope& scope, Entity entity) const {
  return scope.silo() ? SiloTableName(entity, scope.company_id()) : PooledTableName(entity);
}

// ------------------------------------------------------------------ system tables

Item Layout::CompanyKey(const CompanyId& company) const {
  return Item{{std::string(attr::kCompanyId), S(company.str())}};
}

Item Layout::StackMappingKey(const CompanyId& company, std::string_view stack_name) const {
  return Item{{std::string(attr::kCompanyId), S(company.str())},
              {std::string(attr::kStackName), S(stack_name)}};
}

Item Layout::ApiKeyKey(Tier tier, std::string_view key_id) const {
  return Item{{std::string(attr::kTierName), S(TierName(tier))},
              {std::string(attr::kKeyId), S(key_id)}};
}

Result<Item> Layout::IdempotencyRecordKey(const CompanyScope& scope, const UserEmail& user,
                                          std::string_view key) const {
  bool valid = !key.empty() && key.size() <= kMaxIdempotencyKeyLength;
  for (char c : key) {
    valid = valid && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == ':' || c == '-');
  }
  if (!valid) {
    return Status::Validation("An idempotency key is 1 to " +
                              std::to_string(kMaxIdempotencyKeyLength) +
                              " characters of A-Z a-z 0-9 _ . : -");
  }
  std::string sort_key = user.str();
  sort_key += '/';
  sort_key += key;
  return Item{{std::string(attr::kCompanyId), S(scope.company_id().str())},
              {std::string(attr::kIdempotencyKey), S(std::move(sort_key))}};
}

Result<CompanyId> Layout::CompanyOf(const Item& item) const {
  const std::string* id = FindS(item, attr::kCompanyId);
  if (id == nullptr) return Status::Corruption("Company item without a company_id string");
  return CompanyId::Parse(*id);
}

CompanyGuard Layout::GuardFor(const CompanyScope& scope) const {
  CompanyGuard guard{
      SystemTableName(SystemTable::kCompanyManagement), CompanyKey(scope.company_id()), {}};
  guard.equals.emplace_back(attr::kLifecycleState, S(LifecycleStateName(LifecycleState::kActive)));
  guard.equals.emplace_back(attr::kIncarnation, S(scope.incarnation()));
  guard.equals.emplace_back(attr::kCompanyTier, S(TierName(scope.tier())));
  return guard;
}

namespace {

// Checks that a stored item carries `scope`'s company_id.
Status CheckCompanyAttribute(const CompanyScope& scope, const Item& item, std::string_view what) {
  const std::string* company = FindS(item, attr::kCompanyId);
  if (company == nullptr) return Foreign(what, "item has no company_id");
  if (*company != scope.company_id().str()) {
    return Foreign(what, "item of company " + *company + " read in the scope of company " +
                             scope.company_id().str());
  }
  return Status::Ok();
}

// The id inside pooled composite key attribute `key_attr`, checked to belong to `scope`.
Result<std::string> PooledIdOf(const CompanyScope& scope, const Item& item,
                               std::string_view key_attr, std::string_view type,
                               std::string_view what) {
  IT_RETURN_IF_ERROR(CheckCompanyAttribute(scope, item, what));
  const std::string* key = FindS(item, key_attr);
  if (key == nullptr) return Foreign(what, "item has no " + std::string(key_attr));
  auto parts = SplitCompositeKey(*key, type);
  if (!parts) return Foreign(what, "malformed key " + *key);
  if (parts->first != scope.company_id().str()) {
    return Foreign(what,
                   "key " + *key + " read in the scope of company " + scope.company_id().str());
  }
  return parts->second;
}

// The plain id in attribute `id_attr` of a silo item, checked to belong to `scope`.
Result<std::string> SiloIdOf(const CompanyScope& scope, const Item& item, std::string_view id_attr,
                             std::string_view what) {
  IT_RETURN_IF_ERROR(CheckCompanyAttribute(scope, item, what));
  const std::string* id = FindS(item, id_attr);
  if (id == nullptr) return Foreign(what, "item has no " + std::string(id_attr));
  return *id;
}

std::string CreatedDateOf(const Item& item) {
  const std::string* date = FindS(item, attr::kCreatedDate);
  return date ? *date : std::string();
}

}  // namespace

// ------------------------------------------------------------------ issues

Item Layout::IssueKey(const CompanyScope& scope, const IssueId& id,
                      std::string_view created_date) const {
  Item item;
  item.reserve(4);  // room for the identity's attributes
  if (scope.silo()) {
    Set(&item, attr::kIssueId, S(id.str()));
    Set(&item, attr::kCreatedDate, S(created_date));
  } else {
    Set(&item, attr::kCompanyIssueId, S(CompositeKey(scope.company_id(), kIssueTag, id.str())));
  }
  return item;
}

PointLookup Layout::IssueLookup(const CompanyScope& scope, const IssueId& id) const {
  PointLookup lookup{TableFor(scope, Entity::kIssue), {}, scope.silo(), std::nullopt};
  if (scope.silo()) {
    lookup.key = Item{{std::string(attr::kIssueId), S(id.str())}};
  } else {
    lookup.key = IssueKey(scope, id, "");
  }
  return lookup;
}

Item Layout::IssueIdentity(const CompanyScope& scope, const IssueId& id,
                           std::string_view created_date) const {
  Item item = IssueKey(scope, id, created_date);
  Set(&item, attr::kCompanyId, S(scope.company_id().str()));
  Set(&item, attr::kIssueId, S(id.str()));
  Set(&item, attr::kCreatedDate, S(created_date));
  return item;
}

Result<IssueId> Layout::IssueOf(const CompanyScope& scope, const Item& item) const {
  Result<std::string> raw =
      scope.silo() ? SiloIdOf(scope, item, attr::kIssueId, "issue")
                   : PooledIdOf(scope, item, attr::kCompanyIssueId, kIssueTag, "issue");
  if (!raw.ok()) return raw.status();
  auto id = IssueId::Parse(*raw);
  if (!id.ok()) return Foreign("issue", id.status().message());
  const std::string* plain = FindS(item, attr::kIssueId);
  if (plain != nullptr && *plain != id->str())
    return Foreign("issue", "issue_id disagrees with key");
  return id;
}

// ------------------------------------------------------------------ teams

Item Layout::TeamKey(const CompanyScope& scope, const TeamId& id,
                     std::string_view created_date) const {
  if (scope.silo()) {
    return Item{{std::string(attr::kTeamId), S(id.str())},
                {std::string(attr::kCreatedDate), S(created_date)}};
  }
  return Item{
      {std::string(attr::kCompanyTeamId), S(CompositeKey(scope.company_id(), kTeamTag, id.str()))}};
}

PointLookup Layout::TeamLookup(const CompanyScope& scope, const TeamId& id) const {
  PointLookup lookup{TableFor(scope, Entity::kTeam), {}, scope.silo(), std::nullopt};
  if (scope.silo()) {
    lookup.key = Item{{std::string(attr::kTeamId), S(id.str())}};
  } else {
    lookup.key = TeamKey(scope, id, "");
  }
  return lookup;
}

Item Layout::TeamIdentity(const CompanyScope& scope, const TeamId& id,
                          std::string_view created_date) const {
  Item item = TeamKey(scope, id, created_date);
  item[std::string(attr::kCompanyId)] = S(scope.company_id().str());
  item[std::string(attr::kTeamId)] = S(id.str());
  item[std::string(attr::kCreatedDate)] = S(created_date);
  return item;
}

Result<TeamId> Layout::TeamOf(const CompanyScope& scope, const Item& item) const {
  Result<std::string> raw = scope.silo()
                                ? SiloIdOf(scope, item, attr::kTeamId, "team")
                                : PooledIdOf(scope, item, attr::kCompanyTeamId, kTeamTag, "team");
  if (!raw.ok()) return raw.status();
  auto id = TeamId::Parse(*raw);
  if (!id.ok()) return Foreign("team", id.status().message());
  const std::string* plain = FindS(item, attr::kTeamId);
  if (plain != nullptr && *plain != id->str()) return Foreign("team", "team_id disagrees with key");
  return id;
}

// ------------------------------------------------------------------ comments

Item Layout::CommentKey(const CompanyScope& scope, const CommentRef& ref,
                        std::string_view created_date) const {
  Item item;
  item.reserve(5);  // room for the identity's attributes
  if (scope.silo()) {
    Set(&item, attr::kIssueId, S(ref.issue_id.str()));
  } else {
    Set(&item, attr::kCompanyCommentId,
        S(CompositeKey(scope.company_id(), kCommentTag, ref.comment_id.str())));
  }
  Set(&item, attr::kCreatedDate, S(created_date));
  return item;
}

PointLookup Layout::CommentLookup(const CompanyScope& scope, const CommentRef& ref) const {
  PointLookup lookup{TableFor(scope, Entity::kComment), {}, true, std::nullopt};
  if (scope.silo()) {
    // Silo comments are keyed by their issue; pick the one with this comment id.
    lookup.key = Item{{std::string(attr::kIssueId), S(ref.issue_id.str())}};
    lookup.filter = std::make_pair(std::string(attr::kCommentId), S(ref.comment_id.str()));
  } else {
    lookup.key = Item{{std::string(attr::kCompanyCommentId),
                       S(CompositeKey(scope.company_id(), kCommentTag, ref.comment_id.str()))}};
  }
  return lookup;
}

std::pair<std::string, AttributeValue> Layout::CommentIssueReference(const CompanyScope& scope,
                                                                     const IssueId& issue) const {
  if (scope.silo()) return {std::string(attr::kIssueId), S(issue.str())};
  return {std::string(attr::kCompanyIssueId),
          S(CompositeKey(scope.company_id(), kIssueTag, issue.str()))};
}

Item Layout::CommentIdentity(const CompanyScope& scope, const CommentRef& ref,
                             std::string_view created_date) const {
  Item item = CommentKey(scope, ref, created_date);
  Set(&item, attr::kCompanyId, S(scope.company_id().str()));
  Set(&item, attr::kCommentId, S(ref.comment_id.str()));
  auto [issue_attr, issue_value] = CommentIssueReference(scope, ref.issue_id);
  Set(&item, issue_attr, std::move(issue_value));
  return item;
}

Result<CommentRef> Layout::CommentOf(const CompanyScope& scope, const Item& item) const {
  std::string issue_raw;
  std::string comment_raw;
  if (scope.silo()) {
    IT_ASSIGN_OR_RETURN(issue_raw, SiloIdOf(scope, item, attr::kIssueId, "comment"));
    const std::string* c = FindS(item, attr::kCommentId);
    if (c == nullptr) return Foreign("comment", "item has no comment_id");
    comment_raw = *c;
  } else {
    IT_ASSIGN_OR_RETURN(comment_raw,
                        PooledIdOf(scope, item, attr::kCompanyCommentId, kCommentTag, "comment"));
    IT_ASSIGN_OR_RETURN(
        issue_raw, PooledIdOf(scope, item, attr::kCompanyIssueId, kIssueTag, "comment's issue"));
    const std::string* c = FindS(item, attr::kCommentId);
    if (c != nullptr && *c != comment_raw)
      return Foreign("comment", "comment_id disagrees with key");
  }
  auto issue = IssueId::Parse(issue_raw);
  if (!issue.ok()) return Foreign("comment", issue.status().message());
  auto comment = CommentId::Parse(comment_raw);
  if (!comment.ok()) return Foreign("comment", comment.status().message());
  return CommentRef{std::move(issue).value(), std::move(comment).value()};
}

// ------------------------------------------------------------------ users

Item Layout::UserKey(const CompanyScope& scope, const UserEmail& email) const {
  if (scope.silo()) return Item{{std::string(attr::kEmail), S(email.str())}};
  return Item{{std::string(attr::kCompanyUserId),
               S(CompositeKey(scope.company_id(), kUserTag, email.str()))}};
}

PointLookup Layout::UserLookup(const CompanyScope& scope, const UserEmail& email) const {
  return PointLookup{TableFor(scope, Entity::kUser), UserKey(scope, email), false, std::nullopt};
}

Item Layout::UserIdentity(const CompanyScope& scope, const UserEmail& email) const {
  Item item = UserKey(scope, email);
  item[std::string(attr::kCompanyId)] = S(scope.company_id().str());
  item[std::string(attr::kEmail)] = S(email.str());
  return item;
}

Result<UserEmail> Layout::UserOf(const CompanyScope& scope, const Item& item) const {
  Result<std::string> raw = scope.silo()
                                ? SiloIdOf(scope, item, attr::kEmail, "user")
                                : PooledIdOf(scope, item, attr::kCompanyUserId, kUserTag, "user");
  if (!raw.ok()) return raw.status();
  auto email = UserEmail::Parse(*raw);
  if (!email.ok()) return Foreign("user", email.status().message());
  const std::string* plain = FindS(item, attr::kEmail);
  if (plain != nullptr && *plain != email->str())
    return Foreign("user", "email disagrees with key");
  return email;
}

Item Layout::DirectoryStubKey(const CompanyScope& scope, const UserEmail& email) const {
  assert(scope.silo());
  std::string key = DirectoryStubKeyPrefix(scope);
  key += email.str();
  return Item{{std::string(attr::kCompanyUserId), S(std::move(key))}};
}

Item Layout::DirectoryStub(const CompanyScope& scope, const UserEmail& email) const {
  Item item = DirectoryStubKey(scope, email);
  item[std::string(attr::kCompanyId)] = S(scope.company_id().str());
  item[std::string(attr::kEmail)] = S(email.str());
  return item;
}

Item Layout::LegacyDirectoryStubKey(const CompanyScope& scope, const UserEmail& email) const {
  assert(scope.silo());
  return Item{{std::string(attr::kCompanyUserId),
               S(CompositeKey(scope.company_id(), kUserTag, email.str()))}};
}

std::string Layout::DirectoryStubKeyPrefix(const CompanyScope& scope) const {
  // An incarnation is hex digits (NewIncarnation), so it cannot hold the delimiter.
  assert(scope.incarnation().find('#') == std::string::npos);
  return CompositeKey(scope.company_id(), kLoginTag, scope.incarnation()) + '#';
}

std::string Layout::PooledKeyPrefix(const CompanyId& company, Entity entity) const {
  std::string_view tag;
  switch (entity) {
    case Entity::kIssue:
      tag = kIssueTag;
      break;
    case Entity::kTeam:
      tag = kTeamTag;
      break;
    case Entity::kComment:
      tag = kCommentTag;
      break;
    case Entity::kUser:
      tag = kUserTag;
      break;
  }
  return CompositeKey(company, tag, "");
}

bool Layout::IsLegacyDirectoryStub(const Item& item) {
  const std::string* key = FindS(item, attr::kCompanyUserId);
  return key != nullptr && SplitCompositeKey(*key, kUserTag).has_value() &&
         !item.contains(attr::kUserRole);
}

dynamo::QueryRequest Layout::LoginLookup(const UserEmail& email) const {
  dynamo::QueryRequest request;
  request.table_name = PooledTableName(Entity::kUser).str();
  request.index_name = std::string(index::kEmail);
  request.key_condition_expression = "#pk = :pk";
  request.expression_attribute_names["#pk"] = std::string(attr::kEmail);
  request.expression_attribute_values[":pk"] = S(email.str());
  return request;
}

Result<Layout::DirectoryEntry> Layout::DirectoryEntryOf(const Item& item) const {
  const std::string* key = FindS(item, attr::kCompanyUserId);
  const std::string* company = FindS(item, attr::kCompanyId);
  const std::string* email = FindS(item, attr::kEmail);
  if (key == nullptr || company == nullptr || email == nullptr) {
    return Foreign("directory entry", "missing company_user_id, company_id or email");
  }
  auto disagrees = [&key] {
    return Foreign("directory entry", "key " + *key + " disagrees with company_id or email");
  };
  auto parsed = CompanyId::Parse(*company);
  if (!parsed.ok()) return Foreign("directory entry", parsed.status().message());
  DirectoryEntry entry{DirectoryEntry::Kind::kPooledUser, std::move(parsed).value(), ""};
  if (auto user = SplitCompositeKey(*key, kUserTag)) {
    if (user->first != *company || user->second != *email) return disagrees();
    if (IsLegacyDirectoryStub(item)) entry.kind = DirectoryEntry::Kind::kLegacyStub;
    return entry;
  }
  // "<COMPANY>#LOGIN#<incarnation>#<email>": split off the e-mail; the rest is a composite
  // key whose id is the incarnation.
  const size_t last = key->rfind('#');
  if (last == std::string::npos) return disagrees();
  auto stub = SplitCompositeKey(std::string_view(*key).substr(0, last), kLoginTag);
  if (!stub || stub->first != *company || key->substr(last + 1) != *email) return disagrees();
  entry.kind = DirectoryEntry::Kind::kStub;
  entry.incarnation = std::move(stub->second);
  return entry;
}

Result<Item> Layout::PrimaryKeyOf(const CompanyScope& scope, Entity entity,
                                  const Item& item) const {
  std::string date = CreatedDateOf(item);
  switch (entity) {
    case Entity::kIssue: {
      IT_ASSIGN_OR_RETURN(IssueId id, IssueOf(scope, item));
      return IssueKey(scope, id, date);
    }
    case Entity::kTeam: {
      IT_ASSIGN_OR_RETURN(TeamId id, TeamOf(scope, item));
      return TeamKey(scope, id, date);
    }
    case Entity::kComment: {
      IT_ASSIGN_OR_RETURN(CommentRef ref, CommentOf(scope, item));
      return CommentKey(scope, ref, date);
    }
    case Entity::kUser: {
      IT_ASSIGN_OR_RETURN(UserEmail email, UserOf(scope, item));
      return UserKey(scope, email);
    }
  }
  return Status::Internal("unknown entity");
}

}  // namespace issuetracker::tenancy
