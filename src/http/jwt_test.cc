#include "http/jwt.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "http/encoding.h"

namespace issuetracker::http {
namespace {

// ---- Keys for the tests ----

std::string ToPem(EVP_PKEY* key, bool private_key) {
  BIO* bio = BIO_new(BIO_s_mem());
  const int ok = private_key
                     ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)
                     : PEM_write_bio_PUBKEY(bio, key);
  std::string pem;
  if (ok == 1) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<size_t>(n));
  }
  BIO_free(bio);
  return pem;
}

struct KeyPair {
  std::string public_pem;
  std::string private_pem;
};

KeyPair GenerateRsa(unsigned bits) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  KeyPair pair{ToPem(key, false), ToPem(key, true)};
  EVP_PKEY_free(key);
  return pair;
}

// A 2048-bit pair generated once for the whole test binary.
const KeyPair& TestRsaKey() {
  static const KeyPair* key = new KeyPair(GenerateRsa(2048));
  return *key;
}

BIGNUM* BnFromBase64Url(std::string_view b64) {
  const std::string bytes = Base64UrlDecode(b64).value();
  return BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                   static_cast<int>(bytes.size()), nullptr);
}

// An RSA key from the JWK members n, e, d and p (the key of RFC 7515 appendix A.2); the
// other CRT members are derived (q = n / p, dp, dq, qi), as PEM encoding needs them.
KeyPair RsaFromJwk(std::string_view n, std::string_view e, std::string_view d, std::string_view p) {
  BN_CTX* bn = BN_CTX_new();
  BIGNUM* bn_n = BnFromBase64Url(n);
  BIGNUM* bn_e = BnFromBase64Url(e);
  BIGNUM* bn_d = BnFromBase64Url(d);
  BIGNUM* bn_p = BnFromBase64Url(p);
  BIGNUM* bn_q = BN_new();
  BIGNUM* rem = BN_new();
  BIGNUM* p1 = BN_dup(bn_p);
  BIGNUM* q1 = BN_new();
  BIGNUM* dp = BN_new();
  BIGNUM* dq = BN_new();
  BIGNUM* qi = BN_new();
  BN_div(bn_q, rem, bn_n, bn_p, bn);
  BN_sub_word(p1, 1);
  BN_copy(q1, bn_q);
  BN_sub_word(q1, 1);
  BN_mod(dp, bn_d, p1, bn);
  BN_mod(dq, bn_d, q1, bn);
  BN_mod_inverse(qi, bn_q, bn_p, bn);
  KeyPair pair;
  if (BN_is_zero(rem)) {
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, bn_d);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, bn_p);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, bn_q);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) == 1) {
      pair = KeyPair{ToPem(key, false), ToPem(key, true)};
    }
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
  }
  for (BIGNUM* b : {bn_n, bn_e, bn_d, bn_p, bn_q, rem, p1, q1, dp, dq, qi}) BN_free(b);
  BN_CTX_free(bn);
  return pair;
}

// ---- Known-answer vectors: RFC 7515 appendix A (the same HS256 token is RFC 7519's
// example in section 3.1) ----

constexpr std::string_view kRfcPayload =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
constexpr int64_t kRfcExp = 1300819380;

// A.1: HS256.
constexpr std::string_view kRfcA1Header = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
constexpr std::string_view kRfcA1Key =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
constexpr std::string_view kRfcA1Token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

// A.2: RS256.
constexpr std::string_view kRfcA2Header = "{\"alg\":\"RS256\"}";
constexpr std::string_view kRfcA2N =
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4"
    "QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMd"
    "bBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-"
    "DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
constexpr std::string_view kRfcA2E = "AQAB";
constexpr std::string_view kRfcA2D =
    "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoA"
    "Je46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpR"
    "LI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_"
    "jTj3ccPDVZFD"
    "9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ";
constexpr std::string_view kRfcA2P =
    "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJd"
    "TJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc";
constexpr std::string_view kRfcA2Token =
    "eyJhbGciOiJSUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q"
    ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5j"
    "ujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L0"
    "7Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-"
    "eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipU"
    "TI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

