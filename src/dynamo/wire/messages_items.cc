// The codec.h functions of the messages in describe_items.h.
#include "dynamo/wire/describe_items.h"
#include "dynamo/wire/fast_decode.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DEFINE_REQUEST(PutItemRequest)
IT_WIRE_DEFINE_RESPONSE(PutItemResponse)
IT_WIRE_DEFINE_REQUEST(GetItemRequest)
// The item-heavy responses decode with the streaming decoder (fast_decode.h).
void EncodeTo(const GetItemResponse& message, std::string* out) { EncodeMessage(message, out); }
Status Decode(std::string_view json, GetItemResponse* message) {
  return DecodeStreaming(json, message);
}
IT_WIRE_DEFINE_REQUEST(UpdateItemRequest)
IT_WIRE_DEFINE_RESPONSE(UpdateItemResponse)
IT_WIRE_DEFINE_REQUEST(DeleteItemRequest)
IT_WIRE_DEFINE_RESPONSE(DeleteItemResponse)
IT_WIRE_DEFINE_REQUEST(QueryRequest)
void EncodeTo(const QueryResponse& message, std::string* out) { EncodeMessage(message, out); }
Status Decode(std::string_view json, QueryResponse* message) {
  return DecodeStreaming(json, message);
}
IT_WIRE_DEFINE_REQUEST(ScanRequest)

}  // namespace issuetracker::dynamo::wire
