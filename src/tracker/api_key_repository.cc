#include "tracker/api_key_repository.h"

#include <algorithm>

#include "tenancy/schema_names.h"
#include "tracker/permissions.h"

namespace issuetracker::tracker {

using dynamo::AttributeValue;
using dynamo::Item;
using tenancy::SystemTable;
using tenancy::TenantContext;
namespace attr = tenancy::attr;

namespace {

// Data attributes of an ApiKeys item. persisted: do not rename.
constexpr std::string_view kKeyName = "key_name";
constexpr std::string_view kKeyHash = "key_hash";
constexpr std::string_view kCreatedBy = "created_by";
constexpr std::string_view kKeyRole = "key_role";
constexpr std::string_view kKeyStatus = "key_status";
constexpr std::string_view kRevokedDate = "revoked_date";
constexpr std::string_view kActive = "active";
constexpr std::string_view kRevoked = "revoked";

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Status ValidateKeyId(std::string_view key_id) {
  if (key_id.size() != 16 || !IsLowerHex(key_id)) {
    return Status::Validation("An API key id is 16 lowercase hexadecimal characters");
  }
  return Status::Ok();
}

Item EncodeApiKey(const tenancy::Layout& layout, const ApiKeyRecord& r) {
  Item item = layout.ApiKeyKey(r.tier, r.key_id);
  auto set = [&item](std::string_view name, std::string value) {
    item[std::string(name)] = AttributeValue::S(std::move(value));
  };
  set(attr::kCompanyId, r.company_id.str());
  set(attr::kIncarnation, r.incarnation);
  set(kKeyName, r.name);
  set(kKeyHash, r.key_hash);
  set(kCreatedBy, r.created_by.str());
  set(kKeyRole, std::string(tenancy::RoleName(r.role)));
  set(attr::kCreatedDate, r.created_date);
  set(kKeyStatus, std::string(r.revoked ? kRevoked : kActive));
  if (r.revoked) set(kRevokedDate, r.revoked_date);
  return item;
}

Result<ApiKeyRecord> DecodeApiKey(const Item& item) {
  auto need = [&item](std::string_view name) -> Result<std::string> {
    const std::string* v = dynamo::FindS(item, name);
    if (v == nullptr) {
      return Status::Corruption("ApiKeys item without a string " + std::string(name));
    }
    return *v;
  };
  IT_ASSIGN_OR_RETURN(std::string key_id, need(attr::kKeyId));
  IT_ASSIGN_OR_RETURN(std::string tier_name, need(attr::kTierName));
  IT_ASSIGN_OR_RETURN(Tier tier, tenancy::ParseTier(tier_name));
  IT_ASSIGN_OR_RETURN(std::string company, need(attr::kCompanyId));
  IT_ASSIGN_OR_RETURN(CompanyId company_id, CompanyId::Parse(company));
  IT_ASSIGN_OR_RETURN(std::string creator, need(kCreatedBy));
  IT_ASSIGN_OR_RETURN(UserEmail created_by, UserEmail::Parse(creator));
  IT_ASSIGN_OR_RETURN(std::string role_name, need(kKeyRole));
  IT_ASSIGN_OR_RETURN(Role role, tenancy::ParseRole(role_name));
  ApiKeyRecord r{.key_id = std::move(key_id),
                 .tier = tier,
                 .company_id = std::move(company_id),
                 .created_by = std::move(created_by),
                 .role = role};
  IT_ASSIGN_OR_RETURN(r.incarnation, need(attr::kIncarnation));
  IT_ASSIGN_OR_RETURN(r.name, need(kKeyName));
  IT_ASSIGN_OR_RETURN(r.key_hash, need(kKeyHash));
  IT_ASSIGN_OR_RETURN(r.created_date, need(attr::kCreatedDate));
  IT_ASSIGN_OR_RETURN(std::string status, need(kKeyStatus));
  r.revoked = status == kRevoked;
  if (const std::string* d = dynamo::FindS(item, kRevokedDate)) r.revoked_date = *d;
  return r;
}

}  // namespace

Result<ApiKeyRecord> ApiKeyRepository::Create(const TenantContext& ctx, const NewApiKey& key) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageCompany));
  IT_RETURN_IF_ERROR(ValidateKeyId(key.key_id));
  IT_RETURN_IF_ERROR(CheckText("name", key.name, kMaxNameLength, true));
  IT_RETURN_IF_ERROR(CheckText("key hash", key.key_hash, 128, true));
  IT_ASSIGN_OR_RETURN(std::vector<ApiKeyRecord> existing, ListAll(ctx));
  size_t active = std::count_if(existing.begin(), existing.end(),
                                [](const ApiKeyRecord& r) { return !r.revoked; });
  if (active >= kMaxApiKeysPerCompany) {
    return Status(Code::kQuotaExceeded, "A company has at most " +
                                            std::to_string(kMaxApiKeysPerCompany) +
                                            " active API keys; revoke one first");
  }
  ApiKeyRecord record{.key_id = key.key_id,
                      .tier = ctx.tier(),
                      .company_id = ctx.company_id(),
                      .incarnation = ctx.scope().incarnation(),
                      .name = key.name,
                      .key_hash = key.key_hash,
                      .created_by = ctx.actor(),
                      .role = ctx.role(),
                      .created_date = store_.Now()};
  Expr e;
  std::string condition = "attribute_not_exists(" + e.Name(attr::kKeyId) + ")";
  Txn txn;
  txn.Put(store_.layout->SystemTableName(SystemTable::kApiKeys).str(),
          EncodeApiKey(*store_.layout, record), condition, std::move(e),
          Status::Conflict("API key id " + key.key_id + " exists"));
  IT_RETURN_IF_ERROR(CommitWrite(store_, ctx, &txn));
  return record;
}

