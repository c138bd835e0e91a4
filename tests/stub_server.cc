#include "tests/stub_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <cstdlib>

namespace issuetracker::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct StubServer::Impl {
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::optional<ssl::context> tls;
  Handler handler;
  std::shared_ptr<std::atomic<uint64_t>> accepted;
};

namespace {

// One connection: read a request, act, repeat. Stream is tcp_stream or ssl_stream.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, StubServer::Impl& server)
      : stream_(std::move(stream)), server_(server), timer_(stream_.get_executor()) {}

  void Start() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->Read();
                              });
    } else {
      Read();
    }
  }

 private:
  void Read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec) self->Act();
                     });
  }

  void Act() {
    StubRequest r;
    if (auto it = request_.find("x-amz-target"); it != request_.end()) {
      r.target = std::string(it->value());
    }
    for (const auto& field : request_) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(field.value());
    }
    r.body = std::move(request_.body());
    action_ = server_.handler(r);
    if (action_.delay.count() > 0) {
      timer_.expires_after(action_.delay);
      timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
        if (!ec) self->Respond();
      });
    } else {
      Respond();
    }
  }

  void Respond() {
    if (action_.kind == StubAction::Kind::kDrop) {
      beast::error_code ec;
      beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
      beast::get_lowest_layer(stream_).socket().close(ec);
      return;
    }
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(action_.status));
    response_.set(http::field::content_type, "application/x-amz-json-1.0");
    response_.set("x-amzn-RequestId", "stub");
    response_.keep_alive(!action_.close_after && request_.keep_alive());
    response_.body() = action_.body;
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return;
                        if (!self->response_.keep_alive()) {
                          beast::get_lowest_layer(self->stream_).socket().close(ec);
                          return;
                        }
                        self->Read();
                      });
  }

  Stream stream_;
  StubServer::Impl& server_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  StubAction action_;
};

void Accept(StubServer::Impl& server) {
  server.acceptor.async_accept(net::make_strand(server.io), [&server](beast::error_code ec,
                                                                      tcp::socket socket) {
    if (ec) return;  // closed
    server.accepted->fetch_add(1);
    socket.set_option(tcp::no_delay(true), ec);
    if (server.tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *server.tls),
          server)
          ->Start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), server)
          ->Start();
    }
    Accept(server);
  });
}

[[noreturn]] void Die(const std::string& what, const beast::error_code& ec) {
  std::fprintf(stderr, "stub server: %s: %s\n", what.c_str(), ec.message().c_str());
  std::abort();
}

}  // namespace

StubServer::StubServer(Handler handler, int threads, const TlsFiles* tls)
    : impl_(std::make_unique<Impl>()),
      tls_(tls != nullptr),
      accepted_(std::make_shared<std::atomic<uint64_t>>(0)) {
  impl_->handler = std::move(handler);
  impl_->accepted = accepted_;
  beast::error_code ec;
  if (tls) {
    impl_->tls.emplace(ssl::context::tls_server);
    impl_->tls->use_certificate_chain_file(tls->certificate_chain, ec);
    if (!ec) impl_->tls->use_private_key_file(tls->private_key, ssl::context::pem, ec);
    if (ec) Die("TLS setup", ec);
  }
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) Die("listen", ec);
  port_ = impl_->acceptor.local_endpoint().port();
  Accept(*impl_);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { impl_->io.run(); });
}

StubServer::~StubServer() {
  net::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->io.stop();
  for (auto& t : threads_) t.join();
}

std::string StubServer::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

}  // namespace issuetracker::testing
