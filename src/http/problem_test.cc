#include "http/problem.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <set>

namespace issuetracker::http {
namespace {

TEST(ProblemTest, JsonHasTheMembersInOrder) {
  Problem p;
  p.status = 404;
  p.code = "issue_not_found";
  p.detail = "No issue ISS-9 in this company.";
  p.request_id = "req-1";
  EXPECT_EQ(ProblemJson(p),
            "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"No issue ISS-9 in this "
            "company.\",\"code\":\"issue_not_found\",\"request_id\":\"req-1\"}");
  p.type = "https://example.com/problems/issue-not-found";
  p.title = "Issue not found";
  p.instance = "/v1/issues/ISS-9";
  p.detail.clear();
  EXPECT_EQ(ProblemJson(p),
            "{\"type\":\"https://example.com/problems/issue-not-found\",\"title\":\"Issue not "
            "found\",\"status\":404,\"instance\":\"/v1/issues/ISS-9\",\"code\":\"issue_not_found\","
            "\"request_id\":\"req-1\"}");
}

TEST(ProblemTest, HostileTextStaysValidJson) {
  Problem p;
  p.status = 400;
  p.code = "validation";
  p.detail = "bad \"field\"\n\xff\\";
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(ProblemJson(p), ec);
  ASSERT_FALSE(ec) << ProblemJson(p);
  EXPECT_EQ(v.at("detail").as_string(), "bad \"field\"\n\xef\xbf\xbd\\");
}

TEST(ProblemTest, WriteProblemSetsTheResponse) {
  net::Response r;
  r.headers.Add("X-Request-Id", "abc");
  WriteProblem({.status = 429, .code = "rate_limited", .request_id = "abc"}, r);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers.Find("Content-Type"), "application/problem+json");
  EXPECT_EQ(r.headers.Find("X-Request-Id"), "abc");
  EXPECT_EQ(r.body,
            "{\"title\":\"Too Many Requests\",\"status\":429,\"code\":\"rate_limited\","
            "\"request_id\":\"abc\"}");
}

TEST(ProblemTest, CodesFromStatusCodes) {
  EXPECT_EQ(ProblemCode(Code::kValidation), "validation");
  EXPECT_EQ(ProblemCode(Code::kConditionalCheckFailed), "conditional_check_failed");
  EXPECT_EQ(ProblemCode(Code::kForbidden), "forbidden");
  EXPECT_EQ(ProblemCode(Code::kNotFound), "not_found");
  EXPECT_EQ(ProblemCode(Code::kQuotaExceeded), "quota_exceeded");
  EXPECT_EQ(ProblemCode(Code::kRateLimited), "rate_limited");
  EXPECT_EQ(ProblemCode(Code::kInternalServerError), "internal_server_error");
  EXPECT_EQ(ProblemCode(Code::kIOError), "i_o_error");
}

TEST(ProblemTest, FromStatusHidesServerErrorMessages) {
  Problem forbidden = ProblemFromStatus(Status::Forbidden("Viewers cannot edit issues"), "r1");
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.code, "forbidden");
  EXPECT_EQ(forbidden.detail, "Viewers cannot edit issues");
  EXPECT_EQ(forbidden.request_id, "r1");
  Problem internal = ProblemFromStatus(Status::IOError("/data/db/000123.sst: EIO"), "r2");
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.detail.find("sst"), std::string::npos);
}

TEST(RequestIdTest, UuidV4FormatAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[8], '-');
    EXPECT_EQ(id[13], '-');
    EXPECT_EQ(id[14], '4');
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') << id;
    EXPECT_TRUE(IsValidRequestId(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RequestIdTest, ClientSuppliedIds) {
  EXPECT_TRUE(IsValidRequestId("abc-123_x.y:z"));
  EXPECT_FALSE(IsValidRequestId(""));
  EXPECT_FALSE(IsValidRequestId(std::string(129, 'a')));
  EXPECT_FALSE(IsValidRequestId("has space"));
  EXPECT_FALSE(IsValidRequestId("new\nline"));
  EXPECT_FALSE(IsValidRequestId("quote\""));
}

}  // namespace
}  // namespace issuetracker::http