Result<std::vector<ApiKeyRecord>> ApiKeyRepository::ListAll(const TenantContext& ctx) {
  std::vector<ApiKeyRecord> records;
  // The company's tier may have changed (Basic <-> Premium) since a key was filed.
  for (Tier tier : {Tier::kBasic, Tier::kPremium, Tier::kPlatinum}) {
    dynamo::QueryRequest query = store_.layout->ApiKeysQuery(tier, ctx.company_id());
    while (true) {
      IT_ASSIGN_OR_RETURN(dynamo::QueryResponse page, store_.backend->Query(query));
      for (const Item& item : page.items) {
        IT_ASSIGN_OR_RETURN(ApiKeyRecord r, DecodeApiKey(item));
        // Keys of an earlier registration of the id are not this company's.
        if (r.company_id == ctx.company_id() && r.incarnation == ctx.scope().incarnation()) {
          records.push_back(std::move(r));
        }
      }
      if (!page.last_evaluated_key) break;
      query.exclusive_start_key = std::move(page.last_evaluated_key);
    }
  }
  std::sort(records.begin(), records.end(), [](const ApiKeyRecord& a, const ApiKeyRecord& b) {
    return a.created_date > b.created_date;
  });
  return records;
}

Result<std::vector<ApiKeyRecord>> ApiKeyRepository::List(const TenantContext& ctx) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageCompany));
  return CheckedRead(store_, ctx, ListAll(ctx));
}

Result<ApiKeyRecord> ApiKeyRepository::Revoke(const TenantContext& ctx, std::string_view key_id) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(Check(ctx, Action::kManageCompany));
  Status missing = Status::NotFound("API key " + std::string(key_id) + " does not exist");
  if (!ValidateKeyId(key_id).ok()) return missing;
  IT_ASSIGN_OR_RETURN(std::optional<ApiKeyRecord> found, Find(key_id));
  if (!found || found->company_id != ctx.company_id() ||
      found->incarnation != ctx.scope().incarnation()) {
    return missing;
  }
  if (found->revoked) return *found;
  found->revoked = true;
  found->revoked_date = store_.Now();
  Expr e;
  std::string condition = e.Name(attr::kCompanyId) + " = " + e.Value(ctx.company_id().str()) +
                          " AND " + e.Name(attr::kIncarnation) + " = " +
                          e.Value(ctx.scope().incarnation());
  std::string update = "SET " + e.Name(kKeyStatus) + " = " + e.Value(kRevoked) + ", " +
                       e.Name(kRevokedDate) + " = " + e.Value(found->revoked_date);
  Txn txn;
  txn.Update(store_.layout->SystemTableName(SystemTable::kApiKeys).str(),
             store_.layout->ApiKeyKey(found->tier, found->key_id), update, condition, std::move(e),
             missing);
  IT_RETURN_IF_ERROR(CommitWrite(store_, ctx, &txn));
  return *found;
}

Result<std::optional<ApiKeyRecord>> ApiKeyRepository::Find(std::string_view key_id) {
  if (!ValidateKeyId(key_id).ok()) return std::optional<ApiKeyRecord>();
  for (Tier tier : {Tier::kBasic, Tier::kPremium, Tier::kPlatinum}) {
    dynamo::GetItemRequest get;
    get.table_name = store_.layout->SystemTableName(SystemTable::kApiKeys).str();
    get.key = store_.layout->ApiKeyKey(tier, key_id);
    get.consistent_read = true;
    IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse got, store_.backend->GetItem(get));
    if (got.item) {
      IT_ASSIGN_OR_RETURN(ApiKeyRecord r, DecodeApiKey(*got.item));
      return std::optional<ApiKeyRecord>(std::move(r));
    }
  }
  return std::optional<ApiKeyRecord>();
}

}  // namespace issuetracker::tracker
