// ConnectionPool: HTTP/1.1 keep-alive connections to one endpoint, over TCP or TLS, for
// blocking callers on many threads. Internal to the client backend.
//
// Each connection owns its own io_context and is driven by the thread that holds it, so a
// request costs no thread hand-off: the caller writes and reads with Beast's asynchronous
// operations (which give every step a deadline) and runs the context until they finish.
// TLS verifies the server's certificate chain against the system's CA store (or a given
// PEM bundle) and its name against the endpoint's host (SNI set).
//
// Idle connections are reused most recently used first; one the server has closed (or that
// has unexpected bytes waiting) is dropped before use, as is one idle longer than the idle
// timeout.
//
// Thread-safety: Send may be called from many threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "dynamo/client/endpoint.h"

namespace issuetracker::dynamo::client {

struct HttpOptions {
  // Resolving, connecting and the TLS handshake of a new connection.
  std::chrono::milliseconds connect_timeout{3000};
  // Writing a request and reading its response.
  std::chrono::milliseconds request_timeout{10000};
  // Connections idle longer are closed instead of reused (servers drop idle connections).
  std::chrono::milliseconds idle_timeout{50000};
  size_t max_idle_connections = 64;
  // A PEM file of trusted CAs (AWS_CA_BUNDLE); empty: the system's CA store.
  std::string ca_file;
  // Largest response body accepted (DynamoDB's responses stay far below).
  uint64_t max_response_bytes = 64u << 20;
};

struct HttpRequest {
  std::string_view target = "/";
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // Host is added
  std::string_view body;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string error_type;  // X-Amzn-ErrorType, when present
};

// Attached to an IOError from Send: whether the request may have reached the server (it was
// written, wholly or partly, before the failure) and whether the failure was a timeout.
struct TransportDetail : StatusDetail {
  bool maybe_delivered = false;
  bool timeout = false;
};

class ConnectionPool {
 public:
  // Fails when the TLS context cannot be set up (an unreadable CA file).
  static Result<std::unique_ptr<ConnectionPool>> Create(Endpoint endpoint, HttpOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Sends `request` (POST) and reads the response, on an idle connection or a new one.
  // IOError with a TransportDetail when connecting, writing or reading fails or times out.
  Result<HttpResponse> Send(const HttpRequest& request);

  const Endpoint& endpoint() const { return endpoint_; }
  // Connections opened since creation (for tests and metrics).
  uint64_t connections_opened() const { return opened_.load(); }

 private:
  struct Connection;
  ConnectionPool(Endpoint endpoint, HttpOptions options);
  Result<std::unique_ptr<Connection>> Connect();
  std::unique_ptr<Connection> TakeIdle();
  void GiveBack(std::unique_ptr<Connection> connection);

  const Endpoint endpoint_;
  const HttpOptions options_;
  const std::string host_header_;
  struct TlsContext;
  std::unique_ptr<TlsContext> tls_;  // null for http
  std::mutex mu_;                    // guards idle_
  std::vector<std::unique_ptr<Connection>> idle_;
  std::atomic<uint64_t> opened_{0};
};

}  // namespace issuetracker::dynamo::client
