// Error responses as "Problem Details for HTTP APIs" (RFC 9457, media type
// application/problem+json), and request ids.
//
// A problem carries the members of RFC 9457 (type, title, status, detail, instance) plus
// two extension members: `code`, a stable machine-readable name of the error (clients
// branch on it; titles and details may change wording), and `request_id`, the id the
// server logged the request under.
//
// Thread-safety: pure functions; NewRequestId() uses OpenSSL's thread-safe generator.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "net/http_types.h"

namespace issuetracker::http {

inline constexpr std::string_view kProblemContentType = "application/problem+json";

struct Problem {
  int status = 500;
  std::string code;        // stable, snake_case: "not_found", "rate_limited", ...
  std::string title;       // short summary; the status's reason phrase when empty
  std::string detail;      // this occurrence, for humans; omitted when empty
  std::string type;        // a URI reference; omitted when empty (means "about:blank")
  std::string instance;    // a URI reference; omitted when empty
  std::string request_id;  // omitted when empty
};

// The problem as a JSON object: {"type"?,"title","status","detail"?,"instance"?,"code",
// "request_id"?} in that order. Always valid JSON (invalid UTF-8 is replaced).
std::string ProblemJson(const Problem& problem);

// Sets `response` to the problem: status, Content-Type application/problem+json, body.
// Other headers of `response` are kept.
void WriteProblem(const Problem& problem, net::Response& response);

// The stable code of a Status code: its error name in snake_case without "Exception"
// (ValidationException -> "validation", ConditionalCheckFailedException ->
// "conditional_check_failed", Forbidden -> "forbidden", QuotaExceeded -> "quota_exceeded").
std::string ProblemCode(Code code);

// A problem for a failed Status: status from HttpStatusFor(), code from ProblemCode(),
// detail from the message, except for server errors (5xx), whose detail is a generic
// sentence so that internal messages are not shown to clients.
Problem ProblemFromStatus(const Status& status, std::string request_id);

// A fresh request id: a random (version 4) UUID in lowercase, 36 characters, from
// OpenSSL's CSPRNG (122 random bits: unique in practice). Falls back to a
// time-and-counter id, still unique within the process, if the generator fails.
std::string NewRequestId();

// Whether `id` is acceptable as a client-supplied request id (X-Request-Id): 1 to 128
// characters of [A-Za-z0-9._:-]; others are replaced by a fresh id.
bool IsValidRequestId(std::string_view id);

}  // namespace issuetracker::http