TEST(JwtKnownAnswerTest, Rfc7515A1Hs256) {
  const std::string key = Base64UrlDecode(kRfcA1Key).value();
  auto signer = JwtSigner::Create({.algorithm = JwtAlgorithm::kHS256, .hs256_secret = key});
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  Result<std::string> token = (*signer)->SignRaw(kRfcA1Header, kRfcPayload);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(*token, kRfcA1Token);

  ManualClock clock((kRfcExp - 10) * 1000000);
  auto verifier = JwtVerifier::Create({.algorithm = JwtAlgorithm::kHS256,
                                       .hs256_secret = key,
                                       .issuer = "joe",
                                       .leeway_seconds = 0,
                                       .clock = &clock});
  ASSERT_TRUE(verifier.ok()) << verifier.status().ToString();
  Result<JwtClaims> claims = (*verifier)->Verify(kRfcA1Token);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->issuer, "joe");
  EXPECT_EQ(claims->expires_at, kRfcExp);
  EXPECT_TRUE(claims->strings.empty());  // is_root is a boolean: not a string claim
  // The RFC's token has long expired.
  clock.SetMicros(kRfcExp * 1000000);
  EXPECT_EQ(JwtErrorOf((*verifier)->Verify(kRfcA1Token).status()), JwtError::kExpired);
}

TEST(JwtKnownAnswerTest, Rfc7515A2Rs256) {
  const KeyPair key = RsaFromJwk(kRfcA2N, kRfcA2E, kRfcA2D, kRfcA2P);
  ASSERT_FALSE(key.private_pem.empty());
  auto signer = JwtSigner::Create(
      {.algorithm = JwtAlgorithm::kRS256, .rs256_private_key_pem = key.private_pem});
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  Result<std::string> token = (*signer)->SignRaw(kRfcA2Header, kRfcPayload);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(*token, kRfcA2Token);  // PKCS#1 v1.5 signatures are deterministic

  ManualClock clock((kRfcExp - 10) * 1000000);
  auto verifier = JwtVerifier::Create(
      {.algorithm = JwtAlgorithm::kRS256, .rs256_public_key_pem = key.public_pem, .clock = &clock});
  ASSERT_TRUE(verifier.ok()) << verifier.status().ToString();
  Result<JwtClaims> claims = (*verifier)->Verify(kRfcA2Token);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->issuer, "joe");
}

// ---- Table-driven verification ----

constexpr int64_t kNow = 1700000000;
const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";

JwtClaims GoodClaims() {
  JwtClaims c;
  c.issuer = "issuetracker";
  c.subject = "user@company1.com";
  c.audience = {"issuetracker-api"};
  c.expires_at = kNow + 3600;
  c.issued_at = kNow;
  c.strings = {{"company", "COMPANY001"}, {"role", "Admin"}, {"user", "user@company1.com"}};
  return c;
}

JwtVerifierOptions HsOptions(const Clock* clock) {
  return {.algorithm = JwtAlgorithm::kHS256,
          .hs256_secret = kSecret,
          .issuer = "issuetracker",
          .audience = "issuetracker-api",
          .leeway_seconds = 30,
          .clock = clock};
}

std::string HsSign(const JwtClaims& claims, const std::string& secret = kSecret) {
  auto signer = JwtSigner::Create({.algorithm = JwtAlgorithm::kHS256, .hs256_secret = secret});
  return (*signer)->Sign(claims).value();
}

std::string HsSignRaw(std::string_view header, std::string_view payload) {
  auto signer = JwtSigner::Create({.algorithm = JwtAlgorithm::kHS256, .hs256_secret = kSecret});
  return (*signer)->SignRaw(header, payload).value();
}

std::string RsSign(const JwtClaims& claims) {
  auto signer = JwtSigner::Create(
      {.algorithm = JwtAlgorithm::kRS256, .rs256_private_key_pem = TestRsaKey().private_pem});
  return (*signer)->Sign(claims).value();
}

std::string WithSegment(const std::string& token, int index, std::string_view replacement) {
  const size_t dot1 = token.find('.');
  const size_t dot2 = token.find('.', dot1 + 1);
  std::string parts[3] = {token.substr(0, dot1), token.substr(dot1 + 1, dot2 - dot1 - 1),
                          token.substr(dot2 + 1)};
  parts[index] = std::string(replacement);
  return parts[0] + "." + parts[1] + "." + parts[2];
}

TEST(JwtVerifyTest, AcceptsAGoodTokenAndReadsItsClaims) {
  ManualClock clock(kNow * 1000000);
  auto verifier = JwtVerifier::Create(HsOptions(&clock)).value();
  Result<JwtClaims> claims = verifier->Verify(HsSign(GoodClaims()));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->subject, "user@company1.com");
  EXPECT_EQ(claims->Find("company"), "COMPANY001");
  EXPECT_EQ(claims->Find("role"), "Admin");
  EXPECT_EQ(claims->Find("user"), "user@company1.com");
  EXPECT_FALSE(claims->Find("missing").has_value());
  EXPECT_EQ(claims->issued_at, kNow);
}

