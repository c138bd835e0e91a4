// API keys for applications: generated at random, shown once, stored only as a keyed hash,
// verified in constant time.
//
// Format: "itk_" + key id (16 lowercase hex characters, 64 random bits) + "_" + secret
// (43 base64url characters, 256 random bits), e.g.
// "itk_3f9c0a1b2c3d4e5f_q8Jd...". The prefix makes leaked keys recognisable to secret
// scanners; the key id is public (it names the key in the ApiKeys table and in logs) and
// lets a presented key be found without scanning; the secret is never stored.
//
// Stored form: "hmac-sha256:" + 64 hex characters, the HMAC-SHA256 of the whole key under
// a server-side pepper (configured, not stored beside the hashes), so a copy of the table
// alone cannot be used to test guesses offline.
//
// Thread-safety: pure functions; ApiKeyHasher is immutable.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/crypto.h"

namespace issuetracker::http {

inline constexpr std::string_view kApiKeyPrefix = "itk_";

struct GeneratedApiKey {
  std::string key_id;  // 16 hex characters
  std::string key;     // the whole key, to show once to its owner
};

// A fresh key from OpenSSL's CSPRNG; kInternalServerError if no randomness is available.
Result<GeneratedApiKey> GenerateApiKey();

// The key id of `presented` if it has the key format (prefix, id, separator, 43-character
// base64url secret), else nullopt. Says nothing about validity; look the id up, then
// ApiKeyHasher::Verify.
std::optional<std::string_view> ApiKeyIdOf(std::string_view presented);

class ApiKeyHasher {
 public:
  // REQUIRES-like check: the pepper must have at least 16 bytes (kValidation otherwise).
  static Result<ApiKeyHasher> Create(std::string pepper);

  // The stored form of `key`.
  std::string Hash(std::string_view key) const;
  // Whether `presented` hashes to `stored_hash`; the comparison takes the same time
  // wherever the hashes differ.
  bool Verify(std::string_view presented, std::string_view stored_hash) const;

 private:
  explicit ApiKeyHasher(std::string_view pepper) : mac_(pepper) {}
  HmacSha256Key mac_;
};

}  // namespace issuetracker::http
