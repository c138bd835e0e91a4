// Test support for the REST service: a fresh engine with the spec's sample data (plus a Root
// User in each sample company), a Tracker on a metering backend, an ApiService, tokens for
// any user, and requests handed to the handler directly (no sockets).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "http/api_service.h"
#include "http/jwt.h"
#include "http/metered_backend.h"
#include "net/http_types.h"
#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tests/backend_factory.h"
#include "tracker/sample_data.h"
#include "tracker/tracker.h"

namespace issuetracker::http::testing {

inline constexpr std::string_view kTestSecret = "test-secret-of-at-least-thirty-two-bytes!!";
inline constexpr std::string_view kIssuer = "issuetracker";
inline constexpr std::string_view kAudience = "issuetracker-api";

// The sample users by role in COMPANY001 (TechStart, Basic) and COMPANY002 (DevCorp,
// Premium); the Root Users are added by the fixture.
struct SampleUsers {
  static constexpr std::string_view kUser1 = "sarah@techstart.com";
  static constexpr std::string_view kAdmin1 = "john@techstart.com";
  static constexpr std::string_view kSuper1 = "admin@techstart.com";
  static constexpr std::string_view kRoot1 = "root@techstart.com";
  static constexpr std::string_view kUser2 = "lisa@devcorp.com";
  static constexpr std::string_view kAdmin2 = "mike@devcorp.com";
  static constexpr std::string_view kRoot2 = "root@devcorp.com";
};

struct Reply {
  int status = 0;
  net::Headers headers;
  std::string body;
  std::string Header(std::string_view name) const {
    auto v = headers.Find(name);
    return v ? std::string(*v) : std::string();
  }
  // The "code" member of a problem+json body ("" when none).
  std::string Code() const;
  // A string member of a JSON object body ("" when absent).
  std::string Member(std::string_view name) const;
};

class ApiFixture {
 public:
  // `options` may override the service's defaults (clock, plans, ...); its JWT settings are
  // filled in with the test secret.
  ApiFixture();
  explicit ApiFixture(const ApiOptions& options);
  ~ApiFixture();

  tracker::Tracker& tracker() { return *tracker_; }
  ApiService& service() { return *service_; }
  dynamo::Backend& engine() { return *engine_; }
  const tenancy::Layout& layout() const { return layout_; }

  // A token for `user` of `company` claiming `role` (the stored role when empty), issued for
  // the company's current registration.
  std::string Token(std::string_view company, std::string_view user, std::string role = "",
                    int64_t ttl_seconds = 3600);
  std::string PlatformToken(std::string_view operator_name = "ops@platform.test");

  // Calls the handler. `token` "" sends no Authorization; a body gets Content-Type
  // application/json unless `headers` sets one.
  Reply Call(std::string_view method, std::string_view target, std::string_view token = "",
             std::string_view body = "", const std::vector<net::Header>& headers = {});
  // The same with If-Match set to the ETag a GET of `etag_of` returns now.
  Reply CallIfMatch(std::string_view method, std::string_view target, std::string_view token,
                    std::string_view etag_of, std::string_view body = "");

  // Every item of every table, as text, for "nothing changed" checks.
  std::string Snapshot();

  static net::Request MakeRequest(std::string_view method, std::string_view target,
                                  std::string_view token, std::string_view body,
                                  const std::vector<net::Header>& headers);

 private:
  issuetracker::testing::TempDir dir_;
  std::unique_ptr<dynamo::Backend> engine_;
  std::unique_ptr<dynamo::Backend> backend_;
  tenancy::Layout layout_{tenancy::SchemaConfig{}};
  std::unique_ptr<tracker::Tracker> tracker_;
  std::unique_ptr<JwtSigner> signer_;
  std::unique_ptr<ApiService> service_;
};

}  // namespace issuetracker::http::testing
