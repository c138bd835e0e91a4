// The examples of the DynamoDB API Reference (the same documents the AWS SDKs ship as their
// examples): each request and response decodes into the expected C++ values, and encoding
// those values gives the document back. The reference shows timestamps such as
// CreationDateTime as numbers of seconds; its SDK copies quote them ("1421866952.062"),
// so they are written here as the numbers the service sends.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

#include "dynamo/wire/codec.h"

namespace issuetracker::dynamo::wire {
namespace {

namespace json = boost::json;
using AV = AttributeValue;

// Every member of `expected` is in `actual` with an equal value (numbers compared as
// doubles); `actual` may hold more members (ones the example leaves out, written because
// DynamoDB always writes them, such as DeletionProtectionEnabled).
void ExpectContains(const json::value& expected, const json::value& actual, std::string path) {
  if (expected.is_number() && actual.is_number()) {
    EXPECT_DOUBLE_EQ(expected.to_number<double>(), actual.to_number<double>()) << path;
    return;
  }
  ASSERT_EQ(expected.kind(), actual.kind()) << path << ": " << json::serialize(actual);
  if (expected.is_object()) {
    for (const auto& [key, value] : expected.get_object()) {
      const json::value* found = actual.get_object().if_contains(key);
      ASSERT_NE(found, nullptr) << path << "." << key << " missing in " << json::serialize(actual);
      ExpectContains(value, *found, path + "." + std::string(key));
    }
  } else if (expected.is_array()) {
    ASSERT_EQ(expected.get_array().size(), actual.get_array().size()) << path;
    for (size_t i = 0; i < expected.get_array().size(); ++i) {
      ExpectContains(expected.get_array()[i], actual.get_array()[i],
                     path + "[" + std::to_string(i) + "]");
    }
  } else {
    EXPECT_EQ(expected, actual) << path;
  }
}

// Decodes `document` as T, checks `check` on the value, and that encoding it gives the
// document back.
template <typename T, typename Check>
void Example(std::string_view document, Check check) {
  SCOPED_TRACE(std::string(document.substr(0, 80)));
  T message;
  Status s = Decode(document, &message);
  ASSERT_TRUE(s.ok()) << s.ToString();
  check(message);
  ExpectContains(json::parse(document), json::parse(Encode(message)), "$");
}

Item MusicKey(std::string artist, std::string title) {
  return Item{{"Artist", AV::S(std::move(artist))}, {"SongTitle", AV::S(std::move(title))}};
}

TEST(ApiExamplesTest, CreateTable) {
  Example<CreateTableRequest>(
      R"({"AttributeDefinitions":[{"AttributeName":"Artist","AttributeType":"S"},
          {"AttributeName":"SongTitle","AttributeType":"S"}],
          "KeySchema":[{"AttributeName":"Artist","KeyType":"HASH"},
          {"AttributeName":"SongTitle","KeyType":"RANGE"}],
          "ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5},
          "TableName":"Music"})",
      [](const CreateTableRequest& r) {
        EXPECT_EQ(r.table_name, "Music");
        ASSERT_EQ(r.key_schema.size(), 2u);
        EXPECT_EQ(r.key_schema[1].key_type, KeyType::kRange);
        EXPECT_EQ(r.attribute_definitions[0].attribute_type, ScalarType::kS);
        EXPECT_EQ(r.provisioned_throughput->write_capacity_units, 5);
      });
  Example<CreateTableResponse>(
      R"({"TableDescription":{"AttributeDefinitions":[{"AttributeName":"Artist",
          "AttributeType":"S"},{"AttributeName":"SongTitle","AttributeType":"S"}],
          "CreationDateTime":1421866952.062,"ItemCount":0,
          "KeySchema":[{"AttributeName":"Artist","KeyType":"HASH"},
          {"AttributeName":"SongTitle","KeyType":"RANGE"}],
          "ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5},
          "TableName":"Music","TableSizeBytes":0,"TableStatus":"CREATING"}})",
      [](const CreateTableResponse& r) {
        EXPECT_EQ(r.table_description.table_status, TableStatus::kCreating);
        EXPECT_DOUBLE_EQ(r.table_description.creation_date_time, 1421866952.062);
      });
}

