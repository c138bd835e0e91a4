// The codec.h functions of the messages in describe_tables.h.
#include "dynamo/wire/describe_tables.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DEFINE_REQUEST(CreateTableRequest)
IT_WIRE_DEFINE_RESPONSE(CreateTableResponse)
IT_WIRE_DEFINE_REQUEST(DescribeTableRequest)
IT_WIRE_DEFINE_RESPONSE(DescribeTableResponse)
IT_WIRE_DEFINE_REQUEST(ListTablesRequest)
IT_WIRE_DEFINE_RESPONSE(ListTablesResponse)
IT_WIRE_DEFINE_REQUEST(DeleteTableRequest)
IT_WIRE_DEFINE_RESPONSE(DeleteTableResponse)
IT_WIRE_DEFINE_REQUEST(UpdateTableRequest)
IT_WIRE_DEFINE_RESPONSE(UpdateTableResponse)
IT_WIRE_DEFINE_REQUEST(TagResourceRequest)
IT_WIRE_DEFINE_REQUEST(UntagResourceRequest)
IT_WIRE_DEFINE_REQUEST(ListTagsOfResourceRequest)
IT_WIRE_DEFINE_RESPONSE(ListTagsOfResourceResponse)

}  // namespace issuetracker::dynamo::wire
