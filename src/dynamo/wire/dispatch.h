// Dispatch: one DynamoDB JSON request served by any dynamo::Backend, for a
// DynamoDB-compatible endpoint (and the test servers that stand in for one): the target
// names the operation, the body is decoded with the codec, the backend answers, and the
// answer is encoded back, errors included, exactly as DynamoDB would reply.
//
// Thread-safety: as thread-safe as the backend.
#pragma once

#include <string>
#include <string_view>

#include "dynamo/backend.h"

namespace issuetracker::dynamo::wire {

struct Reply {
  int http_status = 200;
  std::string body;
};

// Serves one request. UnknownOperationException for a target that names no operation,
// SerializationException / ValidationException for a body the codec rejects, else the
// backend's response or error.
Reply Dispatch(Backend& backend, std::string_view target, std::string_view body);

}  // namespace issuetracker::dynamo::wire
