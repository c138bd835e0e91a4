// net::Server: the thread pool, the acceptor, the session registry, the deadline sweeper
// and graceful shutdown. One connection's I/O is in session.cc.
#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>

#include "net/server_internal.h"

namespace issuetracker::net {
using boost::system::error_code;

namespace {

// After a failed accept (for example out of file descriptors), wait this long before
// accepting again instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
// After the drain timeout, how long Stop() waits for forcibly closed sessions to go.
constexpr std::chrono::milliseconds kForceCloseWait{2000};

// The sweeper's period: a quarter of the shortest timeout, between 5 ms and 250 ms, so a
// deadline is enforced at most that late.
std::chrono::nanoseconds SweepInterval(const ServerOptions& o) {
  const auto shortest =
      std::min({o.read_timeout, o.idle_timeout, o.write_timeout, o.linger_timeout});
  const auto quarter = std::chrono::duration_cast<std::chrono::nanoseconds>(shortest) / 4;
  return std::clamp<std::chrono::nanoseconds>(quarter, std::chrono::milliseconds(5),
                                              std::chrono::milliseconds(250));
}

Status ValidateOptions(const ServerOptions& o) {
  if (o.max_header_bytes < 256) return Status::Validation("max_header_bytes must be >= 256");
  if (o.max_connections == 0) return Status::Validation("max_connections must be > 0");
  if (o.threads < 0 || o.threads > 1024) return Status::Validation("threads must be 0..1024");
  for (auto t : {o.read_timeout, o.idle_timeout, o.write_timeout, o.linger_timeout}) {
    if (t.count() <= 0) return Status::Validation("timeouts must be positive");
  }
  if (o.drain_timeout.count() < 0) return Status::Validation("drain_timeout must be >= 0");
  return Status::Ok();
}

}  // namespace

int64_t SteadyNowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ServerCore::ServerCore(ServerOptions opts, Handler h, int threads_wanted)
    : options(std::move(opts)),
      handler(std::move(h)),
      thread_count(threads_wanted),
      sweep_interval(SweepInterval(options)) {
  // contexts[0] is the control loop; 1..thread_count serve connections.
  for (int i = 0; i <= thread_count; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
  }
}

void ServerCore::DoAccept() {
  if (stopping.load(std::memory_order_acquire) || !acceptor->is_open()) return;
  asio::io_context& target = *contexts[1 + next_context];
  next_context = (next_context + 1) % static_cast<size_t>(thread_count);
  acceptor->async_accept(
      target, [this](const error_code& ec, tcp::socket s) { OnAccept(ec, std::move(s)); });
}

void ServerCore::OnAccept(const error_code& ec, tcp::socket socket) {
  if (ec) {
    if (ec == asio::error::operation_aborted || stopping.load()) return;
    // Transient (EMFILE, ECONNABORTED...): try again shortly, without spinning.
    auto timer = std::make_shared<asio::steady_timer>(acceptor->get_executor(), kAcceptRetryDelay);
    timer->async_wait([this, timer](const error_code&) { DoAccept(); });
    return;
  }
  connections_accepted.fetch_add(1, std::memory_order_relaxed);
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<Session>(*this, std::move(socket));
  bool pause = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (stopping.load()) return;  // the session closes its socket as it goes
    sessions.insert(session.get());
    pause = sessions.size() >= options.max_connections;
    if (pause) accept_paused = true;
  }
  session->Start();
  if (!pause) DoAccept();
}

void ServerCore::Unregister(Session* session) {
  std::lock_guard<std::mutex> lock(mu);
  if (sessions.erase(session) == 0) return;
  if (accept_paused && sessions.size() < options.max_connections && !stopping.load()) {
    accept_paused = false;
    asio::post(acceptor->get_executor(), [this] { DoAccept(); });
  }
  sessions_changed.notify_all();
}

std::vector<std::shared_ptr<Session>> ServerCore::LiveSessions() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard<std::mutex> lock(mu);
  live.reserve(sessions.size());
  for (Session* s : sessions) {
    if (auto p = s->weak_from_this().lock()) live.push_back(std::move(p));
  }
  return live;
}

void ServerCore::ScheduleSweep() {
  sweep_timer->expires_after(sweep_interval);
  sweep_timer->async_wait([this](const error_code& ec) {
    if (ec) return;  // cancelled by Stop()
    Sweep();
    ScheduleSweep();
  });
}