TEST(JwtVerifyTest, RefusalsTable) {
  const std::string good = HsSign(GoodClaims());
  const auto claims_with = [](auto change) {
    JwtClaims c = GoodClaims();
    change(c);
    return c;
  };
  struct Case {
    std::string name;
    std::string token;
    std::optional<JwtError> error;  // nullopt: accepted
  };
  const std::string signature = good.substr(good.rfind('.') + 1);
  std::string flipped = signature;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  const std::string header_none = Base64UrlEncode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  const std::vector<Case> cases = {
      {"good", good, std::nullopt},
      {"alg none, no signature", WithSegment(WithSegment(good, 0, header_none), 2, ""),
       JwtError::kUnsupportedAlgorithm},
      {"alg none, signature kept", WithSegment(good, 0, header_none),
       JwtError::kUnsupportedAlgorithm},
      {"alg HS512", HsSignRaw("{\"alg\":\"HS512\"}", "{}"), JwtError::kUnsupportedAlgorithm},
      {"alg lowercase", HsSignRaw("{\"alg\":\"hs256\"}", "{}"), JwtError::kUnsupportedAlgorithm},
      {"alg not a string", HsSignRaw("{\"alg\":256}", "{}"), JwtError::kMalformed},
      {"no alg", HsSignRaw("{\"typ\":\"JWT\"}", "{}"), JwtError::kMalformed},
      {"RS256 token to an HS256 verifier", RsSign(GoodClaims()), JwtError::kUnsupportedAlgorithm},
      {"crit header", HsSignRaw("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", "{}"),
       JwtError::kUnsupportedHeader},
      {"typ JOSE+JSON", HsSignRaw("{\"alg\":\"HS256\",\"typ\":\"JOSE+JSON\"}", "{}"),
       JwtError::kUnsupportedHeader},
      {"flipped signature", WithSegment(good, 2, flipped), JwtError::kBadSignature},
      {"empty signature", WithSegment(good, 2, ""), JwtError::kBadSignature},
      {"other secret", HsSign(GoodClaims(), kSecret + "x"), JwtError::kBadSignature},
      {"payload swapped",
       WithSegment(good, 1, Base64UrlEncode("{\"iss\":\"issuetracker\",\"exp\":9999999999}")),
       JwtError::kBadSignature},
      {"two segments", good.substr(0, good.rfind('.')), JwtError::kMalformed},
      {"four segments", good + ".x", JwtError::kMalformed},
      {"empty", "", JwtError::kMalformed},
      {"dots only", "..", JwtError::kMalformed},
      {"padded header", WithSegment(good, 0, good.substr(0, good.find('.')) + "="),
       JwtError::kMalformed},
      {"standard base64 in signature",
       WithSegment(good, 2, signature.substr(0, 10) + "+/" + signature.substr(12)),
       JwtError::kMalformed},
      {"non-canonical base64 header",
       WithSegment(good, 0, Base64UrlEncode("{\"alg\":\"HS256\"}").substr(0, 19) + "Z"),
       JwtError::kMalformed},
      {"header not JSON", HsSignRaw("not json", "{}"), JwtError::kMalformed},
      {"header a JSON array", HsSignRaw("[\"HS256\"]", "{}"), JwtError::kMalformed},
      {"payload not JSON", HsSignRaw("{\"alg\":\"HS256\"}", "{\"exp\":"), JwtError::kMalformed},
      {"payload a string", HsSignRaw("{\"alg\":\"HS256\"}", "\"claims\""), JwtError::kMalformed},
      {"exp a string", HsSignRaw("{\"alg\":\"HS256\"}", "{\"exp\":\"tomorrow\"}"),
       JwtError::kMalformed},
      {"aud a number", HsSignRaw("{\"alg\":\"HS256\"}", "{\"exp\":1700003600,\"aud\":7}"),
       JwtError::kMalformed},
      {"iss an object", HsSignRaw("{\"alg\":\"HS256\"}", "{\"exp\":1700003600,\"iss\":{}}"),
       JwtError::kMalformed},
      {"expired", HsSign(claims_with([](JwtClaims& c) { c.expires_at = kNow - 31; })),
       JwtError::kExpired},
      {"expired at exactly exp+leeway",
       HsSign(claims_with([](JwtClaims& c) { c.expires_at = kNow - 30; })), JwtError::kExpired},
      {"expired within leeway", HsSign(claims_with([](JwtClaims& c) { c.expires_at = kNow - 29; })),
       std::nullopt},
      {"not yet valid", HsSign(claims_with([](JwtClaims& c) { c.not_before = kNow + 31; })),
       JwtError::kNotYetValid},
      {"nbf within leeway", HsSign(claims_with([](JwtClaims& c) { c.not_before = kNow + 30; })),
       std::nullopt},
      {"fractional exp",
       HsSignRaw("{\"alg\":\"HS256\"}",
                 "{\"iss\":\"issuetracker\",\"aud\":\"issuetracker-api\",\"exp\":1700000100.5}"),
       std::nullopt},
      {"no exp", HsSign(claims_with([](JwtClaims& c) { c.expires_at.reset(); })),
       JwtError::kMissingExpiry},
      {"wrong issuer", HsSign(claims_with([](JwtClaims& c) { c.issuer = "someone-else"; })),
       JwtError::kWrongIssuer},
      {"no issuer", HsSign(claims_with([](JwtClaims& c) { c.issuer.clear(); })),
       JwtError::kWrongIssuer},
      {"wrong audience", HsSign(claims_with([](JwtClaims& c) { c.audience = {"other-api"}; })),
       JwtError::kWrongAudience},
      {"no audience", HsSign(claims_with([](JwtClaims& c) { c.audience.clear(); })),
       JwtError::kWrongAudience},
      {"audience among several", HsSign(claims_with([](JwtClaims& c) {
         c.audience = {"x", "issuetracker-api"};
       })),
       std::nullopt},
      {"oversize",
       HsSign(claims_with([](JwtClaims& c) { c.strings["pad"] = std::string(9000, 'p'); })),
       JwtError::kTooLarge},
  };
  ManualClock clock(kNow * 1000000);
  auto verifier = JwtVerifier::Create(HsOptions(&clock)).value();
  for (const Case& c : cases) {
    Result<JwtClaims> result = verifier->Verify(c.token);
    if (!c.error) {
      EXPECT_TRUE(result.ok()) << c.name << ": " << result.status().ToString();
      continue;
    }
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.status().code(), Code::kUnauthenticated) << c.name;
    EXPECT_EQ(JwtErrorOf(result.status()), c.error)
        << c.name << ": got " << result.status().ToString();
  }
}

