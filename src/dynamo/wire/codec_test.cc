#include "dynamo/wire/codec.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "dynamo/wire/describe_backups.h"
#include "dynamo/wire/describe_batch.h"
#include "dynamo/wire/describe_items.h"
#include "dynamo/wire/describe_statements.h"
#include "dynamo/wire/describe_streams.h"
#include "dynamo/wire/describe_tables.h"

namespace issuetracker::dynamo::wire {
namespace {

using AV = AttributeValue;

// An item holding every AttributeValue type, binary bytes that need base64 padding and a
// string that needs JSON escapes.
Item EveryType() {
  Item item;
  item["s"] = AV::S("quote\" backslash\\ newline\n tab\t \x01 é");
  item["n"] = AV::N("-12.500");
  item["b"] = AV::B(std::string("\x00\xff\x10", 3));
  item["t"] = AV::Bool(true);
  item["f"] = AV::Bool(false);
  item["z"] = AV::Null();
  item["m"] = AV::M({{"inner", AV::L({AV::N("1"), AV::S("")})}});
  item["l"] = AV::L({AV::M({}), AV::L({})});
  item["ss"] = AV::SS({"a", "b"});
  item["ns"] = AV::NS({Number::FromInt64(1), Number::FromInt64(-2)});
  item["bs"] = AV::BS({"x", std::string("\x00", 1)});
  return item;
}

// Sets every member a description names to a value other than its default (the last
// enumerator of enums, two elements in lists and maps), so that a round trip exercises
// every member.
class Filler {
 public:
  static constexpr bool kDecoding = true;
  template <typename T>
  void operator()(std::string_view, T& value, Presence = kOptional) {
    Fill(value);
  }
  template <typename Fn>
  void Object(std::string_view, bool, Presence, Fn&& fn) {
    fn(*this);
  }
  void ExpectPresent(std::string_view, std::string) {}  // every member is filled
  template <typename T>
  void Fill(T& value) {
    if constexpr (std::is_same_v<T, std::string>) {
      value = "text-" + std::to_string(++counter_);
    } else if constexpr (std::is_same_v<T, bool>) {
      value = !value;  // a flip is a non-default either way (ScanIndexForward defaults true)
    } else if constexpr (std::is_enum_v<T>) {
      value = static_cast<T>(WireNames(value).size() - 1);
    } else if constexpr (std::is_integral_v<T>) {
      value = static_cast<T>(++counter_);
    } else if constexpr (std::is_floating_point_v<T>) {
      value = 1421866952.062 + ++counter_;
    } else if constexpr (IsOptional<T>::value) {
      value.emplace();
      Fill(*value);
    } else if constexpr (std::is_same_v<T, AttributeValue>) {
      value = AV::M(EveryType());
    } else if constexpr (std::is_same_v<T, AttributeMap>) {
      value = EveryType();
    } else if constexpr (IsVector<T>::value) {
      value.resize(2);
      for (auto& element : value) Fill(element);
    } else if constexpr (IsStringMap<T>::value) {
      Fill(value["first"]);
      Fill(value["second"]);
    } else {
      Describe(*this, value);
    }
  }

