#include "dynamo/client/http_pool.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

namespace issuetracker::dynamo::client {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct ConnectionPool::TlsContext {
  ssl::context context{ssl::context::tls_client};
};

struct ConnectionPool::Connection {
  net::io_context io{1};
  std::optional<beast::tcp_stream> tcp;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  Clock::time_point last_used = Clock::now();

  beast::tcp_stream& Lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }

  // Runs the context until every started operation has completed.
  void Run() {
    io.restart();
    io.run();
  }

  // Whether the server closed the connection (or sent something unasked) while it idled.
  bool LooksClosed() {
    char byte;
    ssize_t n = ::recv(Lowest().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }

  template <typename Request>
  void AsyncWrite(Request& request, beast::error_code* ec, size_t* written) {
    auto done = [ec, written](beast::error_code e, size_t n) {
      *ec = e;
      *written = n;
    };
    if (tls) {
      http::async_write(*tls, request, done);
    } else {
      http::async_write(*tcp, request, done);
    }
  }

  template <typename Parser>
  void AsyncRead(Parser& parser, beast::error_code* ec, size_t* read) {
    auto done = [ec, read](beast::error_code e, size_t n) {
      *ec = e;
      *read = n;
    };
    if (tls) {
      http::async_read(*tls, buffer, parser, done);
    } else {
      http::async_read(*tcp, buffer, parser, done);
    }
  }
};

namespace {

Status TransportError(std::string what, const beast::error_code& ec, bool maybe_delivered) {
  auto detail = std::make_shared<TransportDetail>();
  detail->maybe_delivered = maybe_delivered;
  detail->timeout = ec == beast::error::timeout;
  return Status(Code::kIOError, what + ": " + ec.message(), std::move(detail));
}

}  // namespace

ConnectionPool::ConnectionPool(Endpoint endpoint, HttpOptions options)
    : endpoint_(std::move(endpoint)),
      options_(std::move(options)),
      host_header_(endpoint_.HostHeader()) {}

ConnectionPool::~ConnectionPool() = default;

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(Endpoint endpoint,
                                                               HttpOptions options) {
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(std::move(endpoint), std::move(options)));
  if (pool->endpoint_.https) {
    pool->tls_ = std::make_unique<TlsContext>();
    ssl::context& ctx = pool->tls_->context;
    beast::error_code ec;
    ctx.set_verify_mode(ssl::verify_peer, ec);
    if (!ec) {
      if (pool->options_.ca_file.empty()) {
        ctx.set_default_verify_paths(ec);
      } else {
        ctx.load_verify_file(pool->options_.ca_file, ec);
      }
    }
    if (ec) {
      return Status::IOError("cannot set up TLS trust (" +
                             (pool->options_.ca_file.empty() ? std::string("system CA store")
                                                             : pool->options_.ca_file) +
                             "): " + ec.message());
    }
  }
  return pool;
}

Result<std::unique_ptr<ConnectionPool::Connection>> ConnectionPool::Connect() {
  auto c = std::make_unique<Connection>();
  beast::error_code ec = net::error::would_block;
  tcp::resolver::results_type addresses;
  tcp::resolver resolver(c->io);
  resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                         [&](beast::error_code e, tcp::resolver::results_type r) {
                           ec = e;
                           addresses = std::move(r);
                         });
  c->io.restart();
  c->io.run_for(options_.connect_timeout);
  if (ec == net::error::would_block) {
    resolver.cancel();
    c->Run();
    return TransportError("cannot resolve " + endpoint_.host, beast::error::timeout, false);
  }
  if (ec) return TransportError("cannot resolve " + endpoint_.host, ec, false);

  if (tls_) {
    c->tls.emplace(c->io, tls_->context);
  } else {
    c->tcp.emplace(c->io);
  }
  beast::tcp_stream& stream = c->Lowest();
  stream.expires_after(options_.connect_timeout);
  stream.async_connect(addresses, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  c->Run();
  if (ec) return TransportError("cannot connect to " + endpoint_.Url(), ec, false);
  stream.socket().set_option(tcp::no_delay(true), ec);

  if (tls_) {
    // SNI, and the certificate must name the host (or IP address) we asked for.
    if (!SSL_set_tlsext_host_name(c->tls->native_handle(), endpoint_.host.c_str())) {
      return TransportError(
          "cannot set TLS server name",
          beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()),
          false);
    }
    c->tls->set_verify_callback(ssl::host_name_verification(endpoint_.host));
    stream.expires_after(options_.connect_timeout);
    c->tls->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    c->Run();
    if (ec) return TransportError("TLS handshake with " + endpoint_.Url() + " failed", ec, false);
  }
  opened_.fetch_add(1, std::memory_order_relaxed);
  return c;
}

std::unique_ptr<ConnectionPool::Connection> ConnectionPool::TakeIdle() {
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  while (!idle_.empty()) {
    std::unique_ptr<Connection> c = std::move(idle_.back());
    idle_.pop_back();
    if (now - c->last_used < options_.idle_timeout && !c->LooksClosed()) return c;
  }
  return nullptr;
}

void ConnectionPool::GiveBack(std::unique_ptr<Connection> connection) {
  connection->last_used = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(connection));
}

Result<HttpResponse> ConnectionPool::Send(const HttpRequest& request) {
  std::unique_ptr<Connection> c = TakeIdle();
  if (!c) {
    IT_ASSIGN_OR_RETURN(c, Connect());
  }
  http::request<http::span_body<const char>> req{http::verb::post, request.target, 11};
  req.set(http::field::host, host_header_);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = {request.body.data(), request.body.size()};
  req.prepare_payload();

  beast::error_code ec;
  size_t transferred = 0;
  c->Lowest().expires_after(options_.request_timeout);
  c->AsyncWrite(req, &ec, &transferred);
  c->Run();
  if (ec) {
    return TransportError("sending the request to " + endpoint_.Url() + " failed", ec,
                          transferred > 0);
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(options_.max_response_bytes);
  c->AsyncRead(parser, &ec, &transferred);
  c->Run();
  if (ec) {
    return TransportError("reading the response from " + endpoint_.Url() + " failed", ec, true);
  }
  http::response<http::string_body> res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  if (auto it = res.find("x-amzn-ErrorType"); it != res.end()) {
    out.error_type = std::string(it->value());
  }
  const bool keep_alive = res.keep_alive();
  out.body = std::move(res.body());
  if (keep_alive) GiveBack(std::move(c));
  return out;
}

}  // namespace issuetracker::dynamo::client