TEST(JwtVerifyTest, ExpiryCanBeOptional) {
  ManualClock clock(kNow * 1000000);
  JwtVerifierOptions o = HsOptions(&clock);
  o.require_expiry = false;
  auto verifier = JwtVerifier::Create(o).value();
  JwtClaims c = GoodClaims();
  c.expires_at.reset();
  EXPECT_TRUE(verifier->Verify(HsSign(c)).ok());
}

TEST(JwtVerifyTest, VerifierWithoutAudienceRefusesTokensThatNameOne) {
  ManualClock clock(kNow * 1000000);
  JwtVerifierOptions o = HsOptions(&clock);
  o.audience.clear();
  auto verifier = JwtVerifier::Create(o).value();
  EXPECT_EQ(JwtErrorOf(verifier->Verify(HsSign(GoodClaims())).status()), JwtError::kWrongAudience);
  JwtClaims c = GoodClaims();
  c.audience.clear();
  EXPECT_TRUE(verifier->Verify(HsSign(c)).ok());
}

TEST(JwtRs256Test, RoundTripAndRefusals) {
  ManualClock clock(kNow * 1000000);
  auto verifier = JwtVerifier::Create({.algorithm = JwtAlgorithm::kRS256,
                                       .rs256_public_key_pem = TestRsaKey().public_pem,
                                       .issuer = "issuetracker",
                                       .audience = "issuetracker-api",
                                       .clock = &clock})
                      .value();
  const std::string token = RsSign(GoodClaims());
  Result<JwtClaims> claims = verifier->Verify(token);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->Find("company"), "COMPANY001");

  // Algorithm confusion: an HS256 token whose HMAC key is the verifier's public key.
  auto confused = JwtSigner::Create(
      {.algorithm = JwtAlgorithm::kHS256, .hs256_secret = TestRsaKey().public_pem});
  ASSERT_TRUE(confused.ok());
  EXPECT_EQ(JwtErrorOf(verifier->Verify((*confused)->Sign(GoodClaims()).value()).status()),
            JwtError::kUnsupportedAlgorithm);
  // A token of another RSA key.
  const KeyPair other = GenerateRsa(2048);
  auto other_signer = JwtSigner::Create(
      {.algorithm = JwtAlgorithm::kRS256, .rs256_private_key_pem = other.private_pem});
  EXPECT_EQ(JwtErrorOf(verifier->Verify((*other_signer)->Sign(GoodClaims()).value()).status()),
            JwtError::kBadSignature);
  // A signature one byte short.
  std::string short_signature = Base64UrlDecode(token.substr(token.rfind('.') + 1)).value();
  short_signature.pop_back();
  EXPECT_EQ(JwtErrorOf(
                verifier->Verify(WithSegment(token, 2, Base64UrlEncode(short_signature))).status()),
            JwtError::kBadSignature);
  // An HS256 token, whatever its key, is refused by an RS256 verifier.
  EXPECT_EQ(JwtErrorOf(verifier->Verify(HsSign(GoodClaims())).status()),
            JwtError::kUnsupportedAlgorithm);
}