 private:
  int counter_ = 0;
};

template <typename T>
void ExpectRoundTrip(const char* name) {
  SCOPED_TRACE(name);
  T original{};
  Filler().Fill(original);
  std::string json = Encode(original);
  // Requests without members (DescribeLimits, DescribeEndpoints) are "{}".
  if (!std::is_same_v<T, DescribeLimitsRequest> && !std::is_same_v<T, DescribeEndpointsRequest>) {
    ASSERT_GT(json.size(), 2u);
  }
  T decoded;
  Status s = Decode(json, &decoded);
  ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << json;
  EXPECT_EQ(Encode(decoded), json);
  // An empty message also survives (every member at its default).
  T empty{};
  T empty_decoded;
  std::string empty_json = Encode(empty);
  // Requests with required members report them; responses decode leniently.
  Status es = Decode(empty_json, &empty_decoded);
  if (es.ok()) {
    EXPECT_EQ(Encode(empty_decoded), empty_json);
  }
}

TEST(CodecTest, EveryMessageRoundTripsWithEveryMemberSet) {
#define IT_ROUND_TRIP(Type) ExpectRoundTrip<Type>(#Type);
  IT_WIRE_MESSAGE_TYPES(IT_ROUND_TRIP)
#undef IT_ROUND_TRIP
}

// The streaming decoder of the item-heavy responses gives what the generic one gives.
template <typename T>
void ExpectStreamingMatchesGeneric(const std::string& json) {
  SCOPED_TRACE(json.substr(0, 120));
  T generic, streaming;
  Status g = DecodeMessage(json, &generic, true);
  Status s = Decode(json, &streaming);  // the streaming decoder
  ASSERT_EQ(g.code(), s.code()) << g.ToString() << " / " << s.ToString();
  if (g.ok()) {
    EXPECT_EQ(Encode(streaming), Encode(generic));
  }
}

TEST(CodecTest, StreamingDecoderMatchesTheGenericOne) {
  QueryResponse q;
  Filler().Fill(q);
  ExpectStreamingMatchesGeneric<QueryResponse>(Encode(q));
  GetItemResponse g;
  Filler().Fill(g);
  ExpectStreamingMatchesGeneric<GetItemResponse>(Encode(g));
  for (const char* doc :
       {R"({})", R"({"Items":[],"Count":0,"ScannedCount":0})",
        R"({"Count":2,"Items":[{"a":{"S":"x"}},{"b":{"L":[{"N":"1"},{"M":{"c":{"BOOL":true}}}]}}],)"
        R"("ScannedCount":3,"Future":{"x":[1,{"y":2}]},"LastEvaluatedKey":{"k":{"B":"AP8Q"}}})",
        R"({"Item":{"s":{"SS":["a","b"]},"n":{"NS":["1","2.5"]},"b":{"BS":["eA=="]}},)"
        R"("ConsumedCapacity":{"TableName":"T","CapacityUnits":1.5,"Table":{"CapacityUnits":1},)"
        R"("GlobalSecondaryIndexes":{"I":{"CapacityUnits":0.5}}}})",
        R"({"ConsumedCapacity":{"TableName":"T","CapacityUnits":3,"ReadCapacityUnits":3,)"
        R"("Table":{"CapacityUnits":1},"LocalSecondaryIndexes":{"L":{"CapacityUnits":1,)"
        R"("ReadCapacityUnits":1}},"GlobalSecondaryIndexes":{"G":{"CapacityUnits":1}}}})",
        R"({"Items":[{"a":{"N":"abc"}}]})", R"({"Items":[{"a":"x"}]})",
        R"({"Items":[{"a":{"B":"abc"}}]})", R"({"Count":"2"})", R"({"Items":{})",
        R"({"Items":[{"a":{"S":"x","Unknown":{"deep":[1,2]}}}]})",
        R"({"Item":{"z":{"NULL":true}}})"}) {
    ExpectStreamingMatchesGeneric<QueryResponse>(doc);
    ExpectStreamingMatchesGeneric<GetItemResponse>(doc);
  }
}

TEST(CodecTest, ConsumedCapacityListsLocalAndGlobalIndexesApart) {
  // DynamoDB's ConsumedCapacity: TableName, CapacityUnits, ReadCapacityUnits,
  // WriteCapacityUnits, Table, LocalSecondaryIndexes, GlobalSecondaryIndexes.
  QueryResponse q;
  ConsumedCapacity c;
  c.table_name = "T";
  c.capacity_units = c.read_capacity_units = 2;
  c.table = Capacity{1, 1, 0};
  c.local_secondary_indexes["L"] = Capacity{0.5, 0.5, 0};
  c.global_secondary_indexes["G"] = Capacity{0.5, 0.5, 0};
  q.consumed_capacity = c;
  const std::string json = Encode(q);
  EXPECT_NE(
      json.find(R"("Table":{"CapacityUnits":1,"ReadCapacityUnits":1},)"
                R"("LocalSecondaryIndexes":{"L":{"CapacityUnits":0.5,"ReadCapacityUnits":0.5}},)"
                R"("GlobalSecondaryIndexes":{"G":{"CapacityUnits":0.5,"ReadCapacityUnits":0.5}})"),
      std::string::npos)
      << json;
  for (bool streaming : {false, true}) {
    QueryResponse back;
    ASSERT_TRUE((streaming ? Decode(json, &back) : DecodeMessage(json, &back, true)).ok());
    ASSERT_TRUE(back.consumed_capacity.has_value());
    ASSERT_EQ(back.consumed_capacity->local_secondary_indexes.size(), 1u) << streaming;
    EXPECT_DOUBLE_EQ(back.consumed_capacity->local_secondary_indexes.at("L").capacity_units, 0.5);
    ASSERT_EQ(back.consumed_capacity->global_secondary_indexes.size(), 1u) << streaming;
    EXPECT_TRUE(back.consumed_capacity->global_secondary_indexes.contains("G"));
  }
}

TEST(CodecTest, AttributeValuesAreWrittenAsDynamoDbWritesThem) {
  PutItemRequest put;
  put.table_name = "T";
  put.item = EveryType();
  EXPECT_EQ(Encode(put), R"({"TableName":"T","Item":{)"
                         R"("b":{"B":"AP8Q"},)"
                         R"("bs":{"BS":["eA==","AA=="]},)"
                         R"("f":{"BOOL":false},)"
                         R"("l":{"L":[{"M":{}},{"L":[]}]},)"
                         R"("m":{"M":{"inner":{"L":[{"N":"1"},{"S":""}]}}},)"
                         R"("n":{"N":"-12.5"},)"
                         R"("ns":{"NS":["1","-2"]},)"
                         R"("s":{"S":"quote\" backslash\\ newline\n tab\t \u0001 é"},)"
                         R"("ss":{"SS":["a","b"]},)"
                         R"("t":{"BOOL":true},)"
                         R"("z":{"NULL":true}}})");
  PutItemRequest back;
  ASSERT_TRUE(Decode(Encode(put), &back).ok());
  EXPECT_EQ(back.item, put.item);
}