TEST(ApiExamplesTest, DescribeUpdateDeleteAndListTables) {
  Example<DescribeTableRequest>(R"({"TableName":"Music"})", [](const DescribeTableRequest& r) {
    EXPECT_EQ(r.table_name, "Music");
  });
  Example<DescribeTableResponse>(
      R"({"Table":{"AttributeDefinitions":[{"AttributeName":"Artist","AttributeType":"S"},
          {"AttributeName":"SongTitle","AttributeType":"S"}],"CreationDateTime":1421866952.062,
          "ItemCount":0,"KeySchema":[{"AttributeName":"Artist","KeyType":"HASH"},
          {"AttributeName":"SongTitle","KeyType":"RANGE"}],
          "ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5},
          "TableName":"Music","TableSizeBytes":0,"TableStatus":"ACTIVE"}})",
      [](const DescribeTableResponse& r) {
        EXPECT_EQ(r.table.table_status, TableStatus::kActive);
        EXPECT_EQ(r.table.provisioned_throughput.read_capacity_units, 5);
      });
  Example<UpdateTableRequest>(
      R"({"ProvisionedThroughput":{"ReadCapacityUnits":10,"WriteCapacityUnits":10},
          "TableName":"MusicCollection"})",
      [](const UpdateTableRequest& r) {
        EXPECT_EQ(r.provisioned_throughput->read_capacity_units, 10);
      });
  Example<UpdateTableResponse>(
      R"({"TableDescription":{"ItemCount":0,"TableName":"MusicCollection","TableSizeBytes":0,
          "TableStatus":"UPDATING","CreationDateTime":1421866952.062,
          "ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}})",
      [](const UpdateTableResponse& r) {
        EXPECT_EQ(r.table_description.table_status, TableStatus::kUpdating);
      });
  Example<DeleteTableRequest>(R"({"TableName":"Music"})", [](const DeleteTableRequest&) {});
  Example<DeleteTableResponse>(
      R"({"TableDescription":{"ItemCount":0,"TableName":"Music","TableSizeBytes":0,
          "TableStatus":"DELETING","ProvisionedThroughput":{"ReadCapacityUnits":5,
          "WriteCapacityUnits":5}}})",
      [](const DeleteTableResponse& r) {
        EXPECT_EQ(r.table_description.table_status, TableStatus::kDeleting);
      });
  Example<ListTablesRequest>(R"({})", [](const ListTablesRequest& r) { EXPECT_FALSE(r.limit); });
  Example<ListTablesResponse>(R"({"TableNames":["Forum","ProductCatalog","Reply","Thread"]})",
                              [](const ListTablesResponse& r) {
                                EXPECT_EQ(r.table_names.size(), 4u);
                                EXPECT_FALSE(r.last_evaluated_table_name);
                              });
}

