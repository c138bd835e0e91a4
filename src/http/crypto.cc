#include "http/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace issuetracker::http {

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  // An empty key is passed as a valid pointer: OpenSSL treats a null key as "reuse".
  static const unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &out_len);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

HmacSha256Key::HmacSha256Key(std::string_view key) : key_(key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
  EVP_MAC_free(mac);  // the context holds its own reference
  if (ctx == nullptr) return;
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};
  static const unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx, key_bytes, key.size(), params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return;
  }
  keyed_ = ctx;
}

HmacSha256Key::~HmacSha256Key() { EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(keyed_)); }

HmacSha256Key::HmacSha256Key(HmacSha256Key&& other) noexcept
    : key_(std::move(other.key_)), keyed_(other.keyed_) {
  other.keyed_ = nullptr;
}

HmacSha256Key& HmacSha256Key::operator=(HmacSha256Key&& other) noexcept {
  if (this != &other) {
    EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(keyed_));
    key_ = std::move(other.key_);
    keyed_ = other.keyed_;
    other.keyed_ = nullptr;
  }
  return *this;
}

std::string HmacSha256Key::Mac(std::string_view data) const {
  EVP_MAC_CTX* ctx = keyed_ ? EVP_MAC_CTX_dup(static_cast<const EVP_MAC_CTX*>(keyed_)) : nullptr;
  if (ctx == nullptr) return HmacSha256(key_, data);
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  const bool ok =
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
      EVP_MAC_final(ctx, out, &out_len, sizeof(out)) == 1;
  EVP_MAC_CTX_free(ctx);
  if (!ok) return HmacSha256(key_, data);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string Sha256(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  EVP_Digest(data.data(), data.size(), out, &out_len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Status::Internal("the random generator failed");
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace issuetracker::http