TEST(CodecTest, DefaultsAreOmittedAndNonDefaultsWritten) {
  QueryRequest q;
  q.table_name = "Issues";
  q.key_condition_expression = "#pk = :pk";
  q.expression_attribute_names["#pk"] = "company_id";
  q.expression_attribute_values[":pk"] = AV::S("C1");
  EXPECT_EQ(Encode(q), R"({"TableName":"Issues","KeyConditionExpression":"#pk = :pk",)"
                       R"("ExpressionAttributeNames":{"#pk":"company_id"},)"
                       R"("ExpressionAttributeValues":{":pk":{"S":"C1"}}})");
  q.scan_index_forward = false;
  q.limit = 20;
  q.consistent_read = true;
  q.return_consumed_capacity = ReturnConsumedCapacity::kTotal;
  std::string json = Encode(q);
  EXPECT_NE(json.find(R"("ScanIndexForward":false)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("Limit":20)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("ConsistentRead":true)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("ReturnConsumedCapacity":"TOTAL")"), std::string::npos) << json;
  QueryRequest back;
  ASSERT_TRUE(Decode(json, &back).ok());
  EXPECT_FALSE(back.scan_index_forward);
  QueryRequest forward;
  ASSERT_TRUE(Decode(R"({"TableName":"T"})", &forward).ok());
  EXPECT_TRUE(forward.scan_index_forward);
}

TEST(CodecTest, NestedWireObjectsTheStructsFlatten) {
  BatchWriteItemRequest batch;
  batch.request_items["T"].push_back({Item{{"k", AV::S("1")}}, std::nullopt});
  batch.request_items["T"].push_back({std::nullopt, Item{{"k", AV::S("2")}}});
  EXPECT_EQ(Encode(batch), R"({"RequestItems":{"T":[{"PutRequest":{"Item":{"k":{"S":"1"}}}},)"
                           R"({"DeleteRequest":{"Key":{"k":{"S":"2"}}}}]}})");

  UpdateContinuousBackupsRequest pitr;
  pitr.table_name = "T";
  pitr.point_in_time_recovery_enabled = true;
  EXPECT_EQ(Encode(pitr), R"({"TableName":"T","PointInTimeRecoverySpecification":)"
                          R"({"PointInTimeRecoveryEnabled":true}})");

  TransactGetItemsRequest get;
  get.transact_items.push_back({"T", Item{{"k", AV::S("1")}}, std::nullopt, {}});
  EXPECT_EQ(Encode(get), R"({"TransactItems":[{"Get":{"Key":{"k":{"S":"1"}},"TableName":"T"}}]})");

  RestoreTableToPointInTimeRequest restore;
  restore.source_table_name = "S";
  restore.target_table_name = "T";
  restore.restore_date_time = 1700000000.5;
  restore.overrides.global_secondary_index_override.emplace();  // drop every index
  EXPECT_EQ(Encode(restore),
            R"({"SourceTableName":"S","TargetTableName":"T","RestoreDateTime":1700000000.5,)"
            R"("GlobalSecondaryIndexOverride":[]})");
}

struct BadRequest {
  const char* name;
  const char* json;
  Code code;
  const char* message;
};

class DecodeErrorsTest : public ::testing::TestWithParam<BadRequest> {};

TEST_P(DecodeErrorsTest, ReportsDynamoDbsError) {
  const BadRequest& c = GetParam();
  Status s;
  if (std::string_view(c.name).starts_with("CreateTable")) {
    CreateTableRequest r;
    s = Decode(c.json, &r);
  } else {
    PutItemRequest r;
    s = Decode(c.json, &r);
  }
  ASSERT_FALSE(s.ok()) << c.json;
  EXPECT_EQ(ErrorName(s.code()), ErrorName(c.code)) << s.ToString();
  EXPECT_EQ(s.message(), c.message);
}

