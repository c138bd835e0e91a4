// The endpoint as a pure handler (no sockets): DynamoDB's answers to every kind of request,
// in DynamoDB's order, with its headers.
#include "dynamo/server/endpoint.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <random>
#include <string>

#include "dynamo/client/sigv4.h"
#include "tests/backend_factory.h"

namespace issuetracker::dynamo::server {
namespace {

namespace json = boost::json;

class EndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string unavailable;
    engine_ = testing::MakeBackend("embedded", dir_.path(), &unavailable);
    ASSERT_NE(engine_, nullptr) << unavailable;
    endpoint_ = std::make_unique<Endpoint>(*engine_, EndpointOptions{});
  }

  // A signed POST of `operation` (a DynamoDB_20120810 one unless it has a '.').
  net::Request Post(const std::string& operation, const std::string& body) {
    net::Request r;
    r.method = net::Method::kPost;
    r.method_text = "POST";
    r.target = r.path = "/";
    r.body = body;
    const std::string target =
        operation.find('.') == std::string::npos ? "DynamoDB_20120810." + operation : operation;
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Host", "localhost:8000"},
        {"Content-Type", "application/x-amz-json-1.0"},
        {"X-Amz-Target", target}};
    client::Signer signer("us-east-1", "dynamodb");
    client::SigningInput in;
    in.headers = headers;
    in.payload = body;
    auto s = signer.Sign(in, {"AKID", "SECRET", "", "t"}, std::chrono::system_clock::now());
    for (const auto& [n, v] : headers) r.headers.Add(n, v);
    r.headers.Add("X-Amz-Date", s.amz_date);
    r.headers.Add("Authorization", s.authorization);
    return r;
  }

  net::Response Handle(const net::Request& r) {
    net::Response response;
    endpoint_->Handle(r, response);
    // Every answer carries a request id; one with a body its CRC-32.
    const auto id = response.headers.Find("x-amzn-RequestId");
    EXPECT_TRUE(id && id->size() == 52) << (id ? *id : "none");
    EXPECT_EQ(response.headers.Find("x-amz-crc32").value_or(""), Crc32Header(response.body));
    return response;
  }

  // The __type of an error body.
  static std::string TypeOf(const net::Response& r) {
    json::value v = json::parse(r.body);
    return std::string(v.at("__type").as_string());
  }

  void CreateTable() {
    net::Response r = Handle(Post("CreateTable", R"({"TableName":"Tab",
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})"));
    ASSERT_EQ(r.status, 200) << r.body;
  }

  testing::TempDir dir_;
  std::unique_ptr<Backend> engine_;  // the embedded engine
  std::unique_ptr<Endpoint> endpoint_;
};

TEST_F(EndpointTest, GetAnswersTheHealthCheck) {
  net::Request r;
  r.method = net::Method::kGet;
  r.method_text = "GET";
  r.target = r.path = "/";
  net::Response response = Handle(r);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "healthy: dynamodb.us-east-1.amazonaws.com ");
  // DynamoDB's (and dynalite's) CRC of that text.
  EXPECT_EQ(response.headers.Find("x-amz-crc32"), "3128867991");
}

TEST_F(EndpointTest, TheHealthCheckIsOnTheRootOnly) {
  for (const char* path : {"/abc", "/-", "/index.htm", "/health"}) {
    net::Request r;
    r.method = net::Method::kGet;
    r.method_text = "GET";
    r.target = r.path = path;
    net::Response response = Handle(r);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(response.body, "<UnknownOperationException/>\n") << path;
  }
}

