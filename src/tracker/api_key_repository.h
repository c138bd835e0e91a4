// ApiKeyRepository: the records of the ApiKeys table (partition tier_name, sort key_id),
// the API keys applications of a company use instead of a user's bearer token.
//
// A key is created and revoked by a Root User of the company; its record is filed under the
// company's tier (the spec's "API keys per tier": the tier names the usage plan) and holds
// the company, its incarnation, who created it with which role, a name, the key's hash (never
// the key: the caller hashes it, http/api_key.h) and whether it is revoked. A request made
// with a key acts as its creator, in the creator's role, and is re-validated like any other
// context (session.h): a key stops working when its creator is demoted, disabled or
// removed, when the company is offboarded, and when it is revoked.
//
// Thread-safety: safe to call from many threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

// The stored record of one API key. persisted (ApiKeys items): see docs/schema.md.
struct ApiKeyRecord {
  std::string key_id;  // 16 lowercase hex characters (the public part of the key)
  Tier tier = Tier::kBasic;
  CompanyId company_id;
  std::string incarnation;  // the company registration the key belongs to
  std::string name;         // a label chosen by its creator
  std::string key_hash;     // "hmac-sha256:<hex>" (http/api_key.h)
  UserEmail created_by;
  Role role = Role::kRootUser;  // the creator's role when it was created
  std::string created_date;
  bool revoked = false;
  std::string revoked_date;  // "" unless revoked
};

struct NewApiKey {
  std::string key_id;
  std::string key_hash;
  std::string name;
};

inline constexpr size_t kMaxApiKeysPerCompany = 20;

class ApiKeyRepository {
 public:
  explicit ApiKeyRepository(Store store) : store_(store) {}

  // Files a key of ctx's company under its tier (Root User). Validation for a malformed
  // key id, hash or name; Conflict when the id exists; QuotaExceeded past
  // kMaxApiKeysPerCompany active keys.
  Result<ApiKeyRecord> Create(const tenancy::TenantContext& ctx, const NewApiKey& key);

  // The company's keys, active and revoked, newest id order (Root User).
  Result<std::vector<ApiKeyRecord>> List(const tenancy::TenantContext& ctx);

  // Revokes a key of the company (Root User). NotFound when the company has no such key;
  // revoking a revoked key returns it unchanged.
  Result<ApiKeyRecord> Revoke(const tenancy::TenantContext& ctx, std::string_view key_id);

  // For authentication, before there is a context: the record of `key_id` in whichever
  // tier holds it (consistent reads), or nullopt. The caller verifies the presented key
  // against key_hash, refuses revoked keys, and makes the context with
  // Authenticator::Resume(created_by, role), whose incarnation must be the record's.
  Result<std::optional<ApiKeyRecord>> Find(std::string_view key_id);

 private:
  Result<std::vector<ApiKeyRecord>> ListAll(const tenancy::TenantContext& ctx);

  Store store_;
};

}  // namespace issuetracker::tracker