TEST(ApiExamplesTest, ItemOperations) {
  Example<PutItemRequest>(
      R"({"Item":{"AlbumTitle":{"S":"Somewhat Famous"},"Artist":{"S":"No One You Know"},
          "SongTitle":{"S":"Call Me Today"}},"ReturnConsumedCapacity":"TOTAL",
          "TableName":"Music"})",
      [](const PutItemRequest& r) {
        EXPECT_EQ(r.item.at("AlbumTitle"), AV::S("Somewhat Famous"));
        EXPECT_EQ(r.return_consumed_capacity, ReturnConsumedCapacity::kTotal);
      });
  Example<PutItemResponse>(R"({"ConsumedCapacity":{"CapacityUnits":1,"TableName":"Music"}})",
                           [](const PutItemResponse& r) {
                             EXPECT_DOUBLE_EQ(r.consumed_capacity->capacity_units, 1);
                             EXPECT_EQ(r.consumed_capacity->table_name, "Music");
                           });
  Example<GetItemRequest>(
      R"({"Key":{"Artist":{"S":"Acme Band"},"SongTitle":{"S":"Happy Day"}},"TableName":"Music"})",
      [](const GetItemRequest& r) { EXPECT_EQ(r.key, MusicKey("Acme Band", "Happy Day")); });
  Example<GetItemResponse>(
      R"({"Item":{"AlbumTitle":{"S":"Songs About Life"},"Artist":{"S":"Acme Band"},
          "SongTitle":{"S":"Happy Day"}}})",
      [](const GetItemResponse& r) { EXPECT_EQ(r.item->size(), 3u); });
  Example<UpdateItemRequest>(
      R"({"ExpressionAttributeNames":{"#AT":"AlbumTitle","#Y":"Year"},
          "ExpressionAttributeValues":{":t":{"S":"Louder Than Ever"},":y":{"N":"2015"}},
          "Key":{"Artist":{"S":"Acme Band"},"SongTitle":{"S":"Happy Day"}},
          "ReturnValues":"ALL_NEW","TableName":"Music","UpdateExpression":"SET #Y = :y, #AT = :t"})",
      [](const UpdateItemRequest& r) {
        EXPECT_EQ(r.return_values, ReturnValue::kAllNew);
        EXPECT_EQ(r.expression_attribute_values.at(":y"), AV::N(2015));
        EXPECT_EQ(r.expression_attribute_names.at("#AT"), "AlbumTitle");
      });
  Example<UpdateItemResponse>(
      R"({"Attributes":{"AlbumTitle":{"S":"Louder Than Ever"},"Artist":{"S":"Acme Band"},
          "SongTitle":{"S":"Happy Day"},"Year":{"N":"2015"}}})",
      [](const UpdateItemResponse& r) { EXPECT_EQ(r.attributes->at("Year"), AV::N(2015)); });
  Example<DeleteItemRequest>(
      R"({"Key":{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Scared of My Shadow"}},
          "TableName":"Music"})",
      [](const DeleteItemRequest& r) { EXPECT_EQ(r.key.size(), 2u); });
  Example<DeleteItemResponse>(R"({"ConsumedCapacity":{"CapacityUnits":1,"TableName":"Music"}})",
                              [](const DeleteItemResponse& r) {
                                EXPECT_FALSE(r.attributes);
                                EXPECT_TRUE(r.consumed_capacity);
                              });
}

TEST(ApiExamplesTest, QueryAndScan) {
  Example<QueryRequest>(
      R"({"ExpressionAttributeValues":{":v1":{"S":"No One You Know"}},
          "KeyConditionExpression":"Artist = :v1","ProjectionExpression":"SongTitle",
          "TableName":"Music"})",
      [](const QueryRequest& r) {
        EXPECT_EQ(*r.key_condition_expression, "Artist = :v1");
        EXPECT_TRUE(r.scan_index_forward);
      });
  Example<QueryResponse>(
      R"({"Count":2,"Items":[{"SongTitle":{"S":"Call Me Today"}}],"ScannedCount":2})",
      [](const QueryResponse& r) {
        EXPECT_EQ(r.count, 2);
        EXPECT_EQ(r.items.size(), 1u);
        EXPECT_FALSE(r.last_evaluated_key);
      });
  Example<ScanRequest>(
      R"({"ExpressionAttributeNames":{"#AT":"AlbumTitle","#ST":"SongTitle"},
          "ExpressionAttributeValues":{":a":{"S":"No One You Know"}},
          "FilterExpression":"Artist = :a","ProjectionExpression":"#ST, #AT",
          "TableName":"Music"})",
      [](const ScanRequest& r) { EXPECT_EQ(*r.filter_expression, "Artist = :a"); });
  Example<ScanResponse>(
      R"({"Count":2,"Items":[{"AlbumTitle":{"S":"Somewhat Famous"},
          "SongTitle":{"S":"Call Me Today"}},{"AlbumTitle":{"S":"Blue Sky Blues"},
          "SongTitle":{"S":"Scared of My Shadow"}}],"ScannedCount":3})",
      [](const ScanResponse& r) { EXPECT_EQ(r.scanned_count, 3); });
}

