#include "dynamo/client/sigv4.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "dynamo/wire/json_writer.h"

namespace issuetracker::dynamo::client {
namespace {

using Clock = std::chrono::system_clock;

// The example of the SigV4 documentation's "GET /?Action=ListUsers" for IAM, adapted: a
// known canonical request and signature computed independently once.
TEST(SigV4Test, CanonicalRequestFollowsTheSpecification) {
  Signer signer("us-east-1", "dynamodb");
  SigningInput in;
  in.path = "/a/./b/../c//d";
  in.query = "b=2&a=3&a=1";
  in.headers = {{"Host", "dynamodb.us-east-1.amazonaws.com"},
                {"Content-Type", "application/x-amz-json-1.0"},
                {"X-Amz-Target", "DynamoDB_20120810.ListTables"},
                {"My-Header", "  a   b \t c  "},
                {"my-header", "second"},
                {"User-Agent", "not signed"}};
  in.payload = "{}";
  EXPECT_EQ(signer.CanonicalRequest(in, "20150830T123600Z", ""),
            "POST\n"
            "/a/c/d\n"
            "a=1&a=3&b=2\n"
            "content-type:application/x-amz-json-1.0\n"
            "host:dynamodb.us-east-1.amazonaws.com\n"
            "my-header:a b c,second\n"
            "x-amz-date:20150830T123600Z\n"
            "x-amz-target:DynamoDB_20120810.ListTables\n"
            "\n"
            "content-type;host;my-header;x-amz-date;x-amz-target\n"
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

TEST(SigV4Test, SessionTokenIsSignedAndReturned) {
  Signer signer("eu-west-1", "dynamodb");
  SigningInput in;
  in.headers = {{"Host", "localhost:8000"}};
  Credentials c{"AKID", "SECRET", "TOKEN", "test"};
  Clock::time_point t = Clock::from_time_t(1700000000);
  SignedHeaders h = signer.Sign(in, c, t);
  EXPECT_EQ(h.amz_date, "20231114T221320Z");
  EXPECT_EQ(h.security_token, "TOKEN");
  EXPECT_NE(h.authorization.find("Credential=AKID/20231114/eu-west-1/dynamodb/aws4_request, "
                                 "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                                 "Signature="),
            std::string::npos)
      << h.authorization;
  // Same input, same signature; a different secret, a different one.
  EXPECT_EQ(signer.Sign(in, c, t).authorization, h.authorization);
  c.secret_access_key = "OTHER";
  EXPECT_NE(signer.Sign(in, c, t).authorization, h.authorization);
}

// A python3 that can import botocore (Debian's python3-botocore), or empty.
std::string FindBotocorePython() {
  for (const char* candidate : {"/usr/bin/python3", "python3"}) {
    std::string command = std::string(candidate) + " -c 'import botocore' >/dev/null 2>&1";
    if (std::system(command.c_str()) == 0) return candidate;
  }
  return {};
}

struct Generated {
  std::string method, host, path, query, region, service, access_key, secret, token;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t time = 0;
};

Generated Generate(std::mt19937& rng) {
  auto pick = [&rng](std::initializer_list<const char*> options) {
    std::uniform_int_distribution<size_t> d(0, options.size() - 1);
    return std::string(*(options.begin() + d(rng)));
  };
  std::uniform_int_distribution<int> coin(0, 1), small(0, 5);
  Generated g;
  g.method = pick({"POST", "GET", "PUT", "DELETE"});
  g.host = pick({"dynamodb.us-east-1.amazonaws.com", "localhost:8000", "127.0.0.1:4567",
                 "dynamodb.eu-central-1.amazonaws.com"});
  g.path = pick({"/", "/a/b", "/a/./b/../c", "//double//slash/", "/tilde~and-dash_.x",
                 "/with%20encoding", "/space here", "/caf\xc3\xa9", "/trailing/"});
  g.query = pick({"", "a=1", "b=2&a=1", "x=&y=z&x=a", "Action=ListUsers&Version=2010-05-08"});
  g.region = pick({"us-east-1", "eu-west-3", "ap-southeast-2"});
  g.service = pick({"dynamodb", "dynamodb", "iam"});
  g.access_key = pick({"AKIDEXAMPLE", "ASIAEXAMPLE"});
  g.secret = pick({"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "secret"});
  g.token = coin(rng) ? pick({"FQoGZXIvYXdzEPT//////////wEaDExample=", "token"}) : "";
  g.headers.push_back({"Host", g.host});
  g.headers.push_back({"Content-Type", "application/x-amz-json-1.0"});
  for (int i = small(rng); i > 0; --i) {
    std::string name = pick({"X-Amz-Target", "X-Custom", "x-custom", "Accept", "User-Agent",
                             "Expect", "X-Amzn-Trace-Id", "Content-Encoding", "X-Multi"});
    std::string value = pick({"DynamoDB_20120810.Query", "  padded  ", "a  b\tc", "",
                              "100-continue", "identity", "v1, v2"});
    g.headers.push_back({name, value});
  }
  std::uniform_int_distribution<int> length(0, 300);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = length(rng); i > 0; --i) g.body.push_back(static_cast<char>(byte(rng)));
  std::uniform_int_distribution<int64_t> when(1'400'000'000, 2'000'000'000);
  g.time = when(rng);
  return g;
}

TEST(SigV4Test, SignaturesMatchBotocore) {
  std::string python = FindBotocorePython();
  if (python.empty()) {
    GTEST_SKIP() << "no python3 with botocore (Debian's python3-botocore; scripts/install-deps "
                    "installs it)";
  }
  std::mt19937 rng(12);
  std::vector<Generated> requests;
  boost::json::array input;
  for (int i = 0; i < 300; ++i) {
    Generated g = Generate(rng);
    boost::json::array headers;
    for (const auto& [n, v] : g.headers)
      headers.push_back(boost::json::array{n.c_str(), v.c_str()});
    std::string body64;
    wire::AppendBase64(g.body, &body64);
    std::string url = "https://" + g.host + g.path + (g.query.empty() ? "" : "?" + g.query);
    input.push_back(boost::json::object{{"method", g.method},
                                        {"url", url},
                                        {"headers", headers},
                                        {"body", body64},
                                        {"region", g.region},
                                        {"service", g.service},
                                        {"access_key", g.access_key},
                                        {"secret_key", g.secret},
                                        {"token", g.token},
                                        {"time", g.time}});
    requests.push_back(std::move(g));
  }
  const auto file =
      std::filesystem::temp_directory_path() / ("sigv4-" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << boost::json::serialize(input);
  std::string command =
      python + " " + IT_SOURCE_DIR "/src/dynamo/client/testdata/botocore_sign.py " + file.string();
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  int rc = pclose(pipe);
  std::filesystem::remove(file);
  ASSERT_EQ(rc, 0) << output;

  std::istringstream lines(output);
  std::string line;
  size_t i = 0;
  for (; std::getline(lines, line) && i < requests.size(); ++i) {
    const Generated& g = requests[i];
    Signer signer(g.region, g.service);
    SigningInput in;
    in.method = g.method;
    in.path = g.path;
    in.query = g.query;
    in.headers = g.headers;
    in.payload = g.body;
    SignedHeaders ours = signer.Sign(in, Credentials{g.access_key, g.secret, g.token, "test"},
                                     Clock::from_time_t(g.time));
    EXPECT_EQ(ours.amz_date + "\t" + ours.authorization, line)
        << "request " << i << ": " << g.method << " " << g.path << "?" << g.query << "\n"
        << signer.CanonicalRequest(in, ours.amz_date, ours.security_token);
  }
  EXPECT_EQ(i, requests.size());
}

}  // namespace
}  // namespace issuetracker::dynamo::client