const BadRequest kBadRequests[] = {
    {"NotJson", "{", Code::kSerialization, "Malformed JSON: incomplete JSON"},
    {"EmptyBody", "", Code::kSerialization, "The request body is empty"},
    {"MissingMembers", "{}", Code::kValidation,
     "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: "
     "Member must not be null; Value null at 'item' failed to satisfy constraint: Member must "
     "not be null"},
    {"NumberForString", R"({"TableName":5,"Item":{}})", Code::kSerialization,
     "NUMBER_VALUE cannot be converted to String"},
    {"ObjectForString", R"({"TableName":{},"Item":{}})", Code::kSerialization,
     "Start of structure or map found where not expected"},
    {"ListForItem", R"({"TableName":"T","Item":[]})", Code::kSerialization,
     "Unrecognized collection type java.util.Map<java.lang.String, "
     "com.amazonaws.dynamodb.v20120810.AttributeValue>"},
    {"ScalarAttributeValue", R"({"TableName":"T","Item":{"a":"x"}})", Code::kSerialization,
     "Unexpected value type in payload"},
    {"EmptyAttributeValue", R"({"TableName":"T","Item":{"a":{}}})", Code::kValidation,
     "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
    {"TwoTypes", R"({"TableName":"T","Item":{"a":{"S":"x","N":"1"}}})", Code::kValidation,
     "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
     "supported datatypes"},
    {"NullFalse", R"({"TableName":"T","Item":{"a":{"NULL":false}}})", Code::kValidation,
     "One or more parameter values were invalid: Null attribute value types must have the value "
     "of true"},
    {"BadBase64Length", R"({"TableName":"T","Item":{"a":{"B":"abcde"}}})", Code::kSerialization,
     "Base64 encoded length is expected a multiple of 4 bytes but found: 5"},
    {"BadBase64", R"({"TableName":"T","Item":{"a":{"B":"ab!="}}})", Code::kSerialization,
     "Invalid last non-pad Base64 character dectected"},
    {"BadEnum", R"({"TableName":"T","Item":{},"ReturnValues":"SOME"})", Code::kValidation,
     "1 validation error detected: Value 'SOME' at 'returnValues' failed to satisfy constraint: "
     "Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]"},
    {"BoolForString", R"({"TableName":true,"Item":{}})", Code::kSerialization,
     "TRUE_VALUE cannot be converted to String"},
    {"TypeErrorWinsOverMissing", R"({"Item":{"a":{"S":1}}})", Code::kSerialization,
     "NUMBER_VALUE cannot be converted to String"},
    {"CreateTableNestedPath",
     R"({"TableName":"T","AttributeDefinitions":[],"KeySchema":[{"AttributeName":"k"},)"
     R"({"AttributeName":"r","KeyType":"SIDEWAYS"}]})",
     Code::kValidation,
     "2 validation errors detected: Value null at 'keySchema.1.member.keyType' failed to satisfy "
     "constraint: Member must not be null; Value 'SIDEWAYS' at 'keySchema.2.member.keyType' "
     "failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]"},
    {"CreateTableStringForList", R"({"TableName":"T","AttributeDefinitions":"x","KeySchema":[]})",
     Code::kSerialization, "Unexpected field type"},
    {"CreateTableBadTableClass",
     R"({"TableName":"T","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],)"
     R"("KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"TableClass":"junk"})",
     Code::kValidation,
     "Invalid table-class parameter provided. Please try again with a valid table-class value: "
     "[STANDARD, STANDARD_INFREQUENT_ACCESS]."},
    // The API Reference lists ProjectionType as optional; DynamoDB refuses a projection
    // without it, for global and local indexes alike.
    {"CreateTableGsiProjectionWithoutType",
     R"({"TableName":"T","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],)"
     R"("KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"GlobalSecondaryIndexes":[)"
     R"({"IndexName":"G","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"Projection":{}}]})",
     Code::kValidation, "One or more parameter values were invalid: Unknown ProjectionType: null"},
    {"CreateTableLsiProjectionTypeNull",
     R"({"TableName":"T","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],)"
     R"("KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"LocalSecondaryIndexes":[)"
     R"({"IndexName":"L","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],)"
     R"("Projection":{"ProjectionType":null,"NonKeyAttributes":["a"]}}]})",
     Code::kValidation, "One or more parameter values were invalid: Unknown ProjectionType: null"},
};

