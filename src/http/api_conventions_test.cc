// The API's conventions through the handler: cursor pagination, ETag/If-Match,
// Idempotency-Key, rate limits and the monthly quota, company isolation (404), ownership,
// internal comments.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "http/api_test_util.h"

namespace issuetracker::http::testing {
namespace {

using Users = SampleUsers;

std::vector<std::string> Ids(const Reply& page, std::string_view id_member = "issue_id") {
  std::vector<std::string> ids;
  std::string needle = "\"" + std::string(id_member) + "\":\"";
  for (size_t at = page.body.find(needle); at != std::string::npos;
       at = page.body.find(needle, at + 1)) {
    size_t start = at + needle.size();
    ids.push_back(page.body.substr(start, page.body.find('"', start) - start));
  }
  return ids;
}

TEST(ApiPagination, NextLinksWalkEveryItemOnce) {
  ApiFixture f;
  const std::string token = f.Token("COMPANY001", Users::kUser1);
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(f.Call("POST", "/v1/issues", token, R"({"title":"Issue )" + std::to_string(i) + "\"}")
                  .status,
              201);
  }
  std::set<std::string> seen;
  std::string next = "/v1/issues?status=Open&limit=7";
  int pages = 0;
  while (!next.empty()) {
    Reply page = f.Call("GET", next, token);
    ASSERT_EQ(page.status, 200) << page.body;
    for (const std::string& id : Ids(page)) EXPECT_TRUE(seen.insert(id).second) << id;
    next = page.Member("next") == "null" ? "" : page.Member("next");
    if (!next.empty()) {
      EXPECT_NE(page.Header("Link").find("rel=\"next\""), std::string::npos);
      EXPECT_NE(next.find("status=Open"), std::string::npos);
    }
    ASSERT_LT(++pages, 10);
  }
  EXPECT_EQ(seen.size(), 31u);  // the 30 and the sample's ISS-001
}

TEST(ApiPagination, BadCursorsAndLimitsAre400) {
  ApiFixture f;
  const std::string t1 = f.Token("COMPANY001", Users::kUser1);
  const std::string t2 = f.Token("COMPANY002", Users::kUser2);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(f.Call("POST", "/v1/issues", t1, R"({"title":"x"})").status, 201);
  Reply first = f.Call("GET", "/v1/issues?limit=1", t1);
  ASSERT_EQ(first.status, 200);
  const std::string cursor = first.Member("next_cursor");
  ASSERT_FALSE(cursor.empty());
  EXPECT_EQ(f.Call("GET", "/v1/issues?cursor=garbage!", t1).Code(), "invalid_cursor");
  EXPECT_EQ(f.Call("GET", "/v1/issues?status=Closed&cursor=" + cursor, t1).Code(),
            "invalid_cursor");
  // Another company's token with this company's cursor.
  EXPECT_EQ(f.Call("GET", "/v1/issues?limit=1&cursor=" + cursor, t2).Code(), "invalid_cursor");
  EXPECT_EQ(f.Call("GET", "/v1/issues?limit=0", t1).Code(), "invalid_parameter");
  EXPECT_EQ(f.Call("GET", "/v1/issues?limit=101", t1).Code(), "invalid_parameter");
  EXPECT_EQ(f.Call("GET", "/v1/issues?limit=abc", t1).Code(), "invalid_parameter");
  EXPECT_EQ(f.Call("GET", "/v1/issues?status=Open&team=TEAM-001", t1).Code(), "invalid_parameter");
  EXPECT_EQ(f.Call("GET", "/v1/issues?colour=red", t1).Code(), "invalid_parameter");
  EXPECT_EQ(f.Call("GET", "/v1/issues?status=Done", t1).status, 422);
}

