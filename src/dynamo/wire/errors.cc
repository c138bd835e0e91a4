// Error replies (EncodeError, DecodeError) and the parsing of bodies.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "dynamo/wire/codec.h"
#include "dynamo/wire/visitors.h"

namespace issuetracker::dynamo::wire {
namespace {

namespace json = boost::json;

// Deep enough for DynamoDB's 32 levels of nested attribute values (two JSON levels each)
// inside a request's own nesting.
constexpr unsigned kMaxJsonDepth = 160;

bool IsDynamoCode(Code code) {
  return code >= Code::kValidation && code <= Code::kServiceUnavailable;
}

// The namespace DynamoDB puts before an error's name in "__type".
std::string_view Namespace(Code code) {
  switch (code) {
    case Code::kValidation:
      return "com.amazon.coral.validate#";
    case Code::kSerialization:
    case Code::kUnknownOperation:
    case Code::kMissingAuthenticationToken:
    case Code::kUnrecognizedClient:
    case Code::kInvalidSignature:
    case Code::kIncompleteSignature:
    case Code::kAccessDenied:
      return "com.amazon.coral.service#";
    case Code::kThrottling:
      return "com.amazon.coral.availability#";
    default:
      return "com.amazonaws.dynamodb.v20120810#";
  }
}

void WriteReason(JsonWriter& w, const CancellationReason& reason) {
  w.BeginObject();
  w.Key("Code");
  w.String(reason.code);
  if (reason.message) {
    w.Key("Message");
    w.String(*reason.message);
  }
  if (reason.item) {
    w.Key("Item");
    WriteItem(w, *reason.item);
  }
  w.EndObject();
}

std::string StringMember(const json::object& o, std::string_view name) {
  if (const json::value* v = o.if_contains(name); v && v->is_string()) {
    return std::string(v->get_string());
  }
  return {};
}

Code CodeForName(std::string_view name) {
  for (int c = static_cast<int>(Code::kValidation);
       c <= static_cast<int>(Code::kServiceUnavailable); ++c) {
    if (ErrorName(static_cast<Code>(c)) == name) return static_cast<Code>(c);
  }
  if (name == "ServiceUnavailableException") return Code::kServiceUnavailable;
  return Code::kOk;
}

Code CodeForHttpStatus(int http_status) {
  if (http_status == 503) return Code::kServiceUnavailable;
  if (http_status >= 500) return Code::kInternalServerError;
  return Code::kValidation;
}

std::shared_ptr<const StatusDetail> ReasonsOf(const json::value& v) {
  auto detail = std::make_shared<TransactionCanceledDetail>();
  if (!v.is_array()) return detail;
  for (const json::value& r : v.get_array()) {
    CancellationReason reason;
    if (const json::object* o = r.if_object()) {
      std::string code = StringMember(*o, "Code");
      reason.code = code.empty() ? "None" : code;
      std::string message = StringMember(*o, "Message");
      if (!message.empty()) reason.message = message;
      if (const json::value* item = o->if_contains("Item"); item && item->is_object()) {
        DecodeState state(true);
        reason.item.emplace();
        ReadItem(*item, &*reason.item, state);
      }
    }
    detail->reasons.push_back(std::move(reason));
  }
  return detail;
}

}  // namespace

Status ParseBody(std::string_view body, json::monotonic_resource* resource, json::value* out) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  *out = json::parse(json::string_view(body.data(), body.size()), ec, json::storage_ptr(resource),
                     options);
  if (ec) {
    return Status(Code::kSerialization,
                  body.empty() ? "The request body is empty" : "Malformed JSON: " + ec.message());
  }
  return Status::Ok();
}

ErrorReply EncodeError(const Status& status) {
  ErrorReply reply;
  Code code = IsDynamoCode(status.code()) ? status.code() : Code::kInternalServerError;
  reply.http_status = HttpStatusFor(code);
  JsonWriter w(&reply.body);  // flushed below, before the reply is returned
  w.BeginObject();
  w.Key("__type");
  w.String(std::string(Namespace(code)) + std::string(ErrorName(code)));
  w.Key(code == Code::kSerialization ? "Message" : "message");
  w.String(status.message());
  if (const auto* canceled = status.DetailAs<TransactionCanceledDetail>()) {
    w.Key("CancellationReasons");
    w.BeginArray();
    for (const auto& reason : canceled->reasons) WriteReason(w, reason);
    w.EndArray();
  }
  if (const auto* failed = status.DetailAs<ConditionalCheckFailedDetail>()) {
    w.Key("Item");
    WriteItem(w, failed->item);
  }
  w.EndObject();
  w.Flush();
  return reply;
}

Status DecodeError(int http_status, std::string_view body) {
  boost::system::error_code ec;
  json::value parsed = json::parse(json::string_view(body.data(), body.size()), ec);
  const json::object* o = ec ? nullptr : parsed.if_object();
  std::string type = o ? StringMember(*o, "__type") : std::string();
  if (type.empty()) {
    std::string excerpt(body.substr(0, 200));
    return Status(
        CodeForHttpStatus(http_status),
        "HTTP " + std::to_string(http_status) + (excerpt.empty() ? std::string() : ": " + excerpt));
  }
  std::string name = type.substr(type.rfind('#') + 1);
  std::string message = StringMember(*o, "message");
  if (message.empty()) message = StringMember(*o, "Message");
  Code code = CodeForName(name);
  if (code == Code::kOk) {
    return Status(CodeForHttpStatus(http_status),
                  name + (message.empty() ? std::string() : ": " + message));
  }
  std::shared_ptr<const StatusDetail> detail;
  if (code == Code::kTransactionCanceled) {
    if (const json::value* reasons = o->if_contains("CancellationReasons")) {
      detail = ReasonsOf(*reasons);
    }
  } else if (code == Code::kConditionalCheckFailed) {
    if (const json::value* item = o->if_contains("Item"); item && item->is_object()) {
      auto failed = std::make_shared<ConditionalCheckFailedDetail>();
      DecodeState state(true);
      ReadItem(*item, &failed->item, state);
      detail = std::move(failed);
    }
  }
  return Status(code, message, std::move(detail));
}

}  // namespace issuetracker::dynamo::wire
