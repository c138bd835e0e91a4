// The bad-input catalogue: malformed JSON, wrong types, huge and deep bodies, unknown
// fields, bad cursors and ids, forged tokens, other companies' ids, bad headers. Each gets
// its 4xx and stable code, and changes nothing stored.
#include <gtest/gtest.h>

#include "http/api_test_util.h"
#include "http/encoding.h"

namespace issuetracker::http::testing {
namespace {

using Users = SampleUsers;

// kAdmin2 may manage teams and users, so that only the resource's company decides.
enum class As { kNobody, kUser1, kAdmin1, kUser2, kAdmin2, kForged };

struct BadCase {
  std::string name;
  std::string method;
  std::string target;
  As as;
  std::string body;
  std::vector<net::Header> headers;
  int status;
  std::string code;
};

std::string Deep(int depth) {
  std::string s = R"({"title":"x","labels":)";
  for (int i = 0; i < depth; ++i) s += "[";
  for (int i = 0; i < depth; ++i) s += "]";
  return s + "}";
}

std::vector<BadCase> Catalogue() {
  const std::string json = "application/json";
  return {
      {"truncated JSON",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":)",
       {},
       400,
       "malformed_json"},
      {"trailing garbage",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x"} x)",
       {},
       400,
       "malformed_json"},
      {"not an object", "POST", "/v1/issues", As::kUser1, "[1,2]", {}, 400, "malformed_json"},
      {"empty body",
       "POST",
       "/v1/issues",
       As::kUser1,
       "",
       {{"Content-Type", json}},
       400,
       "malformed_json"},
      {"invalid UTF-8",
       "POST",
       "/v1/issues",
       As::kUser1,
       "{\"title\":\"\xff\xfe\"}",
       {},
       400,
       "malformed_json"},
      {"too deep", "POST", "/v1/issues", As::kUser1, Deep(100), {}, 400, "malformed_json"},
      {"title a number",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":5})",
       {},
       400,
       "invalid_field"},
      {"labels a string",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x","labels":"a"})",
       {},
       400,
       "invalid_field"},
      {"labels of numbers",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x","labels":[1]})",
       {},
       400,
       "invalid_field"},
      {"points not an integer",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x","story_points":1.5})",
       {},
       400,
       "invalid_field"},
      {"points beyond 64 bits",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x","story_points":1e30})",
       {},
       400,
       "invalid_field"},
      {"is_internal a string",
       "POST",
       "/v1/issues/ISS-001/comments",
       As::kAdmin1,
       R"({"content":"x","is_internal":"yes"})",
       {},
       400,
       "invalid_field"},
      {"title missing", "POST", "/v1/issues", As::kUser1, "{}", {}, 400, "missing_field"},
      {"unknown field",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x","colour":"red"})",
       {},
       400,
       "unknown_field"},
      {"company in the body",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x","company_id":"COMPANY002"})",
       {},
       400,
       "unknown_field"},
      {"reporter in the body",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x","reporter":"john@techstart.com"})",
       {},
       400,
       "unknown_field"},
      {"onboarding without credentials",
       "POST",
       "/v1/companies",
       As::kNobody,
       "",
       {},
       401,
       "unauthenticated"},
      {"text/plain body",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x"})",
       {{"Content-Type", "text/plain"}},
       415,
       "unsupported_media_type"},
      {"form body",
       "POST",
       "/v1/issues",
       As::kUser1,
       "title=x",
       {{"Content-Type", "application/x-www-form-urlencoded"}},
       415,
       "unsupported_media_type"},
      {"huge title",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":")" + std::string(900'000, 'a') + "\"}",
       {},
       422,
       "validation_failed"},
      {"control character",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"a\u0001b"})",
       {},
       422,
       "validation_failed"},
      {"unknown priority",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x","priority":"Urgent"})",
       {},
       422,
       "validation_failed"},
      {"bad due date",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x","due_date":"tomorrow"})",
       {},
       422,
       "validation_failed"},
      {"negative hours",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x","estimated_hours":-3})",
       {},
       422,
       "validation_failed"},
      {"assignee not an e-mail",
       "POST",
       "/v1/issues",
       As::kAdmin1,
       R"({"title":"x","assigned_user":"john"})",
       {},
       422,
       "validation_failed"},
      {"assignee of another company",
       "POST",
       "/v1/issues",
       As::kAdmin1,
       R"({"title":"x","assigned_user":"mike@devcorp.com"})",
       {},
       422,
       "validation_failed"},
      {"team of another company",
       "POST",
       "/v1/issues",
       As::kAdmin1,
       R"({"title":"x","assigned_team":"TEAM-002"})",
       {},
       422,
       "validation_failed"},
      {"non-canonical issue id", "GET", "/v1/issues/ISS-1", As::kUser1, "", {}, 404, "not_found"},
      {"issue id with a delimiter",
       "GET",
       "/v1/issues/COMPANY002%23ISSUE%23ISS-001",
       As::kUser1,
       "",
       {},
       404,
       "not_found"},
      {"path traversal",
       "GET",
       "/v1/issues/..%2F..%2Fcompany",
       As::kUser1,
       "",
       {},
       404,
       "not_found"},
      {"bad percent-encoding",
       "GET",
       "/v1/issues/%ZZ",
       As::kUser1,
       "",
       {},
       400,
       "invalid_parameter"},
      {"user that is no e-mail", "GET", "/v1/users/nobody", As::kUser1, "", {}, 404, "not_found"},
      {"bad cursor", "GET", "/v1/issues?cursor=AAAA", As::kUser1, "", {}, 400, "invalid_cursor"},
      {"cursor too long",
       "GET",
       "/v1/issues?cursor=" + std::string(5000, 'A'),
       As::kUser1,
       "",
       {},
       400,
       "invalid_cursor"},
      {"limit too large",
       "GET",
       "/v1/issues?limit=1000",
       As::kUser1,
       "",
       {},
       400,
       "invalid_parameter"},
      {"no credentials",
       "POST",
       "/v1/issues",
       As::kNobody,
       R"({"title":"x"})",
       {},
       401,
       "unauthenticated"},
      {"forged token",
       "POST",
       "/v1/issues",
       As::kForged,
       R"({"title":"x"})",
       {},
       401,
       "unauthenticated"},
      {"another company's issue",
       "PATCH",
       "/v1/issues/ISS-002",
       As::kUser2,
       R"({"title":"x"})",
       {{"If-Match", "*"}},
       404,
       "not_found"},
      {"another company's team",
       "DELETE",
       "/v1/teams/TEAM-001",
       As::kAdmin2,
       "",
       {{"If-Match", "*"}},
       404,
       "not_found"},
      {"another company's user",
       "PUT",
       "/v1/users/sarah@techstart.com/status",
       As::kAdmin2,
       R"({"user_status":"disabled"})",
       {{"If-Match", "*"}},
       404,
       "not_found"},
      {"garbage If-Match",
       "PATCH",
       "/v1/issues/ISS-001",
       As::kUser1,
       R"({"title":"x"})",
       {{"If-Match", "nonsense"}},
       412,
       "precondition_failed"},
      {"no If-Match",
       "DELETE",
       "/v1/issues/ISS-001/comments/CMT-001",
       As::kAdmin1,
       "",
       {},
       428,
       "precondition_required"},
      {"idempotency key too long",
       "POST",
       "/v1/issues",
       As::kUser1,
       R"({"title":"x"})",
       {{"Idempotency-Key", std::string(200, 'k')}},
       400,
       "invalid_header"},
      {"unknown route", "GET", "/v2/issues", As::kUser1, "", {}, 404, "route_not_found"},
      {"wrong method", "PATCH", "/v1/issues", As::kUser1, "{}", {}, 405, "method_not_allowed"},
  };
}