TEST(ApiExamplesTest, Batches) {
  Example<BatchGetItemRequest>(
      R"({"RequestItems":{"Music":{"Keys":[{"Artist":{"S":"No One You Know"},
          "SongTitle":{"S":"Call Me Today"}},{"Artist":{"S":"Acme Band"},
          "SongTitle":{"S":"Happy Day"}},{"Artist":{"S":"No One You Know"},
          "SongTitle":{"S":"Scared of My Shadow"}}],"ProjectionExpression":"AlbumTitle"}}})",
      [](const BatchGetItemRequest& r) {
        EXPECT_EQ(r.request_items.at("Music").keys.size(), 3u);
        EXPECT_EQ(r.request_items.at("Music").keys[1], MusicKey("Acme Band", "Happy Day"));
      });
  Example<BatchGetItemResponse>(
      R"({"Responses":{"Music":[{"AlbumTitle":{"S":"Somewhat Famous"}},
          {"AlbumTitle":{"S":"Blue Sky Blues"}},{"AlbumTitle":{"S":"Louder Than Ever"}}]}})",
      [](const BatchGetItemResponse& r) {
        EXPECT_EQ(r.responses.at("Music").size(), 3u);
        EXPECT_TRUE(r.unprocessed_keys.empty());
      });
  Example<BatchWriteItemRequest>(
      R"({"RequestItems":{"Music":[{"PutRequest":{"Item":{"AlbumTitle":{"S":"Somewhat Famous"},
          "Artist":{"S":"No One You Know"},"SongTitle":{"S":"Call Me Today"}}}},
          {"PutRequest":{"Item":{"AlbumTitle":{"S":"Songs About Life"},"Artist":{"S":"Acme Band"},
          "SongTitle":{"S":"Happy Day"}}}},{"PutRequest":{"Item":{"AlbumTitle":
          {"S":"Blue Sky Blues"},"Artist":{"S":"No One You Know"},
          "SongTitle":{"S":"Scared of My Shadow"}}}}]}})",
      [](const BatchWriteItemRequest& r) {
        const auto& writes = r.request_items.at("Music");
        ASSERT_EQ(writes.size(), 3u);
        EXPECT_TRUE(writes[2].put_item);
        EXPECT_FALSE(writes[2].delete_key);
      });
  Example<BatchWriteItemResponse>(
      R"({})", [](const BatchWriteItemResponse& r) { EXPECT_TRUE(r.unprocessed_items.empty()); });
}

