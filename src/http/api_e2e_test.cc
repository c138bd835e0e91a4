// The real server on loopback: net::Server with the ApiService handler on 127.0.0.1 (a port
// the kernel picks), the spec's isolation scenarios over HTTP with two companies' tokens,
// the server's own limits answered as problem+json, then a graceful stop.
#include <gtest/gtest.h>

#include "http/api_test_util.h"
#include "net/server.h"
#include "net/test_client.h"

namespace issuetracker::http::testing {
namespace {

using Users = SampleUsers;
using net::testing::TestConnection;
using net::testing::TestResponse;

class LoopbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.max_body_bytes = 64 * 1024;
    options.error_responder = WriteServerError;
    ApiService* api = &fixture_.service();
    auto server = net::Server::Start(
        options, [api](const net::Request& req, net::Response& resp) { api->Handle(req, resp); });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  TestResponse Send(TestConnection& c, std::string_view method, std::string_view target,
                    std::string_view token, std::string_view body = "",
                    std::string_view extra_headers = "") {
    std::string req = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n";
    if (!token.empty()) req += "Authorization: Bearer " + std::string(token) + "\r\n";
    if (!body.empty()) req += "Content-Type: application/json\r\n";
    req += extra_headers;
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    req += body;
    EXPECT_TRUE(c.Send(req));
    std::optional<TestResponse> r = c.ReadResponse();
    EXPECT_TRUE(r.has_value()) << method << " " << target;
    return r.value_or(TestResponse{});
  }

  static std::string Member(const TestResponse& r, std::string_view name) {
    return Reply{r.status, r.headers, r.body}.Member(name);
  }

  ApiFixture fixture_;
  std::unique_ptr<net::Server> server_;
};

TEST_F(LoopbackTest, TheSpecsIsolationScenariosOverHttp) {
  TestConnection c1(server_->port());
  TestConnection c2(server_->port());
  ASSERT_TRUE(c1.connected() && c2.connected());
  const std::string sarah = fixture_.Token("COMPANY001", Users::kUser1);
  const std::string john = fixture_.Token("COMPANY001", Users::kAdmin1);
  const std::string lisa = fixture_.Token("COMPANY002", Users::kUser2);

  // Test 1: COMPANY001's issues by status: only COMPANY001's.
  TestResponse open1 = Send(c1, "GET", "/v1/issues?status=Open", sarah);
  EXPECT_EQ(open1.status, 200);
  EXPECT_NE(open1.body.find("User login page loading slowly"), std::string::npos);
  EXPECT_EQ(open1.body.find("COMPANY002"), std::string::npos);
  // Test 2: COMPANY002's teams: only COMPANY002's.
  TestResponse teams2 = Send(c2, "GET", "/v1/teams", lisa);
  EXPECT_EQ(teams2.status, 200);
  EXPECT_NE(teams2.body.find("Frontend Experience"), std::string::npos);
  EXPECT_EQ(teams2.body.find("COMPANY001"), std::string::npos);
  // Test 3: by assignee; Test 4: by priority; Test 5: comments of an issue.
  TestResponse johns = Send(c1, "GET", "/v1/issues?assignee=john@techstart.com", sarah);
  EXPECT_NE(johns.body.find("\"ISS-001\""), std::string::npos);
  EXPECT_EQ(Send(c2, "GET", "/v1/issues?assignee=john@techstart.com", lisa).body.find("ISS-"),
            std::string::npos);
  EXPECT_NE(Send(c1, "GET", "/v1/issues?priority=High", sarah).body.find("\"ISS-001\""),
            std::string::npos);
  TestResponse comments = Send(c1, "GET", "/v1/issues/ISS-001/comments", sarah);
  EXPECT_NE(comments.body.find("database connection timeout"), std::string::npos);
  EXPECT_EQ(comments.body.find("Dark mode"), std::string::npos);

  // File an issue, move it through the workflow, assign it, comment on it.
  TestResponse filed =
      Send(c1, "POST", "/v1/issues", sarah, R"({"title":"Export to CSV fails","priority":"High"})");
  ASSERT_EQ(filed.status, 201) << filed.body;
  const std::string path = std::string(*filed.headers.Find("Location"));
  std::string etag(*filed.headers.Find("ETag"));
  for (auto [token, body] :
       {std::pair{sarah, R"({"status":"In Progress"})"},
        std::pair{sarah, R"({"status":"In Review"})"}, std::pair{john, R"({"status":"Closed"})"},
        std::pair{john, R"({"status":"Open"})"}}) {
    TestResponse moved =
        Send(c1, "POST", path + "/transition", token, body, "If-Match: " + etag + "\r\n");
    ASSERT_EQ(moved.status, 200) << body << ": " << moved.body;
    etag = std::string(*moved.headers.Find("ETag"));
  }
  TestResponse assigned =
      Send(c1, "PUT", path + "/assignment", john,
           R"({"assigned_user":"sarah@techstart.com","assigned_team":"TEAM-001"})",
           "If-Match: " + etag + "\r\n");
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(Member(assigned, "assigned_team"), "TEAM-001");
  TestResponse commented = Send(c1, "POST", path + "/comments", sarah,
                                R"({"content":"Reproduced","mentions":["john@techstart.com"]})");
  EXPECT_EQ(commented.status, 201);

  // Another company's token: 404 for all of it, never 403, and nothing in its lists.
  EXPECT_EQ(Send(c2, "GET", path, lisa).status, 404);
  EXPECT_EQ(Send(c2, "GET", path + "/comments", lisa).status, 404);
  EXPECT_EQ(Send(c2, "POST", path + "/comments", lisa, R"({"content":"peek"})").status, 404);
  EXPECT_EQ(Send(c2, "GET", "/v1/issues?limit=100", lisa).body.find("Export to CSV"),
            std::string::npos);
  // The same connection keeps serving (keep-alive throughout).
  EXPECT_EQ(Send(c1, "GET", "/v1/me", sarah).status, 200);
}

TEST_F(LoopbackTest, TheServersOwnErrorsAreProblems) {
  TestConnection c(server_->port());
  const std::string sarah = fixture_.Token("COMPANY001", Users::kUser1);
  // Announced too large: 413 before the body is read.
  std::string req = "POST /v1/issues HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + sarah +
                    "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
  ASSERT_TRUE(c.Send(req));
  std::optional<TestResponse> r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Member(*r, "code"), "payload_too_large");
  EXPECT_EQ(*r->headers.Find("Content-Type"), "application/problem+json");
  // A malformed request line: 400.
  TestConnection bad(server_->port());
  ASSERT_TRUE(bad.Send("NONSENSE\r\n\r\n"));
  std::optional<TestResponse> b = bad.ReadResponse();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->status, 400);
  EXPECT_EQ(Member(*b, "code"), "bad_request");
}

TEST_F(LoopbackTest, StopsGracefully) {
  TestConnection c(server_->port());
  EXPECT_EQ(Send(c, "GET", "/healthz", "").status, 200);
  server_->Stop();
  server_.reset();
  EXPECT_TRUE(c.ClosedWithin(std::chrono::milliseconds(2000)));
}

}  // namespace
}  // namespace issuetracker::http::testing
