#include "http/jwt.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <limits>

#include "http/crypto.h"
#include "http/encoding.h"
#include "net/http_types.h"

namespace issuetracker::http {
namespace json = boost::json;

namespace {

constexpr size_t kMinHmacSecretBytes = 32;  // RFC 7518 section 3.2: at least the hash size
constexpr int kMinRsaBits = 2048;           // RFC 7518 section 3.3

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

class JwtErrorDetail final : public StatusDetail {
 public:
  explicit JwtErrorDetail(JwtError e) : error(e) {}
  const JwtError error;
};

Status Refuse(JwtError error, std::string_view why) {
  return Status(Code::kUnauthenticated, "invalid token: " + std::string(why),
                std::make_shared<JwtErrorDetail>(error));
}

bool LooksLikePem(std::string_view text) {
  return text.find("-----BEGIN") != std::string_view::npos;
}

Status CheckRsaKey(const EVP_PKEY* key, std::string_view what) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    return Status::Validation(std::string(what) + " is not an RSA key");
  }
  if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
    return Status::Validation(std::string(what) + " is shorter than 2048 bits");
  }
  return Status::Ok();
}

Result<PkeyPtr> LoadPem(std::string_view pem, bool private_key) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Status::Internal("BIO_new_mem_buf failed");
  PkeyPtr key(private_key ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                          : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  const char* what = private_key ? "the RS256 private key" : "the RS256 public key";
  if (!key) return Status::Validation(std::string(what) + " is not a readable PEM key");
  IT_RETURN_IF_ERROR(CheckRsaKey(key.get(), what));
  return key;
}

std::optional<json::object> ParseObject(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

// A NumericDate (RFC 7519 section 2): a JSON number of seconds, possibly fractional.
bool ReadNumericDate(const json::value& v, std::optional<int64_t>& out) {
  if (v.is_int64()) {
    out = v.get_int64();
  } else if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    out = static_cast<int64_t>(v.get_uint64());
  } else if (v.is_double()) {
    const double d = v.get_double();
    if (!std::isfinite(d) || d > 9.2e18 || d < -9.2e18) return false;
    out = static_cast<int64_t>(std::floor(d));
  } else {
    return false;
  }
  return true;
}

bool ReadString(const json::value& v, std::string& out) {
  if (!v.is_string()) return false;
  out.assign(v.get_string().data(), v.get_string().size());
  return true;
}

bool ReadAudience(const json::value& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.emplace_back(v.get_string().data(), v.get_string().size());
    return true;
  }
  if (!v.is_array()) return false;
  for (const json::value& item : v.get_array()) {
    if (!item.is_string()) return false;
    out.emplace_back(item.get_string().data(), item.get_string().size());
  }
  return true;
}

Result<JwtClaims> ClaimsFrom(const json::object& payload) {
  JwtClaims claims;
  for (const auto& member : payload) {
    const std::string_view name(member.key().data(), member.key().size());
    const json::value& v = member.value();
    bool ok = true;
    if (name == "iss") {
      ok = ReadString(v, claims.issuer);
    } else if (name == "sub") {
      ok = ReadString(v, claims.subject);
    } else if (name == "jti") {
      ok = ReadString(v, claims.jwt_id);
    } else if (name == "aud") {
      ok = ReadAudience(v, claims.audience);
    } else if (name == "exp") {
      ok = ReadNumericDate(v, claims.expires_at);
    } else if (name == "nbf") {
      ok = ReadNumericDate(v, claims.not_before);
    } else if (name == "iat") {
      ok = ReadNumericDate(v, claims.issued_at);
    } else if (v.is_string()) {
      claims.strings.emplace(std::string(name),
                             std::string(v.get_string().data(), v.get_string().size()));
    }
    if (!ok)
      return Refuse(JwtError::kMalformed, "claim \"" + std::string(name) + "\" has the wrong type");
  }
  return claims;
}

bool IsRegisteredClaim(std::string_view name) {
  for (std::string_view r : {"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}) {
    if (name == r) return true;
  }
  return false;
}

void AppendMember(std::string& out, std::string_view name) {
  if (out.size() > 1) out.push_back(',');
  AppendJsonString(out, name);
  out.push_back(':');
}

}  // namespace

std::string_view JwtAlgorithmName(JwtAlgorithm algorithm) {
  return algorithm == JwtAlgorithm::kHS256 ? "HS256" : "RS256";
}

