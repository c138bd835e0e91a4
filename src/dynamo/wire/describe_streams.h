// Wire descriptions of the DynamoDB Streams operations. Internal to the wire codec.
#pragma once

#include "dynamo/wire/describe_common.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DESCRIBE(StreamSummary, "Stream") {
  v("StreamArn", m.stream_arn);
  v("TableName", m.table_name);
  v("StreamLabel", m.stream_label);
}

IT_WIRE_DESCRIBE(ListStreamsRequest, "ListStreamsInput") {
  v("TableName", m.table_name);
  v("Limit", m.limit);
  v("ExclusiveStartStreamArn", m.exclusive_start_stream_arn);
}

IT_WIRE_DESCRIBE(ListStreamsResponse, "ListStreamsOutput") {
  v("Streams", m.streams, kAlways);
  v("LastEvaluatedStreamArn", m.last_evaluated_stream_arn);
}

IT_WIRE_DESCRIBE(SequenceNumberRange, "SequenceNumberRange") {
  v("StartingSequenceNumber", m.starting_sequence_number);
  v("EndingSequenceNumber", m.ending_sequence_number);
}

IT_WIRE_DESCRIBE(Shard, "Shard") {
  v("ShardId", m.shard_id);
  v("SequenceNumberRange", m.sequence_number_range, kAlways);
  v("ParentShardId", m.parent_shard_id);
}

IT_WIRE_DESCRIBE(StreamDescription, "StreamDescription") {
  v("StreamArn", m.stream_arn);
  v("StreamLabel", m.stream_label);
  v("StreamStatus", m.stream_status, kAlways);
  v("StreamViewType", m.stream_view_type, kAlways);
  v("CreationRequestDateTime", m.creation_request_date_time, kAlways);
  v("TableName", m.table_name);
  v("KeySchema", m.key_schema);
  v("Shards", m.shards, kAlways);
  v("LastEvaluatedShardId", m.last_evaluated_shard_id);
}

IT_WIRE_DESCRIBE(DescribeStreamRequest, "DescribeStreamInput") {
  v("StreamArn", m.stream_arn, kRequired);
  v("Limit", m.limit);
  v("ExclusiveStartShardId", m.exclusive_start_shard_id);
}

IT_WIRE_DESCRIBE(DescribeStreamResponse, "DescribeStreamOutput") {
  v("StreamDescription", m.stream_description, kAlways);
}

IT_WIRE_DESCRIBE(GetShardIteratorRequest, "GetShardIteratorInput") {
  v("StreamArn", m.stream_arn, kRequired);
  v("ShardId", m.shard_id, kRequired);
  v("ShardIteratorType", m.shard_iterator_type, kRequired);
  v("SequenceNumber", m.sequence_number);
}

IT_WIRE_DESCRIBE(GetShardIteratorResponse, "GetShardIteratorOutput") {
  v("ShardIterator", m.shard_iterator);
}

IT_WIRE_DESCRIBE(StreamRecordData, "StreamRecord") {
  v("ApproximateCreationDateTime", m.approximate_creation_date_time, kAlways);
  v("Keys", m.keys, kAlways);
  v("NewImage", m.new_image);
  v("OldImage", m.old_image);
  v("SequenceNumber", m.sequence_number);
  v("SizeBytes", m.size_bytes, kAlways);
  v("StreamViewType", m.stream_view_type, kAlways);
}

IT_WIRE_DESCRIBE(StreamRecord::Identity, "Identity") {
  v("PrincipalId", m.principal_id);
  v("Type", m.type);
}

IT_WIRE_DESCRIBE(StreamRecord, "Record") {
  v("eventID", m.event_id);
  v("eventName", m.event_name, kAlways);
  v("eventVersion", m.event_version);
  v("eventSource", m.event_source);
  v("awsRegion", m.aws_region);
  v("dynamodb", m.dynamodb, kAlways);
  v("userIdentity", m.user_identity);
}

IT_WIRE_DESCRIBE(GetRecordsRequest, "GetRecordsInput") {
  v("ShardIterator", m.shard_iterator, kRequired);
  v("Limit", m.limit);
}

IT_WIRE_DESCRIBE(GetRecordsResponse, "GetRecordsOutput") {
  v("Records", m.records, kAlways);
  v("NextShardIterator", m.next_shard_iterator);
}

}  // namespace issuetracker::dynamo::wire