TEST(ApiBadInput, EachGetsItsErrorAndChangesNothing) {
  ApiFixture f;
  // ISS-002 exists in COMPANY001 only.
  ASSERT_EQ(
      f.Call("POST", "/v1/issues", f.Token("COMPANY001", Users::kUser1), R"({"title":"t"})").status,
      201);
  const std::string user1 = f.Token("COMPANY001", Users::kUser1);
  const std::string admin1 = f.Token("COMPANY001", Users::kAdmin1);
  const std::string user2 = f.Token("COMPANY002", Users::kUser2);
  const std::string admin2 = f.Token("COMPANY002", Users::kAdmin2);
  std::string forged = user1;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'x' ? 'y' : 'x';
  const std::string before = f.Snapshot();
  for (const BadCase& c : Catalogue()) {
    std::string token;
    switch (c.as) {
      case As::kNobody:
        break;
      case As::kUser1:
        token = user1;
        break;
      case As::kAdmin1:
        token = admin1;
        break;
      case As::kUser2:
        token = user2;
        break;
      case As::kAdmin2:
        token = admin2;
        break;
      case As::kForged:
        token = forged;
        break;
    }
    Reply r = f.Call(c.method, c.target, token, c.body, c.headers);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body.substr(0, 300);
    EXPECT_EQ(r.Code(), c.code) << c.name << ": " << r.body.substr(0, 300);
    EXPECT_EQ(r.Header("Content-Type"), "application/problem+json") << c.name;
    EXPECT_FALSE(r.Member("request_id").empty()) << c.name;
  }
  EXPECT_EQ(f.Snapshot(), before);
}

}  // namespace
}  // namespace issuetracker::http::testing
