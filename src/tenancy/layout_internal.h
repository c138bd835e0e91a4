// Helpers shared by the layout's .cc files. Not part of the tenancy API.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "dynamo/attribute_value.h"

namespace issuetracker::tenancy::internal {

inline dynamo::AttributeValue S(std::string_view v) {
  return dynamo::AttributeValue::S(std::string(v));
}

// Sets attribute `name`, moving the value in (an Item built from an initializer list
// copies every value).
inline void Set(dynamo::Item* item, std::string_view name, dynamo::AttributeValue value) {
  item->insert_or_assign(std::string(name), std::move(value));
}

using dynamo::FindS;

// The error for an item that does not belong where it was read from. Reaching it means a
// bug or tampered storage; it is never a user error.
inline Status Foreign(std::string_view what, std::string_view detail) {
  std::string msg = "Isolation check failed: ";
  msg += what;
  msg += ": ";
  msg += detail;
  return Status::Internal(msg);
}

}  // namespace issuetracker::tenancy::internal
