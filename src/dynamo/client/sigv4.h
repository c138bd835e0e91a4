// AWS Signature Version 4: signs an HTTP request for an AWS service, as the AWS SDKs do.
//
// The canonical request is built as botocore builds it for services other than S3: the
// method; the path with dot segments and repeated slashes removed, URI-encoded (so a path
// sent encoded is encoded twice, as SigV4 wants for these services); the query string's
// pairs sorted; every header but User-Agent, Expect and X-Amzn-Trace-Id, names lowercased
// and sorted, values trimmed with inner runs of whitespace collapsed, repeated headers
// joined by ","; the signed header names; the hex SHA-256 of the payload. The string to
// sign is "AWS4-HMAC-SHA256\n<X-Amz-Date>\n<date>/<region>/<service>/aws4_request\n<hex
// SHA-256 of the canonical request>", signed with the key derived from the secret key by
// the HMAC-SHA256 chain over date, region, service and "aws4_request".
//
// Thread-safety: a Signer may be used from many threads at once (its derived-key cache is
// guarded by a mutex).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace issuetracker::dynamo::client {

// An AWS access key, with the session token of temporary credentials.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::string source;         // where they were found, for messages ("environment", ...)
};

// What is signed: the request as it will be sent (path and query already URI-encoded, the
// headers with their values as sent, Host included).
struct SigningInput {
  std::string_view method = "POST";
  std::string_view path = "/";
  std::string_view query;  // without '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view payload;
};

// The headers to add to the request: X-Amz-Date, X-Amz-Security-Token (with a session
// token) and Authorization.
struct SignedHeaders {
  std::string amz_date;        // "20240115T083000Z"
  std::string security_token;  // empty without a session token
  std::string authorization;
};

class Signer {
 public:
  Signer(std::string region, std::string service);

  // Signs `input` at time `now` with `credentials`. The X-Amz-Date and (with a session
  // token) X-Amz-Security-Token headers are signed too and must be sent as returned;
  // `input.headers` must not contain them.
  SignedHeaders Sign(const SigningInput& input, const Credentials& credentials,
                     std::chrono::system_clock::time_point now) const;

  // The parts of the signature, for tests and diagnostics.
  std::string CanonicalRequest(const SigningInput& input, std::string_view amz_date,
                               std::string_view security_token) const;

  const std::string& region() const { return region_; }

 private:
  // The derived signing key for a date ("20240115"), cached per secret and date.
  std::string SigningKey(const std::string& secret, std::string_view date) const;

  std::string region_;
  std::string service_;
  mutable std::mutex mu_;  // guards the cache below
  mutable std::string cached_secret_;
  mutable std::string cached_date_;
  mutable std::string cached_key_;
};

// Hex SHA-256 of `data` (lowercase).
std::string HexSha256(std::string_view data);

// "20240115T083000Z" for `t` (UTC).
std::string AmzDate(std::chrono::system_clock::time_point t);

}  // namespace issuetracker::dynamo::client
