#include "dynamo/server/endpoint.h"

#include <isa-l/crc.h>
#include <zlib.h>

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <cctype>
#include <charconv>
#include <random>

#include "dynamo/wire/codec.h"
#include "dynamo/wire/dispatch.h"

namespace issuetracker::dynamo::server {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kAmzJson = "application/x-amz-json-1.0";

// The media type of a Content-Type value, without parameters or surrounding blanks.
std::string_view MediaType(std::string_view value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

// Whether `body` parses as JSON (only asked on error paths, to answer a malformed body
// with SerializationException first, as DynamoDB does).
bool IsJson(std::string_view body) {
  unsigned char buffer[4096];
  boost::json::monotonic_resource resource(buffer, sizeof(buffer));
  boost::json::parse_options options;
  options.max_depth = 256;
  boost::system::error_code ec;
  (void)boost::json::parse(boost::json::string_view(body.data(), body.size()), ec,
                           boost::json::storage_ptr(&resource), options);
  return !ec;
}

// Responses at least this large are gzip-compressed for a client that accepts it, as
// DynamoDB compresses them (its threshold is about 4 KB).
constexpr size_t kCompressFrom = 4096;

// Whether an Accept-Encoding value lists gzip with a non-zero quality ("gzip", "GZip",
// "gzip, deflate", "deflate;q=1, gzip;q=0.5"; not "gzip;q=0").
bool AcceptsGzip(std::string_view value) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view item = MediaType(value.substr(0, comma));  // the coding, trimmed
    std::string_view params = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    auto is = [&](std::string_view coding) {  // content codings are case-insensitive
      return item.size() == coding.size() &&
             std::equal(item.begin(), item.end(), coding.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
             });
    };
    if (!is("gzip") && !is("x-gzip")) continue;
    const size_t q = params.find("q=");
    if (q == std::string_view::npos) return true;
    double quality = 0;
    const std::string_view digits = params.substr(q + 2);
    std::from_chars(digits.data(), digits.data() + digits.size(), quality);
    return quality > 0;
  }
  return false;
}

// Replaces `body` with its gzip encoding; false (body unchanged) if zlib fails.
bool Gzip(std::string* body) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return false;
  std::string out(deflateBound(&z, static_cast<uLong>(body->size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(body->data());
  z.avail_in = static_cast<uInt>(body->size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return false;
  out.resize(z.total_out);
  *body = std::move(out);
  return true;
}

void SetCommonHeaders(net::Response& response) {
  response.headers.Add("x-amzn-RequestId", NewRequestId());
  response.headers.Add("x-amz-crc32", Crc32Header(response.body));
}

void WriteError(const Status& status, std::string_view content_type, net::Response& response) {
  wire::ErrorReply reply = wire::EncodeError(status);
  response.status = reply.http_status;
  response.headers.Add("Content-Type", content_type);
  response.body = std::move(reply.body);
}

}  // namespace

std::string NewRequestId() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string id(52, 'A');
  uint64_t bits = 0;
  int left = 0;
  for (char& c : id) {
    if (left == 0) {
      bits = rng();
      left = 10;  // 10 draws of 6 bits from 64
    }
    c = kAlphabet[(bits & 63) % 36];
    bits >>= 6;
    --left;
  }
  return id;
}

std::string Crc32Header(std::string_view body) {
  // zlib's CRC-32 (the gzip polynomial, reflected), computed by ISA-L: a 12 KB Query
  // response costs about a quarter of what zlib's crc32 takes.
  const uint32_t crc =
      crc32_gzip_refl(0, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  char digits[16];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), crc);
  return std::string(digits, end);
}

Endpoint::Endpoint(Backend& backend, EndpointOptions options)
    : Endpoint(DatabasePool::Of(backend), nullptr, std::move(options)) {}

Endpoint::Endpoint(DatabasePool& databases, EndpointOptions options)
    : Endpoint(nullptr, &databases, std::move(options)) {}

Endpoint::Endpoint(std::unique_ptr<DatabasePool> own, DatabasePool* databases,
                   EndpointOptions options)
    : own_databases_(std::move(own)),
      databases_(databases != nullptr ? databases : own_databases_.get()),
      options_(std::move(options)),
      authenticator_(AuthOptions{options_.region, options_.access_keys, options_.max_clock_skew}),
      health_text_("healthy: dynamodb." + options_.region + ".amazonaws.com ") {}

