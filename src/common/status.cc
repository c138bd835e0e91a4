#include "common/status.h"

namespace issuetracker {

Status::Status(Code code, std::string_view message, std::shared_ptr<const StatusDetail> detail) {
  if (code != Code::kOk) {
    rep_ = std::make_shared<const Rep>(Rep{code, std::string(message), std::move(detail)});
  }
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return rep_ ? rep_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(ErrorName(code()));
  if (!message().empty()) {
    out += ": ";
    out += message();
  }
  return out;
}

std::string_view ErrorName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kValidation:
      return "ValidationException";
    case Code::kSerialization:
      return "SerializationException";
    case Code::kConditionalCheckFailed:
      return "ConditionalCheckFailedException";
    case Code::kResourceNotFound:
      return "ResourceNotFoundException";
    case Code::kResourceInUse:
      return "ResourceInUseException";
    case Code::kTransactionCanceled:
      return "TransactionCanceledException";
    case Code::kTransactionConflict:
      return "TransactionConflictException";
    case Code::kIdempotentParameterMismatch:
      return "IdempotentParameterMismatchException";
    case Code::kProvisionedThroughputExceeded:
      return "ProvisionedThroughputExceededException";
    case Code::kThrottling:
      return "ThrottlingException";
    case Code::kRequestLimitExceeded:
      return "RequestLimitExceeded";
    case Code::kLimitExceeded:
      return "LimitExceededException";
    case Code::kItemCollectionSizeLimitExceeded:
      return "ItemCollectionSizeLimitExceededException";
    case Code::kTableNotFound:
      return "TableNotFoundException";
    case Code::kTableAlreadyExists:
      return "TableAlreadyExistsException";
    case Code::kTableInUse:
      return "TableInUseException";
    case Code::kBackupNotFound:
      return "BackupNotFoundException";
    case Code::kBackupInUse:
      return "BackupInUseException";
    case Code::kContinuousBackupsUnavailable:
      return "ContinuousBackupsUnavailableException";
    case Code::kPointInTimeRecoveryUnavailable:
      return "PointInTimeRecoveryUnavailableException";
    case Code::kInvalidRestoreTime:
      return "InvalidRestoreTimeException";
    case Code::kExpiredIterator:
      return "ExpiredIteratorException";
    case Code::kTrimmedDataAccess:
      return "TrimmedDataAccessException";
    case Code::kUnknownOperation:
      return "UnknownOperationException";
    case Code::kMissingAuthenticationToken:
      return "MissingAuthenticationTokenException";
    case Code::kUnrecognizedClient:
      return "UnrecognizedClientException";
    case Code::kInvalidSignature:
      return "InvalidSignatureException";
    case Code::kIncompleteSignature:
      return "IncompleteSignatureException";
    case Code::kAccessDenied:
      return "AccessDeniedException";
    case Code::kInternalServerError:
      return "InternalServerError";
    case Code::kServiceUnavailable:
      return "ServiceUnavailable";
    case Code::kUnauthenticated:
      return "Unauthenticated";
    case Code::kForbidden:
      return "Forbidden";
    case Code::kNotFound:
      return "NotFound";
    case Code::kConflict:
      return "Conflict";
    case Code::kQuotaExceeded:
      return "QuotaExceeded";
    case Code::kRateLimited:
      return "RateLimited";
    case Code::kIOError:
      return "IOError";
    case Code::kCorruption:
      return "Corruption";
  }
  return "Unknown";
}

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kInternalServerError:
    case Code::kIOError:
    case Code::kCorruption:
      return 500;
    case Code::kServiceUnavailable:
      return 503;
    case Code::kUnauthenticated:
      return 401;
    case Code::kForbidden:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kConflict:
      return 409;
    case Code::kQuotaExceeded:
    case Code::kRateLimited:
      return 429;
    default:
      return 400;
  }
}

bool IsRetryable(Code code) {
  switch (code) {
    case Code::kProvisionedThroughputExceeded:
    case Code::kThrottling:
    case Code::kRequestLimitExceeded:
    case Code::kTransactionConflict:
    case Code::kInternalServerError:
    case Code::kServiceUnavailable:
    case Code::kIOError:
      return true;
    default:
      return false;
  }
}

}  // namespace issuetracker
