#include "http/api_test_util.h"

#include <boost/json.hpp>

namespace issuetracker::http::testing {

namespace {

std::string JsonMember(const std::string& body, std::string_view name) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return "";
  const boost::json::value* m = v.as_object().if_contains(name);
  if (m == nullptr) return "";
  if (m->is_string()) return std::string(m->as_string());
  return boost::json::serialize(*m);
}

}  // namespace

std::string Reply::Code() const { return JsonMember(body, "code"); }
std::string Reply::Member(std::string_view name) const { return JsonMember(body, name); }

namespace {

// Generous limits, so that tests not about limits are never throttled.
ApiOptions Unthrottled() {
  ApiOptions options;
  for (auto& [tier, plan] : options.plans) {
    plan.rate_per_second = 1e6;
    plan.burst = 1e6;
  }
  return options;
}

}  // namespace

ApiFixture::ApiFixture() : ApiFixture(Unthrottled()) {}

ApiFixture::ApiFixture(const ApiOptions& given) {
  ApiOptions options = given;
  engine_ = issuetracker::testing::MakeTestBackend(dir_.path());
  backend_ = WrapWithMetering(*engine_);
  tenancy::SchemaCatalog catalog(layout_);
  EXPECT_TRUE(tenancy::Provisioner(*backend_, catalog).ProvisionAll().ok());
  auto admin = tenancy::AdminAccess::Grant("api test fixture");
  EXPECT_TRUE(tracker::SeedSampleData(*backend_, layout_, admin).ok());
  tracker_ = std::make_unique<tracker::Tracker>(*backend_, layout_);
  for (auto [company, root] : {std::pair{"COMPANY001", SampleUsers::kRoot1},
                               std::pair{"COMPANY002", SampleUsers::kRoot2}}) {
    auto ctx = admin.ContextFor(*backend_, layout_, tracker::CompanyId::Parse(company).value());
    EXPECT_TRUE(ctx.ok());
    auto created = tracker_->users().Create(
        *ctx, {tracker::UserEmail::Parse(root).value(), "Root", tracker::Role::kRootUser});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    // A quota no test exhausts by accident (the quota test lowers it itself).
    EXPECT_TRUE(tracker_->companies().UpdateLimits(*ctx, 100'000'000, std::nullopt).ok());
  }
  options.jwt.hs256_secret = std::string(kTestSecret);
  options.jwt.issuer = std::string(kIssuer);
  options.jwt.audience = std::string(kAudience);
  if (options.api_key_pepper.empty()) options.api_key_pepper = "a-test-pepper-16+";
  options.usage_flush_interval = std::chrono::milliseconds(0);  // tests flush explicitly
  auto service = ApiService::Create(std::move(options), *tracker_, *backend_);
  EXPECT_TRUE(service.ok()) << service.status().ToString();
  service_ = std::move(service).value();
  auto signer = JwtSigner::Create({.hs256_secret = std::string(kTestSecret)});
  EXPECT_TRUE(signer.ok());
  signer_ = std::move(signer).value();
}

ApiFixture::~ApiFixture() = default;

std::string ApiFixture::Token(std::string_view company, std::string_view user, std::string role,
                              int64_t ttl_seconds) {
  auto admin = tenancy::AdminAccess::Grant("api test token");
  auto ctx = admin.ContextFor(*backend_, layout_, tracker::CompanyId::Parse(company).value());
  if (role.empty()) {
    auto u = ctx.ok() ? tracker_->users().Get(*ctx, tracker::UserEmail::Parse(user).value())
                      : Result<tracker::User>(ctx.status());
    role = u.ok() ? std::string(tenancy::RoleName(u->role)) : "User";
  }
  JwtClaims claims;
  const int64_t now = SystemClock::Default()->NowMicros() / 1'000'000;
  claims.issuer = std::string(kIssuer);
  claims.audience = {std::string(kAudience)};
  claims.expires_at = now + ttl_seconds;
  claims.subject = std::string(user);
  claims.strings["company"] = std::string(company);
  claims.strings["user"] = std::string(user);
  claims.strings["role"] = role;
  // The company's current registration (any value for a company that does not exist).
  claims.strings["registration"] = ctx.ok() ? ctx->scope().incarnation() : "none";
  return signer_->Sign(claims).value();
}

std::string ApiFixture::PlatformToken(std::string_view operator_name) {
  JwtClaims claims;
  const int64_t now = SystemClock::Default()->NowMicros() / 1'000'000;
  claims.issuer = std::string(kIssuer);
  claims.audience = {std::string(kAudience)};
  claims.expires_at = now + 3600;
  claims.subject = std::string(operator_name);
  claims.strings["scope"] = "platform";
  return signer_->Sign(claims).value();
}

net::Request ApiFixture::MakeRequest(std::string_view method, std::string_view target,
                                     std::string_view token, std::string_view body,
                                     const std::vector<net::Header>& headers) {
  net::Request req;
  req.method_text = std::string(method);
  for (net::Method m :
       {net::Method::kGet, net::Method::kHead, net::Method::kPost, net::Method::kPut,
        net::Method::kPatch, net::Method::kDelete, net::Method::kOptions}) {
    if (net::MethodName(m) == method) req.method = m;
  }
  req.target = std::string(target);
  EXPECT_TRUE(net::ParseTarget(target, req)) << target;
  if (!token.empty()) req.headers.Add("Authorization", "Bearer " + std::string(token));
  bool has_type = false;
  for (const net::Header& h : headers) {
    req.headers.Add(h.name, h.value);
    has_type = has_type || net::EqualsIgnoreCase(h.name, "Content-Type");
  }
  if (!body.empty() && !has_type) req.headers.Add("Content-Type", "application/json");
  req.body = std::string(body);
  req.remote_address = "127.0.0.1";
  return req;
}

Reply ApiFixture::Call(std::string_view method, std::string_view target, std::string_view token,
                       std::string_view body, const std::vector<net::Header>& headers) {
  net::Request req = MakeRequest(method, target, token, body, headers);
  net::Response resp;
  service_->Handle(req, resp);
  return Reply{resp.status, resp.headers, resp.body};
}

Reply ApiFixture::CallIfMatch(std::string_view method, std::string_view target,
                              std::string_view token, std::string_view etag_of,
                              std::string_view body) {
  Reply current = Call("GET", etag_of, token);
  return Call(method, target, token, body, {{"If-Match", current.Header("ETag")}});
}

std::string ApiFixture::Snapshot() {
  std::string out;
  auto tables = engine_->ListTables({});
  if (!tables.ok()) return "ListTables failed";
  for (const std::string& table : tables->table_names) {
    // The usage counter moves with every admitted call; it is not "data changed".
    dynamo::ScanRequest scan;
    scan.table_name = table;
    scan.consistent_read = true;
    auto page = engine_->Scan(scan);
    if (!page.ok()) continue;
    out += table + ":\n";
    for (dynamo::Item item : page->items) {
      item.erase("api_calls_used");
      out += dynamo::ItemDebugString(item) + "\n";
    }
  }
  return out;
}

}  // namespace issuetracker::http::testing
