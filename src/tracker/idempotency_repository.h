// IdempotencyRepository: the records behind the REST service's Idempotency-Key header,
// in the service's IdempotencyKeys table (partition company_id, sort "<user>/<key>"; keys
// are built by tenancy::Layout).
//
// A create request carrying a key first Reserves it: a conditional write that succeeds for
// one request only, so concurrent retries cannot both run. The request then runs; on
// success its response is stored (Complete) and every later request with the key gets that
// response again; on failure the reservation is Released, so a retry runs again.
//
// Expiry (the engine has no TTL yet): every record carries expires_at (seconds since the
// epoch). A reservation lasts `lease_seconds` (a request that died mid-way blocks its key
// that long, not longer); a completed record `ttl_seconds`. An expired record is ignored
// and overwritten by the next Reserve of its key; offboarding removes a company's records
// (tenancy::Provisioner::PurgeCompany).
//
// Every write goes through the context's guard like any other write (session.h).
//
// Thread-safety: safe to call from many threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "tenancy/tenant_context.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

struct IdempotencyRecord {
  bool completed = false;    // false: a request holding the key is still running
  std::string request_hash;  // what the request was (method, path, body), hashed by the caller
  int status = 0;            // the stored response (completed only)
  std::string body;
  std::string location;
  std::string etag;
  int64_t expires_at = 0;  // seconds since the epoch
};

struct IdempotencyOptions {
  int64_t lease_seconds = 60;
  int64_t ttl_seconds = 24 * 3600;
};

class IdempotencyRepository {
 public:
  explicit IdempotencyRepository(Store store, IdempotencyOptions options = {})
      : store_(store), options_(options) {}

  // Reserves `key` for ctx's user and this request: nullopt when reserved (run it), else
  // the live record already holding the key (in progress, or completed with its response;
  // the caller compares request_hash). Validation for a malformed key.
  Result<std::optional<IdempotencyRecord>> Reserve(const tenancy::TenantContext& ctx,
                                                   std::string_view key,
                                                   std::string_view request_hash);

  // Stores the response of the request that reserved `key` (status, body, location, etag
  // of `response`; the hash is kept).
  Status Complete(const tenancy::TenantContext& ctx, std::string_view key,
                  std::string_view request_hash, const IdempotencyRecord& response);

  // Gives a reservation up (the request failed), so the key can be used again.
  Status Release(const tenancy::TenantContext& ctx, std::string_view key,
                 std::string_view request_hash);

 private:
  int64_t NowSeconds() const;

  Store store_;
  IdempotencyOptions options_;
};

}  // namespace issuetracker::tracker
