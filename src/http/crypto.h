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

// SHA-256 of `data`: 32 raw bytes.
std::string Sha256(std::string_view data);

// `n` bytes from OpenSSL's CSPRNG; kInternalServerError if it cannot produce them.
Result<std::string> RandomBytes(size_t n);

// Whether a and b are equal, in time that depends only on their lengths (not on where
// they differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace issuetracker::http
