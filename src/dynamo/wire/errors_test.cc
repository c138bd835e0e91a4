#include <gtest/gtest.h>

#include "dynamo/wire/codec.h"

namespace issuetracker::dynamo::wire {
namespace {

using AV = AttributeValue;

TEST(WireErrorsTest, EncodesDynamoDbsErrorShapes) {
  ErrorReply r = EncodeError(Status::ResourceNotFound("Requested resource not found"));
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",)"
                    R"("message":"Requested resource not found"})");
  r = EncodeError(Status::Validation("1 validation error detected: x"));
  EXPECT_EQ(r.body, R"({"__type":"com.amazon.coral.validate#ValidationException",)"
                    R"("message":"1 validation error detected: x"})");
  r = EncodeError(Status(Code::kSerialization, "Unexpected field type"));
  EXPECT_EQ(r.body, R"({"__type":"com.amazon.coral.service#SerializationException",)"
                    R"("Message":"Unexpected field type"})");
  r = EncodeError(Status::Internal("boom"));
  EXPECT_EQ(r.http_status, 500);
  r = EncodeError(Status(Code::kServiceUnavailable, "later"));
  EXPECT_EQ(r.http_status, 503);
  // A domain code never leaks its name to a DynamoDB client.
  r = EncodeError(Status::Forbidden("no"));
  EXPECT_EQ(r.http_status, 500);
  EXPECT_NE(r.body.find("#InternalServerError"), std::string::npos);
}

TEST(WireErrorsTest, CancellationReasonsRoundTrip) {
  auto detail = std::make_shared<TransactionCanceledDetail>();
  detail->reasons.push_back({});
  detail->reasons.push_back(
      {"ConditionalCheckFailed", "The conditional request failed", Item{{"k", AV::S("1")}}});
  Status canceled(Code::kTransactionCanceled,
                  "Transaction cancelled, please refer cancellation reasons for specific reasons "
                  "[None, ConditionalCheckFailed]",
                  detail);
  ErrorReply r = EncodeError(canceled);
  EXPECT_EQ(r.body,
            R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",)"
            R"("message":"Transaction cancelled, please refer cancellation reasons for specific )"
            R"(reasons [None, ConditionalCheckFailed]","CancellationReasons":[{"Code":"None"},)"
            R"({"Code":"ConditionalCheckFailed","Message":"The conditional request failed",)"
            R"("Item":{"k":{"S":"1"}}}]})");
  Status back = DecodeError(r.http_status, r.body);
  EXPECT_EQ(back.code(), Code::kTransactionCanceled);
  EXPECT_EQ(back.message(), canceled.message());
  const auto* reasons = back.DetailAs<TransactionCanceledDetail>();
  ASSERT_NE(reasons, nullptr);
  ASSERT_EQ(reasons->reasons.size(), 2u);
  EXPECT_EQ(reasons->reasons[0].code, "None");
  EXPECT_FALSE(reasons->reasons[0].message);
  EXPECT_EQ(reasons->reasons[1].code, "ConditionalCheckFailed");
  EXPECT_EQ(reasons->reasons[1].item->at("k"), AV::S("1"));
}

TEST(WireErrorsTest, ConditionalCheckFailedCarriesTheOldItem) {
  auto detail = std::make_shared<ConditionalCheckFailedDetail>();
  detail->item = Item{{"v", AV::N(3)}};
  ErrorReply r =
      EncodeError(Status(Code::kConditionalCheckFailed, "The conditional request failed", detail));
  Status back = DecodeError(r.http_status, r.body);
  EXPECT_EQ(back.code(), Code::kConditionalCheckFailed);
  ASSERT_NE(back.DetailAs<ConditionalCheckFailedDetail>(), nullptr);
  EXPECT_EQ(back.DetailAs<ConditionalCheckFailedDetail>()->item.at("v"), AV::N(3));
}

TEST(WireErrorsTest, DecodesWhatServersSend) {
  // The Developer Guide's example.
  Status s =
      DecodeError(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
              "message":"Requested resource not found: Table: tablename not found"})");
  EXPECT_EQ(s.code(), Code::kResourceNotFound);
  EXPECT_EQ(s.message(), "Requested resource not found: Table: tablename not found");
  // Coral's namespaces and capitalised Message.
  s = DecodeError(400, R"({"__type":"com.amazon.coral.service#SerializationException",
                          "Message":"Unexpected field type"})");
  EXPECT_EQ(s.code(), Code::kSerialization);
  EXPECT_EQ(s.message(), "Unexpected field type");
  s = DecodeError(400, R"({"__type":"com.amazon.coral.service#UnknownOperationException"})");
  EXPECT_EQ(s.code(), Code::kUnknownOperation);
  s = DecodeError(
      400,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"})");
  EXPECT_EQ(s.code(), Code::kProvisionedThroughputExceeded);
  EXPECT_TRUE(IsRetryable(s.code()));
  // An error we do not know keeps its name.
  s = DecodeError(400, R"({"__type":"com.amazon.coral.service#ExpiredTokenException",
                          "message":"The security token included in the request is expired"})");
  EXPECT_EQ(s.code(), Code::kValidation);
  EXPECT_EQ(s.message(),
            "ExpiredTokenException: The security token included in the request is expired");
  // Not DynamoDB's JSON at all: a proxy's page.
  s = DecodeError(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(s.code(), Code::kInternalServerError);
  EXPECT_EQ(s.message(), "HTTP 502: <html>Bad Gateway</html>");
  s = DecodeError(503, "");
  EXPECT_EQ(s.code(), Code::kServiceUnavailable);
  s = DecodeError(413, "");
  EXPECT_EQ(s.code(), Code::kValidation);
  EXPECT_EQ(s.message(), "HTTP 413");
}

TEST(WireErrorsTest, EveryDynamoDbCodeRoundTrips) {
  for (int c = static_cast<int>(Code::kValidation);
       c <= static_cast<int>(Code::kServiceUnavailable); ++c) {
    Status original(static_cast<Code>(c), "message " + std::to_string(c));
    ErrorReply r = EncodeError(original);
    EXPECT_EQ(r.http_status, HttpStatusFor(original.code()));
    Status back = DecodeError(r.http_status, r.body);
    EXPECT_EQ(back.code(), original.code()) << r.body;
    EXPECT_EQ(back.message(), original.message());
  }
}

}  // namespace
}  // namespace issuetracker::dynamo::wire
