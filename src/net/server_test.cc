// Loopback tests of net::Server's request handling: framing, keep-alive, pipelining,
// methods, bodies, handler contracts, concurrency.
#include "net/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "net/server_test_util.h"
#include "net/test_client.h"

namespace issuetracker::net {
namespace {

using testing::EchoHandler;
using testing::FastOptions;
using testing::StartOrDie;
using testing::TestConnection;
using testing::TestResponse;
using testing::WaitFor;

TEST(ServerTest, StartsOnAFreePortAndAnswers) {
  auto server = StartOrDie(FastOptions());
  ASSERT_TRUE(server);
  EXPECT_NE(server->port(), 0);
  TestConnection c(server->port());
  ASSERT_TRUE(c.connected());
  std::optional<TestResponse> r = c.Get("/hello?x=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /hello");
  EXPECT_EQ(r->headers.Find("Content-Length"), "10");
  EXPECT_EQ(r->headers.Find("Content-Type"), "text/plain");
  EXPECT_TRUE(r->headers.Find("Date").has_value());
  EXPECT_FALSE(r->headers.Contains("Connection"));
}

TEST(ServerTest, HandlerSeesParsedRequest) {
  std::mutex mu;
  Request seen;
  auto server = StartOrDie(FastOptions(), [&](const Request& req, Response& resp) {
    std::lock_guard<std::mutex> lock(mu);
    seen = req;
    resp.status = 204;
  });
  TestConnection c(server->port());
  ASSERT_TRUE(
      c.Send("POST /v1/items%2Fx?limit=5&name=a+b HTTP/1.1\r\nHost: h\r\nX-Custom-Thing: V1\r\n"
             "Content-Length: 5\r\n\r\nhello"));
  std::optional<TestResponse> r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_FALSE(r->headers.Contains("Content-Length"));  // 204 has no body framing
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen.method, Method::kPost);
  EXPECT_EQ(seen.method_text, "POST");
  EXPECT_EQ(seen.version, 11);
  EXPECT_EQ(seen.target, "/v1/items%2Fx?limit=5&name=a+b");
  EXPECT_EQ(seen.path, "/v1/items%2Fx");
  EXPECT_EQ(seen.FindQueryParam("limit"), "5");
  EXPECT_EQ(seen.FindQueryParam("name"), "a b");
  EXPECT_EQ(seen.headers.Find("x-custom-thing"), "V1");
  EXPECT_EQ(seen.body, "hello");
  EXPECT_EQ(seen.remote_address, "127.0.0.1");
  EXPECT_NE(seen.remote_port, 0);
  EXPECT_TRUE(seen.keep_alive);
}

TEST(ServerTest, KeepAliveReusesTheConnection) {
  auto server = StartOrDie(FastOptions());
  TestConnection c(server->port());
  for (int i = 0; i < 5; ++i) {
    std::optional<TestResponse> r = c.Get("/r" + std::to_string(i));
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "GET /r" + std::to_string(i));
  }
  EXPECT_EQ(server->stats().connections_accepted, 1u);
  EXPECT_TRUE(WaitFor([&] { return server->stats().requests == 5u; }));
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartOrDie(FastOptions());
  TestConnection c(server->port());
  std::string burst;
  for (int i = 0; i < 20; ++i) {
    burst += "GET /p" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n";
  }
  burst += "POST /last HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nend";
  ASSERT_TRUE(c.Send(burst));
  for (int i = 0; i < 20; ++i) {
    std::optional<TestResponse> r = c.ReadResponse();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "GET /p" + std::to_string(i));
  }
  std::optional<TestResponse> last = c.ReadResponse();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->body, "POST /last end");
}

TEST(ServerTest, ChunkedRequestBodyIsDechunkedAndTrailersDropped) {
  auto server = StartOrDie(FastOptions(), [](const Request& req, Response& resp) {
    EchoHandler(req, resp);
    resp.headers.Add("X-Trailer-Seen", req.headers.Contains("Trailer") ? "yes" : "no");
  });
  TestConnection c(server->port());
  ASSERT_TRUE(
      c.Send("PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n"));
  std::optional<TestResponse> r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "PUT /c hello world");
  EXPECT_EQ(r->headers.Find("X-Trailer-Seen"), "no");
  // The connection is still usable afterwards.
  std::optional<TestResponse> next = c.Get("/after");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET /after");
}