TEST(ApiExamplesTest, Streams) {
  const std::string arn =
      "arn:aws:dynamodb:us-west-2:111122223333:table/Forum/stream/2015-05-20T20:51:10.252";
  Example<ListStreamsRequest>(R"({})", [](const ListStreamsRequest&) {});
  Example<ListStreamsResponse>(
      R"({"Streams":[{"StreamArn":")" + arn +
          R"(","StreamLabel":"2015-05-20T20:51:10.252","TableName":"Forum"}]})",
      [](const ListStreamsResponse& r) { EXPECT_EQ(r.streams[0].table_name, "Forum"); });
  Example<DescribeStreamRequest>(
      R"({"StreamArn":")" + arn + R"("})",
      [&](const DescribeStreamRequest& r) { EXPECT_EQ(r.stream_arn, arn); });
  Example<DescribeStreamResponse>(
      R"({"StreamDescription":{"KeySchema":[{"AttributeName":"ForumName","KeyType":"HASH"},
          {"AttributeName":"Subject","KeyType":"RANGE"}],"Shards":[{"SequenceNumberRange":
          {"EndingSequenceNumber":"20500000000000000910398",
          "StartingSequenceNumber":"20500000000000000910398"},
          "ShardId":"shardId-00000001414562045508-2bac9cd2"},{"ParentShardId":
          "shardId-00000001414562045508-2bac9cd2","SequenceNumberRange":
          {"StartingSequenceNumber":"2574600000000000000935255"},
          "ShardId":"shardId-00000001414608446368-3a1afbaf"}],"StreamArn":")" +
          arn +
          R"(","StreamLabel":"2015-05-20T20:51:10.252","StreamStatus":"ENABLED",
          "StreamViewType":"NEW_AND_OLD_IMAGES","TableName":"Forum"}})",
      [](const DescribeStreamResponse& r) {
        const StreamDescription& d = r.stream_description;
        ASSERT_EQ(d.shards.size(), 2u);
        EXPECT_EQ(*d.shards[1].parent_shard_id, "shardId-00000001414562045508-2bac9cd2");
        EXPECT_FALSE(d.shards[1].sequence_number_range.ending_sequence_number);
        EXPECT_EQ(d.stream_view_type, StreamViewType::kNewAndOldImages);
      });
  Example<GetShardIteratorRequest>(
      R"({"ShardId":"00000001414576573621-f55eea83","ShardIteratorType":"TRIM_HORIZON",
          "StreamArn":")" +
          arn + R"("})",
      [](const GetShardIteratorRequest& r) {
        EXPECT_EQ(r.shard_iterator_type, ShardIteratorType::kTrimHorizon);
      });
  Example<GetShardIteratorResponse>(
      R"({"ShardIterator":")" + arn + R"(|1|AAAAAAAAAAEvJp6D"})",
      [](const GetShardIteratorResponse& r) { EXPECT_TRUE(r.shard_iterator); });
  Example<GetRecordsRequest>(R"({"ShardIterator":")" + arn + R"(|1|AAAAAAAAAAEvJp6D"})",
                             [](const GetRecordsRequest& r) { EXPECT_FALSE(r.limit); });
  Example<GetRecordsResponse>(
      R"({"NextShardIterator":")" + arn +
          R"(|1|AAAAAAAAAAGQBYshYDEe","Records":[{"awsRegion":"us-west-2","dynamodb":
          {"ApproximateCreationDateTime":1.46480646E9,"Keys":{"ForumName":{"S":"DynamoDB"},
          "Subject":{"S":"DynamoDB Thread 3"}},"SequenceNumber":"300000000000000499659",
          "SizeBytes":41,"StreamViewType":"KEYS_ONLY"},"eventID":
          "e2fd9c34eff2d779b297b26f5fef4206","eventName":"INSERT","eventSource":"aws:dynamodb",
          "eventVersion":"1.0"},{"awsRegion":"us-west-2","dynamodb":
          {"ApproximateCreationDateTime":1.46480527E9,"Keys":{"ForumName":{"S":"DynamoDB"},
          "Subject":{"S":"DynamoDB Thread 1"}},"SequenceNumber":"400000000000000499660",
          "SizeBytes":41,"StreamViewType":"KEYS_ONLY"},"eventID":
          "4b25bd0da9a181a155114127e4837252","eventName":"MODIFY","eventSource":"aws:dynamodb",
          "eventVersion":"1.0"}]})",
      [](const GetRecordsResponse& r) {
        ASSERT_EQ(r.records.size(), 2u);
        EXPECT_EQ(r.records[1].event_name, OperationType::kModify);
        EXPECT_EQ(r.records[0].dynamodb.size_bytes, 41);
        EXPECT_EQ(r.records[0].dynamodb.stream_view_type, StreamViewType::kKeysOnly);
        EXPECT_EQ(r.records[0].event_version, "1.0");
      });
}

}  // namespace
}  // namespace issuetracker::dynamo::wire
