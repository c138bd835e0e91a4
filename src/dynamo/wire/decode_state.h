// DecodeState: the errors met while decoding one JSON document, reported as DynamoDB
// reports them. Internal to the wire codec.
//
// DynamoDB checks a request in two passes: types first (a string where a number belongs
// is a SerializationException), then constraints (a missing required member or an
// unknown enumeration value is one line of "N validation errors detected: ..."; other
// checks, such as an empty AttributeValue, are a ValidationException of their own). The
// state records the first type error, up to ten constraint lines and the first other
// validation error, and Finish() reports them in that order of precedence.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace issuetracker::dynamo::wire {

class DecodeState {
 public:
  // A lenient state (for responses, which come from a server and are read as far as they
  // go) ignores missing members and enumeration values it does not know.
  explicit DecodeState(bool lenient = false) : lenient_(lenient) {}

  // A type error; decoding stops at the first.
  void TypeError(std::string message) {
    if (serialization_.ok()) serialization_ = Status(Code::kSerialization, message);
  }
  // One "Value ... at '...' failed to satisfy constraint: ..." line.
  void ConstraintError(std::string line) {
    if (lenient_) return;
    if (constraints_.size() < kMaxConstraintErrors) constraints_.push_back(std::move(line));
  }
  // Any other ValidationException.
  void ValidationError(std::string message) {
    if (validation_.ok()) validation_ = Status::Validation(message);
  }
  // Keeps `status` (of any code) as the validation error when none is recorded yet.
  void ValidationError(Status status) {
    if (validation_.ok()) validation_ = std::move(status);
  }
  bool failed() const { return !serialization_.ok(); }
  bool lenient() const { return lenient_; }

  Status Finish() const;

 private:
  static constexpr size_t kMaxConstraintErrors = 10;
  bool lenient_ = false;
  Status serialization_;
  std::vector<std::string> constraints_;
  Status validation_;
};

}  // namespace issuetracker::dynamo::wire