std::string_view JwtErrorName(JwtError error) {
  switch (error) {
    case JwtError::kTooLarge:
      return "too_large";
    case JwtError::kMalformed:
      return "malformed";
    case JwtError::kUnsupportedAlgorithm:
      return "unsupported_algorithm";
    case JwtError::kUnsupportedHeader:
      return "unsupported_header";
    case JwtError::kBadSignature:
      return "bad_signature";
    case JwtError::kExpired:
      return "expired";
    case JwtError::kNotYetValid:
      return "not_yet_valid";
    case JwtError::kMissingExpiry:
      return "missing_expiry";
    case JwtError::kWrongIssuer:
      return "wrong_issuer";
    case JwtError::kWrongAudience:
      return "wrong_audience";
  }
  return "unknown";
}

std::optional<JwtError> JwtErrorOf(const Status& status) {
  const auto* detail = status.DetailAs<JwtErrorDetail>();
  if (detail == nullptr) return std::nullopt;
  return detail->error;
}

std::optional<std::string_view> FindBearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer";
  if (authorization.size() <= kScheme.size() + 1 ||
      !net::EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme) ||
      authorization[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  std::string_view token = authorization.substr(kScheme.size() + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.find(' ') != std::string_view::npos) return std::nullopt;
  return token;
}

std::optional<std::string_view> JwtClaims::Find(std::string_view name) const {
  const auto it = strings.find(name);
  if (it == strings.end()) return std::nullopt;
  return std::string_view(it->second);
}

// ---- JwtVerifier ----

struct JwtVerifier::Rep {
  JwtVerifierOptions options;
  std::optional<HmacSha256Key> hmac;  // HS256 only
  PkeyPtr public_key;                 // RS256 only
};

JwtVerifier::JwtVerifier(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
JwtVerifier::~JwtVerifier() = default;

Result<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(JwtVerifierOptions options) {
  auto rep = std::make_unique<Rep>();
  if (options.leeway_seconds < 0) return Status::Validation("leeway_seconds must be >= 0");
  if (options.algorithm == JwtAlgorithm::kHS256) {
    if (options.hs256_secret.size() < kMinHmacSecretBytes) {
      return Status::Validation("the HS256 secret must be at least 32 bytes");
    }
    if (LooksLikePem(options.hs256_secret)) {
      return Status::Validation("the HS256 secret looks like a PEM key; RS256 takes keys");
    }
  } else {
    IT_ASSIGN_OR_RETURN(rep->public_key, LoadPem(options.rs256_public_key_pem, false));
  }
  if (options.clock == nullptr) options.clock = SystemClock::Default();
  if (options.algorithm == JwtAlgorithm::kHS256) rep->hmac.emplace(options.hs256_secret);
  rep->options = std::move(options);
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(rep)));
}

Result<JwtClaims> JwtVerifier::Verify(std::string_view token) const {
  const JwtVerifierOptions& o = rep_->options;
  if (token.size() > o.max_token_bytes) return Refuse(JwtError::kTooLarge, "token too large");
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Refuse(JwtError::kMalformed, "a token has three segments");
  }
  const std::string_view signing_input = token.substr(0, dot2);
  std::optional<std::string> header_text = Base64UrlDecode(token.substr(0, dot1));
  std::optional<json::object> header;
  if (header_text) header = ParseObject(*header_text);
  if (!header) return Refuse(JwtError::kMalformed, "the header is not base64url JSON");
  const json::value* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return Refuse(JwtError::kMalformed, "no \"alg\"");
  if (std::string_view(alg->get_string()) != JwtAlgorithmName(o.algorithm)) {
    return Refuse(JwtError::kUnsupportedAlgorithm, "algorithm not accepted");
  }
  if (header->contains("crit"))
    return Refuse(JwtError::kUnsupportedHeader, "\"crit\" not supported");
  if (const json::value* typ = header->if_contains("typ")) {
    if (!typ->is_string() || !net::EqualsIgnoreCase(std::string_view(typ->get_string()), "JWT")) {
      return Refuse(JwtError::kUnsupportedHeader, "\"typ\" is not JWT");
    }
  }
  std::optional<std::string> signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!signature) return Refuse(JwtError::kMalformed, "the signature is not base64url");
  bool valid = false;
  if (o.algorithm == JwtAlgorithm::kHS256) {
    valid = ConstantTimeEquals(rep_->hmac->Mac(signing_input), *signature);
  } else {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    valid = ctx &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                                 rep_->public_key.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                             signature->size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()),
                             signing_input.size()) == 1;
  }
  if (!valid) return Refuse(JwtError::kBadSignature, "bad signature");

  std::optional<std::string> payload_text =
      Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  std::optional<json::object> payload;
  if (payload_text) payload = ParseObject(*payload_text);
  if (!payload) return Refuse(JwtError::kMalformed, "the payload is not base64url JSON");
  IT_ASSIGN_OR_RETURN(JwtClaims claims, ClaimsFrom(*payload));

  const int64_t now = o.clock->NowSeconds();
  if (!claims.expires_at) {
    if (o.require_expiry) return Refuse(JwtError::kMissingExpiry, "no \"exp\"");
  } else if (now >= *claims.expires_at + o.leeway_seconds) {
    return Refuse(JwtError::kExpired, "expired");
  }
  if (claims.not_before && now + o.leeway_seconds < *claims.not_before) {
    return Refuse(JwtError::kNotYetValid, "not valid yet");
  }
  if (!o.issuer.empty() && claims.issuer != o.issuer) {
    return Refuse(JwtError::kWrongIssuer, "wrong issuer");
  }
  if (!claims.audience.empty() || !o.audience.empty()) {
    bool found = false;
    for (const std::string& a : claims.audience)
      found = found || (!o.audience.empty() && a == o.audience);
    if (!found) return Refuse(JwtError::kWrongAudience, "wrong audience");
  }
  return claims;
}