TEST_F(EndpointTest, TaggingAnswersWithAnEmptyBody) {
  CreateTable();
  net::Response d = Handle(Post("DescribeTable", R"({"TableName":"Tab"})"));
  ASSERT_EQ(d.status, 200) << d.body;
  const std::string arn(json::parse(d.body).at("Table").at("TableArn").as_string());
  net::Response tag = Handle(
      Post("TagResource", R"({"ResourceArn":")" + arn + R"(","Tags":[{"Key":"a","Value":"1"}]})"));
  EXPECT_EQ(tag.status, 200);
  EXPECT_EQ(tag.body, "");
  net::Response untag =
      Handle(Post("UntagResource", R"({"ResourceArn":")" + arn + R"(","TagKeys":["a"]})"));
  EXPECT_EQ(untag.status, 200);
  EXPECT_EQ(untag.body, "");
}

TEST_F(EndpointTest, DescribeEndpointsNamesThisEndpoint) {
  net::Response r = Handle(Post("DescribeEndpoints", "{}"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      json::parse(r.body),
      json::parse(R"({"Endpoints":[{"Address":"localhost:8000","CachePeriodInMinutes":1440}]})"));
}

TEST_F(EndpointTest, LargeResponsesAreGzippedForClientsThatAcceptIt) {
  CreateTable();
  const std::string big(6000, 'x');
  ASSERT_EQ(Handle(Post("PutItem", R"({"TableName":"Tab","Item":{"pk":{"S":"k"},"v":{"S":")" + big +
                                       R"("}}})"))
                .status,
            200);
  const std::string get = R"({"TableName":"Tab","Key":{"pk":{"S":"k"}}})";
  // Not asked for, or refused: plain JSON.
  for (const char* accept : {"", "identity", "gzip;q=0", "deflate"}) {
    net::Request r = Post("GetItem", get);
    if (*accept) r.headers.Add("Accept-Encoding", accept);
    net::Response response = Handle(r);
    EXPECT_FALSE(response.headers.Find("Content-Encoding")) << accept;
    EXPECT_NE(response.body.find(big), std::string::npos) << accept;
  }
  for (const char* accept : {"gzip", "deflate, gzip;q=0.5", "GZIP", "x-gzip"}) {
    net::Request r = Post("GetItem", get);
    r.headers.Add("Accept-Encoding", accept);
    net::Response response = Handle(r);  // checks x-amz-crc32 against the body as sent
    ASSERT_EQ(response.headers.Find("Content-Encoding"), "gzip") << accept;
    ASSERT_GE(response.body.size(), 2u);
    EXPECT_EQ(response.body.substr(0, 2), "\x1f\x8b");
    EXPECT_LT(response.body.size(), 1000u);
  }
  // Small responses are never compressed.
  net::Request small = Post("ListTables", "{}");
  small.headers.Add("Accept-Encoding", "gzip");
  EXPECT_FALSE(Handle(small).headers.Find("Content-Encoding"));
}

TEST_F(EndpointTest, OtherMethodsAndContentTypesAreUnknownOperations) {
  net::Request put = Post("ListTables", "{}");
  put.method = net::Method::kPut;
  put.method_text = "PUT";
  net::Response r = Handle(put);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<UnknownOperationException/>\n");
  net::Request xml = Post("ListTables", "{}");
  xml.headers.Set("Content-Type", "application/xml");
  EXPECT_EQ(Handle(xml).status, 404);
  // application/json is accepted and answered in kind.
  net::Request plain_json = Post("ListTables", "{}");
  plain_json.headers.Set("Content-Type", "application/json; charset=utf-8");
  r = Handle(plain_json);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.Find("Content-Type"), "application/json");
  EXPECT_EQ(Handle(Post("ListTables", "{}")).headers.Find("Content-Type"),
            "application/x-amz-json-1.0");
}

