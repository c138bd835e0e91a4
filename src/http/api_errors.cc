#include "http/api_errors.h"

namespace issuetracker::http {

namespace {

Code CodeFor(int status) {
  switch (status) {
    case 401:
      return Code::kUnauthenticated;
    case 403:
      return Code::kForbidden;
    case 404:
      return Code::kNotFound;
    case 409:
    case 412:
    case 428:
      return Code::kConflict;
    case 429:
      return Code::kRateLimited;
    default:
      return status >= 500 ? Code::kInternalServerError : Code::kValidation;
  }
}

}  // namespace

Status ApiError(int status, std::string_view code, std::string_view message) {
  return Status(CodeFor(status), message,
                std::make_shared<ApiErrorCode>(status, std::string(code)));
}

Problem ApiProblem(const Status& status, std::string request_id) {
  Problem p;
  p.request_id = std::move(request_id);
  p.detail = status.message();
  if (const auto* api = status.DetailAs<ApiErrorCode>()) {
    p.status = api->status();
    p.code = api->code();
    if (p.status >= 500) p.detail = "The server could not complete the request";
    return p;
  }
  switch (status.code()) {
    case Code::kUnauthenticated:
      p.status = 401;
      p.code = "unauthenticated";
      break;
    case Code::kForbidden:
      p.status = 403;
      p.code = "forbidden";
      break;
    case Code::kNotFound:
      p.status = 404;
      p.code = "not_found";
      break;
    case Code::kConflict:
    case Code::kTransactionConflict:
      p.status = 409;
      p.code = "conflict";
      break;
    case Code::kQuotaExceeded:
      // The data layer's limits (seats, API keys), not the request rate.
      p.status = 409;
      p.code = "limit_reached";
      break;
    case Code::kRateLimited:
    case Code::kThrottling:
    case Code::kProvisionedThroughputExceeded:
    case Code::kRequestLimitExceeded:
      p.status = 429;
      p.code = "rate_limited";
      break;
    case Code::kValidation:
      if (status.message().starts_with("Invalid page token")) {
        p.status = 400;
        p.code = "invalid_cursor";
      } else {
        p.status = 422;
        p.code = "validation_failed";
      }
      break;
    case Code::kServiceUnavailable:
      p.status = 503;
      p.code = "unavailable";
      p.detail = "The service is unavailable; retry later";
      break;
    default:
      p.status = 500;
      p.code = "internal";
      p.detail = "The server could not complete the request";
      break;
  }
  return p;
}

}  // namespace issuetracker::http
