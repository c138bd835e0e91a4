// Helpers shared by the server's loopback tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "net/server.h"
#include "net/test_client.h"

namespace issuetracker::net::testing {

// Options for tests: loopback, a free port, two threads, short timeouts (~100 ms).
inline ServerOptions FastOptions() {
  ServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.threads = 2;
  o.read_timeout = std::chrono::milliseconds(100);
  o.idle_timeout = std::chrono::milliseconds(100);
  o.write_timeout = std::chrono::milliseconds(100);
  o.linger_timeout = std::chrono::milliseconds(100);
  o.drain_timeout = std::chrono::milliseconds(2000);
  return o;
}

// Answers "<METHOD> <path>" plus the body it received, as text/plain.
inline void EchoHandler(const Request& request, Response& response) {
  response.headers.Add("Content-Type", "text/plain");
  response.body.append(request.method_text).append(" ").append(request.path);
  if (!request.body.empty()) response.body.append(" ").append(request.body);
}

// Polls `condition` until it holds or `timeout` passes; returns its last value. For
// counters the server updates just after the client has seen the effect.
template <typename Condition>
bool WaitFor(Condition condition,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

inline std::unique_ptr<Server> StartOrDie(ServerOptions options, Handler handler = EchoHandler) {
  Result<std::unique_ptr<Server>> server = Server::Start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  if (!server.ok()) return nullptr;
  return std::move(server).value();
}

}  // namespace issuetracker::net::testing