TEST(ServerTest, HeadGetsTheHeadersOfGetWithoutTheBody) {
  auto server = StartOrDie(FastOptions());
  TestConnection c(server->port());
  ASSERT_TRUE(c.Send("HEAD /thing HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::optional<TestResponse> r = c.ReadResponse(std::chrono::milliseconds(5000), true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.Find("Content-Length"), "11");  // "HEAD /thing"
  EXPECT_TRUE(r->body.empty());
  // Had a body been sent, this GET's response would be misframed.
  std::optional<TestResponse> next = c.Get("/next");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET /next");
}

TEST(ServerTest, ExpectContinueGets100BeforeTheBody) {
  auto server = StartOrDie(FastOptions());
  TestConnection c(server->port());
  ASSERT_TRUE(
      c.Send("POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  std::optional<TestResponse> interim = c.ReadResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.Send("data"));
  std::optional<TestResponse> r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /e data");
}

TEST(ServerTest, ExpectContinueWithATooLargeBodyGets413WithoutContinue) {
  ServerOptions o = FastOptions();
  o.max_body_bytes = 10;
  auto server = StartOrDie(o);
  TestConnection c(server->port());
  ASSERT_TRUE(
      c.Send("POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n"));
  std::optional<TestResponse> r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->headers.Find("Connection"), "close");
  EXPECT_TRUE(c.ClosedWithin(std::chrono::milliseconds(2000)));
}

TEST(ServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
  auto server = StartOrDie(FastOptions());
  {
    TestConnection c(server->port());
    ASSERT_TRUE(c.Send("GET /old HTTP/1.0\r\n\r\n"));
    std::optional<TestResponse> r = c.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->headers.Find("Connection"), "close");
    EXPECT_TRUE(c.ClosedWithin(std::chrono::milliseconds(2000)));
  }
  TestConnection c(server->port());
  ASSERT_TRUE(c.Send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  std::optional<TestResponse> r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers.Find("Connection"), "keep-alive");
  ASSERT_TRUE(c.Send("GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  ASSERT_TRUE(c.ReadResponse());
}

TEST(ServerTest, ConnectionCloseFromClientOrHandlerClosesAfterTheResponse) {
  auto server = StartOrDie(FastOptions(), [](const Request& req, Response& resp) {
    if (req.path == "/bye") resp.headers.Add("Connection", "close");
    resp.body = "x";
  });
  {
    TestConnection c(server->port());
    ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
    std::optional<TestResponse> r = c.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->headers.Find("Connection"), "close");
    EXPECT_TRUE(c.ClosedWithin(std::chrono::milliseconds(2000)));
  }
  TestConnection c(server->port());
  std::optional<TestResponse> r = c.Get("/bye");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers.Find("Connection"), "close");
  EXPECT_TRUE(c.ClosedWithin(std::chrono::milliseconds(2000)));
}

TEST(ServerTest, FramingFieldsOfTheHandlerAreReplaced) {
  auto server = StartOrDie(FastOptions(), [](const Request&, Response& resp) {
    resp.headers.Add("Content-Length", "999");
    resp.headers.Add("Transfer-Encoding", "chunked");
    resp.headers.Add("X-Kept", "yes");
    resp.body = "abc";
  });
  TestConnection c(server->port());
  std::optional<TestResponse> r = c.Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers.Find("Content-Length"), "3");
  EXPECT_FALSE(r->headers.Contains("Transfer-Encoding"));
  EXPECT_EQ(r->headers.Find("X-Kept"), "yes");
  EXPECT_EQ(r->body, "abc");
}

TEST(ServerTest, InvalidResponseFromTheHandlerBecomes500) {
  auto server = StartOrDie(FastOptions(), [](const Request& req, Response& resp) {
    if (req.path == "/split") resp.headers.Add("X-Evil", "a\r\nSet-Cookie: b");
    if (req.path == "/name") resp.headers.Add("Bad Name", "v");
    if (req.path == "/status") resp.status = 42;
  });
  TestConnection c(server->port());
  for (const char* path : {"/split", "/name", "/status"}) {
    std::optional<TestResponse> r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 500) << path;
    EXPECT_FALSE(r->headers.Contains("Set-Cookie"));
  }
}

