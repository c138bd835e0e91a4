// One connection's I/O: read a request (header, then body), call the handler, write the
// response, repeat. The handler never sees the socket; deadlines are enforced by the
// server's sweeper through deadline() (see server.cc).
#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <charconv>
#include <ctime>

#include "net/server_internal.h"

namespace issuetracker::net {
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

// Bytes requested from the socket per read.
constexpr size_t kReadChunk = 16 * 1024;
// A lingering close discards at most this much of what the client still sends.
constexpr size_t kMaxLingerBytes = 1024 * 1024;

Method MethodOf(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }

// The IMF-fixdate of now (RFC 9110 section 5.6.7), formatted once per second per thread.
std::string_view HttpDate() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  thread_local std::time_t cached = -1;
  thread_local char text[40];
  const std::time_t now = std::time(nullptr);
  if (now != cached) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                  tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    cached = now;
  }
  return text;
}

bool IsTokenChar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool ValidFieldName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsTokenChar(static_cast<unsigned char>(c)); });
}

bool ValidFieldValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Fields the server computes itself; a handler's own are dropped.
bool IsFramingField(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
         EqualsIgnoreCase(name, "Connection") || EqualsIgnoreCase(name, "Date");
}

void AppendNumber(std::string& out, uint64_t n) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), n);
  out.append(digits, end);
}

void DefaultErrorBody(int status, std::string_view detail, Response& response) {
  response.headers.Set("Content-Type", "text/plain; charset=utf-8");
  response.body.assign(StatusReason(status));
  if (!detail.empty()) {
    response.body.append(": ");
    response.body.append(detail);
  }
  response.body.push_back('\n');
}

// Whether the request line at the start of `buffer` ends in "HTTP/d.d" with a major
// version other than 1 (Beast's parser reports those as a plain bad_version; they get 505).
bool NamesAnotherMajorVersion(const boost::beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  const std::string_view text(static_cast<const char*>(data.data()), data.size());
  const size_t eol = text.find("\r\n");
  if (eol == std::string_view::npos || eol < 8) return false;
  const std::string_view version = text.substr(eol - 8, 8);
  return version.substr(0, 5) == "HTTP/" && version[5] >= '0' && version[5] <= '9' &&
         version[5] != '1' && version[6] == '.' && version[7] >= '0' && version[7] <= '9';
}

}  // namespace

bool BuildResponseHead(const Response& response, const std::string& server_header, bool close,
                       bool http10_keep_alive, std::string& out) {
  if (response.status < 100 || response.status > 599) return false;
  out.clear();
  out.append("HTTP/1.1 ");
  AppendNumber(out, static_cast<uint64_t>(response.status));
  out.push_back(' ');
  out.append(StatusReason(response.status));
  out.append("\r\n");
  if (!server_header.empty()) {
    out.append("Server: ").append(server_header).append("\r\n");
  }
  out.append("Date: ").append(HttpDate()).append("\r\n");
  for (const Header& h : response.headers) {
    if (IsFramingField(h.name)) continue;
    if (!server_header.empty() && EqualsIgnoreCase(h.name, "Server")) continue;
    if (!ValidFieldName(h.name) || !ValidFieldValue(h.value)) return false;
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  if (!bodiless) {
    out.append("Content-Length: ");
    AppendNumber(out, response.body.size());
    out.append("\r\n");
  }
  if (close) {
    out.append("Connection: close\r\n");
  } else if (http10_keep_alive) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
  return true;
}

// ---- RequestParser ----

RequestParser::RequestParser(Request& request, const ServerOptions& options)
    : request_(request), max_body_bytes_(options.max_body_bytes) {
  header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  body_limit(static_cast<std::uint64_t>(options.max_body_bytes));
  eager(true);
}

void RequestParser::on_request_impl(bhttp::verb method, string_view method_str, string_view target,
                                    int version, error_code& ec) {
  request_.method = MethodOf(method);
  request_.method_text.assign(method_str.data(), method_str.size());
  request_.version = version;
  request_.target.assign(target.data(), target.size());
  if (version / 10 != 1) {
    unsupported_version_ = true;
    ec = bhttp::error::bad_version;
    return;
  }
  if (!ParseTarget(request_.target, request_)) ec = bhttp::error::bad_target;
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = bhttp::error::bad_method;  // a request parser never sees a status line
}

void RequestParser::on_field_impl(bhttp::field, string_view name, string_view value, error_code&) {
  // Trailer fields of a chunked body are not merged into the header section (RFC 9110
  // section 6.5.1 allows it only for fields known to be safe there): they are dropped.
  if (header_done_) return;
  request_.headers.Add(View(name), View(value));
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code&) {
  if (content_length) {
    request_.body.reserve(
        static_cast<size_t>(std::min<std::uint64_t>(*content_length, max_body_bytes_)));
  }
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

// ---- Session ----

Session::Session(ServerCore& server, tcp::socket socket)
    : server_(server),
      socket_(std::move(socket)),
      buffer_(server.options.max_header_bytes + kReadChunk) {
  error_code ec;
  const tcp::endpoint peer = socket_.remote_endpoint(ec);
  if (!ec) {
    request_.remote_address = peer.address().to_string();
    request_.remote_port = peer.port();
  }
}

Session::~Session() { server_.Unregister(this); }

void Session::Start() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->BeginRequest(); });
}

