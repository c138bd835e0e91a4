// SigV4 authentication of requests received by the DynamoDB-compatible endpoint, with
// DynamoDB's errors, checked in DynamoDB's order:
//
//   1. an Authorization header and X-Amz-Algorithm in the query string both:
//      InvalidSignatureException;
//   2. neither, or an Authorization header not starting with "AWS4-":
//      MissingAuthenticationTokenException "Request is missing Authentication Token";
//   3. a pair without '=', or a missing Credential, Signature or SignedHeaders parameter,
//      or no X-Amz-Date / Date header: IncompleteSignatureException naming each problem;
//   4. a date not in ISO-8601 basic format, an algorithm other than AWS4-HMAC-SHA256, a
//      credential without exactly five slash-separated parts: IncompleteSignatureException.
//
// That is a well-formed request, and in local mode (no access keys configured) it is all
// that is checked, as DynamoDB Local accepts any well-formed signature. With access keys,
// the signature is verified too:
//
//   5. the date more than 15 minutes from the server's clock: InvalidSignatureException
//      "Signature expired: ..." / "Signature not yet current: ...";
//   6. Host not among the signed headers, or a credential scope for another region,
//      service, terminator or date: InvalidSignatureException;
//   7. an unknown access key id, or a session token (temporary credentials cannot be
//      checked here): UnrecognizedClientException "The security token included in the
//      request is invalid.";
//   8. a signature that differs from the one computed from the received request (method,
//      path, query, the signed headers, the body) with the key's secret:
//      InvalidSignatureException "The request signature we calculated does not match ...",
//      followed by the canonical request and string to sign, as DynamoDB answers.
//
// Thread-safety: Check may be called from many threads at once (the derived-key cache is
// guarded by a mutex).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "common/status.h"
#include "net/http_types.h"

namespace issuetracker::dynamo::server {

struct AuthOptions {
  // The region this endpoint serves: a verified credential must be scoped to it.
  std::string region = "us-east-1";
  // Access key id -> secret access key. Empty: local mode (any well-formed request).
  std::map<std::string, std::string> secrets;
  // How far a request's date may be from the server's clock (verified mode).
  std::chrono::seconds max_clock_skew{15 * 60};
};

// Who signed a request: the access key id and region of its credential scope
// ("AKID/20240115/us-east-1/dynamodb/aws4_request"), as received (validated only in
// verified mode). DynamoDB Local keeps a database per pair (databases.h).
struct Caller {
  std::string access_key;
  std::string region;
};

class RequestAuthenticator {
 public:
  explicit RequestAuthenticator(AuthOptions options);

  // Status::Ok() when `request` may be served at time `now`, else DynamoDB's error. On
  // success, when `caller` is given, sets it from the credential scope.
  Status Check(const net::Request& request, std::chrono::system_clock::time_point now,
               Caller* caller = nullptr) const;

  // Whether signatures are verified (access keys are configured).
  bool verifying() const { return !options_.secrets.empty(); }

 private:
  struct Parsed;
  Status Verify(const net::Request& request, const Parsed& parsed,
                std::chrono::system_clock::time_point now) const;
  std::string SigningKey(const std::string& secret, std::string_view date) const;

  const AuthOptions options_;
  mutable std::mutex mu_;                                      // guards keys_
  mutable std::unordered_map<std::string, std::string> keys_;  // secret + date -> key
};

// The caller a request names in its credential scope, without checking anything else (for
// decisions that must be cheap, such as where to handle it); nullopt when it names none.
std::optional<Caller> PeekCaller(const net::Request& request);

// The access keys of a file: lines "ACCESS_KEY_ID SECRET" or "ACCESS_KEY_ID:SECRET"
// (blank lines and lines starting with '#' skipped), or an AWS shared credentials file
// (sections with aws_access_key_id and aws_secret_access_key). IOError when the file cannot
// be read, ValidationException naming the line that does not parse or when it holds no key.
Result<std::map<std::string, std::string>> LoadAccessKeys(const std::string& path);

// "ID:SECRET" as given on a command line. ValidationException when malformed.
Result<std::pair<std::string, std::string>> ParseAccessKey(std::string_view text);

}  // namespace issuetracker::dynamo::server
