#include "http/problem.h"

#include <atomic>
#include <chrono>

#include "http/crypto.h"
#include "http/encoding.h"

namespace issuetracker::http {

std::string ProblemJson(const Problem& p) {
  std::string out = "{";
  const auto member = [&out](std::string_view name) {
    if (out.size() > 1) out.push_back(',');
    AppendJsonString(out, name);
    out.push_back(':');
  };
  if (!p.type.empty()) {
    member("type");
    AppendJsonString(out, p.type);
  }
  member("title");
  AppendJsonString(out, p.title.empty() ? std::string(net::StatusReason(p.status)) : p.title);
  member("status");
  out.append(std::to_string(p.status));
  if (!p.detail.empty()) {
    member("detail");
    AppendJsonString(out, p.detail);
  }
  if (!p.instance.empty()) {
    member("instance");
    AppendJsonString(out, p.instance);
  }
  member("code");
  AppendJsonString(out, p.code);
  if (!p.request_id.empty()) {
    member("request_id");
    AppendJsonString(out, p.request_id);
  }
  out.push_back('}');
  return out;
}

void WriteProblem(const Problem& problem, net::Response& response) {
  response.status = problem.status;
  response.headers.Set("Content-Type", kProblemContentType);
  response.body = ProblemJson(problem);
}

std::string ProblemCode(Code code) {
  std::string_view name = ErrorName(code);
  constexpr std::string_view kSuffix = "Exception";
  if (name.size() > kSuffix.size() && name.substr(name.size() - kSuffix.size()) == kSuffix) {
    name.remove_suffix(kSuffix.size());
  }
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c >= 'A' && c <= 'Z') {
      if (i > 0) out.push_back('_');
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Problem ProblemFromStatus(const Status& status, std::string request_id) {
  Problem p;
  p.status = HttpStatusFor(status.code());
  p.code = ProblemCode(status.code());
  p.detail = p.status >= 500 ? "The server could not complete the request; it has been logged "
                               "under the request id."
                             : status.message();
  p.request_id = std::move(request_id);
  return p;
}

namespace {

// 16 random bytes from a per-thread pool refilled from OpenSSL's CSPRNG 4 KiB at a time
// (a call to the generator per request id cost about 1.8 us). False if it fails.
// (A forked child would repeat its parent's pool; the server does not fork.)
bool NextRandom16(std::string& out) {
  constexpr size_t kPoolBytes = 4096;
  thread_local std::string pool;
  thread_local size_t used = 0;
  if (pool.size() < used + 16) {
    Result<std::string> fresh = RandomBytes(kPoolBytes);
    if (!fresh.ok()) return false;
    pool = std::move(fresh).value();
    used = 0;
  }
  out.assign(pool, used, 16);
  used += 16;
  return true;
}

}  // namespace

std::string NewRequestId() {
  std::string bytes;
  if (!NextRandom16(bytes)) {
    static std::atomic<uint64_t> counter{0};
    const uint64_t a =
        static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    const uint64_t b = counter.fetch_add(1, std::memory_order_relaxed);
    bytes.assign(reinterpret_cast<const char*>(&a), 8);
    bytes.append(reinterpret_cast<const char*>(&b), 8);
  }
  bytes[6] = static_cast<char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  const std::string hex = HexEncode(bytes);
  std::string id;
  id.reserve(36);
  id.append(hex, 0, 8).append("-").append(hex, 8, 4).append("-").append(hex, 12, 4);
  id.append("-").append(hex, 16, 4).append("-").append(hex, 20, 12);
  return id;
}

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace issuetracker::http
