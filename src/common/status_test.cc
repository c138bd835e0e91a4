#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace issuetracker {
namespace {

TEST(StatusTest, OkIsCheapAndEmpty) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Code::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, CarriesDynamoErrorNames) {
  struct Case {
    Status status;
    std::string_view name;
    int http;
  } cases[] = {
      {Status::Validation("bad"), "ValidationException", 400},
      {Status::ConditionalCheckFailed(), "ConditionalCheckFailedException", 400},
      {Status::ResourceNotFound("x"), "ResourceNotFoundException", 400},
      {Status::ResourceInUse("x"), "ResourceInUseException", 400},
      {Status(Code::kTransactionCanceled, "x"), "TransactionCanceledException", 400},
      {Status::Internal("x"), "InternalServerError", 500},
      {Status::Forbidden("x"), "Forbidden", 403},
      {Status::NotFound("x"), "NotFound", 404},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(ErrorName(c.status.code()), c.name);
    EXPECT_EQ(HttpStatusFor(c.status.code()), c.http);
  }
  EXPECT_EQ(Status::Validation("bad input").ToString(), "ValidationException: bad input");
}

struct TestDetail : StatusDetail {
  int value = 7;
};

TEST(StatusTest, DetailIsTyped) {
  Status s(Code::kTransactionCanceled, "cancelled", std::make_shared<TestDetail>());
  ASSERT_NE(s.DetailAs<TestDetail>(), nullptr);
  EXPECT_EQ(s.DetailAs<TestDetail>()->value, 7);
  EXPECT_EQ(Status::Validation("x").DetailAs<TestDetail>(), nullptr);
}

Result<int> Half(int x) {
  if (x % 2) return Status::Validation("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  IT_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(ResultTest, ValueOrStatus) {
  auto r = Quarter(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 2);
  auto bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kValidation);
  EXPECT_TRUE(IsRetryable(Code::kThrottling));
  EXPECT_FALSE(IsRetryable(Code::kValidation));
}

}  // namespace
}  // namespace issuetracker
