#include "http/api_key.h"

#include "http/crypto.h"
#include "http/encoding.h"

namespace issuetracker::http {
namespace {

constexpr size_t kKeyIdHexChars = 16;
constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretChars = 43;  // base64url of 32 bytes, unpadded
constexpr size_t kMinPepperBytes = 16;
constexpr std::string_view kHashPrefix = "hmac-sha256:";

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

Result<GeneratedApiKey> GenerateApiKey() {
  IT_ASSIGN_OR_RETURN(std::string id_bytes, RandomBytes(kKeyIdHexChars / 2));
  IT_ASSIGN_OR_RETURN(std::string secret_bytes, RandomBytes(kSecretBytes));
  GeneratedApiKey out;
  out.key_id = HexEncode(id_bytes);
  out.key.reserve(kApiKeyPrefix.size() + kKeyIdHexChars + 1 + kSecretChars);
  out.key.append(kApiKeyPrefix)
      .append(out.key_id)
      .append("_")
      .append(Base64UrlEncode(secret_bytes));
  return out;
}

std::optional<std::string_view> ApiKeyIdOf(std::string_view presented) {
  if (presented.size() != kApiKeyPrefix.size() + kKeyIdHexChars + 1 + kSecretChars) {
    return std::nullopt;
  }
  if (presented.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix) return std::nullopt;
  const std::string_view id = presented.substr(kApiKeyPrefix.size(), kKeyIdHexChars);
  for (char c : id) {
    if (!IsLowerHex(c)) return std::nullopt;
  }
  if (presented[kApiKeyPrefix.size() + kKeyIdHexChars] != '_') return std::nullopt;
  const std::string_view secret = presented.substr(kApiKeyPrefix.size() + kKeyIdHexChars + 1);
  for (char c : secret) {
    if (!IsBase64UrlChar(c)) return std::nullopt;
  }
  // The last character carries 4 unused bits that an encoder leaves zero.
  if (!Base64UrlDecode(secret)) return std::nullopt;
  return id;
}

Result<ApiKeyHasher> ApiKeyHasher::Create(std::string pepper) {
  if (pepper.size() < kMinPepperBytes) {
    return Status::Validation("the API key pepper must be at least 16 bytes");
  }
  return ApiKeyHasher(pepper);
}

std::string ApiKeyHasher::Hash(std::string_view key) const {
  std::string out(kHashPrefix);
  out.append(HexEncode(mac_.Mac(key)));
  return out;
}

bool ApiKeyHasher::Verify(std::string_view presented, std::string_view stored_hash) const {
  return ConstantTimeEquals(Hash(presented), stored_hash);
}

}  // namespace issuetracker::http
