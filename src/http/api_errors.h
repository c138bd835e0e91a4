// The REST API's errors: how a Status becomes a problem+json response (RFC 9457) with a
// stable `code`, in one place.
//
//   400 malformed_json, invalid_field, missing_field, unknown_field, invalid_cursor,
//       invalid_parameter, invalid_header (a request that does not have the expected form;
//       unknown JSON members are 400 unknown_field: the API refuses what it does not know
//       rather than ignore it)
//   401 unauthenticated (no, bad or expired credentials; a session no longer valid)
//   403 forbidden (the role does not allow it)
//   404 not_found (also every resource of another company: never 403), route_not_found
//   405 method_not_allowed
//   409 conflict (workflow, state, a concurrent change), limit_reached (seats, API keys),
//       idempotency_key_in_use
//   412 precondition_failed (If-Match names a stale ETag)
//   413 payload_too_large, 415 unsupported_media_type
//   422 validation_failed (well-formed values the data layer refuses),
//       idempotency_key_reused (the key was used for another request)
//   428 precondition_required (a write without If-Match)
//   429 rate_limited, monthly_quota_exceeded
//   500 internal (details are logged, not shown), 503 unavailable
//
// Thread-safety: pure functions.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/problem.h"

namespace issuetracker::http {

// A Status detail naming the API code (and HTTP status) a Status maps to, for errors the
// API layer itself raises.
class ApiErrorCode : public StatusDetail {
 public:
  ApiErrorCode(int status, std::string code) : status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

// A Status of the API layer: `code` at HTTP `status`, with `message` as the detail.
Status ApiError(int status, std::string_view code, std::string_view message);

// The problem for `status` (see the table above).
Problem ApiProblem(const Status& status, std::string request_id);

}  // namespace issuetracker::http
