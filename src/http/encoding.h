// Byte encodings shared by the HTTP support pieces: base64url without padding (RFC 4648
// section 5, as JWS uses it, RFC 7515 section 2), lowercase hex, and JSON string escaping.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace issuetracker::http {

// base64url of `bytes`, without '=' padding.
std::string Base64UrlEncode(std::string_view bytes);

// Decodes unpadded base64url strictly: nullopt on any character outside the alphabet
// (including '=' and whitespace), on a length that no encoding produces (4n+1), and on
// non-zero unused bits in the last character (so every byte string has one encoding).
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Lowercase hexadecimal of `bytes`.
std::string HexEncode(std::string_view bytes);

// Appends `text` to `out` as a JSON string literal with its quotes: '"', '\\' and
// control characters escaped; bytes that are not valid UTF-8 become U+FFFD, so the
// output is always valid JSON whatever the input.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace issuetracker::http
