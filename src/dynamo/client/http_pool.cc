#include "dynamo/client/http_pool.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cerrno>
#include <cstring>

namespace issuetracker::dynamo::client {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

// The trust settings every TLS connection of the pool shares.
struct ConnectionPool::TlsContext {
  SSL_CTX* ctx = nullptr;
  ~TlsContext() {
    if (ctx) SSL_CTX_free(ctx);
  }
};

// One connection: a non-blocking socket (and its TLS session) driven with poll(), so that
// every step has a deadline and a request costs a few system calls and no thread hand-off.
struct ConnectionPool::Connection {
  int fd = -1;
  SSL* ssl = nullptr;
  std::string in;  // received bytes not yet parsed
  Clock::time_point last_used = Clock::now();

  ~Connection() {
    if (ssl) SSL_free(ssl);
    if (fd >= 0) ::close(fd);
  }

  // Whether the server closed the connection (or sent something unasked) while it idled.
  bool LooksClosed() const {
    if (ssl && SSL_pending(ssl) > 0) return true;
    char byte;
    ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }
};

namespace {

// Waits until `fd` is ready for `events` or the deadline passes; false on timeout.
bool Wait(int fd, short events, Clock::time_point deadline) {
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count() + 1, INT32_MAX)));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return true;  // let the next call report the error
  }
}

Status Failure(const std::string& what, const std::string& why, bool maybe_delivered,
               bool timeout) {
  auto detail = std::make_shared<TransportDetail>();
  detail->maybe_delivered = maybe_delivered;
  detail->timeout = timeout;
  return Status(Code::kIOError, what + ": " + (timeout ? std::string("timed out") : why),
                std::move(detail));
}

std::string SslError(const std::string& fallback) {
  unsigned long e = ERR_get_error();
  if (e == 0) return fallback;
  char buffer[256];
  ERR_error_string_n(e, buffer, sizeof(buffer));
  ERR_clear_error();
  return buffer;
}

// Drives one non-blocking OpenSSL call until it completes, waiting for the socket as it asks.
// Returns the call's result (> 0), or 0 with *error set.
template <typename Call>
int SslDrive(SSL* ssl, int fd, Clock::time_point deadline, Call call, std::string* error,
             bool* timeout) {
  while (true) {
    ERR_clear_error();
    int r = call();
    if (r > 0) return r;
    int e = SSL_get_error(ssl, r);
    short events = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0) {
      const bool closed = e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0);
      *error = closed ? std::string("connection closed by the server")
                      : SslError(e == SSL_ERROR_SYSCALL ? std::strerror(errno) : "TLS error");
      return 0;
    }
    if (!Wait(fd, events, deadline)) {
      *timeout = true;
      return 0;
    }
  }
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
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    pool->tls_->ctx = ctx;
    if (ctx == nullptr) return Status::IOError("cannot create a TLS context: " + SslError("?"));
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    const std::string& ca = pool->options_.ca_file;
    int ok = ca.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                        : SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr);
    if (ok != 1) {
      return Status::IOError("cannot set up TLS trust (" +
                             (ca.empty() ? std::string("system CA store") : ca) +
                             "): " + SslError("no certificates"));
    }
  }
  return pool;
}