TEST(JwtSignerTest, WritesKidAndRefusesRegisteredNamesInStrings) {
  auto signer = JwtSigner::Create(
      {.algorithm = JwtAlgorithm::kHS256, .hs256_secret = kSecret, .key_id = "k1"});
  const std::string token = (*signer)->Sign(GoodClaims()).value();
  EXPECT_EQ(Base64UrlDecode(token.substr(0, token.find('.'))),
            "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}");
  JwtClaims bad = GoodClaims();
  bad.strings["exp"] = "never";
  EXPECT_EQ((*signer)->Sign(bad).status().code(), Code::kValidation);
}

TEST(BearerTokenTest, Table) {
  EXPECT_EQ(FindBearerToken("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(FindBearerToken("bearer abc"), "abc");
  EXPECT_EQ(FindBearerToken("BEARER  abc "), "abc");
  EXPECT_FALSE(FindBearerToken("Bearer").has_value());
  EXPECT_FALSE(FindBearerToken("Bearer ").has_value());
  EXPECT_FALSE(FindBearerToken("Bearerabc").has_value());
  EXPECT_FALSE(FindBearerToken("Basic dXNlcjpwYXNz").has_value());
  EXPECT_FALSE(FindBearerToken("Bearer a b").has_value());
  EXPECT_FALSE(FindBearerToken("").has_value());
}

TEST(JwtCreateTest, RefusesWeakOrWrongKeys) {
  EXPECT_FALSE(
      JwtVerifier::Create({.algorithm = JwtAlgorithm::kHS256, .hs256_secret = "short"}).ok());
  EXPECT_FALSE(
      JwtSigner::Create({.algorithm = JwtAlgorithm::kHS256, .hs256_secret = "short"}).ok());
  // A PEM key configured as an HMAC secret is the algorithm-confusion setup: refused.
  EXPECT_FALSE(JwtVerifier::Create(
                   {.algorithm = JwtAlgorithm::kHS256, .hs256_secret = TestRsaKey().public_pem})
                   .ok());
  EXPECT_FALSE(JwtVerifier::Create({.algorithm = JwtAlgorithm::kRS256,
                                    .rs256_public_key_pem = "-----BEGIN PUBLIC KEY-----\nxx\n"})
                   .ok());
  // A private key where the public one belongs is not read as a public key.
  EXPECT_FALSE(
      JwtVerifier::Create({.algorithm = JwtAlgorithm::kRS256, .rs256_public_key_pem = "not pem"})
          .ok());
  const KeyPair small = GenerateRsa(1024);
  Result<std::unique_ptr<JwtVerifier>> weak = JwtVerifier::Create(
      {.algorithm = JwtAlgorithm::kRS256, .rs256_public_key_pem = small.public_pem});
  ASSERT_FALSE(weak.ok());
  EXPECT_NE(weak.status().message().find("2048"), std::string::npos);
  EVP_PKEY* ec = EVP_EC_gen("P-256");
  const std::string ec_pem = ToPem(ec, false);
  EVP_PKEY_free(ec);
  Result<std::unique_ptr<JwtVerifier>> not_rsa =
      JwtVerifier::Create({.algorithm = JwtAlgorithm::kRS256, .rs256_public_key_pem = ec_pem});
  ASSERT_FALSE(not_rsa.ok());
  EXPECT_NE(not_rsa.status().message().find("not an RSA key"), std::string::npos);
  EXPECT_FALSE(
      JwtVerifier::Create(
          {.algorithm = JwtAlgorithm::kHS256, .hs256_secret = kSecret, .leeway_seconds = -1})
          .ok());
}

}  // namespace
}  // namespace issuetracker::http
