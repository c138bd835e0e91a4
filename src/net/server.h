// An HTTP/1.1 server core on Boost.Beast/Asio: a fixed pool of threads, one acceptor,
// sessions that only do I/O, and a handler that is a plain function from a Request to a
// Response (it never sees a socket). The DynamoDB-compatible endpoint and the REST service
// are both built on it; neither includes Beast or Asio headers.
//
// What the server guarantees (each limit is a named field of ServerOptions):
//  - Keep-alive and pipelining: requests on one connection are answered in order, one at a
//    time; a handler never runs concurrently with another request of the same connection.
//  - A request whose header exceeds max_header_bytes gets 431, a body over max_body_bytes
//    413 (before the body is read when Content-Length announces it), a malformed request
//    400, an HTTP major version other than 1 gets 505; each then closes the connection.
//  - Every request must arrive whole within read_timeout of its first byte (408, then
//    close); a keep-alive connection waiting for its next request is closed after
//    idle_timeout; a response must be taken by the client within write_timeout. All I/O is
//    asynchronous, so slow or idle clients never hold a thread.
//  - At most max_connections connections are open; beyond that the server stops accepting
//    (new clients wait in the kernel's backlog) until one closes.
//  - `Expect: 100-continue` gets "100 Continue" before the body is read (or the final 413
//    without reading it); HEAD gets the headers a GET would get, without the body;
//    chunked request bodies are de-chunked.
//  - Stop() is graceful: see below.
//
// Threads: each of the pool's `threads` threads runs its own event loop; an accepted
// connection is given to one of them (round-robin) for its whole life, so its handlers
// never run concurrently and no completion has to wake another thread (see docs/http.md
// and docs/benchmarks.md). Handlers run on that thread, synchronously: a handler that
// blocks delays the other connections of its thread (not those of the other threads) for
// that time. The pool is sized for handlers of micro- to milliseconds (storage calls);
// longer work belongs elsewhere. One more thread, mostly idle, accepts connections and
// enforces the deadlines, so neither waits for a handler.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "net/http_types.h"

namespace issuetracker::net {

// The request handler: reads `request` and fills `response`, which arrives reset (status
// 200, no headers, empty body) but with the capacity of earlier responses of the same
// connection, so a handler that writes into it allocates nothing in steady state.
// Called concurrently from several threads for different connections: must be
// thread-safe. Should not throw; an exception escaping it is answered with a 500.
using Handler = std::function<void(const Request& request, Response& response)>;

// What the access-log hook sees for every response the server writes (including the
// server's own 4xx/5xx answers to bad requests). Views are valid during the call only.
struct AccessLogEntry {
  std::string_view method;  // "GET"; empty when the request line never arrived whole
  std::string_view target;  // as received, with the query
  std::string_view path;    // the target's path (empty when the target did not parse)
  std::string_view remote_address;
  int status = 0;
  size_t request_body_bytes = 0;
  size_t response_body_bytes = 0;        // body bytes as computed (0 on the wire for HEAD)
  std::chrono::microseconds latency{0};  // first byte of the request to response written
};

// Called after each response is written, on a server thread. Must be thread-safe and fast
// (it runs on the I/O path).
using AccessLogHook = std::function<void(const AccessLogEntry& entry)>;

// Builds the body of an error the server answers by itself (400, 408, 413, 431, 500, 505):
// fill `response` (status already set, `detail` says what went wrong). By default a
// text/plain body with the reason phrase and the detail.
using ErrorResponder = std::function<void(int status, std::string_view detail, Response& response)>;

struct ServerOptions {
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal to listen on
  uint16_t port = 0;                  // 0: the kernel picks a free port (see Server::port())
  int threads = 0;                    // serving threads; 0: std::thread::hardware_concurrency()
  int listen_backlog = 1024;

  size_t max_header_bytes = 16 * 1024;             // request line + fields; over it: 431
  size_t max_body_bytes = 1024 * 1024;             // after de-chunking; over it: 413
  size_t max_connections = 10000;                  // open connections; over it: accept pauses
  std::chrono::milliseconds read_timeout{10000};   // first byte to whole request: else 408
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{10000};  // to hand a response to the client
  std::chrono::milliseconds drain_timeout{10000};  // Stop(): bound on waiting for requests
  // After an error response or `Connection: close`, the server shuts down its sending
  // side and reads (and discards) what the client still sends for up to this long, so
  // the client sees the response instead of a connection reset.
  std::chrono::milliseconds linger_timeout{1000};

  std::string server_header;       // sent as `Server:` when not empty
  AccessLogHook access_log;        // optional
  ErrorResponder error_responder;  // optional
};

// Counters for tests and monitoring. Read atomically, each on its own.
struct ServerStats {
  uint64_t connections_accepted = 0;
  uint64_t connections_open = 0;
  uint64_t requests = 0;         // responses written, including the server's own errors
  uint64_t timeouts = 0;         // connections closed by a read, idle or write timeout
  uint64_t protocol_errors = 0;  // 400/413/431/505 answered by the server itself
};

struct ServerCore;  // internal (net/server_internal.h)

class Server {
 public:
  // Binds, listens and starts the threads. On failure (bad address, port in use, bad
  // options) returns the error and starts nothing.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, Handler handler);

  // Stops gracefully (see Stop()) if still running.
  ~Server();

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port the server listens on (the chosen one when ServerOptions::port was 0).
  uint16_t port() const;
  // The address it listens on, as given.
  const std::string& address() const;
  ServerStats stats() const;

  // Graceful shutdown: stops accepting; closes idle keep-alive connections; lets every
  // request already being read or handled finish and answers it with `Connection: close`;
  // waits for those connections to close, at most drain_timeout (then closes whatever is
  // left); then joins the threads. Idempotent; thread-safe; blocks until done.
  // REQUIRES: not called from a handler or an access-log hook (it would wait for itself).
  void Stop();

 private:
  explicit Server(std::unique_ptr<ServerCore> core);
  std::unique_ptr<ServerCore> impl_;
};

// Runs until the process receives SIGINT or SIGTERM, then calls server.Stop() and
// returns. The signals are caught (not left to their default action) only while this
// runs. `on_waiting`, when given, is called once the signal handlers are installed (a
// test raises its signal from there; a program prints its "listening on" line).
// Returns the signal number received.
int RunUntilSignal(Server& server, const std::function<void()>& on_waiting = {});

}  // namespace issuetracker::net
