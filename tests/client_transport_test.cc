// The client's transport: keep-alive connections, HTTPS with certificate and host-name
// verification, timeouts, and the headers of a signed DynamoDB request.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "dynamo/client/client.h"
#include "tests/peer_process.h"
#include "tests/stub_server.h"

namespace issuetracker::testing {
namespace {

using dynamo::client::ClientOptions;
using dynamo::client::DynamoClient;

ClientOptions Options(const std::string& url) {
  ClientOptions o;
  o.endpoint = *dynamo::client::ParseEndpoint(url);
  o.credentials = {"AKIDTRANSPORT", "secret", "session-token", "test"};
  o.retry.max_attempts = 1;
  return o;
}

StubAction Tables(const StubRequest&) { return StubAction::Reply(200, R"({"TableNames":["T"]})"); }

TEST(ClientTransportTest, RequestsAreSignedDynamoDbRequestsOnOneKeptAliveConnection) {
  std::mutex mu;
  std::vector<StubRequest> seen;
  StubServer server([&](const StubRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(r);
    return Tables(r);
  });
  auto client = DynamoClient::Open(Options(server.url()));
  ASSERT_TRUE(client.ok());
  for (int i = 0; i < 50; ++i) {
    auto r = (*client)->ListTables({});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->table_names, std::vector<std::string>{"T"});
  }
  EXPECT_EQ((*client)->connections_opened(), 1u);
  EXPECT_EQ(server.connections_accepted(), 1u);
  const StubRequest& r = seen.back();
  EXPECT_EQ(r.target, "DynamoDB_20120810.ListTables");
  EXPECT_EQ(r.headers.at("content-type"), "application/x-amz-json-1.0");
  EXPECT_EQ(r.headers.at("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(r.headers.at("x-amz-security-token"), "session-token");
  EXPECT_EQ(r.headers.at("x-amz-date").size(), 16u);
  const std::string& auth = r.headers.at("authorization");
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDTRANSPORT/", 0), 0u) << auth;
  EXPECT_NE(auth.find("/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;"
                      "x-amz-date;x-amz-security-token;x-amz-target, Signature="),
            std::string::npos)
      << auth;
  EXPECT_EQ(r.body, "{}");
}

TEST(ClientTransportTest, ServerClosingIdleConnectionsIsHandled) {
  std::atomic<int> n{0};
  StubServer server([&](const StubRequest& r) {
    StubAction a = Tables(r);
    a.close_after = n.fetch_add(1) % 2 == 0;  // every other reply closes the connection
    return a;
  });
  auto client = DynamoClient::Open(Options(server.url()));
  for (int i = 0; i < 10; ++i) {
    auto r = (*client)->ListTables({});
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
  }
  // A reply with "Connection: close" ends its connection: requests 0, 1, 3, 5, 7 and 9 open one.
  EXPECT_EQ((*client)->connections_opened(), 6u);
}

TEST(ClientTransportTest, SlowRepliesTimeOut) {
  StubServer server([](const StubRequest& r) {
    StubAction a = Tables(r);
    a.delay = std::chrono::milliseconds(2000);
    return a;
  });
  ClientOptions o = Options(server.url());
  o.http.request_timeout = std::chrono::milliseconds(200);
  auto client = DynamoClient::Open(o);
  const auto start = std::chrono::steady_clock::now();
  auto r = (*client)->ListTables({});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kIOError);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().message();
  EXPECT_GE(took, std::chrono::milliseconds(190));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

class TlsTest : public ::testing::Test {
 protected:
  std::string Tls(const std::string& file) { return SourceDir() + "/tests/data/tls/" + file; }
};

TEST_F(TlsTest, VerifiesTheChainAndTheHostName) {
  TlsFiles localhost{Tls("localhost.pem"), Tls("localhost.key")};
  StubServer server(Tables, 1, &localhost);
  const std::string port = std::to_string(server.port());

  // Trusted CA, the name and the address the certificate names: accepted, one connection.
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    ClientOptions o = Options("https://" + host + ":" + port);
    o.http.ca_file = Tls("ca.pem");
    auto client = DynamoClient::Open(o);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    for (int i = 0; i < 5; ++i) {
      auto r = (*client)->ListTables({});
      ASSERT_TRUE(r.ok()) << host << ": " << r.status().ToString();
    }
    EXPECT_EQ((*client)->connections_opened(), 1u);
  }
  // The system's CA store does not know the test CA.
  auto untrusted = DynamoClient::Open(Options("https://localhost:" + port));
  ASSERT_TRUE(untrusted.ok());
  auto r = (*untrusted)->ListTables({});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("certificate verify failed"), std::string::npos)
      << r.status().message();
}

TEST_F(TlsTest, RejectsACertificateForAnotherHost) {
  TlsFiles other{Tls("other.pem"), Tls("other.key")};
  StubServer server(Tables, 1, &other);
  ClientOptions o = Options("https://localhost:" + std::to_string(server.port()));
  o.http.ca_file = Tls("ca.pem");
  auto client = DynamoClient::Open(o);
  auto r = (*client)->ListTables({});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("certificate verify failed"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("hostname mismatch"), std::string::npos)
      << r.status().message();
}

TEST_F(TlsTest, AnUnreadableCaFileIsAnErrorAtOpen) {
  ClientOptions o = Options("https://localhost:1");
  o.http.ca_file = "/nonexistent/ca.pem";
  auto client = DynamoClient::Open(o);
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.status().message().find("cannot set up TLS trust (/nonexistent/ca.pem)"),
            std::string::npos)
      << client.status().message();
}

}  // namespace
}  // namespace issuetracker::testing