void Session::PostStop() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    if (self->phase_ == Phase::kIdle) self->Close();
  });
}

void Session::PostDeadline() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->OnDeadline(); });
}

void Session::PostClose() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

// Prepares for the next request: from bytes already buffered (pipelining), else by
// waiting for the client under the idle timeout.
void Session::BeginRequest() {
  request_.Clear();
  parser_.emplace(request_, server_.options);
  header_checked_ = false;
  if (server_.stopping.load(std::memory_order_acquire) && buffer_.size() == 0) {
    Close();
    return;
  }
  if (buffer_.size() > 0) {
    phase_ = Phase::kReading;
    request_start_ = SteadyNowNanos();
    SetDeadline(request_start_ + std::chrono::nanoseconds(server_.options.read_timeout).count());
    Parse();
    return;
  }
  phase_ = Phase::kIdle;
  SetDeadline(SteadyNowNanos() + std::chrono::nanoseconds(server_.options.idle_timeout).count());
  ReadMore();
}

void Session::ReadMore() {
  const size_t room = buffer_.max_size() - buffer_.size();
  if (room == 0) {
    // The parser holds on to a whole buffer without finishing an element: a header over
    // the limit (normally caught by the parser itself) or an endless chunk-size line.
    if (parser_->is_header_done()) {
      SendError(400, "chunk header too long");
    } else {
      SendError(431, "request header too large");
    }
    return;
  }
  socket_.async_read_some(
      buffer_.prepare(std::min(room, kReadChunk)),
      [self = shared_from_this()](const error_code& ec, size_t n) { self->OnRead(ec, n); });
}

void Session::OnRead(const error_code& ec, size_t n) {
  if (phase_ != Phase::kIdle && phase_ != Phase::kReading) return;  // overtaken (timeout)
  if (ec) {
    Close();  // end of stream, reset or cancelled: nothing left to answer
    return;
  }
  buffer_.commit(n);
  if (phase_ == Phase::kIdle) {
    phase_ = Phase::kReading;
    request_start_ = SteadyNowNanos();
    SetDeadline(request_start_ + std::chrono::nanoseconds(server_.options.read_timeout).count());
  }
  Parse();
}

void Session::Parse() {
  for (;;) {
    if (buffer_.size() == 0) {
      ReadMore();
      return;
    }
    error_code ec;
    const size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) {
      ReadMore();
      return;
    }
    if (ec) {
      FailParse(ec);
      return;
    }
    if (!header_checked_ && parser_->is_header_done()) {
      header_checked_ = true;
      if (!CheckHeader()) return;
    }
    if (parser_->is_done()) {
      Dispatch();
      return;
    }
    if (used == 0) {
      ReadMore();
      return;
    }
  }
}

