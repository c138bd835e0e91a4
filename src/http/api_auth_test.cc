// Authentication and operations through the handler: bearer tokens refused for every reason,
// API keys (created by a Root User, shown once, stored as a hash, revocable), platform
// operators (onboarding with silo tables, tier changes, offboarding), the OpenAPI document
// against the routes, metrics and request logs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>
#include <set>

#include "http/api_router.h"
#include "http/api_test_util.h"
#include "http/encoding.h"

namespace issuetracker::http::testing {
namespace {

using Users = SampleUsers;

TEST(ApiAuth, BadTokensAre401) {
  ApiFixture f;
  const std::string good = f.Token("COMPANY001", Users::kUser1);
  EXPECT_EQ(f.Call("GET", "/v1/me", good).status, 200);
  auto signer = JwtSigner::Create({.hs256_secret = "another-secret-of-at-least-32-bytes!!!"});
  ASSERT_TRUE(signer.ok());
  const int64_t now = SystemClock::Default()->NowMicros() / 1'000'000;
  JwtClaims claims;
  claims.issuer = std::string(kIssuer);
  claims.audience = {std::string(kAudience)};
  claims.expires_at = now + 600;
  claims.strings = {
      {"company", "COMPANY001"}, {"user", std::string(Users::kUser1)}, {"role", "User"}};
  std::string dot2 = good.substr(0, good.rfind('.'));
  std::string payload = dot2.substr(dot2.find('.') + 1);
  std::vector<std::pair<std::string, std::string>> refused = {
      {"forged signature", (*signer)->Sign(claims).value()},
      {"tampered", good.substr(0, good.size() - 2) + (good.back() == 'A' ? "BB" : "AA")},
      {"alg none", Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + payload + "."},
      {"expired", f.Token("COMPANY001", Users::kUser1, "", -120)},
      {"garbage", "not.a.token"},
      {"role claimed above the stored one", f.Token("COMPANY001", Users::kUser1, "Root User")},
      {"unknown user", f.Token("COMPANY001", "ghost@techstart.com", "User")},
      {"unknown company", f.Token("COMPANY999", Users::kUser1, "User")},
      {"user of another company", f.Token("COMPANY002", Users::kUser1, "User")},
  };
  const std::string before = f.Snapshot();
  for (const auto& [why, token] : refused) {
    Reply r = f.Call("POST", "/v1/issues", token, R"({"title":"x"})");
    EXPECT_EQ(r.status, 401) << why << ": " << r.body;
    EXPECT_EQ(r.Code(), "unauthenticated") << why;
    EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer realm=\"issuetracker\"") << why;
  }
  EXPECT_EQ(f.Call("GET", "/v1/me", "", "", {{"Authorization", "Basic dXNlcjpwdw=="}}).status, 401);
  // Signed by us, but without the registration claim, or with one of no registration.
  auto ours = JwtSigner::Create({.hs256_secret = std::string(kTestSecret)});
  ASSERT_TRUE(ours.ok());
  Reply unbound = f.Call("GET", "/v1/me", (*ours)->Sign(claims).value());
  EXPECT_EQ(unbound.status, 401) << unbound.body;
  EXPECT_NE(unbound.body.find("registration"), std::string::npos) << unbound.body;
  claims.strings["registration"] = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(f.Call("GET", "/v1/me", (*ours)->Sign(claims).value()).status, 401);
  EXPECT_EQ(f.Snapshot(), before);
  // Wrong issuer and audience: a verifier-level refusal too.
  claims.issuer = "someone-else";
  EXPECT_EQ(f.Call("GET", "/v1/me", (*ours)->Sign(claims).value()).status, 401);
  claims.issuer = std::string(kIssuer);
  claims.audience = {"another-api"};
  EXPECT_EQ(f.Call("GET", "/v1/me", (*ours)->Sign(claims).value()).status, 401);
}

TEST(ApiAuth, PlatformAndTenantTokensStayInTheirLanes) {
  ApiFixture f;
  EXPECT_EQ(f.Call("GET", "/v1/issues", f.PlatformToken()).status, 403);
  EXPECT_EQ(
      f.Call("DELETE", "/v1/companies/COMPANY002", f.Token("COMPANY001", Users::kRoot1)).status,
      403);
}

TEST(ApiAuth, ApiKeysAreShownOnceStoredHashedAndRevocable) {
  ApiFixture f;
  const std::string root = f.Token("COMPANY001", Users::kRoot1);
  Reply created = f.Call("POST", "/v1/api-keys", root, R"({"name":"ci pipeline"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Header("Cache-Control"), "no-store");
  const std::string key = created.Member("api_key");
  ASSERT_TRUE(key.starts_with("itk_"));
  // Only the hash is stored, and the list never shows the key.
  EXPECT_EQ(f.Snapshot().find(key.substr(21)), std::string::npos);
  Reply list = f.Call("GET", "/v1/api-keys", root);
  EXPECT_EQ(list.body.find(key.substr(21)), std::string::npos);
  EXPECT_NE(list.body.find("\"tier_name\":\"Basic\""), std::string::npos);
  // The key works as its creator (a Root User of COMPANY001) would.
  Reply with_key = f.Call("GET", "/v1/company", "", "", {{"X-Api-Key", key}});
  EXPECT_EQ(with_key.status, 200);
  EXPECT_EQ(with_key.Member("company_id"), "COMPANY001");
  std::string wrong = key;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(f.Call("GET", "/v1/company", "", "", {{"X-Api-Key", wrong}}).status, 401);
  EXPECT_EQ(f.Call("GET", "/v1/company", "", "", {{"X-Api-Key", "itk_nonsense"}}).status, 401);
  // Revoked: refused at once.
  const std::string key_id = key.substr(4, 16);
  EXPECT_EQ(f.Call("DELETE", "/v1/api-keys/" + key_id, root).status, 204);
  EXPECT_EQ(f.Call("GET", "/v1/company", "", "", {{"X-Api-Key", key}}).status, 401);
  // Another company's Root User cannot revoke or see it.
  EXPECT_EQ(f.Call("DELETE", "/v1/api-keys/" + key_id, f.Token("COMPANY002", Users::kRoot2)).status,
            404);
}

TEST(ApiAuth, GuessingApiKeysIsRateLimitedPerAddress) {
  ApiFixture f;
  int refused = 0, limited = 0;
  for (int i = 0; i < 60; ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "%016x", i);
    std::string guess = "itk_" + std::string(id) + "_" + std::string(43, 'A');
    Reply r = f.Call("GET", "/v1/company", "", "", {{"X-Api-Key", guess}});
    refused += r.status == 401;
    limited += r.status == 429 && r.Code() == "rate_limited";
  }
  EXPECT_EQ(refused, 40);  // the burst
  EXPECT_EQ(limited, 20);
}

// Regression: a token names a company id, and an id offboarded and registered again (after
// the quarantine) is another tenant. A token of the earlier registration must not act in the
// new one, even for a user of the same e-mail and role there.
TEST(ApiAuth, ATokenOfAnEarlierRegistrationIs401) {
  ApiFixture f;
  const std::string ops = f.PlatformToken();
  const std::string old_token = f.Token("COMPANY002", Users::kAdmin2);
  ASSERT_EQ(f.Call("GET", "/v1/me", old_token).status, 200);
  ASSERT_EQ(f.Call("DELETE", "/v1/companies/COMPANY002", ops).status, 204);
  tracker::CompanyRepository companies(f.tracker().store(),
                                       {.reregistration_quarantine_micros = 0});
  auto admin = tenancy::AdminAccess::Grant("re-registration test");
  auto company = tracker::CompanyId::Parse("COMPANY002").value();
  auto email = tracker::UserEmail::Parse(Users::kAdmin2).value();
  ASSERT_TRUE(companies
                  .Create(admin, {.company_id = company,
                                  .company_name = "Another DevCorp",
                                  .contact_email = email})
                  .ok());
  auto ctx = admin.ContextFor(f.engine(), f.layout(), company);
  ASSERT_TRUE(ctx.ok());
  ASSERT_TRUE(f.tracker().users().Create(*ctx, {email, "Mike", tracker::Role::kAdmin}).ok());

  const std::string before = f.Snapshot();
  Reply old_me = f.Call("GET", "/v1/me", old_token);
  EXPECT_EQ(old_me.status, 401) << old_me.body;
  EXPECT_NE(old_me.body.find("another registration"), std::string::npos) << old_me.body;
  EXPECT_EQ(f.Call("POST", "/v1/issues", old_token, R"({"title":"x"})").status, 401);
  EXPECT_EQ(f.Snapshot(), before);
  Reply new_me = f.Call("GET", "/v1/me", f.Token("COMPANY002", Users::kAdmin2));
  EXPECT_EQ(new_me.status, 200) << new_me.body;
}

TEST(ApiPlatform, OnboardChangeTierOffboard) {
  ApiFixture f;
  const std::string ops = f.PlatformToken();
  Reply onboarded =
      f.Call("POST", "/v1/companies", ops,
             R"({"company_id":"ACME","company_name":"Acme","company_tier":"Platinum",)"
             R"("contact_email":"boss@acme.com",)"
             R"("root_user":{"email":"boss@acme.com","full_name":"Boss"}})");
  ASSERT_EQ(onboarded.status, 201) << onboarded.body;
  EXPECT_TRUE(f.engine().DescribeTable({"IssueTracker-Issues-ACME"}).ok());
  EXPECT_EQ(f.Call("POST", "/v1/companies", ops,
                   R"({"company_id":"ACME","company_name":"Acme","company_tier":"Basic",)"
                   R"("contact_email":"boss@acme.com",)"
                   R"("root_user":{"email":"boss@acme.com","full_name":"Boss"}})")
                .status,
            409);
  const std::string boss = f.Token("ACME", "boss@acme.com", "Root User");
  Reply issue = f.Call("POST", "/v1/issues", boss, R"({"title":"Silo issue"})");
  ASSERT_EQ(issue.status, 201) << issue.body;
  EXPECT_EQ(issue.Member("issue_id"), "ISS-001");
  // Tier change between the pooled tiers; a move to Platinum is refused.
  Reply tier = f.Call("PUT", "/v1/companies/COMPANY001/tier", ops, R"({"company_tier":"Premium"})");
  EXPECT_EQ(tier.status, 200) << tier.body;
  EXPECT_EQ(
      f.Call("GET", "/v1/company", f.Token("COMPANY001", Users::kUser1)).Member("company_tier"),
      "Premium");
  EXPECT_EQ(
      f.Call("PUT", "/v1/companies/COMPANY001/tier", ops, R"({"company_tier":"Platinum"})").status,
      422);
  EXPECT_EQ(f.Call("PUT", "/v1/companies/NOPE/tier", ops, R"({"company_tier":"Basic"})").status,
            404);
  // Offboarding: the company's tokens stop working, its tables go.
  EXPECT_EQ(f.Call("DELETE", "/v1/companies/ACME", ops).status, 204);
  EXPECT_EQ(f.Call("GET", "/v1/issues/ISS-001", boss).status, 401);
  EXPECT_FALSE(f.engine().DescribeTable({"IssueTracker-Issues-ACME"}).ok());
}

TEST(ApiOpenApi, EveryRouteIsDocumentedAndEveryDocumentedPathIsRouted) {
  ApiFixture f;
  Reply doc = f.Call("GET", "/openapi.json");
  ASSERT_EQ(doc.status, 200);
  boost::json::value v = boost::json::parse(doc.body);
  EXPECT_EQ(v.at("openapi").as_string(), "3.1.0");
  const boost::json::object& paths = v.at("paths").as_object();
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : paths) {
    for (const auto& [method, operation] : item.as_object()) {
      std::string upper(method);
      for (char& c : upper) c = static_cast<char>(std::toupper(c));
      documented.insert({std::string(path), upper});
      // Every documented operation is routed to a route with exactly this pattern.
      std::string concrete(path);
      for (size_t at; (at = concrete.find('{')) != std::string::npos;) {
        concrete.replace(at, concrete.find('}', at) - at + 1, "X-1");
      }
      net::Request probe = ApiFixture::MakeRequest(upper, concrete, "", "", {});
      RouteMatch m = MatchRoute(probe.method, probe.path);
      ASSERT_NE(m.route, nullptr) << upper << " " << path << " is documented but not routed";
      EXPECT_EQ(m.route->pattern, std::string(path));
    }
  }
  for (const Route& r : AllRoutes()) {
    EXPECT_TRUE(
        documented.contains({std::string(r.pattern), std::string(net::MethodName(r.method))}))
        << net::MethodName(r.method) << " " << r.pattern << " is routed but not documented";
  }
  EXPECT_EQ(documented.size(), AllRoutes().size());
}