Result<std::unique_ptr<ConnectionPool::Connection>> ConnectionPool::Connect() {
  const std::string what = "cannot connect to " + endpoint_.Url();
  const auto deadline = Clock::now() + options_.connect_timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (int rc = ::getaddrinfo(endpoint_.host.c_str(), std::to_string(endpoint_.port).c_str(), &hints,
                             &addresses);
      rc != 0) {
    return Failure("cannot resolve " + endpoint_.host, ::gai_strerror(rc), false, false);
  }
  auto c = std::make_unique<Connection>();
  std::string why = "no address";
  bool timed_out = false;
  for (addrinfo* a = addresses; a != nullptr && c->fd < 0; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      if (!Wait(fd, POLLOUT, deadline)) {
        timed_out = true;
        ::close(fd);
        break;
      }
      int error = 0;
      socklen_t len = sizeof(error);
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
      rc = error == 0 ? 0 : -1;
      errno = error;
    }
    if (rc != 0) {
      why = std::strerror(errno);
      ::close(fd);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->fd = fd;
  }
  ::freeaddrinfo(addresses);
  if (c->fd < 0) return Failure(what, why, false, timed_out);

  if (tls_) {
    c->ssl = SSL_new(tls_->ctx);
    SSL_set_fd(c->ssl, c->fd);
    // SNI, and the certificate must name the host (or IP address) we asked for.
    SSL_set_tlsext_host_name(c->ssl, endpoint_.host.c_str());
    X509_VERIFY_PARAM* param = SSL_get0_param(c->ssl);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, endpoint_.host.c_str()) != 1) {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, endpoint_.host.c_str(), 0);
    }
    std::string error;
    bool timeout = false;
    if (SslDrive(
            c->ssl, c->fd, deadline, [&] { return SSL_connect(c->ssl); }, &error, &timeout) <= 0) {
      long verify = SSL_get_verify_result(c->ssl);
      if (verify != X509_V_OK) {
        error = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
      }
      return Failure("TLS handshake with " + endpoint_.Url() + " failed", error, false, timeout);
    }
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
  const auto deadline = Clock::now() + options_.request_timeout;

  // The request head; the body follows it as is.
  std::string head;
  head.reserve(512);
  head += "POST ";
  head.append(request.target);
  head += " HTTP/1.1\r\nHost: ";
  head += host_header_;
  head += "\r\n";
  for (const auto& [name, value] : request.headers) {
    head.append(name);
    head += ": ";
    head.append(value);
    head += "\r\n";
  }
  head += "Content-Length: ";
  head += std::to_string(request.body.size());
  head += "\r\n\r\n";

  const std::string sending = "sending the request to " + endpoint_.Url() + " failed";
  size_t sent = 0;
  const size_t total = head.size() + request.body.size();
  if (c->ssl) {
    head.append(request.body);  // one TLS write
    std::string error;
    bool timeout = false;
    while (sent < total) {
      int n = SslDrive(
          c->ssl, c->fd, deadline,
          [&] {
            return SSL_write(c->ssl, head.data() + sent,
                             static_cast<int>(std::min<size_t>(total - sent, 1 << 30)));
          },
          &error, &timeout);
      if (n <= 0) return Failure(sending, error, sent > 0, timeout);
      sent += static_cast<size_t>(n);
    }
  } else {
    while (sent < total) {
      iovec parts[2];
      int count = 0;
      if (sent < head.size()) {
        parts[count++] = {head.data() + sent, head.size() - sent};
        parts[count++] = {const_cast<char*>(request.body.data()), request.body.size()};
      } else {
        size_t at = sent - head.size();
        parts[count++] = {const_cast<char*>(request.body.data()) + at, request.body.size() - at};
      }
      msghdr message{};
      message.msg_iov = parts;
      message.msg_iovlen = static_cast<size_t>(count);
      ssize_t n = ::sendmsg(c->fd, &message, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        if (!Wait(c->fd, POLLOUT, deadline)) return Failure(sending, "", sent > 0, true);
      } else {
        return Failure(sending, std::strerror(errno), sent > 0, false);
      }
    }
  }

  // The response, parsed as it arrives.
  const std::string reading = "reading the response from " + endpoint_.Url() + " failed";
  http::response_parser<http::string_body> parser;
  parser.body_limit(options_.max_response_bytes);
  parser.eager(true);
  char chunk[65536];
  while (true) {
    if (!c->in.empty()) {
      boost::system::error_code ec;
      size_t used = parser.put(boost::asio::buffer(c->in.data(), c->in.size()), ec);
      c->in.erase(0, used);
      if (ec && ec != http::error::need_more) return Failure(reading, ec.message(), true, false);
      if (parser.is_done()) break;
    }
    ssize_t n;
    if (c->ssl) {
      std::string error;
      bool timeout = false;
      n = SslDrive(
          c->ssl, c->fd, deadline, [&] { return SSL_read(c->ssl, chunk, sizeof(chunk)); }, &error,
          &timeout);
      if (n <= 0) return Failure(reading, error, true, timeout);
    } else {
      n = ::recv(c->fd, chunk, sizeof(chunk), 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        if (!Wait(c->fd, POLLIN, deadline)) return Failure(reading, "", true, true);
        continue;
      }
      if (n < 0) return Failure(reading, std::strerror(errno), true, false);
      if (n == 0) return Failure(reading, "connection closed by the server", true, false);
    }
    c->in.append(chunk, static_cast<size_t>(n));
  }
  http::response<http::string_body> res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  if (auto it = res.find("x-amzn-ErrorType"); it != res.end()) {
    out.error_type = std::string(it->value());
  }
  const bool keep_alive = res.keep_alive();
  out.body = std::move(res.body());
  if (keep_alive && c->in.empty()) GiveBack(std::move(c));
  return out;
}

}  // namespace issuetracker::dynamo::client