void Endpoint::Handle(const net::Request& request, net::Response& response) const {
  if (const auto origin = request.headers.Find("Origin")) {
    response.headers.Add("Access-Control-Allow-Origin", "*");
    response.headers.Add("Access-Control-Expose-Headers",
                         "x-amzn-RequestId,x-amzn-ErrorType,x-amz-crc32,Date");
    if (request.method == net::Method::kOptions) {
      if (auto h = request.headers.Find("Access-Control-Request-Headers")) {
        response.headers.Add("Access-Control-Allow-Headers", *h);
      }
      if (auto m = request.headers.Find("Access-Control-Request-Method")) {
        response.headers.Add("Access-Control-Allow-Methods", *m);
      }
      response.headers.Add("Access-Control-Max-Age", "172800");
      response.headers.Add("x-amzn-RequestId", NewRequestId());
      return;
    }
  }
  if (request.method == net::Method::kGet || request.method == net::Method::kHead) {
    // The health check answers on the root only; any other path is not found.
    if (request.path == "/") {
      response.Set(200, "text/plain", health_text_);
    } else {
      response.Set(404, "text/plain", "<UnknownOperationException/>\n");
    }
    SetCommonHeaders(response);
    return;
  }
  const std::string_view content_type =
      MediaType(request.headers.Find("Content-Type").value_or(std::string_view()));
  if (request.method != net::Method::kPost ||
      (!request.body.empty() && content_type != kAmzJson && content_type != kJson)) {
    response.Set(404, "text/plain", "<UnknownOperationException/>\n");
    SetCommonHeaders(response);
    return;
  }
  Serve(request, response);
  if (response.body.size() >= kCompressFrom &&
      AcceptsGzip(request.headers.Find("Accept-Encoding").value_or(std::string_view())) &&
      Gzip(&response.body)) {
    response.headers.Add("Content-Encoding", "gzip");
  }
  SetCommonHeaders(response);  // x-amz-crc32 is of the body as sent, compressed or not
}

void Endpoint::Serve(const net::Request& request, net::Response& response) const {
  const std::string_view reply_type =
      MediaType(request.headers.Find("Content-Type").value_or(kAmzJson)) == kJson ? kJson
                                                                                  : kAmzJson;
  auto malformed = [&]() {
    if (request.body.empty() || IsJson(request.body)) return false;
    WriteError(Status(Code::kSerialization, "Malformed JSON in the request body"), reply_type,
               response);
    return true;
  };
  Result<wire::Operation> op =
      wire::ParseTarget(request.headers.Find("X-Amz-Target").value_or(std::string_view()));
  if (!op.ok()) {
    if (!malformed()) WriteError(op.status(), reply_type, response);
    return;
  }
  const auto now = options_.now ? options_.now() : std::chrono::system_clock::now();
  Caller caller;
  if (Status auth = authenticator_.Check(request, now, &caller); !auth.ok()) {
    if (!malformed()) WriteError(auth, reply_type, response);
    return;
  }
  if (*op == wire::Operation::kDescribeEndpoints) {
    // The endpoint to use is this one, as the client addressed it (the SDKs that discover
    // endpoints send their later requests there), not DynamoDB's regional endpoint.
    DescribeEndpointsResponse described;
    described.endpoints.push_back(
        {std::string(request.headers.Find("Host").value_or("127.0.0.1")), 1440});
    response.status = 200;
    response.body = wire::Encode(described);
    response.headers.Add("Content-Type", reply_type);
    return;
  }
  Result<DatabasePool::Lease> database = databases_->Acquire(caller);
  if (!database.ok()) {
    if (!malformed()) WriteError(database.status(), reply_type, response);
    return;
  }
  response.status = wire::DispatchInto(**database, *op, request.body, &response.body);
  response.headers.Add("Content-Type", reply_type);
}

void Endpoint::ShapeServerError(int status, std::string_view detail, net::Response& response) {
  if (status == 413) {
    response.body.clear();  // DynamoDB answers an oversized request with an empty 413
  } else {
    response.Set(status, "text/plain",
                 std::string(net::StatusReason(status)) + ": " + std::string(detail) + "\n");
  }
  SetCommonHeaders(response);
}

bool Endpoint::ShouldOffload(const net::Request& request) const {
  if (IsLongRunning(request)) return true;
  if (request.method != net::Method::kPost) return false;
  const std::optional<Caller> caller = PeekCaller(request);
  return caller && !databases_->IsOpen(*caller);
}

bool Endpoint::IsLongRunning(const net::Request& request) {
  const auto target = request.headers.Find("X-Amz-Target");
  if (!target) return false;
  Result<wire::Operation> op = wire::ParseTarget(*target);
  if (!op.ok()) return false;
  switch (*op) {
    case wire::Operation::kRestoreTableToPointInTime:
    case wire::Operation::kRestoreTableFromBackup:
    case wire::Operation::kCreateBackup:
      return true;
    default:
      return false;
  }
}

}  // namespace issuetracker::dynamo::server
