#include "http/request_log.h"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

#include "http/encoding.h"

namespace issuetracker::http {
namespace {

// The line: the UTC timestamp in microseconds, then the record's members.
constexpr const char* kPattern = "{\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",%v}";

class LineSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit LineSink(std::function<void(std::string_view)> sink) : sink_(std::move(sink)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::string_view line(formatted.data(), formatted.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    sink_(line);
  }
  void flush_() override {}

 private:
  std::function<void(std::string_view)> sink_;
};

std::shared_ptr<spdlog::logger> MakeLogger(spdlog::sink_ptr sink, bool flush_every_line) {
  auto logger = std::make_shared<spdlog::logger>("requests", std::move(sink));
  logger->set_formatter(
      std::make_unique<spdlog::pattern_formatter>(kPattern, spdlog::pattern_time_type::utc));
  logger->set_level(spdlog::level::info);
  logger->flush_on(flush_every_line ? spdlog::level::info : spdlog::level::err);
  return logger;
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  if (!out.empty()) out.push_back(',');
  AppendJsonString(out, name);
  out.push_back(':');
  AppendJsonString(out, value);
}

void AppendNumber(std::string& out, std::string_view name, int64_t value) {
  if (!out.empty()) out.push_back(',');
  AppendJsonString(out, name);
  out.push_back(':');
  out.append(std::to_string(value));
}

}  // namespace

std::string RequestLogFields(const RequestLogRecord& r) {
  std::string out;
  out.reserve(256);
  AppendField(out, "request_id", r.request_id);
  AppendField(out, "company", r.company);
  AppendField(out, "user", r.user);
  AppendField(out, "method", r.method);
  AppendField(out, "route", r.route);
  AppendField(out, "path", r.path);
  AppendNumber(out, "status", r.status);
  AppendNumber(out, "latency_us", r.latency_us);
  AppendNumber(out, "bytes", static_cast<int64_t>(r.response_bytes));
  AppendField(out, "remote", r.remote_address);
  return out;
}

RequestLogger::RequestLogger(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {}

RequestLogger::~RequestLogger() {
  if (logger_) logger_->flush();
}

Result<std::unique_ptr<RequestLogger>> RequestLogger::Create(const RequestLoggerOptions& options) {
  spdlog::sink_ptr sink;
  if (options.path.empty() || options.path == "-") {
    sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  } else {
    try {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.path, false);
    } catch (const spdlog::spdlog_ex& e) {  // spdlog reports open failures by throwing
      return Status::IOError("cannot open request log " + options.path + ": " + e.what());
    }
  }
  return std::unique_ptr<RequestLogger>(
      new RequestLogger(MakeLogger(std::move(sink), options.flush_every_line)));
}

std::unique_ptr<RequestLogger> RequestLogger::ForLines(std::function<void(std::string_view)> sink) {
  return std::unique_ptr<RequestLogger>(
      new RequestLogger(MakeLogger(std::make_shared<LineSink>(std::move(sink)), true)));
}

void RequestLogger::Log(const RequestLogRecord& record) {
  const std::string fields = RequestLogFields(record);
  logger_->info(std::string_view(fields));
}

void RequestLogger::Flush() { logger_->flush(); }

}  // namespace issuetracker::http
