// Internals of net::Server shared by server.cc (acceptor, registry, deadlines, shutdown)
// and session.cc (one connection's I/O). Includes Asio and Beast: only .cc files of
// src/net may include this header.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "net/server.h"

namespace issuetracker::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Nanoseconds on the steady clock (the deadlines' time base).
int64_t SteadyNowNanos();

// Fills a Request from Beast's parser callbacks, so no intermediate Beast message (and no
// per-field allocation of Beast's field list) is built. One parser per request (Beast's
// parsers cannot be reset); the Request it fills is reused by the session.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser(Request& request, const ServerOptions& options);

  // Set when the request line named an HTTP major version other than 1 (answered 505).
  bool unsupported_version() const { return unsupported_version_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field, string_view name, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override { header_done_ = true; }
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code&) override;
  std::size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  Request& request_;
  size_t max_body_bytes_;
  bool unsupported_version_ = false;
  bool header_done_ = false;  // later fields are chunked trailers: dropped
};

class Session;

// The server's shared state. Sessions keep a reference to it; it outlives them (Stop()
// destroys the io_context, and with it every session, before ServerCore goes).
struct ServerCore {
  ServerCore(ServerOptions opts, Handler h, int thread_count);

  // Accepting. Runs on the control loop (contexts[0]).
  void DoAccept();
  void OnAccept(const boost::system::error_code& ec, tcp::socket socket);
  // Session registry. Thread-safe.
  void Unregister(Session* session);
  // Deadline sweep: every tick, sessions whose deadline passed are told so.
  void ScheduleSweep();
  void Sweep();
  std::vector<std::shared_ptr<Session>> LiveSessions();

  const ServerOptions options;
  const Handler handler;
  const int thread_count;
  const std::chrono::nanoseconds sweep_interval;

  // One io_context per thread, each run by its thread alone. contexts[0] is the control
  // loop (the acceptor and the deadline sweep), so handlers never delay accepting or
  // timeouts elsewhere; each of contexts[1..thread_count] serves the connections given to
  // it: a connection lives on one context, so its handlers never run concurrently (no
  // strand) and a completion never wakes another thread.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> sweep_timer;
  size_t next_context = 0;  // round-robin over the serving contexts; control thread only
  std::vector<std::thread> threads;
  uint16_t port = 0;

  std::atomic<bool> stopping{false};

  std::mutex mu;  // guards sessions, accept_paused
  std::condition_variable sessions_changed;
  std::unordered_set<Session*> sessions;
  bool accept_paused = false;

  std::mutex stop_mu;  // serialises Stop(); guards stopped
  bool stopped = false;

  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> protocol_errors{0};
};

// One connection: reads requests, calls the handler, writes responses, in order. All of
// its member functions run on its io_context's thread (the socket's executor); other
// threads reach it only by posting PostStop/PostDeadline/PostClose.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerCore& server, tcp::socket socket);
  ~Session();

  void Start();
  // Called from any thread.
  void PostStop();      // Stop(): close if idle; otherwise finish with Connection: close
  void PostDeadline();  // the sweeper saw deadline() pass
  void PostClose();     // drain timeout over: close now
  // Absolute deadline in SteadyNowNanos() units, 0 for none. Any thread.
  int64_t deadline() const { return deadline_.load(std::memory_order_relaxed); }

 private:
  enum class Phase : uint8_t { kIdle, kReading, kHandling, kWriting, kLingering, kClosed };

  void SetDeadline(int64_t at) { deadline_.store(at, std::memory_order_relaxed); }
  void BeginRequest();
  void ReadMore();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void Parse();
  bool CheckHeader();
  bool CheckTransferEncoding();
  void OnContinueWritten(const boost::system::error_code& ec);
  void FailParse(const boost::system::error_code& ec);
  void Dispatch();
  void SendError(int status, std::string_view detail);
  void WriteResponse(bool close);
  void OnWrite(const boost::system::error_code& ec);
  void Linger();
  void LingerRead();
  void Close();
  void OnDeadline();
  void ReportAccess();

  ServerCore& server_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  Request request_;
  Response response_;
  std::string head_;  // status line and header fields of the response being written
  Phase phase_ = Phase::kIdle;
  bool header_checked_ = false;
  bool close_after_write_ = false;
  bool head_only_ = false;  // HEAD, 1xx, 204, 304: no body on the wire
  size_t lingered_bytes_ = 0;
  int64_t request_start_ = 0;
  std::atomic<int64_t> deadline_{0};
};

// Serialises the response head (status line, fields, framing) into `out`. Returns false
// when a handler-provided field is not valid HTTP (the caller answers 500 instead).
bool BuildResponseHead(const Response& response, const std::string& server_header, bool close,
                       bool http10_keep_alive, std::string& out);

}  // namespace issuetracker::net
