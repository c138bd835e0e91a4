#include "net/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace issuetracker::net::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

int RemainingMillis(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

TestConnection::TestConnection(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

TestConnection::~TestConnection() { Close(); }

void TestConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void TestConnection::ShutdownSend() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool TestConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool TestConnection::Fill(SteadyClock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, RemainingMillis(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
}

std::optional<std::string> TestConnection::ReadLine(SteadyClock::time_point deadline) {
  for (;;) {
    const size_t end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return line;
    }
    if (!Fill(deadline)) return std::nullopt;
  }
}

bool TestConnection::ReadExactly(size_t n, SteadyClock::time_point deadline, std::string& out) {
  while (buffer_.size() < n) {
    if (!Fill(deadline)) return false;
  }
  out.append(buffer_, 0, n);
  buffer_.erase(0, n);
  return true;
}

std::optional<TestResponse> TestConnection::ReadResponse(std::chrono::milliseconds timeout,
                                                         bool head_request) {
  const auto deadline = SteadyClock::now() + timeout;
  std::optional<std::string> status_line = ReadLine(deadline);
  if (!status_line || status_line->rfind("HTTP/1.", 0) != 0 || status_line->size() < 12) {
    return std::nullopt;
  }
  TestResponse response;
  response.status = std::atoi(status_line->c_str() + 9);
  for (;;) {
    std::optional<std::string> line = ReadLine(deadline);
    if (!line) return std::nullopt;
    if (line->empty()) break;
    const size_t colon = line->find(':');
    if (colon == std::string::npos) return std::nullopt;
    size_t value_start = colon + 1;
    while (value_start < line->size() && (*line)[value_start] == ' ') ++value_start;
    response.headers.Add(line->substr(0, colon), line->substr(value_start));
  }
  const int s = response.status;
  if (head_request || s < 200 || s == 204 || s == 304) return response;
  if (std::optional<std::string_view> length = response.headers.Find("Content-Length")) {
    if (!ReadExactly(std::strtoull(std::string(*length).c_str(), nullptr, 10), deadline,
                     response.body)) {
      return std::nullopt;
    }
    return response;
  }
  if (response.headers.HasToken("Transfer-Encoding", "chunked")) {
    for (;;) {
      std::optional<std::string> size_line = ReadLine(deadline);
      if (!size_line) return std::nullopt;
      const size_t size = std::strtoull(size_line->c_str(), nullptr, 16);
      if (size == 0) {
        if (!ReadLine(deadline)) return std::nullopt;
        return response;
      }
      std::string crlf;
      if (!ReadExactly(size, deadline, response.body) || !ReadExactly(2, deadline, crlf)) {
        return std::nullopt;
      }
    }
  }
  while (Fill(deadline)) {
  }
  response.body += buffer_;
  buffer_.clear();
  return response;
}

std::optional<TestResponse> TestConnection::Get(std::string_view target) {
  std::string request = "GET ";
  request.append(target).append(" HTTP/1.1\r\nHost: test\r\n\r\n");
  if (!Send(request)) return std::nullopt;
  return ReadResponse();
}

bool TestConnection::ClosedWithin(std::chrono::milliseconds timeout, std::string* received) {
  const auto deadline = SteadyClock::now() + timeout;
  while (Fill(deadline)) {
  }
  if (received) received->append(buffer_);
  buffer_.clear();
  if (eof_) return true;
  // Fill() also fails on a reset: poll once more to tell a reset from a timeout.
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, 0) > 0) {
    char c;
    return ::recv(fd_, &c, 1, MSG_DONTWAIT) <= 0;
  }
  return false;
}

}  // namespace issuetracker::net::testing