void ServerCore::Sweep() {
  const int64_t now = SteadyNowNanos();
  std::vector<std::shared_ptr<Session>> expired;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (Session* s : sessions) {
      const int64_t at = s->deadline();
      if (at == 0 || at > now) continue;
      if (auto p = s->weak_from_this().lock()) expired.push_back(std::move(p));
    }
  }
  for (const auto& s : expired) s->PostDeadline();
}

// ---- Server ----

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, Handler handler) {
  IT_RETURN_IF_ERROR(ValidateOptions(options));
  if (!handler) return Status::Validation("a handler is required");
  int threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  auto impl = std::make_unique<ServerCore>(std::move(options), std::move(handler), threads);

  error_code ec;
  const asio::ip::address address = asio::ip::make_address(impl->options.address, ec);
  if (ec) return Status::Validation("not an IP address: " + impl->options.address);
  const tcp::endpoint endpoint(address, impl->options.port);
  impl->acceptor.emplace(*impl->contexts[0]);
  tcp::acceptor& acceptor = *impl->acceptor;
  const std::string where = impl->options.address + ":" + std::to_string(impl->options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return Status::IOError("open " + where + ": " + ec.message());
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return Status::IOError("SO_REUSEADDR " + where + ": " + ec.message());
  acceptor.bind(endpoint, ec);
  if (ec) return Status::IOError("bind " + where + ": " + ec.message());
  acceptor.listen(impl->options.listen_backlog, ec);
  if (ec) return Status::IOError("listen " + where + ": " + ec.message());
  impl->port = acceptor.local_endpoint(ec).port();
  if (ec) return Status::IOError("local endpoint: " + ec.message());

  for (const auto& context : impl->contexts) impl->work.emplace_back(context->get_executor());
  impl->sweep_timer.emplace(*impl->contexts[0]);
  impl->ScheduleSweep();
  asio::post(acceptor.get_executor(), [p = impl.get()] { p->DoAccept(); });
  impl->threads.reserve(impl->contexts.size());
  for (size_t i = 0; i < impl->contexts.size(); ++i) {
    impl->threads.emplace_back([context = impl->contexts[i].get()] { context->run(); });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<ServerCore> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

uint16_t Server::port() const { return impl_->port; }

const std::string& Server::address() const { return impl_->options.address; }

ServerStats Server::stats() const {
  ServerStats s;
  s.connections_accepted = impl_->connections_accepted.load();
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    s.connections_open = impl_->sessions.size();
  }
  s.requests = impl_->requests.load();
  s.timeouts = impl_->timeouts.load();
  s.protocol_errors = impl_->protocol_errors.load();
  return s;
}

void Server::Stop() {
  ServerCore& impl = *impl_;
  std::lock_guard<std::mutex> stop_lock(impl.stop_mu);
  if (impl.stopped) return;
  impl.stopped = true;

  {
    std::lock_guard<std::mutex> lock(impl.mu);
    impl.stopping.store(true, std::memory_order_release);
  }
  asio::post(impl.acceptor->get_executor(), [p = &impl] {
    error_code ignored;
    p->acceptor->close(ignored);
  });
  for (const auto& s : impl.LiveSessions()) s->PostStop();

  auto drained = [&impl] { return impl.sessions.empty(); };
  {
    std::unique_lock<std::mutex> lock(impl.mu);
    impl.sessions_changed.wait_for(lock, impl.options.drain_timeout, drained);
  }
  for (const auto& s : impl.LiveSessions()) s->PostClose();
  {
    std::unique_lock<std::mutex> lock(impl.mu);
    impl.sessions_changed.wait_for(lock, kForceCloseWait, drained);
  }

  asio::post(*impl.contexts[0], [p = &impl] { p->sweep_timer->cancel(); });
  impl.work.clear();
  for (const auto& context : impl.contexts) context->stop();
  for (std::thread& t : impl.threads) t.join();
  impl.threads.clear();
  // Destroys what is left (sessions still referenced by unrun handlers) while the
  // registry they unregister from is alive.
  impl.sweep_timer.reset();
  impl.acceptor.reset();
  impl.contexts.clear();
}

int RunUntilSignal(Server& server, const std::function<void()>& on_waiting) {
  asio::io_context ioc(1);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&received](const error_code& ec, int signal_number) {
    if (!ec) received = signal_number;
  });
  if (on_waiting) on_waiting();
  ioc.run();
  server.Stop();
  return received;
}

}  // namespace issuetracker::net
