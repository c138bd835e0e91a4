// Loopback tests of net::Server's limits, timeouts and shutdown, with a raw client for the
// malformed and slow cases. Timeouts are ~100 ms so the whole file runs in seconds.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <future>
#include <thread>

#include "net/server.h"
#include "net/server_test_util.h"
#include "net/test_client.h"

namespace issuetracker::net {
namespace {

using std::chrono::milliseconds;
using testing::FastOptions;
using testing::StartOrDie;
using testing::TestConnection;
using testing::TestResponse;
using testing::WaitFor;

using SteadyClock = std::chrono::steady_clock;

TEST(ServerLimitsTest, OversizedHeaderGets431AndClose) {
  ServerOptions o = FastOptions();
  o.max_header_bytes = 1024;
  auto server = StartOrDie(o);
  TestConnection c(server->port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n"));
  std::optional<TestResponse> r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->headers.Find("Connection"), "close");
  EXPECT_TRUE(c.ClosedWithin(milliseconds(2000)));
  // A header just under the limit is fine.
  TestConnection ok(server->port());
  ASSERT_TRUE(ok.Send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(900, 'a') + "\r\n\r\n"));
  std::optional<TestResponse> fine = ok.ReadResponse();
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200);
  EXPECT_TRUE(WaitFor([&] { return server->stats().protocol_errors == 1u; }));
}

