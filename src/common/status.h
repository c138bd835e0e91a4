// Status: the outcome of an operation that can fail, and Result<T>, a value or a Status.
//
// Modelled on leveldb::Status: an OK status is a null pointer and costs nothing; an error
// carries a code, a message and optional typed detail (for example the per-action reasons
// of a cancelled DynamoDB transaction). Expected failures (a failed condition, a missing
// table, throttling) are returned as values, never thrown.
//
// Thread-safety: a Status is an immutable value; copies share their representation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace issuetracker {

// The error vocabulary. DynamoDB's error names come first (their wire names are given by
// DynamoErrorName); then the domain's own codes.
enum class Code : uint8_t {
  kOk = 0,
  // DynamoDB errors.
  kValidation,                       // ValidationException (400)
  kSerialization,                    // SerializationException (400)
  kConditionalCheckFailed,           // ConditionalCheckFailedException (400)
  kResourceNotFound,                 // ResourceNotFoundException (400)
  kResourceInUse,                    // ResourceInUseException (400)
  kTransactionCanceled,              // TransactionCanceledException (400)
  kTransactionConflict,              // TransactionConflictException (400)
  kIdempotentParameterMismatch,      // IdempotentParameterMismatchException (400)
  kProvisionedThroughputExceeded,    // ProvisionedThroughputExceededException (400)
  kThrottling,                       // ThrottlingException (400)
  kRequestLimitExceeded,             // RequestLimitExceeded (400)
  kLimitExceeded,                    // LimitExceededException (400)
  kItemCollectionSizeLimitExceeded,  // ItemCollectionSizeLimitExceededException (400)
  kTableNotFound,                    // TableNotFoundException (400)
  kTableAlreadyExists,               // TableAlreadyExistsException (400)
  kTableInUse,                       // TableInUseException (400)
  kBackupNotFound,                   // BackupNotFoundException (400)
  kBackupInUse,                      // BackupInUseException (400)
  kContinuousBackupsUnavailable,     // ContinuousBackupsUnavailableException (400)
  kPointInTimeRecoveryUnavailable,   // PointInTimeRecoveryUnavailableException (400)
  kInvalidRestoreTime,               // InvalidRestoreTimeException (400)
  kExpiredIterator,                  // ExpiredIteratorException (400)
  kTrimmedDataAccess,                // TrimmedDataAccessException (400)
  kUnknownOperation,                 // UnknownOperationException (400)
  kMissingAuthenticationToken,       // MissingAuthenticationTokenException (400)
  kUnrecognizedClient,               // UnrecognizedClientException (400)
  kInvalidSignature,                 // InvalidSignatureException (400)
  kIncompleteSignature,              // IncompleteSignatureException (400)
  kAccessDenied,                     // AccessDeniedException (400)
  kInternalServerError,              // InternalServerError (500)
  kServiceUnavailable,               // ServiceUnavailable (503)
  // The domain's own codes.
  kUnauthenticated,  // no or bad credentials (401)
  kForbidden,        // authenticated, but the role does not allow it (403)
  kNotFound,         // a domain entity does not exist (404)
  kConflict,         // optimistic concurrency or state conflict (409)
  kQuotaExceeded,    // a tier quota is used up (429)
  kRateLimited,      // too many requests per second (429)
  kIOError,          // storage or network failure
  kCorruption,       // stored data failed to decode
};

// Base class for typed error detail attached to a Status (see Status::detail()).
class StatusDetail {
 public:
  virtual ~StatusDetail() = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string_view message, std::shared_ptr<const StatusDetail> detail = {});

  static Status Ok() { return Status(); }
  static Status Validation(std::string_view msg) { return Status(Code::kValidation, msg); }
  static Status ConditionalCheckFailed(std::string_view msg = "The conditional request failed") {
    return Status(Code::kConditionalCheckFailed, msg);
  }
  static Status ResourceNotFound(std::string_view msg) {
    return Status(Code::kResourceNotFound, msg);
  }
  static Status ResourceInUse(std::string_view msg) { return Status(Code::kResourceInUse, msg); }
  static Status Internal(std::string_view msg) { return Status(Code::kInternalServerError, msg); }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Forbidden(std::string_view msg) { return Status(Code::kForbidden, msg); }
  static Status Conflict(std::string_view msg) { return Status(Code::kConflict, msg); }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  // The message; empty for OK.
  const std::string& message() const;
  // Typed detail, or nullptr. Use DetailAs<T>() to downcast.
  const StatusDetail* detail() const { return rep_ ? rep_->detail.get() : nullptr; }
  template <typename T>
  const T* DetailAs() const {
    return dynamic_cast<const T*>(detail());
  }

  // "ValidationException: message" style text for logs and CLIs.
  std::string ToString() const;

  bool Is(Code c) const { return code() == c; }

 private:
  struct Rep {
    Code code;
    std::string message;
    std::shared_ptr<const StatusDetail> detail;
  };
  std::shared_ptr<const Rep> rep_;
};

// The wire name of an error code: DynamoDB's exception name for DynamoDB codes
// ("ValidationException"), a descriptive name for the domain's codes ("Forbidden").
std::string_view ErrorName(Code code);

// The HTTP status DynamoDB (or, for domain codes, the REST API) answers with.
int HttpStatusFor(Code code);

// Whether a client may retry the request unchanged (throttling, transient conflicts,
// internal errors), as the AWS SDKs decide.
bool IsRetryable(Code code);

}  // namespace issuetracker