TEST(ApiConcurrency, ETagsAndIfMatch) {
  ApiFixture f;
  const std::string token = f.Token("COMPANY001", Users::kAdmin1);
  Reply got = f.Call("GET", "/v1/issues/ISS-001", token);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.Header("ETag"), "\"0\"");
  EXPECT_EQ(f.Call("GET", "/v1/issues/ISS-001", token, "", {{"If-None-Match", "\"0\""}}).status,
            304);
  const std::string edit = R"({"title":"Login page slow"})";
  Reply missing = f.Call("PATCH", "/v1/issues/ISS-001", token, edit);
  EXPECT_EQ(missing.status, 428);
  EXPECT_EQ(missing.Code(), "precondition_required");
  Reply stale = f.Call("PATCH", "/v1/issues/ISS-001", token, edit, {{"If-Match", "\"5\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.Code(), "precondition_failed");
  Reply ok = f.Call("PATCH", "/v1/issues/ISS-001", token, edit, {{"If-Match", "\"0\""}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Header("ETag"), "\"1\"");
  // The same If-Match again is stale now, and nothing changed.
  EXPECT_EQ(
      f.Call("PATCH", "/v1/issues/ISS-001", token, R"({"title":"other"})", {{"If-Match", "\"0\""}})
          .status,
      412);
  EXPECT_EQ(f.Call("GET", "/v1/issues/ISS-001", token).Member("title"), "Login page slow");
  // Teams, users, comments and the company carry hash ETags the same way.
  for (std::string target : {"/v1/teams/TEAM-001", "/v1/users/sarah@techstart.com",
                             "/v1/issues/ISS-001/comments/CMT-001", "/v1/company"}) {
    Reply r = f.Call("GET", target, token);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.Header("ETag").substr(0, 2), "\"h") << target;
  }
  EXPECT_EQ(f.Call("PUT", "/v1/teams/TEAM-001/members/admin@techstart.com", token, "",
                   {{"If-Match", "\"h0000000000000000\""}})
                .status,
            412);
}

TEST(ApiIdempotency, ARetriedPostMakesOneIssue) {
  ApiFixture f;
  const std::string token = f.Token("COMPANY001", Users::kUser1);
  const std::string body = R"({"title":"Only once"})";
  Reply first = f.Call("POST", "/v1/issues", token, body, {{"Idempotency-Key", "retry-1"}});
  ASSERT_EQ(first.status, 201);
  Reply again = f.Call("POST", "/v1/issues", token, body, {{"Idempotency-Key", "retry-1"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.Header("Idempotent-Replayed"), "true");
  EXPECT_EQ(again.Member("issue_id"), first.Member("issue_id"));
  EXPECT_EQ(again.Header("Location"), first.Header("Location"));
  Reply other = f.Call("POST", "/v1/issues", token, R"({"title":"Something else"})",
                       {{"Idempotency-Key", "retry-1"}});
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.Code(), "idempotency_key_reused");
  EXPECT_EQ(f.Call("POST", "/v1/issues", token, body, {{"Idempotency-Key", "has space"}}).Code(),
            "invalid_header");
  // A failed create releases its key: a corrected retry runs.
  Reply bad = f.Call("POST", "/v1/issues", token, R"({"title":""})", {{"Idempotency-Key", "k2"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(
      f.Call("POST", "/v1/issues", token, R"({"title":""})", {{"Idempotency-Key", "k2"}}).status,
      422);
  Reply list = f.Call("GET", "/v1/issues?limit=100", token);
  EXPECT_EQ(Ids(list).size(), 2u);  // ISS-001 and the one
}

TEST(ApiIdempotency, ConcurrentRetriesMakeOneIssue) {
  ApiFixture f;
  const std::string token = f.Token("COMPANY001", Users::kUser1);
  const std::string body = R"({"title":"Raced"})";
  std::atomic<int> created{0}, replayed{0}, in_use{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      Reply r = f.Call("POST", "/v1/issues", token, body, {{"Idempotency-Key", "race"}});
      if (r.status == 201 && r.Header("Idempotent-Replayed").empty()) {
        ++created;
      } else if (r.status == 201) {
        ++replayed;
      } else if (r.status == 409 && r.Code() == "idempotency_key_in_use") {
        ++in_use;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(created + replayed + in_use, 6);
  EXPECT_EQ(Ids(f.Call("GET", "/v1/issues?limit=100", token)).size(), 2u);
}

TEST(ApiLimits, OverTheRateIs429WithHeaders) {
  ManualClock clock(SystemClock::Default()->NowMicros());
  ApiOptions options;
  options.clock = &clock;
  options.plans[tracker::Tier::kBasic] = {1, 3, 1000};
  ApiFixture f(options);
  const std::string token = f.Token("COMPANY001", Users::kUser1);
  for (int i = 0; i < 3; ++i) {
    Reply r = f.Call("GET", "/v1/me", token);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.Header("RateLimit-Limit"), "3");
    EXPECT_EQ(r.Header("RateLimit-Remaining"), std::to_string(2 - i));
  }
  Reply limited = f.Call("GET", "/v1/me", token);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Code(), "rate_limited");
  EXPECT_EQ(limited.Header("Retry-After"), "1");
  EXPECT_EQ(limited.Header("RateLimit-Remaining"), "0");
  EXPECT_FALSE(limited.Header("RateLimit-Reset").empty());
  // Another company has its own bucket.
  EXPECT_EQ(f.Call("GET", "/v1/me", f.Token("COMPANY002", Users::kUser2)).status, 200);
  clock.AdvanceMicros(1'000'000);
  EXPECT_EQ(f.Call("GET", "/v1/me", token).status, 200);
  Reply metrics = f.Call("GET", "/metrics");
  EXPECT_NE(
      metrics.body.find(
          R"(it_http_throttled_requests_total{company="COMPANY001",reason="rate_limited"} 1)"),
      std::string::npos);
}

TEST(ApiLimits, OverTheMonthlyQuotaIs429WithItsOwnCode) {
  ApiFixture f;
  const std::string root = f.Token("COMPANY001", Users::kRoot1);
  Reply company = f.Call("GET", "/v1/company", root);
  ASSERT_EQ(company.status, 200);
  const int64_t used = std::stoll(company.Member("api_calls_used"));
  Reply lowered = f.Call("PATCH", "/v1/company/limits", root,
                         R"({"monthly_quota":)" + std::to_string(used + 5) + "}",
                         {{"If-Match", company.Header("ETag")}});
  ASSERT_EQ(lowered.status, 200) << lowered.body;
  int admitted = 0;
  Reply r;
  for (int i = 0; i < 20; ++i) {
    r = f.Call("GET", "/v1/me", root);
    if (r.status != 200) break;
    ++admitted;
  }
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Code(), "monthly_quota_exceeded");
  // Admitted since the first read: the GET and PATCH above and these, up to the quota.
  EXPECT_EQ(admitted + 2, 5);
  f.service().FlushUsage();
  auto admin = tenancy::AdminAccess::Grant("quota test");
  auto ctx =
      admin.ContextFor(f.engine(), f.layout(), tracker::CompanyId::Parse("COMPANY001").value());
  ASSERT_TRUE(ctx.ok());
  auto stored = f.tracker().companies().Get(*ctx);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->api_calls_used, used + 5);
  // A new month: the platform resets the counter and calls pass again.
  EXPECT_EQ(f.Call("POST", "/v1/companies/COMPANY001/usage/reset", f.PlatformToken()).status, 204);
  EXPECT_EQ(f.Call("GET", "/v1/me", root).status, 200);
}

TEST(ApiIsolation, AnotherCompanysResourcesAre404) {
  ApiFixture f;
  const std::string t1 = f.Token("COMPANY001", Users::kAdmin1);
  const std::string t2 = f.Token("COMPANY002", Users::kAdmin2);
  Reply created = f.Call("POST", "/v1/issues", t1, R"({"title":"Company one's"})");
  ASSERT_EQ(created.status, 201);
  const std::string id = created.Member("issue_id");  // ISS-002: company two has no ISS-002
  const std::string before = f.Snapshot();
  for (auto [method, target, body] :
       {std::tuple{"GET", "/v1/issues/" + id, std::string()},
        {"PATCH", "/v1/issues/" + id, R"({"title":"mine now"})"},
        {"POST", "/v1/issues/" + id + "/transition", R"({"status":"In Progress"})"},
        {"DELETE", "/v1/issues/" + id, ""},
        {"GET", "/v1/issues/" + id + "/comments", ""},
        {"POST", "/v1/issues/" + id + "/comments", R"({"content":"hello"})"},
        {"GET", "/v1/teams/TEAM-001", ""},
        {"GET", "/v1/users/sarah@techstart.com", ""},
        {"PUT", "/v1/teams/TEAM-001/members/mike@devcorp.com", ""},
        {"GET", "/v1/issues/ISS-001/comments/CMT-002", ""}}) {
    Reply r = f.Call(method, target, t2, body, {{"If-Match", "*"}});
    EXPECT_EQ(r.status, 404) << method << " " << target << ": " << r.body;
    EXPECT_EQ(r.Code(), "not_found");
  }
  EXPECT_EQ(f.Snapshot(), before);
  // Lists never show the other company's items.
  Reply list = f.Call("GET", "/v1/issues?limit=100", t2);
  for (const std::string& company : Ids(list, "company_id")) EXPECT_EQ(company, "COMPANY002");
}

TEST(ApiRules, OwnershipInternalCommentsAndMentions) {
  ApiFixture f;
  const std::string admin = f.Token("COMPANY001", Users::kAdmin1);
  const std::string sarah = f.Token("COMPANY001", Users::kUser1);
  // An issue Sarah neither reported nor is assigned: she may not edit or move it.
  Reply issue = f.Call("POST", "/v1/issues", admin, R"({"title":"Admin's"})");
  ASSERT_EQ(issue.status, 201);
  const std::string path = "/v1/issues/" + issue.Member("issue_id");
  EXPECT_EQ(f.CallIfMatch("PATCH", path, sarah, path, R"({"title":"x"})").status, 403);
  EXPECT_EQ(f.CallIfMatch("POST", path + "/transition", sarah, path, R"({"status":"In Progress"})")
                .status,
            403);
  // She may take it for herself, then move it.
  EXPECT_EQ(f.CallIfMatch("PUT", path + "/assignment", sarah, path,
                          R"({"assigned_user":"sarah@techstart.com"})")
                .status,
            200);
  EXPECT_EQ(f.CallIfMatch("POST", path + "/transition", sarah, path, R"({"status":"In Progress"})")
                .status,
            200);
  // Skipping a step is a workflow conflict; closing needs Admin.
  EXPECT_EQ(
      f.CallIfMatch("POST", path + "/transition", sarah, path, R"({"status":"Closed"})").status,
      409);
  EXPECT_EQ(
      f.CallIfMatch("POST", path + "/transition", sarah, path, R"({"status":"In Review"})").status,
      200);
  EXPECT_EQ(
      f.CallIfMatch("POST", path + "/transition", sarah, path, R"({"status":"Closed"})").status,
      403);
  EXPECT_EQ(
      f.CallIfMatch("POST", path + "/transition", admin, path, R"({"status":"Closed"})").status,
      200);
  // Internal comments: Admin only, and hidden from Users.
  EXPECT_EQ(
      f.Call("POST", path + "/comments", sarah, R"({"content":"x","is_internal":true})").status,
      403);
  Reply internal =
      f.Call("POST", path + "/comments", admin, R"({"content":"secret","is_internal":true})");
  ASSERT_EQ(internal.status, 201);
  EXPECT_EQ(f.Call("GET", internal.Header("Location"), sarah).status, 404);
  EXPECT_EQ(f.Call("GET", internal.Header("Location"), admin).status, 200);
  EXPECT_EQ(Ids(f.Call("GET", path + "/comments", sarah), "comment_id").size(), 0u);
  EXPECT_EQ(Ids(f.Call("GET", path + "/comments", admin), "comment_id").size(), 1u);
  // Mentions must be active users of the company.
  EXPECT_EQ(f.Call("POST", path + "/comments", sarah,
                   R"({"content":"cc","mentions":["mike@devcorp.com"]})")
                .status,
            422);
  EXPECT_EQ(f.Call("POST", path + "/comments", sarah,
                   R"({"content":"cc","mentions":["john@techstart.com"]})")
                .status,
            201);
}

}  // namespace
}  // namespace issuetracker::http::testing
