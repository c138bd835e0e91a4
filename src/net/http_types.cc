#include "net/http_types.h"

namespace issuetracker::net {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseQuery(std::string_view query, std::vector<QueryParam>& out) {
  out.clear();
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::optional<std::string> name = PercentDecode(pair.substr(0, eq), true);
    std::optional<std::string> value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
    if (!name || !value) return false;
    out.push_back(QueryParam{std::move(*name), std::move(*value)});
  }
  return true;
}

}  // namespace

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      break;
  }
  return "OTHER";
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::optional<std::string_view> Headers::Find(std::string_view name) const {
  for (const Header& h : fields_) {
    if (EqualsIgnoreCase(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

void Headers::Add(std::string_view name, std::string_view value) {
  fields_.push_back(Header{std::string(name), std::string(value)});
}

void Headers::Set(std::string_view name, std::string_view value) {
  Remove(name);
  Add(name, value);
}

size_t Headers::Remove(std::string_view name) {
  const size_t before = fields_.size();
  std::erase_if(fields_, [&](const Header& h) { return EqualsIgnoreCase(h.name, name); });
  return before - fields_.size();
}

bool Headers::HasToken(std::string_view name, std::string_view token) const {
  for (const Header& h : fields_) {
    if (!EqualsIgnoreCase(h.name, name)) continue;
    std::string_view list = h.value;
    while (!list.empty()) {
      const size_t comma = list.find(',');
      if (EqualsIgnoreCase(TrimOws(list.substr(0, comma)), token)) return true;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return false;
}

std::optional<std::string_view> Request::FindQueryParam(std::string_view name) const {
  for (const QueryParam& p : query_params) {
    if (p.name == name) return std::string_view(p.value);
  }
  return std::nullopt;
}

void Request::Clear() {
  method = Method::kGet;
  method_text.clear();
  version = 11;
  target.clear();
  path.clear();
  query.clear();
  query_params.clear();
  headers.Clear();
  body.clear();
  keep_alive = true;
  // remote_address and remote_port describe the connection and stay.
}

void Response::Set(int status_code, std::string_view content_type, std::string_view body_text) {
  status = status_code;
  headers.Set("Content-Type", content_type);
  body.assign(body_text);
}

void Response::Clear() {
  status = 200;
  headers.Clear();
  body.clear();
}

std::string_view StatusReason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool ParseTarget(std::string_view target, Request& request) {
  request.path.clear();
  request.query.clear();
  request.query_params.clear();
  if (target == "*") {
    request.path = "*";
    return true;
  }
  if (target.empty()) return false;
  if (target.front() != '/') {
    // absolute-form (RFC 9112 section 3.2.2): scheme "://" authority [path] ["?" query].
    const size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
    const std::string_view rest = target.substr(scheme_end + 3);
    const size_t path_start = rest.find_first_of("/?");
    if (path_start == 0) return false;  // no authority
    target = path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
    if (target.empty() || target.front() == '?') request.path = "/";
  }
  const size_t q = target.find('?');
  request.path.append(target.substr(0, q));
  if (q == std::string_view::npos) return true;
  request.query.assign(target.substr(q + 1));
  return ParseQuery(request.query, request.query_params);
}

}  // namespace issuetracker::net