TEST(ServerLimitsTest, OversizedBodyGets413) {
  ServerOptions o = FastOptions();
  o.max_body_bytes = 100;
  auto server = StartOrDie(o);
  {
    // Announced by Content-Length: refused before the body is read.
    TestConnection c(server->port());
    ASSERT_TRUE(c.Send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n"));
    std::optional<TestResponse> r = c.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_TRUE(c.ClosedWithin(milliseconds(2000)));
  }
  {
    // Chunked: refused once the de-chunked body passes the limit; the client was still
    // sending, yet it reads the 413 (the server lingers instead of resetting).
    TestConnection c(server->port());
    std::string request = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 20; ++i) request += "a\r\n0123456789\r\n";
    ASSERT_TRUE(c.Send(request));
    std::optional<TestResponse> r = c.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  {
    // Exactly at the limit is accepted.
    TestConnection c(server->port());
    ASSERT_TRUE(c.Send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n" +
                       std::string(100, 'b')));
    std::optional<TestResponse> r = c.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
}

TEST(ServerLimitsTest, MalformedRequestsGet400OrTheirOwnStatus) {
  struct Case {
    const char* name;
    std::string bytes;
    int status;
  };
  const Case cases[] = {
      {"garbage", "\x01\x02\x03 nonsense\r\n\r\n", 400},
      {"no version", "GET /\r\n\r\n", 400},
      {"bad version", "GET / HTTX/1.1\r\n\r\n", 400},
      {"http2", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
      {"field without colon", "GET / HTTP/1.1\r\nHost h\r\n\r\n", 400},
      {"space in field name", "GET / HTTP/1.1\r\nHost: h\r\nHo st: h\r\n\r\n", 400},
      {"bad content length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", 400},
      {"two content lengths",
       "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
      {"bad chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       400},
      {"endless chunk extension",
       "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=" +
           std::string(40000, 'a'),
       400},
      {"relative target", "GET abc HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"bad query escape", "GET /p?a=%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"bare LF", "GET / HTTP/1.1\nHost: h\n\n", 400},
      {"unknown expectation",
       "POST / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\n", 417},
      {"HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400},
      {"Content-Length and chunked",
       "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
       "0\r\n\r\n",
       400},
      // Smuggling: were "GET /x ..." read as a next request, it would bypass the front end.
      {"Transfer-Encoding not ending in chunked",
       "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\nGET /x HTTP/1.1\r\nHost: "
       "h\r\n\r\n",
       400},
      {"chunked, gzip", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\nabc",
       400},
      {"gzip, chunked",
       "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
      {"Transfer-Encoding in HTTP/1.0",
       "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"NUL in a field value", std::string("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 35),
       400},
      {"negative Content-Length", "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400},
      {"two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
  };
  auto server = StartOrDie(FastOptions());
  for (const Case& c : cases) {
    TestConnection conn(server->port());
    ASSERT_TRUE(conn.Send(c.bytes)) << c.name;
    std::optional<TestResponse> r = conn.ReadResponse();
    ASSERT_TRUE(r) << c.name;
    EXPECT_EQ(r->status, c.status) << c.name;
    EXPECT_EQ(r->headers.Find("Connection"), "close") << c.name;
    EXPECT_TRUE(conn.ClosedWithin(milliseconds(2000))) << c.name;
  }
  // The server is unharmed.
  TestConnection c(server->port());
  std::optional<TestResponse> r = c.Get("/still-fine");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(ServerLimitsTest, SlowlorisIsCutByTheReadTimeoutWhileOthersAreServed) {
  ServerOptions o = FastOptions();
  o.threads = 1;  // one thread: a blocked thread would starve the other client
  o.idle_timeout = milliseconds(2000);
  auto server = StartOrDie(o);
  TestConnection slow(server->port());
  ASSERT_TRUE(slow.Send("GET / HTTP/1.1\r\n"));
  const auto start = SteadyClock::now();
  std::atomic<bool> done{false};
  std::thread dripper([&] {
    // One header byte every 20 ms: always active, never done.
    while (!done.load()) {
      if (!slow.Send("X")) break;
      std::this_thread::sleep_for(milliseconds(20));
    }
  });
  TestConnection other(server->port());
  for (int i = 0; i < 10; ++i) {
    std::optional<TestResponse> r = other.Get("/other");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  std::string received;
  const bool closed = slow.ClosedWithin(milliseconds(3000), &received);
  const auto elapsed = SteadyClock::now() - start;
  done.store(true);
  dripper.join();
  EXPECT_TRUE(closed);
  EXPECT_NE(received.find("408"), std::string::npos) << received;
  EXPECT_GE(elapsed, milliseconds(100));
  EXPECT_LT(elapsed, milliseconds(2000));
  EXPECT_TRUE(WaitFor([&] { return server->stats().timeouts >= 1u; }));
  // The other client is still served.
  std::optional<TestResponse> r = other.Get("/after");
  ASSERT_TRUE(r);
}

TEST(ServerLimitsTest, SlowBodyIsCutByTheReadTimeout) {
  auto server = StartOrDie(FastOptions());
  TestConnection c(server->port());
  ASSERT_TRUE(c.Send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nab"));
  std::string received;
  EXPECT_TRUE(c.ClosedWithin(milliseconds(2000), &received));
  EXPECT_NE(received.find("408"), std::string::npos) << received;
}

TEST(ServerLimitsTest, IdleKeepAliveConnectionIsClosed) {
  auto server = StartOrDie(FastOptions());
  TestConnection c(server->port());
  // Requests closer together than the idle timeout keep the connection open.
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(c.Get("/")) << i;
    std::this_thread::sleep_for(milliseconds(40));
  }
  const auto start = SteadyClock::now();
  std::string received;
  EXPECT_TRUE(c.ClosedWithin(milliseconds(2000), &received));
  EXPECT_LT(SteadyClock::now() - start, milliseconds(1000));
  EXPECT_TRUE(received.empty()) << received;  // idle close says nothing
  EXPECT_TRUE(WaitFor([&] { return server->stats().connections_open == 0u; }));
}

TEST(ServerLimitsTest, ConnectionThatSendsNothingIsClosedByTheIdleTimeout) {
  auto server = StartOrDie(FastOptions());
  TestConnection c(server->port());
  EXPECT_TRUE(c.ClosedWithin(milliseconds(2000)));
}

TEST(ServerLimitsTest, BlockingHandlerDelaysNeitherAcceptingNorOtherThreadsTimeouts) {
  std::promise<void> entered;
  auto server = StartOrDie(FastOptions(), [&](const Request& req, Response& resp) {
    if (req.path == "/block") {
      entered.set_value();
      std::this_thread::sleep_for(milliseconds(700));
    }
    resp.body = "ok";
  });
  TestConnection blocked(server->port());  // the first serving thread
  ASSERT_TRUE(blocked.Send("GET /block HTTP/1.1\r\nHost: h\r\n\r\n"));
  entered.get_future().wait();
  const auto start = SteadyClock::now();
  TestConnection idle(server->port());                 // accepted meanwhile, on the second thread
  ASSERT_TRUE(idle.Get("/"));                          // served while the first thread is blocked
  EXPECT_TRUE(idle.ClosedWithin(milliseconds(2000)));  // its idle timeout fires on time
  EXPECT_LT(SteadyClock::now() - start, milliseconds(600));
  ASSERT_TRUE(blocked.ReadResponse());
}

TEST(ServerLimitsTest, ClientThatDoesNotReadIsCutByTheWriteTimeout) {
  const std::string big(32 << 20, 'z');  // more than loopback's socket buffers hold
  auto server =
      StartOrDie(FastOptions(), [&big](const Request&, Response& resp) { resp.body = big; });
  TestConnection c(server->port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_TRUE(WaitFor([&] { return server->stats().timeouts == 1u; }, milliseconds(3000)));
  EXPECT_EQ(server->stats().requests, 0u);  // the response was never completed
}

TEST(ServerLimitsTest, MaxConnectionsPausesAccepting) {
  ServerOptions o = FastOptions();
  o.max_connections = 2;
  o.idle_timeout = milliseconds(5000);
  auto server = StartOrDie(o);
  TestConnection a(server->port());
  TestConnection b(server->port());
  ASSERT_TRUE(a.Get("/a"));
  ASSERT_TRUE(b.Get("/b"));
  TestConnection third(server->port());  // completes in the kernel's backlog
  ASSERT_TRUE(third.connected());
  ASSERT_TRUE(third.Send("GET /third HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_FALSE(third.ReadResponse(milliseconds(200)));  // not accepted yet
  a.Close();
  std::optional<TestResponse> r = third.ReadResponse(milliseconds(3000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /third");
  EXPECT_LE(server->stats().connections_open, 2u);
}

TEST(ServerLimitsTest, StopFinishesInFlightRequestsAndClosesIdleOnes) {
  std::promise<void> entered;
  std::atomic<bool> entered_once{false};
  auto server = StartOrDie(FastOptions(), [&](const Request& req, Response& resp) {
    if (req.path == "/slow") {
      if (!entered_once.exchange(true)) entered.set_value();
      std::this_thread::sleep_for(milliseconds(300));
    }
    resp.body = "done " + req.path;
  });
  // A second client, idle on keep-alive when Stop() comes.
  TestConnection idle(server->port());
  ASSERT_TRUE(idle.Get("/warm"));
  TestConnection busy(server->port());
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n"));
  entered.get_future().wait();
  const auto start = SteadyClock::now();
  std::thread stopper([&] { server->Stop(); });
  std::optional<TestResponse> r = busy.ReadResponse(milliseconds(3000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "done /slow");
  EXPECT_EQ(r->headers.Find("Connection"), "close");
  EXPECT_TRUE(busy.ClosedWithin(milliseconds(2000)));
  EXPECT_TRUE(idle.ClosedWithin(milliseconds(2000)));
  stopper.join();
  EXPECT_LT(SteadyClock::now() - start, milliseconds(2000));
  // No longer accepting.
  TestConnection late(server->port());
  EXPECT_FALSE(late.connected() && late.Get("/late").has_value());
  server->Stop();  // idempotent
}

TEST(ServerLimitsTest, StopForceClosesAfterTheDrainTimeout) {
  ServerOptions o = FastOptions();
  o.drain_timeout = milliseconds(100);
  o.read_timeout = milliseconds(10000);  // a half-sent request would otherwise be waited for
  auto server = StartOrDie(o);
  TestConnection c(server->port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: h\r\n"));  // in flight, never completed
  std::this_thread::sleep_for(milliseconds(50));
  const auto start = SteadyClock::now();
  server->Stop();
  const auto took = SteadyClock::now() - start;
  EXPECT_GE(took, milliseconds(90));
  EXPECT_LT(took, milliseconds(1500));
  EXPECT_TRUE(c.ClosedWithin(milliseconds(1000)));
}

TEST(ServerLimitsTest, RunUntilSignalStopsGracefullyOnSigterm) {
  auto server = StartOrDie(FastOptions());
  TestConnection c(server->port());
  ASSERT_TRUE(c.Get("/before"));
  const int received = RunUntilSignal(*server, [] { std::raise(SIGTERM); });
  EXPECT_EQ(received, SIGTERM);
  EXPECT_TRUE(c.ClosedWithin(milliseconds(1000)));
  TestConnection late(server->port());
  EXPECT_FALSE(late.connected());
}

}  // namespace
}  // namespace issuetracker::net