TEST(ServerTest, ThrowingHandlerGets500AndTheServerGoesOn) {
  auto server = StartOrDie(FastOptions(), [](const Request& req, Response& resp) {
    if (req.path == "/throw") throw std::runtime_error("boom");
    resp.body = "fine";
  });
  TestConnection c(server->port());
  std::optional<TestResponse> r = c.Get("/throw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  std::optional<TestResponse> ok = c.Get("/ok");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->body, "fine");
}

TEST(ServerTest, AccessLogHookSeesEveryResponse) {
  std::mutex mu;
  std::vector<std::string> lines;
  ServerOptions o = FastOptions();
  o.access_log = [&](const AccessLogEntry& e) {
    std::lock_guard<std::mutex> lock(mu);
    lines.push_back(std::string(e.method) + " " + std::string(e.target) + " " +
                    std::string(e.path) + " " + std::to_string(e.status) + " " +
                    std::to_string(e.request_body_bytes) + " " +
                    std::to_string(e.response_body_bytes) + " " + std::string(e.remote_address) +
                    (e.latency.count() >= 0 ? "" : " negative"));
  };
  auto server = StartOrDie(o);
  TestConnection c(server->port());
  ASSERT_TRUE(c.Get("/a?b=c"));
  ASSERT_TRUE(c.Send("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi"));
  ASSERT_TRUE(c.ReadResponse());
  ASSERT_TRUE(c.Send("NOT A REQUEST\r\n\r\n"));
  ASSERT_TRUE(c.ReadResponse());
  // The hook runs once the write completed, which may be just after the client read it.
  EXPECT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return lines.size() == 3;
  }));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "GET /a?b=c /a 200 0 6 127.0.0.1");
  EXPECT_EQ(lines[1], "POST /p /p 200 2 10 127.0.0.1");
  EXPECT_NE(lines[2].find(" 400 0 "), std::string::npos);
}

TEST(ServerTest, ErrorResponderShapesTheServersOwnErrors) {
  ServerOptions o = FastOptions();
  o.error_responder = [](int status, std::string_view detail, Response& resp) {
    resp.headers.Add("Content-Type", "application/json");
    resp.body = "{\"status\":" + std::to_string(status) +
                ",\"has_detail\":" + (detail.empty() ? "false" : "true") + "}";
  };
  auto server = StartOrDie(o);
  TestConnection c(server->port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n"));
  std::optional<TestResponse> r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->headers.Find("Content-Type"), "application/json");
  EXPECT_EQ(r->body, "{\"status\":400,\"has_detail\":true}");
}

TEST(ServerTest, ConcurrentClientsOnSeveralThreads) {
  ServerOptions o = FastOptions();
  o.threads = 4;
  o.idle_timeout = std::chrono::milliseconds(5000);
  o.read_timeout = std::chrono::milliseconds(5000);
  o.write_timeout = std::chrono::milliseconds(5000);
  std::atomic<int> handled{0};
  std::mutex ids_mu;
  std::set<std::thread::id> handler_threads;
  auto server = StartOrDie(o, [&](const Request& req, Response& resp) {
    handled.fetch_add(1);
    {
      std::lock_guard<std::mutex> lock(ids_mu);
      handler_threads.insert(std::this_thread::get_id());
    }
    resp.body = req.path;
  });
  constexpr int kClients = 8;
  constexpr int kRequests = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      TestConnection c(server->port());
      for (int i = 0; i < kRequests; ++i) {
        const std::string path = "/c" + std::to_string(t) + "/" + std::to_string(i);
        std::optional<TestResponse> r = c.Get(path);
        if (!r || r->body != path) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(handled.load(), kClients * kRequests);
  EXPECT_EQ(server->stats().connections_accepted, static_cast<uint64_t>(kClients));
  std::lock_guard<std::mutex> lock(ids_mu);
  EXPECT_GE(handler_threads.size(), 2u);  // the pool, not one thread, ran the handlers
}

TEST(ServerTest, StartFailsOnABadAddressOrAPortInUse) {
  ServerOptions bad = FastOptions();
  bad.address = "not-an-ip";
  EXPECT_FALSE(Server::Start(bad, EchoHandler).ok());
  auto first = StartOrDie(FastOptions());
  ServerOptions same = FastOptions();
  same.port = first->port();
  Result<std::unique_ptr<Server>> second = Server::Start(same, EchoHandler);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("bind"), std::string::npos);
  ServerOptions no_handler = FastOptions();
  EXPECT_FALSE(Server::Start(no_handler, Handler()).ok());
}

}  // namespace
}  // namespace issuetracker::net
