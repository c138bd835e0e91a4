// The codec.h functions of the messages in describe_items.h.
#include "dynamo/wire/describe_items.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DEFINE_REQUEST(PutItemRequest)
IT_WIRE_DEFINE_RESPONSE(PutItemResponse)
IT_WIRE_DEFINE_REQUEST(GetItemRequest)
IT_WIRE_DEFINE_RESPONSE(GetItemResponse)
IT_WIRE_DEFINE_REQUEST(UpdateItemRequest)
IT_WIRE_DEFINE_RESPONSE(UpdateItemResponse)
IT_WIRE_DEFINE_REQUEST(DeleteItemRequest)
IT_WIRE_DEFINE_RESPONSE(DeleteItemResponse)
IT_WIRE_DEFINE_REQUEST(QueryRequest)
IT_WIRE_DEFINE_RESPONSE(QueryResponse)
IT_WIRE_DEFINE_REQUEST(ScanRequest)

}  // namespace issuetracker::dynamo::wire
