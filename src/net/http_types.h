// The HTTP message types that request handlers see: Request, Response and Headers.
//
// These are plain values with no Boost.Beast dependency, so handler code (the DynamoDB
// endpoint, the REST service) never includes Beast or Asio headers; only the server's
// sessions (net/server.cc, net/session.cc) translate between the wire and these types.
//
// Thread-safety: plain values; not synchronised. A session owns its Request and Response
// and hands them to the handler on one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace issuetracker::net {

// Request methods the server knows by name; everything else is kOther (the text is kept
// in Request::method_text).
enum class Method : uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

// "GET", "HEAD", ... ("OTHER" for kOther).
std::string_view MethodName(Method method);

// ASCII case-insensitive equality, as HTTP field names compare (RFC 9110 section 5.1).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// One header field line.
struct Header {
  std::string name;
  std::string value;
};

// An ordered list of header fields with case-insensitive lookup. Duplicates are kept in
// arrival order (a recipient may combine them with commas, RFC 9110 section 5.3).
class Headers {
 public:
  // The value of the first field named `name` (case-insensitive), or nullopt. The view is
  // valid until this object is next modified.
  std::optional<std::string_view> Find(std::string_view name) const;
  // Whether a field named `name` exists.
  bool Contains(std::string_view name) const { return Find(name).has_value(); }
  // Appends a field (no validation here; the server validates before sending).
  void Add(std::string_view name, std::string_view value);
  // Replaces every field named `name` by one field with `value`.
  void Set(std::string_view name, std::string_view value);
  // Removes every field named `name`; returns how many were removed.
  size_t Remove(std::string_view name);
  // Whether the comma-separated list value of any field `name` contains `token`
  // (case-insensitive), e.g. HasToken("Connection", "close").
  bool HasToken(std::string_view name, std::string_view token) const;

  void Clear() { fields_.clear(); }
  bool empty() const { return fields_.empty(); }
  size_t size() const { return fields_.size(); }
  std::vector<Header>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Header>::const_iterator end() const { return fields_.end(); }

 private:
  std::vector<Header> fields_;
};

// A decoded query parameter ("a=b&c" gives {a, b} and {c, ""}).
struct QueryParam {
  std::string name;
  std::string value;
};

// A request as the handler sees it. Filled by the session; read-only for handlers.
struct Request {
  Method method = Method::kGet;
  std::string method_text;  // the method as received ("GET", "PROPFIND", ...)
  int version = 11;         // 10 for HTTP/1.0, 11 for HTTP/1.1
  // The request-target as received ("/v1/issues?limit=10"). Absolute-form targets
  // ("http://host/p?q") are accepted; `path` and `query` then come from their path part.
  std::string target;
  std::string path;   // the path, still percent-encoded ("/v1/issues"); "*" for OPTIONS *
  std::string query;  // the raw query without '?' ("limit=10"); empty when absent
  std::vector<QueryParam> query_params;  // `query` split on '&' and '=', percent-decoded
  Headers headers;
  std::string body;            // the whole body, de-chunked
  std::string remote_address;  // the peer's IP address ("127.0.0.1")
  uint16_t remote_port = 0;
  bool keep_alive = true;  // whether the client allows the connection to stay open

  // The first query parameter named `name` (case-sensitive), or nullopt.
  std::optional<std::string_view> FindQueryParam(std::string_view name) const;
  // Resets every field but keeps allocated capacity (used by sessions between requests).
  void Clear();
};

// A response as handlers build it. The session adds the framing headers itself:
// Content-Length, Connection and Date are computed by the server, and any field of those
// names set here is ignored (except `Connection: close`, which asks the server to close
// the connection after this response).
struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  // Sets status, a Content-Type header and the body in one call.
  void Set(int status_code, std::string_view content_type, std::string_view body_text);
  // Resets to 200 with no headers and an empty body, keeping capacity.
  void Clear();
};

// The reason phrase of a status code ("Not Found"), or "Unknown" for codes without one.
std::string_view StatusReason(int status);

// Percent-decodes `text` ("%2F" -> "/"); when `plus_as_space`, '+' decodes to ' ' (query
// strings, application/x-www-form-urlencoded). nullopt when a '%' is not followed by two
// hex digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space = false);

// Splits a request-target into `path`, `query` and decoded `query_params` of `request`.
// Returns false (leaving them unspecified) for a target that is neither origin-form
// ("/p?q"), absolute-form ("http://h/p?q") nor "*", or whose query does not decode.
bool ParseTarget(std::string_view target, Request& request);

}  // namespace issuetracker::net