// Once the header is complete: the Host rule and `Expect` handling. Returns false when it
// took over the connection (an error answer, or a "100 Continue" being written).
bool Session::CheckHeader() {
  if (request_.version >= 11) {
    // RFC 9112 section 3.2: an HTTP/1.1 request has exactly one Host field.
    size_t hosts = 0;
    for (const Header& h : request_.headers) hosts += EqualsIgnoreCase(h.name, "Host") ? 1 : 0;
    if (hosts != 1) {
      server_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
      SendError(400, hosts == 0 ? "no Host header" : "more than one Host header");
      return false;
    }
  }
  if (!CheckTransferEncoding()) return false;
  if (request_.version < 11 || parser_->is_done()) return true;
  const std::optional<std::string_view> expect = request_.headers.Find("Expect");
  if (!expect) return true;
  if (!EqualsIgnoreCase(*expect, "100-continue")) {
    SendError(417, "only 100-continue is supported");
    return false;
  }
  if (buffer_.size() > 0) return true;  // the client sent the body without waiting
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  asio::async_write(
      socket_, asio::buffer(kContinue.data(), kContinue.size()),
      [self = shared_from_this()](const error_code& ec, size_t) { self->OnContinueWritten(ec); });
  return false;
}

// RFC 9112 section 6.1/6.3: a request's Transfer-Encoding must end in chunked, or its
// length is unknown (400: reading on would let the body pass for a next request); other
// codings than chunked are not implemented here (501); HTTP/1.0 has no transfer codings.
bool Session::CheckTransferEncoding() {
  bool present = false;
  bool only_chunked = true;
  for (const Header& h : request_.headers) {
    if (!EqualsIgnoreCase(h.name, "Transfer-Encoding")) continue;
    present = true;
    std::string_view list = h.value;
    while (!list.empty()) {
      const size_t comma = list.find(',');
      std::string_view token = list.substr(0, comma);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
        token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
        token.remove_suffix(1);
      if (!token.empty() && !EqualsIgnoreCase(token, "chunked")) only_chunked = false;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  if (!present) return true;
  int status = 0;
  const char* detail = "";
  if (request_.version < 11) {
    status = 400;
    detail = "Transfer-Encoding in an HTTP/1.0 request";
  } else if (!parser_->chunked()) {
    status = 400;
    detail = "Transfer-Encoding does not end in chunked";
  } else if (!only_chunked) {
    status = 501;
    detail = "only the chunked transfer coding is supported";
  }
  if (status == 0) return true;
  server_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
  SendError(status, detail);
  return false;
}

void Session::OnContinueWritten(const error_code& ec) {
  if (phase_ != Phase::kReading) return;
  if (ec) {
    Close();
    return;
  }
  Parse();
}

void Session::FailParse(const error_code& ec) {
  server_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
  if (parser_->unsupported_version() || NamesAnotherMajorVersion(buffer_)) {
    SendError(505, "only HTTP/1.x is supported");
  } else if (ec == bhttp::error::header_limit) {
    SendError(431, "request header larger than " +
                       std::to_string(server_.options.max_header_bytes) + " bytes");
  } else if (ec == bhttp::error::body_limit) {
    SendError(413, "request body larger than " + std::to_string(server_.options.max_body_bytes) +
                       " bytes");
  } else {
    SendError(400, ec.message());
  }
}

void Session::Dispatch() {
  phase_ = Phase::kHandling;
  SetDeadline(0);
  request_.keep_alive = parser_->keep_alive();
  response_.Clear();
  try {
    server_.handler(request_, response_);
  } catch (...) {
    response_.Clear();
    response_.status = 500;
    DefaultErrorBody(500, "the handler failed", response_);
  }
  WriteResponse(!request_.keep_alive || response_.headers.HasToken("Connection", "close"));
}

void Session::SendError(int status, std::string_view detail) {
  response_.Clear();
  response_.status = status;
  bool shaped = false;
  if (server_.options.error_responder) {
    try {
      server_.options.error_responder(status, detail, response_);
      shaped = true;
    } catch (...) {
      response_.Clear();
    }
    response_.status = status;
  }
  if (!shaped) DefaultErrorBody(status, detail, response_);
  WriteResponse(true);
}

void Session::WriteResponse(bool close) {
  close_after_write_ = close || server_.stopping.load(std::memory_order_acquire);
  const bool http10_keep_alive = request_.version == 10 && !close_after_write_;
  if (!BuildResponseHead(response_, server_.options.server_header, close_after_write_,
                         http10_keep_alive, head_)) {
    response_.Clear();
    response_.status = 500;
    DefaultErrorBody(500, "the handler built an invalid response", response_);
    (void)BuildResponseHead(response_, server_.options.server_header, close_after_write_,
                            http10_keep_alive, head_);
  }
  const int status = response_.status;
  head_only_ = request_.method == Method::kHead || status < 200 || status == 204 || status == 304;
  phase_ = Phase::kWriting;
  SetDeadline(SteadyNowNanos() + std::chrono::nanoseconds(server_.options.write_timeout).count());
  const std::array<asio::const_buffer, 2> buffers = {
      asio::buffer(head_), head_only_ ? asio::const_buffer() : asio::buffer(response_.body)};
  asio::async_write(socket_, buffers, [self = shared_from_this()](const error_code& ec, size_t) {
    self->OnWrite(ec);
  });
}

void Session::OnWrite(const error_code& ec) {
  if (phase_ != Phase::kWriting) return;  // closed by a timeout or Stop()
  if (ec) {
    Close();
    return;
  }
  server_.requests.fetch_add(1, std::memory_order_relaxed);
  if (server_.options.access_log) ReportAccess();
  if (close_after_write_ || server_.stopping.load(std::memory_order_acquire)) {
    Linger();
    return;
  }
  BeginRequest();
}

void Session::ReportAccess() {
  AccessLogEntry entry;
  entry.method = request_.method_text;
  entry.target = request_.target;
  entry.path = request_.path;
  entry.remote_address = request_.remote_address;
  entry.status = response_.status;
  entry.request_body_bytes = request_.body.size();
  entry.response_body_bytes = response_.body.size();
  if (request_start_ != 0) {
    entry.latency = std::chrono::microseconds((SteadyNowNanos() - request_start_) / 1000);
  }
  try {
    server_.options.access_log(entry);
  } catch (...) {
    // A logging failure must not take the connection's thread down.
  }
}

// Half-closes and reads until the client closes too (bounded in time and bytes), so the
// client reads our last response instead of a reset caused by unread input.
void Session::Linger() {
  phase_ = Phase::kLingering;
  SetDeadline(SteadyNowNanos() + std::chrono::nanoseconds(server_.options.linger_timeout).count());
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) {
    Close();
    return;
  }
  buffer_.clear();
  lingered_bytes_ = 0;
  LingerRead();
}

void Session::LingerRead() {
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](const error_code& ec, size_t n) {
                            if (self->phase_ != Phase::kLingering) return;
                            self->lingered_bytes_ += n;
                            if (ec || self->lingered_bytes_ > kMaxLingerBytes) {
                              self->Close();
                              return;
                            }
                            self->LingerRead();
                          });
}

void Session::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  SetDeadline(0);
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Session::OnDeadline() {
  const int64_t at = deadline();
  if (at == 0 || SteadyNowNanos() < at) return;  // moved on since the sweep
  switch (phase_) {
    case Phase::kIdle: {
      // The client may have sent its request in time while this thread was busy: bytes
      // waiting in the socket are a request, not idleness (its read is already queued).
      error_code ec;
      if (socket_.available(ec) > 0 && !ec) break;
      server_.timeouts.fetch_add(1, std::memory_order_relaxed);
      Close();
      break;
    }
    case Phase::kWriting:
      server_.timeouts.fetch_add(1, std::memory_order_relaxed);
      Close();
      break;
    case Phase::kReading: {
      server_.timeouts.fetch_add(1, std::memory_order_relaxed);
      error_code ec;
      socket_.cancel(ec);  // the pending read (or 100 Continue) ends as operation_aborted
      SendError(408, "the request did not arrive within the read timeout");
      break;
    }
    case Phase::kLingering:
      Close();
      break;
    case Phase::kHandling:
    case Phase::kClosed:
      break;
  }
}

}  // namespace issuetracker::net
