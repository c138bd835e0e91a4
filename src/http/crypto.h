// Small wrappers over OpenSSL used by the authentication pieces (JWT, API keys, request
// ids). OpenSSL headers stay in crypto.cc and jwt.cc.
//
// Thread-safety: pure functions; OpenSSL's random generator is thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace issuetracker::http {

// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

// HMAC-SHA256 under one key, prepared once: each Mac() copies a keyed context instead of
// looking the algorithm up and keying it again (several times faster than HmacSha256 for
// short inputs such as a JWT's signing input). Immutable; Mac() is thread-safe.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;
  HmacSha256Key(HmacSha256Key&& other) noexcept;
  HmacSha256Key& operator=(HmacSha256Key&& other) noexcept;

  // HMAC-SHA256 of `data`: 32 raw bytes.
  std::string Mac(std::string_view data) const;

 private:
  std::string key_;        // kept for the fallback if the prepared context is unavailable
  void* keyed_ = nullptr;  // EVP_MAC_CTX* (OpenSSL types stay out of this header)
};

// SHA-256 of `data`: 32 raw bytes.
std::string Sha256(std::string_view data);

// `n` bytes from OpenSSL's CSPRNG; kInternalServerError if it cannot produce them.
Result<std::string> RandomBytes(size_t n);

// Whether a and b are equal, in time that depends only on their lengths (not on where
// they differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace issuetracker::http
