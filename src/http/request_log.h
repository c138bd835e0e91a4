// Structured request logs: one JSON object per line per request, written through spdlog.
//
//   {"ts":"2026-11-26T10:15:30.123456Z","request_id":"...","company":"COMPANY001",
//    "user":"user@company1.com","method":"GET","route":"/v1/issues/{id}",
//    "path":"/v1/issues/ISS-001","status":200,"latency_us":412,"bytes":733,
//    "remote":"127.0.0.1"}
//
// Empty string fields are omitted. Strings are JSON-escaped (invalid UTF-8 replaced), so
// a hostile path cannot forge fields or lines. spdlog headers stay in request_log.cc.
//
// Thread-safety: Log() and Flush() may be called concurrently (spdlog's _mt sinks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace spdlog {
class logger;
}

namespace issuetracker::http {

struct RequestLogRecord {
  std::string_view request_id;
  std::string_view company;  // the tenant, once authenticated
  std::string_view user;
  std::string_view method;
  std::string_view route;  // the route pattern, not the path: bounded cardinality
  std::string_view path;
  int status = 0;
  int64_t latency_us = 0;
  size_t response_bytes = 0;
  std::string_view remote_address;
};

// The record's fields as JSON members, without braces or timestamp (what Log() writes
// after "ts"). For tests and other sinks.
std::string RequestLogFields(const RequestLogRecord& record);

struct RequestLoggerOptions {
  // "-" or empty: standard output; otherwise a file, appended to (created if missing).
  std::string path = "-";
  bool flush_every_line = false;  // else spdlog's buffering; Flush() or destruction flushes
};

class RequestLogger {
 public:
  // kIOError when the file cannot be opened.
  static Result<std::unique_ptr<RequestLogger>> Create(const RequestLoggerOptions& options);
  // A logger handing each finished line (without newline) to `sink`, for tests and for
  // embedding in another log pipeline. `sink` is called under the logger's lock, one line
  // at a time, so it needs no locking of its own.
  static std::unique_ptr<RequestLogger> ForLines(std::function<void(std::string_view)> sink);
  ~RequestLogger();

  void Log(const RequestLogRecord& record);
  void Flush();

 private:
  explicit RequestLogger(std::shared_ptr<spdlog::logger> logger);
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace issuetracker::http
