// JSON Web Tokens (RFC 7519) signed as JWS compact serialisations (RFC 7515) with HS256
// (HMAC-SHA256, a shared secret) or RS256 (RSASSA-PKCS1-v1_5 with SHA-256, an RSA key
// pair), verified and minted with OpenSSL.
//
// What verification guarantees: the token is at most max_token_bytes; it has exactly three
// base64url segments (strictly decoded) whose first two are JSON objects; its header's
// "alg" is exactly the configured algorithm (so "none" and algorithm confusion, such as an
// HS256 token whose HMAC key is the configured RSA public key, are refused); it carries no
// "crit" header and "typ", when present, is "JWT"; the signature is valid (HMACs compared
// in constant time); "exp" is present (unless configured otherwise) and not passed, "nbf"
// not in the future, each with `leeway_seconds` of clock skew allowed; "iss" equals the
// configured issuer and "aud" contains the configured audience when those are configured
// (a token naming an audience is refused by a verifier configured with none, RFC 7519
// section 4.1.3). Registered claims of the wrong JSON type make the token malformed.
//
// Thread-safety: JwtVerifier and JwtSigner are immutable after Create(); Verify() and
// Sign() may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "common/status.h"

namespace issuetracker::http {

enum class JwtAlgorithm : uint8_t { kHS256, kRS256 };

// The token of an `Authorization: Bearer <token>` field value (RFC 6750 section 2.1; the
// scheme is case-insensitive), or nullopt when the value is not of that form.
std::optional<std::string_view> FindBearerToken(std::string_view authorization);

// "HS256" / "RS256".
std::string_view JwtAlgorithmName(JwtAlgorithm algorithm);

// Why a token was refused. Every refusal is a Status with Code::kUnauthenticated (a 401
// for the client, who should not learn more); this finer reason is for logs and tests.
enum class JwtError : uint8_t {
  kTooLarge,              // longer than max_token_bytes
  kMalformed,             // segments, base64url, JSON, or a claim of the wrong type
  kUnsupportedAlgorithm,  // "alg" is not the configured algorithm (incl. "none")
  kUnsupportedHeader,     // "crit" present, or "typ" other than "JWT"
  kBadSignature,
  kExpired,        // now >= exp + leeway
  kNotYetValid,    // now + leeway < nbf
  kMissingExpiry,  // no "exp" and the verifier requires one
  kWrongIssuer,
  kWrongAudience,
};

std::string_view JwtErrorName(JwtError error);

// The reason of a Status returned by JwtVerifier::Verify, or nullopt for other statuses.
std::optional<JwtError> JwtErrorOf(const Status& status);

// The claims of a token. Registered claims have their own fields; other top-level claims
// whose values are strings (for us: company, user, role) are in `strings`; other
// non-registered claims (numbers, objects...) are ignored on reading.
struct JwtClaims {
  std::string issuer;                 // "iss"; empty when absent
  std::string subject;                // "sub"
  std::vector<std::string> audience;  // "aud", a string or an array of strings
  std::optional<int64_t> expires_at;  // "exp", seconds since the Unix epoch
  std::optional<int64_t> not_before;  // "nbf"
  std::optional<int64_t> issued_at;   // "iat"
  std::string jwt_id;                 // "jti"
  std::map<std::string, std::string, std::less<>> strings;

  // The value of string claim `name` (from `strings`), or nullopt.
  std::optional<std::string_view> Find(std::string_view name) const;
};

struct JwtVerifierOptions {
  JwtAlgorithm algorithm = JwtAlgorithm::kHS256;
  // HS256: the shared secret's raw bytes, at least 32 (RFC 7518 section 3.2).
  std::string hs256_secret;
  // RS256: the RSA public key (at least 2048 bits) as PEM SubjectPublicKeyInfo
  // ("-----BEGIN PUBLIC KEY-----").
  std::string rs256_public_key_pem;
  std::string issuer;    // required value of "iss" when not empty
  std::string audience;  // a value "aud" must contain when not empty
  int64_t leeway_seconds = 30;
  bool require_expiry = true;
  size_t max_token_bytes = 8 * 1024;
  const Clock* clock = nullptr;  // SystemClock::Default() when null; not owned
};

class JwtVerifier {
 public:
  // Validates the options and loads the key. Errors (kValidation): secret too short or
  // looking like a PEM key, unreadable or non-RSA or short PEM key, negative leeway.
  static Result<std::unique_ptr<JwtVerifier>> Create(JwtVerifierOptions options);
  ~JwtVerifier();

  // The claims of `token` if it passes every check above; otherwise a kUnauthenticated
  // Status whose JwtErrorOf() tells why.
  Result<JwtClaims> Verify(std::string_view token) const;

 private:
  struct Rep;
  explicit JwtVerifier(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

struct JwtSignerOptions {
  JwtAlgorithm algorithm = JwtAlgorithm::kHS256;
  std::string hs256_secret;           // HS256: at least 32 bytes
  std::string rs256_private_key_pem;  // RS256: PEM private key (PKCS#8 or PKCS#1)
  std::string key_id;                 // written as "kid" when not empty
};

// Mints tokens, for tests and `issuetracker token issue`.
class JwtSigner {
 public:
  static Result<std::unique_ptr<JwtSigner>> Create(JwtSignerOptions options);
  ~JwtSigner();

  // A compact JWS of header {"alg":..,"typ":"JWT"[,"kid":..]} and `claims` as a JSON
  // object (registered claims first, then `strings` in name order). kValidation when
  // `strings` uses a registered claim's name.
  Result<std::string> Sign(const JwtClaims& claims) const;
  // Signs the given header and payload bytes exactly as they are (known-answer tests;
  // tokens with unusual headers). The header's "alg" is not checked.
  Result<std::string> SignRaw(std::string_view header_json, std::string_view payload_json) const;

 private:
  struct Rep;
  explicit JwtSigner(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace issuetracker::http
