// The codec.h functions of the messages in describe_batch.h.
#include "dynamo/wire/describe_batch.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DEFINE_REQUEST(BatchGetItemRequest)
IT_WIRE_DEFINE_RESPONSE(BatchGetItemResponse)
IT_WIRE_DEFINE_REQUEST(BatchWriteItemRequest)
IT_WIRE_DEFINE_RESPONSE(BatchWriteItemResponse)
IT_WIRE_DEFINE_REQUEST(TransactWriteItemsRequest)
IT_WIRE_DEFINE_RESPONSE(TransactWriteItemsResponse)
IT_WIRE_DEFINE_REQUEST(TransactGetItemsRequest)
IT_WIRE_DEFINE_RESPONSE(TransactGetItemsResponse)

}  // namespace issuetracker::dynamo::wire
