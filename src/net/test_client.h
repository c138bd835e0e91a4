// A raw, blocking HTTP/1.1 test client over POSIX sockets, for loopback tests of servers
// built on net::Server (malformed requests, slow clients, pipelining): it sends exactly
// the bytes it is given and parses responses itself. Test-only (library it_net_testing).
//
// Thread-safety: one TestConnection per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_types.h"

namespace issuetracker::net::testing {

struct TestResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

class TestConnection {
 public:
  // Connects to 127.0.0.1:port; connected() tells whether it worked.
  explicit TestConnection(uint16_t port);
  ~TestConnection();
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends all of `bytes`; false on error.
  bool Send(std::string_view bytes);
  // Reads one response (Content-Length or chunked framing, or until close when it has
  // neither); nullopt on timeout, a closed connection or a malformed response. When
  // `head_request`, the response has no body whatever its headers say.
  std::optional<TestResponse> ReadResponse(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
      bool head_request = false);
  // Sends a GET for `target` and reads its response.
  std::optional<TestResponse> Get(std::string_view target);
  // Whether the server closes the connection (EOF or reset) within `timeout`; bytes it
  // sends before closing are appended to `received` when given.
  bool ClosedWithin(std::chrono::milliseconds timeout, std::string* received = nullptr);
  // Shuts down the sending side (the server sees end of stream).
  void ShutdownSend();
  void Close();

 private:
  // Reads more bytes into buffer_ before `deadline`; false on timeout, EOF or error.
  bool Fill(std::chrono::steady_clock::time_point deadline);
  std::optional<std::string> ReadLine(std::chrono::steady_clock::time_point deadline);
  bool ReadExactly(size_t n, std::chrono::steady_clock::time_point deadline, std::string& out);

  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
};

}  // namespace issuetracker::net::testing