TEST(ApiOperations, HealthReadinessMetricsAndLogs) {
  std::mutex mu;
  std::vector<std::string> lines;
  auto logger = RequestLogger::ForLines([&](std::string_view line) {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  });
  ApiOptions options;
  options.request_log = logger.get();
  ApiFixture f(options);
  EXPECT_EQ(f.Call("GET", "/healthz").status, 200);
  EXPECT_EQ(f.Call("GET", "/readyz").status, 200);
  const std::string token = f.Token("COMPANY001", Users::kUser1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.Call("GET", "/v1/issues/ISS-001", token).status, 200);
  EXPECT_EQ(f.Call("GET", "/v1/issues/ISS-999", token).status, 404);
  EXPECT_EQ(f.Call("GET", "/nowhere").status, 404);
  EXPECT_EQ(f.Call("PUT", "/v1/issues").status, 405);
  Reply metrics = f.Call("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string& m = metrics.body;
  EXPECT_NE(
      m.find(
          R"(it_http_requests_total{route="/v1/issues/{issue_id}",method="GET",status="200"} 3)"),
      std::string::npos)
      << m;
  EXPECT_NE(
      m.find(
          R"(it_http_requests_total{route="/v1/issues/{issue_id}",method="GET",status="404"} 1)"),
      std::string::npos);
  EXPECT_NE(m.find(R"(it_http_request_duration_seconds_count{route="/v1/issues/{issue_id}"} 4)"),
            std::string::npos);
  EXPECT_NE(m.find(R"(it_http_errors_total{code="not_found"} 1)"), std::string::npos);
  EXPECT_NE(m.find(R"(it_http_errors_total{code="method_not_allowed"} 1)"), std::string::npos);
  EXPECT_NE(m.find(R"(it_company_consumed_read_capacity_units_total{company="COMPANY001"})"),
            std::string::npos);
  EXPECT_EQ(m.find(R"(it_company_consumed_read_capacity_units_total{company="COMPANY001"} 0)"),
            std::string::npos);
  EXPECT_NE(m.find(R"(it_table_item_count{table="IssueTracker-Issues-Pooled"} 2)"),
            std::string::npos);
  f.service().SetReady(false);
  EXPECT_EQ(f.Call("GET", "/readyz").status, 503);
  logger->Flush();
  std::lock_guard lock(mu);
  bool found = false;
  for (const std::string& line : lines) {
    if (line.find(R"("route":"/v1/issues/{issue_id}")") == std::string::npos) continue;
    found = true;
    EXPECT_NE(line.find(R"("company":"COMPANY001")"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("user":"sarah@techstart.com")"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("request_id":")"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("latency_us":)"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("status":)"), std::string::npos) << line;
  }
  EXPECT_TRUE(found);
}

TEST(ApiOperations, ClientRequestIdsAreKeptWhenValid) {
  ApiFixture f;
  EXPECT_EQ(f.Call("GET", "/healthz", "", "", {{"X-Request-Id", "abc-123"}}).Header("X-Request-Id"),
            "abc-123");
  Reply replaced = f.Call("GET", "/healthz", "", "", {{"X-Request-Id", "bad id\x01"}});
  EXPECT_EQ(replaced.Header("X-Request-Id").size(), 36u);
  Reply problem = f.Call("GET", "/v1/me", "", "", {{"X-Request-Id", "trace-7"}});
  EXPECT_EQ(problem.Member("request_id"), "trace-7");
}

}  // namespace
}  // namespace issuetracker::http::testing