TEST_F(EndpointTest, ProtocolErrorsInDynamoDbsOrder) {
  // Unknown operation.
  net::Response r = Handle(Post("DynamoDB_20120810.Frobnicate", "{}"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(TypeOf(r), "com.amazon.coral.service#UnknownOperationException");
  EXPECT_EQ(TypeOf(Handle(Post("DynamoDB_20111205.ListTables", "{}"))),
            "com.amazon.coral.service#UnknownOperationException");
  // A malformed body comes first, before the operation and the signature are looked at.
  EXPECT_EQ(TypeOf(Handle(Post("DynamoDB_20120810.Frobnicate", "{nope"))),
            "com.amazon.coral.service#SerializationException");
  net::Request unsigned_request = Post("ListTables", "{nope");
  unsigned_request.headers.Remove("Authorization");
  EXPECT_EQ(TypeOf(Handle(unsigned_request)), "com.amazon.coral.service#SerializationException");
  // Then the signature.
  unsigned_request.body = "{}";
  r = Handle(unsigned_request);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(TypeOf(r), "com.amazon.coral.service#MissingAuthenticationTokenException");
  EXPECT_EQ(json::parse(r.body).at("message"), "Request is missing Authentication Token");
  // Then the body: empty, wrong types, missing members.
  EXPECT_EQ(TypeOf(Handle(Post("ListTables", ""))),
            "com.amazon.coral.service#SerializationException");
  EXPECT_EQ(TypeOf(Handle(Post("DescribeTable", R"({"TableName":5})"))),
            "com.amazon.coral.service#SerializationException");
  r = Handle(Post("DescribeTable", "{}"));
  EXPECT_EQ(TypeOf(r), "com.amazon.coral.validate#ValidationException");
  EXPECT_EQ(json::parse(r.body).at("message"),
            "1 validation error detected: Value null at 'tableName' failed to satisfy "
            "constraint: Member must not be null");
}

TEST_F(EndpointTest, ServesTheOperationsWithDynamoDbsAnswers) {
  CreateTable();
  net::Response r =
      Handle(Post("PutItem", R"({"TableName":"Tab","Item":{"pk":{"S":"a"},"n":{"N":"1"}}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  r = Handle(Post("GetItem", R"({"TableName":"Tab","Key":{"pk":{"S":"a"}}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"Item":{"pk":{"S":"a"},"n":{"N":"1"}}})"));
  r = Handle(Post("PutItem", R"j({"TableName":"Tab","Item":{"pk":{"S":"a"}},
    "ConditionExpression":"attribute_not_exists(pk)",
    "ReturnValuesOnConditionCheckFailure":"ALL_OLD"})j"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body), json::parse(R"({
    "__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
    "message":"The conditional request failed","Item":{"pk":{"S":"a"},"n":{"N":"1"}}})"));
  r = Handle(Post("TransactWriteItems", R"({"TransactItems":[
    {"Put":{"TableName":"Tab","Item":{"pk":{"S":"b"}}}},
    {"ConditionCheck":{"TableName":"Tab","Key":{"pk":{"S":"a"}},"ConditionExpression":"n = :two",
     "ExpressionAttributeValues":{":two":{"N":"2"}}}}]})"));
  EXPECT_EQ(r.status, 400);
  json::value v = json::parse(r.body);
  EXPECT_EQ(v.at("__type"), "com.amazonaws.dynamodb.v20120810#TransactionCanceledException");
  EXPECT_EQ(v.at("CancellationReasons"),
            json::parse(R"([{"Code":"None"},{"Code":"ConditionalCheckFailed",
                            "Message":"The conditional request failed"}])"));
  r = Handle(Post("DescribeTable", R"({"TableName":"Missing"})"));
  EXPECT_EQ(TypeOf(r), "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
  // Streams operations answer under their own target prefix.
  r = Handle(Post("DynamoDBStreams_20120810.ListStreams", "{}"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"Streams":[]})"));
}

// Found by the differential test against dynalite (docs/compatibility.md).
TEST_F(EndpointTest, SelectCountAnswersWithoutItemsAndEmptyBatchesGetDynamoDbsMessage) {
  CreateTable();
  ASSERT_EQ(Handle(Post("PutItem", R"({"TableName":"Tab","Item":{"pk":{"S":"a"}}})")).status, 200);
  net::Response r = Handle(Post("Query", R"({"TableName":"Tab","Select":"COUNT",
    "KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"a"}}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"Count":1,"ScannedCount":1})"));
  r = Handle(Post("Scan", R"({"TableName":"Tab","Select":"COUNT"})"));
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"Count":1,"ScannedCount":1})"));
  r = Handle(Post("Scan", R"({"TableName":"Tab"})"));
  EXPECT_EQ(json::parse(r.body),
            json::parse(R"({"Items":[{"pk":{"S":"a"}}],"Count":1,"ScannedCount":1})"));
  r = Handle(Post("BatchWriteItem", R"({"RequestItems":{}})"));
  EXPECT_EQ(json::parse(r.body).at("message"),
            "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1");
  r = Handle(Post("PutItem", R"({"TableName":"Tab","Item":{"pk":{"S":""}}})"));
  EXPECT_EQ(json::parse(r.body).at("message"),
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: pk");
}

TEST_F(EndpointTest, CorsPreflightAndHeaders) {
  net::Request r;
  r.method = net::Method::kOptions;
  r.method_text = "OPTIONS";
  r.target = r.path = "/";
  r.headers.Add("Origin", "http://localhost:8001");
  r.headers.Add("Access-Control-Request-Method", "POST");
  r.headers.Add("Access-Control-Request-Headers", "content-type,x-amz-target");
  net::Response response;
  endpoint_->Handle(r, response);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.Find("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(response.headers.Find("Access-Control-Allow-Headers"), "content-type,x-amz-target");
  EXPECT_EQ(response.headers.Find("Access-Control-Allow-Methods"), "POST");
  net::Request post = Post("ListTables", "{}");
  post.headers.Add("Origin", "http://localhost:8001");
  EXPECT_EQ(Handle(post).headers.Find("Access-Control-Allow-Origin"), "*");
}

TEST_F(EndpointTest, LongOperationsAreOffloadedAndOversizedRequestsGetAnEmpty413) {
  EXPECT_TRUE(Endpoint::IsLongRunning(Post("RestoreTableToPointInTime", "{}")));
  EXPECT_TRUE(Endpoint::IsLongRunning(Post("RestoreTableFromBackup", "{}")));
  EXPECT_TRUE(Endpoint::IsLongRunning(Post("CreateBackup", "{}")));
  EXPECT_FALSE(Endpoint::IsLongRunning(Post("GetItem", "{}")));
  EXPECT_FALSE(Endpoint::IsLongRunning(Post("Nope.Nope", "{}")));
  net::Response r;
  Endpoint::ShapeServerError(413, "too large", r);
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.headers.Contains("x-amzn-RequestId"));
}

TEST(EndpointIdsTest, RequestIdsAreDynamoDbShaped) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 52u);
    for (char c : id) ASSERT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(Crc32Header(""), "0");
  EXPECT_EQ(Crc32Header("123456789"), "3421780262");  // CRC-32's check value, 0xCBF43926
}

// The header is zlib's CRC-32 (what botocore and the JS SDK compute) for every length and
// alignment: the vectorised paths work in 16- to 256-byte blocks with a scalar tail.
TEST(EndpointIdsTest, Crc32HeaderIsZlibsCrc32AtEveryLengthAndOffset) {
  std::mt19937 random(7);
  std::string bytes(70000, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  auto zlib = [](std::string_view s) {
    return std::to_string(
        crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
  };
  for (size_t offset = 0; offset < 16; ++offset) {
    for (size_t len = 0; len < 600; ++len) {
      const std::string_view s(bytes.data() + offset, len);
      ASSERT_EQ(Crc32Header(s), zlib(s)) << "offset " << offset << " length " << len;
    }
  }
  for (size_t len : {4095, 4096, 4097, 11800, 65535, 65536, 69990}) {
    const std::string_view s(bytes.data() + 3, len);
    ASSERT_EQ(Crc32Header(s), zlib(s)) << "length " << len;
  }
}

}  // namespace
}  // namespace issuetracker::dynamo::server
