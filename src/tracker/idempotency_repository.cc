#include "tracker/idempotency_repository.h"

#include "tenancy/schema_names.h"

namespace issuetracker::tracker {

using dynamo::AttributeValue;
using dynamo::Item;
using tenancy::SystemTable;
using tenancy::TenantContext;
namespace attr = tenancy::attr;

namespace {

// Data attributes of an IdempotencyKeys item. persisted: do not rename.
constexpr std::string_view kRequestHash = "request_hash";
constexpr std::string_view kState = "record_state";  // "running" | "done"
constexpr std::string_view kResponseStatus = "response_status";
constexpr std::string_view kResponseBody = "response_body";
constexpr std::string_view kLocation = "location";
constexpr std::string_view kEtag = "etag";
constexpr std::string_view kRunning = "running";
constexpr std::string_view kDone = "done";

std::optional<int64_t> FindN(const Item& item, std::string_view name) {
  auto it = item.find(name);
  if (it == item.end() || !it->second.is(dynamo::AttrType::kN)) return std::nullopt;
  return it->second.n().ToInt64();
}

Result<IdempotencyRecord> DecodeIdempotency(const Item& item) {
  IdempotencyRecord r;
  const std::string* hash = dynamo::FindS(item, kRequestHash);
  const std::string* state = dynamo::FindS(item, kState);
  std::optional<int64_t> expires = FindN(item, attr::kExpiresAt);
  if (hash == nullptr || state == nullptr || !expires) {
    return Status::Corruption("Malformed idempotency record");
  }
  r.request_hash = *hash;
  r.completed = *state == kDone;
  r.expires_at = *expires;
  r.status = static_cast<int>(FindN(item, kResponseStatus).value_or(0));
  if (const std::string* b = dynamo::FindS(item, kResponseBody)) r.body = *b;
  if (const std::string* l = dynamo::FindS(item, kLocation)) r.location = *l;
  if (const std::string* t = dynamo::FindS(item, kEtag)) r.etag = *t;
  return r;
}

}  // namespace

int64_t IdempotencyRepository::NowSeconds() const { return store_.clock->NowMicros() / 1'000'000; }

Result<std::optional<IdempotencyRecord>> IdempotencyRepository::Reserve(
    const TenantContext& ctx, std::string_view key, std::string_view request_hash) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  const tenancy::Layout& layout = *store_.layout;
  IT_ASSIGN_OR_RETURN(Item item, layout.IdempotencyRecordKey(ctx.scope(), ctx.actor(), key));
  const Item record_key = item;
  const int64_t now = NowSeconds();
  item[std::string(attr::kIncarnation)] = AttributeValue::S(ctx.scope().incarnation());
  item[std::string(kRequestHash)] = AttributeValue::S(std::string(request_hash));
  item[std::string(kState)] = AttributeValue::S(std::string(kRunning));
  item[std::string(attr::kExpiresAt)] = AttributeValue::N(now + options_.lease_seconds);
  const std::string table = layout.SystemTableName(SystemTable::kIdempotencyKeys).str();
  for (int attempt = 0; attempt < 3; ++attempt) {
    Expr e;
    // Free: no record, an expired one, or one of an earlier registration of the company.
    std::string condition = "attribute_not_exists(" + e.Name(attr::kCompanyId) + ") OR " +
                            e.Name(attr::kExpiresAt) + " <= " + e.Value(now) + " OR " +
                            e.Name(attr::kIncarnation) + " <> " +
                            e.Value(ctx.scope().incarnation());
    Txn txn;
    txn.Put(table, item, condition, std::move(e), Status::ConditionalCheckFailed());
    Status reserved = CommitWrite(store_, ctx, &txn);
    if (reserved.ok()) return std::optional<IdempotencyRecord>();
    if (!reserved.Is(Code::kConditionalCheckFailed)) return reserved;
    IT_ASSIGN_OR_RETURN(std::optional<Item> held,
                        Fetch(store_, tenancy::PointLookup{tenancy::TableName(table), record_key}));
    if (!held) continue;  // released meanwhile: try again
    IT_ASSIGN_OR_RETURN(IdempotencyRecord existing, DecodeIdempotency(*held));
    if (existing.expires_at <= now) continue;  // expired meanwhile
    return CheckedRead(store_, ctx, Result<std::optional<IdempotencyRecord>>(std::move(existing)));
  }
  return Status::Conflict("The idempotency key is changing hands; retry the request");
}

Status IdempotencyRepository::Complete(const TenantContext& ctx, std::string_view key,
                                       std::string_view request_hash,
                                       const IdempotencyRecord& response) {
  const tenancy::Layout& layout = *store_.layout;
  IT_ASSIGN_OR_RETURN(Item item, layout.IdempotencyRecordKey(ctx.scope(), ctx.actor(), key));
  item[std::string(attr::kIncarnation)] = AttributeValue::S(ctx.scope().incarnation());
  item[std::string(kRequestHash)] = AttributeValue::S(std::string(request_hash));
  item[std::string(kState)] = AttributeValue::S(std::string(kDone));
  item[std::string(attr::kExpiresAt)] = AttributeValue::N(NowSeconds() + options_.ttl_seconds);
  item[std::string(kResponseStatus)] = AttributeValue::N(int64_t{response.status});
  if (!response.body.empty()) item[std::string(kResponseBody)] = AttributeValue::S(response.body);
  if (!response.location.empty()) {
    item[std::string(kLocation)] = AttributeValue::S(response.location);
  }
  if (!response.etag.empty()) item[std::string(kEtag)] = AttributeValue::S(response.etag);
  Expr e;
  std::string condition = e.Name(kRequestHash) + " = " + e.Value(request_hash) + " AND " +
                          e.Name(kState) + " = " + e.Value(kRunning);
  Txn txn;
  txn.Put(layout.SystemTableName(SystemTable::kIdempotencyKeys).str(), std::move(item), condition,
          std::move(e), Status::Conflict("The idempotency key's reservation was lost"));
  // The response is what the client must get again, even if the user lost their role since.
  return CommitCleanup(store_, ctx, &txn);
}

Status IdempotencyRepository::Release(const TenantContext& ctx, std::string_view key,
                                      std::string_view request_hash) {
  const tenancy::Layout& layout = *store_.layout;
  IT_ASSIGN_OR_RETURN(Item record_key, layout.IdempotencyRecordKey(ctx.scope(), ctx.actor(), key));
  Expr e;
  std::string condition = e.Name(kRequestHash) + " = " + e.Value(request_hash) + " AND " +
                          e.Name(kState) + " = " + e.Value(kRunning);
  Txn txn;
  txn.Delete(layout.SystemTableName(SystemTable::kIdempotencyKeys).str(), std::move(record_key),
             condition, std::move(e), Status::Ok());
  Status released = CommitCleanup(store_, ctx, &txn);
  return released.Is(Code::kConditionalCheckFailed) ? Status::Ok() : released;
}

}  // namespace issuetracker::tracker