INSTANTIATE_TEST_SUITE_P(Wire, DecodeErrorsTest, ::testing::ValuesIn(kBadRequests),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CodecTest, NumbersAreValidatedAndNormalised) {
  PutItemRequest r;
  Status s = Decode(R"({"TableName":"T","Item":{"n":{"N":"1e500"}}})", &r);
  EXPECT_EQ(s.code(), Code::kValidation) << s.ToString();
  s = Decode(R"({"TableName":"T","Item":{"n":{"N":"abc"}}})", &r);
  EXPECT_EQ(s.code(), Code::kValidation) << s.ToString();
  ASSERT_TRUE(Decode(R"({"TableName":"T","Item":{"n":{"N":"15E-1"}}})", &r).ok());
  EXPECT_EQ(Encode(r), R"({"TableName":"T","Item":{"n":{"N":"1.5"}}})");
}

TEST(CodecTest, UnknownMembersAreIgnoredAndNullsAreAbsent) {
  GetItemRequest r;
  ASSERT_TRUE(
      Decode(R"({"TableName":"T","Key":{"k":{"S":"v","X":null}},"Future":{"a":1},"Limit":null})",
             &r)
          .ok());
  EXPECT_EQ(r.key.at("k"), AV::S("v"));
}

TEST(CodecTest, BooleansAcceptTheStringsDynamoDbConverts) {
  GetItemRequest r;
  ASSERT_TRUE(Decode(R"({"TableName":"T","Key":{},"ConsistentRead":"yes"})", &r).ok());
  EXPECT_TRUE(r.consistent_read);
  Status s = Decode(R"({"TableName":"T","Key":{},"ConsistentRead":"maybe"})", &r);
  EXPECT_EQ(s.code(), Code::kSerialization);
  EXPECT_EQ(s.message(), "Unexpected token received from parser");
}

TEST(CodecTest, ResponsesDecodeLeniently) {
  DescribeTableResponse d;
  ASSERT_TRUE(
      Decode(R"({"Table":{"TableName":"T","TableStatus":"INACCESSIBLE_ENCRYPTION_CREDENTIALS",)"
             R"("KeySchema":[{"AttributeName":"k"}]}})",
             &d)
          .ok());
  EXPECT_EQ(d.table.table_name, "T");
  ASSERT_EQ(d.table.key_schema.size(), 1u);
  // A projection without its type, which a request may not have, is read as ALL.
  DescribeTableResponse g;
  ASSERT_TRUE(Decode(R"({"Table":{"TableName":"T","GlobalSecondaryIndexes":[)"
                     R"({"IndexName":"G","Projection":{}}]}})",
                     &g)
                  .ok());
  ASSERT_EQ(g.table.global_secondary_indexes.size(), 1u);
  EXPECT_EQ(g.table.global_secondary_indexes[0].projection.projection_type, ProjectionType::kAll);
}

TEST(CodecTest, OperationsAndTargets) {
  EXPECT_EQ(Target(Operation::kPutItem), "DynamoDB_20120810.PutItem");
  EXPECT_EQ(Target(Operation::kGetRecords), "DynamoDBStreams_20120810.GetRecords");
  EXPECT_EQ(OperationName(Operation::kTransactWriteItems), "TransactWriteItems");
  for (size_t i = 0; i < kOperationCount; ++i) {
    auto op = static_cast<Operation>(i);
    auto parsed = ParseTarget(Target(op));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, op);
    EXPECT_EQ(IsStreamsOperation(op), Target(op).starts_with("DynamoDBStreams_"));
  }
  auto unknown = ParseTarget("DynamoDB_20120810.NoSuchOperation");
  EXPECT_EQ(unknown.status().code(), Code::kUnknownOperation);
  EXPECT_EQ(unknown.status().message(),
            "Unknown operation (X-Amz-Target: DynamoDB_20120810.NoSuchOperation)");
  // The operations of DynamoDB's API we do not implement (docs/compatibility.md).
  EXPECT_GE(UnsupportedOperations().size(), 20u);
  for (std::string_view name : UnsupportedOperations()) {
    auto parsed = ParseTarget("DynamoDB_20120810." + std::string(name));
    EXPECT_EQ(parsed.status().code(), Code::kUnknownOperation) << name;
    EXPECT_EQ(parsed.status().message(),
              "The operation " + std::string(name) + " is not supported by this implementation");
  }
  EXPECT_EQ(ParseTarget("DynamoDB_20120810.GetRecords").status().code(), Code::kUnknownOperation);
}

}  // namespace
}  // namespace issuetracker::dynamo::wire