// ---- JwtSigner ----

struct JwtSigner::Rep {
  JwtSignerOptions options;
  std::optional<HmacSha256Key> hmac;  // HS256 only
  PkeyPtr private_key;                // RS256 only
};

JwtSigner::JwtSigner(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
JwtSigner::~JwtSigner() = default;

Result<std::unique_ptr<JwtSigner>> JwtSigner::Create(JwtSignerOptions options) {
  auto rep = std::make_unique<Rep>();
  if (options.algorithm == JwtAlgorithm::kHS256) {
    if (options.hs256_secret.size() < kMinHmacSecretBytes) {
      return Status::Validation("the HS256 secret must be at least 32 bytes");
    }
    rep->hmac.emplace(options.hs256_secret);
  } else {
    IT_ASSIGN_OR_RETURN(rep->private_key, LoadPem(options.rs256_private_key_pem, true));
  }
  rep->options = std::move(options);
  return std::unique_ptr<JwtSigner>(new JwtSigner(std::move(rep)));
}

Result<std::string> JwtSigner::SignRaw(std::string_view header_json,
                                       std::string_view payload_json) const {
  std::string token = Base64UrlEncode(header_json);
  token.push_back('.');
  token.append(Base64UrlEncode(payload_json));
  std::string signature;
  if (rep_->options.algorithm == JwtAlgorithm::kHS256) {
    signature = rep_->hmac->Mac(token);
  } else {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(token.data());
    if (!ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, rep_->private_key.get()) !=
            1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, data, token.size()) != 1) {
      return Status::Internal("RS256 signing failed");
    }
    signature.resize(length);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                       token.size()) != 1) {
      return Status::Internal("RS256 signing failed");
    }
    signature.resize(length);
  }
  token.push_back('.');
  token.append(Base64UrlEncode(signature));
  return token;
}

Result<std::string> JwtSigner::Sign(const JwtClaims& claims) const {
  std::string header = "{\"alg\":\"";
  header.append(JwtAlgorithmName(rep_->options.algorithm)).append("\",\"typ\":\"JWT\"");
  if (!rep_->options.key_id.empty()) {
    header.append(",\"kid\":");
    AppendJsonString(header, rep_->options.key_id);
  }
  header.push_back('}');

  std::string payload = "{";
  const auto add_string = [&](std::string_view name, const std::string& value) {
    if (value.empty()) return;
    AppendMember(payload, name);
    AppendJsonString(payload, value);
  };
  const auto add_date = [&](std::string_view name, const std::optional<int64_t>& value) {
    if (!value) return;
    AppendMember(payload, name);
    payload.append(std::to_string(*value));
  };
  add_string("iss", claims.issuer);
  add_string("sub", claims.subject);
  if (claims.audience.size() == 1) {
    add_string("aud", claims.audience[0]);
  } else if (!claims.audience.empty()) {
    AppendMember(payload, "aud");
    payload.push_back('[');
    for (size_t i = 0; i < claims.audience.size(); ++i) {
      if (i > 0) payload.push_back(',');
      AppendJsonString(payload, claims.audience[i]);
    }
    payload.push_back(']');
  }
  add_date("exp", claims.expires_at);
  add_date("nbf", claims.not_before);
  add_date("iat", claims.issued_at);
  add_string("jti", claims.jwt_id);
  for (const auto& [name, value] : claims.strings) {
    if (IsRegisteredClaim(name)) {
      return Status::Validation("claim \"" + name + "\" is registered; use its field");
    }
    AppendMember(payload, name);
    AppendJsonString(payload, value);
  }
  payload.push_back('}');
  return SignRaw(header, payload);
}

}  // namespace issuetracker::http
