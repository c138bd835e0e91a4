#include "dynamo/server/sigv4_auth.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dynamo/client/sigv4.h"

namespace issuetracker::dynamo::server {
namespace {

using Clock = std::chrono::system_clock;
const Clock::time_point kNow = Clock::from_time_t(1700000000);  // 20231114T221320Z

// A request as the client backend's signer (botocore's algorithm) signs it.
net::Request Signed(const std::string& region = "us-east-1", const std::string& secret = "SECRET",
                    Clock::time_point at = kNow, const std::string& key_id = "AKID",
                    const std::string& token = "") {
  net::Request r;
  r.method = net::Method::kPost;
  r.method_text = "POST";
  r.target = r.path = "/";
  r.body = R"({"TableName":"Issues"})";
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Host", "127.0.0.1:8000"},
      {"Content-Type", "application/x-amz-json-1.0"},
      {"X-Amz-Target", "DynamoDB_20120810.DescribeTable"}};
  client::Signer signer(region, "dynamodb");
  client::SigningInput in;
  in.headers = headers;
  in.payload = r.body;
  client::SignedHeaders s = signer.Sign(in, {key_id, secret, token, "test"}, at);
  for (const auto& [n, v] : headers) r.headers.Add(n, v);
  r.headers.Add("X-Amz-Date", s.amz_date);
  if (!token.empty()) r.headers.Add("X-Amz-Security-Token", token);
  r.headers.Add("Authorization", s.authorization);
  r.headers.Add("User-Agent", "not signed");
  return r;
}

RequestAuthenticator Local() { return RequestAuthenticator(AuthOptions{}); }
RequestAuthenticator Verifying() {
  AuthOptions o;
  o.secrets = {{"AKID", "SECRET"}};
  return RequestAuthenticator(o);
}

void ExpectError(const Status& s, Code code, const std::string& message) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_EQ(s.message(), message);
}

TEST(SigV4AuthTest, MissingOrForeignAuthorizationIsMissingAuthenticationToken) {
  net::Request r = Signed();
  r.headers.Remove("Authorization");
  ExpectError(Local().Check(r, kNow), Code::kMissingAuthenticationToken,
              "Request is missing Authentication Token");
  r.headers.Add("Authorization", "Basic dXNlcjpwYXNz");
  ExpectError(Local().Check(r, kNow), Code::kMissingAuthenticationToken,
              "Request is missing Authentication Token");
}

TEST(SigV4AuthTest, IncompleteSignaturesAreNamedAsDynamoDbNamesThem) {
  net::Request r = Signed();
  r.headers.Set("Authorization", "AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders");
  ExpectError(Local().Check(r, kNow), Code::kIncompleteSignature,
              "'Credential' not a valid key=value pair (missing equal-sign) in Authorization "
              "header: 'AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders'.");
  r.headers.Set("Authorization", "AWS4-HMAC-SHA256 Signature=b");
  r.headers.Remove("X-Amz-Date");
  ExpectError(Local().Check(r, kNow), Code::kIncompleteSignature,
              "Authorization header requires 'Credential' parameter. Authorization header "
              "requires 'SignedHeaders' parameter. Authorization header requires existence of "
              "either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 "
              "Signature=b");

  r = Signed();
  r.headers.Set("X-Amz-Date", "201");
  ExpectError(Local().Check(r, kNow), Code::kIncompleteSignature,
              "Date must be in ISO-8601 'basic format'. Got '201'. See "
              "http://en.wikipedia.org/wiki/ISO_8601");

  r = Signed();
  r.headers.Set("Authorization",
                "AWS4-HMAC-SHA25 Credential=a/b/c/d/e, SignedHeaders=host, "
                "Signature=00");
  ExpectError(Local().Check(r, kNow), Code::kIncompleteSignature,
              "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). ");
  r.headers.Set("Authorization",
                "AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host, Signature=00");
  ExpectError(Local().Check(r, kNow), Code::kIncompleteSignature,
              "Credential must have exactly 5 slash-delimited elements, e.g. "
              "keyid/date/region/service/term, got 'a/b/c/d'");
}

