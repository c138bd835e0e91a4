// The codec.h functions of the messages in describe_streams.h.
#include "dynamo/wire/describe_streams.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DEFINE_REQUEST(ListStreamsRequest)
IT_WIRE_DEFINE_RESPONSE(ListStreamsResponse)
IT_WIRE_DEFINE_REQUEST(DescribeStreamRequest)
IT_WIRE_DEFINE_RESPONSE(DescribeStreamResponse)
IT_WIRE_DEFINE_REQUEST(GetShardIteratorRequest)
IT_WIRE_DEFINE_RESPONSE(GetShardIteratorResponse)
IT_WIRE_DEFINE_REQUEST(GetRecordsRequest)
IT_WIRE_DEFINE_RESPONSE(GetRecordsResponse)

}  // namespace issuetracker::dynamo::wire