TEST(SigV4AuthTest, LocalModeAcceptsAnyWellFormedSignature) {
  EXPECT_TRUE(Local().Check(Signed(), kNow).ok());
  // Another region, another secret, a day-old date, a session token: all well formed.
  EXPECT_TRUE(
      Local()
          .Check(Signed("eu-west-1", "x", kNow - std::chrono::hours(24), "OTHER", "TOKEN"), kNow)
          .ok());
  net::Request r = Signed();
  r.headers.Set("Authorization",
                "AWS4-HMAC-SHA256 Credential=a/b/c/d/e/, SignedHeaders=, "
                "Signature=00");
  EXPECT_TRUE(Local().Check(r, kNow).ok());  // a trailing slash is ignored
  // The date may come from an HTTP Date header.
  r.headers.Remove("X-Amz-Date");
  r.headers.Add("Date", "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_TRUE(Local().Check(r, kNow).ok());
}

TEST(SigV4AuthTest, VerifiedModeChecksTheSignature) {
  EXPECT_TRUE(Verifying().Check(Signed(), kNow).ok());
  EXPECT_TRUE(Verifying().Check(Signed(), kNow + std::chrono::minutes(14)).ok());

  Status wrong = Verifying().Check(Signed("us-east-1", "WRONG"), kNow);
  EXPECT_EQ(wrong.code(), Code::kInvalidSignature);
  EXPECT_TRUE(wrong.message().starts_with(
      "The request signature we calculated does not match the signature you provided. Check "
      "your AWS Secret Access Key and signing method. Consult the service documentation for "
      "details.\n\nThe Canonical String for this request should have been\n'POST\n/\n\n"
      "content-type:application/x-amz-json-1.0\nhost:127.0.0.1:8000\n"))
      << wrong.message();

  // A body changed after signing.
  net::Request tampered = Signed();
  tampered.body = R"({"TableName":"Other"})";
  EXPECT_EQ(Verifying().Check(tampered, kNow).code(), Code::kInvalidSignature);

  ExpectError(Verifying().Check(Signed("us-east-1", "SECRET", kNow, "NOBODY"), kNow),
              Code::kUnrecognizedClient, "The security token included in the request is invalid.");
  ExpectError(Verifying().Check(Signed("us-east-1", "SECRET", kNow, "AKID", "TOKEN"), kNow),
              Code::kUnrecognizedClient, "The security token included in the request is invalid.");
}

TEST(SigV4AuthTest, VerifiedModeChecksDateScopeAndHost) {
  ExpectError(Verifying().Check(Signed(), kNow + std::chrono::minutes(16)), Code::kInvalidSignature,
              "Signature expired: 20231114T221320Z is now earlier than 20231114T221420Z "
              "(20231114T222920Z - 15 min.)");
  ExpectError(Verifying().Check(Signed(), kNow - std::chrono::minutes(16)), Code::kInvalidSignature,
              "Signature not yet current: 20231114T221320Z is still later than 20231114T221220Z "
              "(20231114T215720Z + 15 min.)");
  ExpectError(Verifying().Check(Signed("eu-west-1"), kNow), Code::kInvalidSignature,
              "Credential should be scoped to a valid region, not 'eu-west-1'.");

  net::Request r = Signed();
  r.headers.Set("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20231115/us-east-1/s3/aws4, "
                "SignedHeaders=host;x-amz-date, Signature=00");
  ExpectError(Verifying().Check(r, kNow), Code::kInvalidSignature,
              "Credential should be scoped to correct service: 'dynamodb'. Credential should be "
              "scoped with a valid terminator: 'aws4_request', not 'aws4'. Date in Credential "
              "scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20231115' "
              "!= '20231114', from '20231114T221320Z'.");
  r.headers.Set("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20231114/us-east-1/dynamodb/aws4_request, "
                "SignedHeaders=x-amz-date, Signature=00");
  ExpectError(Verifying().Check(r, kNow), Code::kInvalidSignature,
              "'Host' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST(SigV4AuthTest, QueryStringSignatures) {
  net::Request r = Signed();
  ASSERT_TRUE(net::ParseTarget("/?X-Amz-Algorithm=AWS4-HMAC-SHA256", r));
  ExpectError(Local().Check(r, kNow), Code::kInvalidSignature,
              "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP "
              "header.");
  r.headers.Remove("Authorization");
  ExpectError(Local().Check(r, kNow), Code::kIncompleteSignature,
              "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string "
              "parameters must include 'X-Amz-Signature'. AWS query-string parameters must "
              "include 'X-Amz-SignedHeaders'. AWS query-string parameters must include "
              "'X-Amz-Date'. Re-examine the query-string parameters.");

  // A presigned request: the signature over the query without X-Amz-Signature.
  const std::string query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20231114%2Fus-east-1%2Fdynamodb"
      "%2Faws4_request&X-Amz-Date=20231114T221320Z&X-Amz-SignedHeaders=host";
  const std::string canonical =
      client::BuildCanonicalRequest("POST", "/", query, {{"host", "127.0.0.1:8000"}}, r.body);
  const std::string signature = client::SignatureOf(
      client::DeriveSigningKey("SECRET", "20231114", "us-east-1", "dynamodb"),
      client::StringToSign("20231114T221320Z", "20231114/us-east-1/dynamodb/aws4_request",
                           canonical));
  ASSERT_TRUE(net::ParseTarget("/?" + query + "&X-Amz-Signature=" + signature, r));
  EXPECT_TRUE(Verifying().Check(r, kNow).ok());
  ASSERT_TRUE(net::ParseTarget("/?" + query + "&X-Amz-Signature=00" + signature.substr(2), r));
  EXPECT_EQ(Verifying().Check(r, kNow).code(), Code::kInvalidSignature);
}

TEST(SigV4AuthTest, AccessKeysFromFlagsAndFiles) {
  auto key = ParseAccessKey("AKID:se:cret");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->first, "AKID");
  EXPECT_EQ(key->second, "se:cret");
  EXPECT_FALSE(ParseAccessKey("AKID").ok());
  EXPECT_FALSE(ParseAccessKey(":x").ok());

  const std::string dir = std::filesystem::temp_directory_path() / "it-keys-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/plain") << "# keys\nAKID1 secret1\nAKID2:secret2\n\n";
  auto plain = LoadAccessKeys(dir + "/plain");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(*plain,
            (std::map<std::string, std::string>{{"AKID1", "secret1"}, {"AKID2", "secret2"}}));
  std::ofstream(dir + "/ini") << "[default]\naws_access_key_id = A1\naws_secret_access_key = S1\n"
                                 "region = us-east-1\n[other]\naws_access_key_id=A2\n"
                                 "aws_secret_access_key=S2\n";
  auto ini = LoadAccessKeys(dir + "/ini");
  ASSERT_TRUE(ini.ok()) << ini.status().ToString();
  EXPECT_EQ(*ini, (std::map<std::string, std::string>{{"A1", "S1"}, {"A2", "S2"}}));
  std::ofstream(dir + "/bad") << "AKIDONLY\n";
  EXPECT_EQ(LoadAccessKeys(dir + "/bad").status().code(), Code::kValidation);
  std::ofstream(dir + "/empty") << "# nothing\n";
  EXPECT_EQ(LoadAccessKeys(dir + "/empty").status().code(), Code::kValidation);
  EXPECT_EQ(LoadAccessKeys(dir + "/missing").status().code(), Code::kIOError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace issuetracker::dynamo::server
