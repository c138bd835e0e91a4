// `issuetracker serve` (the REST service, docs/api.md) and `issuetracker token issue`
// (bearer tokens for local use).
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "http/api_service.h"
#include "http/metered_backend.h"
#include "net/server.h"
#include "tenancy/schema.h"
#include "tracker/tracker.h"

namespace issuetracker::cli {

namespace {

// The development defaults: for a laptop's `make run` only. `serve` says so loudly when it
// uses them; anything reachable by others must set IT_JWT_SECRET / --jwt-secret (or an RS256
// key) and IT_API_KEY_PEPPER / --api-key-pepper.
constexpr std::string_view kDevelopmentJwtSecret =
    "DEVELOPMENT-ONLY-issuetracker-jwt-secret-change-me";
constexpr std::string_view kDevelopmentPepper = "DEVELOPMENT-ONLY-issuetracker-api-key-pepper";

struct AuthFlags {
  std::string jwt_secret;            // HS256; IT_JWT_SECRET when empty
  std::string jwt_public_key_file;   // RS256 verification
  std::string jwt_private_key_file;  // RS256 minting (token issue)
  std::string issuer = "issuetracker";
  std::string audience = "issuetracker-api";
};

void AddAuthFlags(CLI::App* cmd, AuthFlags* f) {
  cmd->add_option("--jwt-secret", f->jwt_secret,
                  "HS256 secret (>= 32 bytes); default: $IT_JWT_SECRET, else a development secret");
  cmd->add_option("--jwt-issuer", f->issuer, "Required iss claim")->capture_default_str();
  cmd->add_option("--jwt-audience", f->audience, "Required aud claim")->capture_default_str();
}

void AddSchemaOptions(CLI::App* cmd, tenancy::SchemaConfig* config) {
  cmd->add_option("--table-prefix", config->table_prefix, "Prefix of every table name")
      ->capture_default_str();
  cmd->add_option("--environment", config->environment, "Value of the Environment tag")
      ->capture_default_str();
}

// The HS256 secret in force and whether it is the development default.
std::pair<std::string, bool> Secret(const AuthFlags& f) {
  if (!f.jwt_secret.empty()) return {f.jwt_secret, false};
  if (const char* env = std::getenv("IT_JWT_SECRET"); env != nullptr && *env != '\0') {
    return {env, false};
  }
  return {std::string(kDevelopmentJwtSecret), true};
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What a token of `user` in `company` carries besides them: the stored role and the
// company's current registration (its incarnation).
struct StoredIdentity {
  tracker::Role role;
  std::string registration;
};

// The identity stored for `user` in `company` (administrative read); Forbidden for a
// disabled user.
Result<StoredIdentity> ReadIdentity(dynamo::Backend& backend, const tenancy::Layout& layout,
                                    const std::string& company, const std::string& user) {
  IT_ASSIGN_OR_RETURN(tracker::CompanyId company_id, tracker::CompanyId::Parse(company));
  IT_ASSIGN_OR_RETURN(tracker::UserEmail email, tracker::UserEmail::Parse(user));
  tenancy::AdminAccess admin = tenancy::AdminAccess::Grant("issuetracker token issue");
  IT_ASSIGN_OR_RETURN(tenancy::TenantContext ctx, admin.ContextFor(backend, layout, company_id));
  tracker::Tracker tracker(backend, layout);
  IT_ASSIGN_OR_RETURN(tracker::User u, tracker.users().Get(ctx, email));
  if (u.status != tracker::UserStatus::kActive) {
    return Status::Forbidden("user " + user + " is disabled");
  }
  return StoredIdentity{u.role, ctx.scope().incarnation()};
}

struct TokenRequest {
  std::string company;
  std::string user;
  std::string role;
  std::string registration;
  bool platform = false;
  int64_t ttl_seconds = 3600;
};

Result<std::string> Mint(const AuthFlags& f, const TokenRequest& t) {
  http::JwtSignerOptions options;
  if (!f.jwt_private_key_file.empty()) {
    options.algorithm = http::JwtAlgorithm::kRS256;
    IT_ASSIGN_OR_RETURN(options.rs256_private_key_pem, ReadFile(f.jwt_private_key_file));
  } else {
    options.hs256_secret = Secret(f).first;
  }
  IT_ASSIGN_OR_RETURN(auto signer, http::JwtSigner::Create(options));
  http::JwtClaims claims;
  const int64_t now = SystemClock::Default()->NowMicros() / 1'000'000;
  claims.issuer = f.issuer;
  if (!f.audience.empty()) claims.audience = {f.audience};
  claims.issued_at = now;
  claims.not_before = now;
  claims.expires_at = now + t.ttl_seconds;
  claims.subject = t.user;
  if (t.platform) {
    claims.strings["scope"] = "platform";
  } else {
    claims.strings["company"] = t.company;
    claims.strings["user"] = t.user;
    claims.strings["role"] = t.role;
    claims.strings["registration"] = t.registration;
  }
  return signer->Sign(claims);
}

// ------------------------------------------------------------------ serve

struct ServeFlags {
  std::string listen = "127.0.0.1";
  int port = 8080;
  int threads = 0;
  std::string request_log = "-";
  std::string api_key_pepper;
  int usage_flush_ms = 200;
  std::vector<std::string> plans;          // TIER=RATE:BURST:QUOTA
  std::vector<std::string> company_rates;  // COMPANY=RATE:BURST
  std::string sample_company = "COMPANY001";
  std::string sample_user = "sarah@techstart.com";
  tenancy::SchemaConfig schema;
  AuthFlags auth;
};

Status ParsePlans(const ServeFlags& f, http::ApiOptions* options) {
  for (const std::string& spec : f.plans) {
    char tier[32] = {};
    double rate = 0, burst = 0;
    long long quota = 0;
    if (std::sscanf(spec.c_str(), "%31[A-Za-z]=%lf:%lf:%lld", tier, &rate, &burst, &quota) != 4) {
      return Status::Validation("--plan " + spec + ": expected TIER=RATE:BURST:QUOTA");
    }
    IT_ASSIGN_OR_RETURN(tracker::Tier t, tenancy::ParseTier(tier));
    options->plans[t] = http::UsagePlan{rate, burst, quota};
  }
  for (const std::string& spec : f.company_rates) {
    size_t eq = spec.find('=');
    double rate = 0, burst = 0;
    if (eq == std::string::npos ||
        std::sscanf(spec.c_str() + eq + 1, "%lf:%lf", &rate, &burst) != 2 || rate <= 0 ||
        burst < 1) {
      return Status::Validation("--company-rate " + spec + ": expected COMPANY=RATE:BURST");
    }
    options->company_rate_limits[spec.substr(0, eq)] = http::RateLimit{rate, burst};
  }
  return Status::Ok();
}

// The service's options from the flags and environment; `development` says whether the
// development secret is in force.
Result<http::ApiOptions> ServiceOptions(const ServeFlags& f, bool* development) {
  http::ApiOptions options;
  auto [secret, is_development] = Secret(f.auth);
  *development = is_development;
  if (!f.auth.jwt_public_key_file.empty()) {
    options.jwt.algorithm = http::JwtAlgorithm::kRS256;
    IT_ASSIGN_OR_RETURN(options.jwt.rs256_public_key_pem, ReadFile(f.auth.jwt_public_key_file));
    *development = false;
  } else {
    options.jwt.hs256_secret = secret;
  }
  options.jwt.issuer = f.auth.issuer;
  options.jwt.audience = f.auth.audience;
  options.api_key_pepper = f.api_key_pepper;
  if (options.api_key_pepper.empty()) {
    const char* env = std::getenv("IT_API_KEY_PEPPER");
    options.api_key_pepper = env && *env ? env : std::string(kDevelopmentPepper);
  }
  options.usage_flush_interval = std::chrono::milliseconds(f.usage_flush_ms);
  IT_RETURN_IF_ERROR(ParsePlans(f, &options));
  return options;
}

// Prints the URL and, when the sample user exists, a first curl with a token for them.
void PrintWelcome(dynamo::Backend& backend, const tenancy::Layout& layout, const ServeFlags& f,
                  const std::string& url) {
  fmt::print("IssueTracker REST API listening on {} (OpenAPI: {}/openapi.json)\n", url, url);
  auto identity = ReadIdentity(backend, layout, f.sample_company, f.sample_user);
  if (identity.ok() && f.auth.jwt_private_key_file.empty() && f.auth.jwt_public_key_file.empty()) {
    auto token = Mint(f.auth, {.company = f.sample_company,
                               .user = f.sample_user,
                               .role = std::string(tenancy::RoleName(identity->role)),
                               .registration = identity->registration});
    if (token.ok()) {
      fmt::print("A first call, as {} of {} (token valid for an hour):\n", f.sample_user,
                 f.sample_company);
      fmt::print("  curl -s -H 'Authorization: Bearer {}' {}/v1/issues\n", *token, url);
    }
  }
  std::fflush(stdout);
}

int Fail(const Status& s) {
  fmt::print(stderr, "serve: {}\n", s.ToString());
  return 2;
}

int RunServe(const GlobalOptions& global, const ServeFlags& f) {
  if (Status s = tenancy::ValidateSchemaConfig(f.schema); !s.ok()) return Fail(s);
  auto engine = OpenBackend(global);
  if (!engine.ok()) return Fail(engine.status());
  std::unique_ptr<dynamo::Backend> backend = http::WrapWithMetering(**engine);
  tenancy::Layout layout(f.schema);
  tracker::Tracker tracker(*backend, layout);
  bool development = false;
  auto options = ServiceOptions(f, &development);
  if (!options.ok()) return Fail(options.status());
  std::unique_ptr<http::RequestLogger> logger;
  if (f.request_log != "off") {
    auto created = http::RequestLogger::Create({.path = f.request_log});
    if (!created.ok()) return Fail(created.status());
    logger = std::move(created).value();
    options->request_log = logger.get();
  }
  auto service = http::ApiService::Create(std::move(options).value(), tracker, *backend);
  if (!service.ok()) return Fail(service.status());
  net::ServerOptions server_options;
  server_options.address = f.listen;
  server_options.port = static_cast<uint16_t>(f.port);
  server_options.threads = f.threads;
  server_options.server_header = "issuetracker";
  server_options.error_responder = http::WriteServerError;
  http::ApiService* api = service->get();
  auto server = net::Server::Start(
      server_options,
      [api](const net::Request& req, net::Response& resp) { api->Handle(req, resp); });
  if (!server.ok()) return Fail(server.status());
  if (development) {
    fmt::print(stderr,
               "WARNING: using the DEVELOPMENT JWT secret and API key pepper (set IT_JWT_SECRET "
               "and IT_API_KEY_PEPPER, or the flags, for anything but local use)\n");
  }
  const std::string url = fmt::format("http://{}:{}", f.listen, (*server)->port());
  int signal = net::RunUntilSignal(**server, [&] { PrintWelcome(*backend, layout, f, url); });
  api->SetReady(false);
  api->FlushUsage();
  if (logger) logger->Flush();
  fmt::print(stderr, "serve: stopped on signal {}\n", signal);
  return 0;
}

int RunTokenIssue(const GlobalOptions& global, const tenancy::SchemaConfig& schema,
                  const AuthFlags& auth, TokenRequest request) {
  if (!request.platform) {
    if (request.company.empty() || request.user.empty()) {
      fmt::print(stderr, "token issue: give --company and --user (or --platform --subject)\n");
      return 2;
    }
    auto backend = OpenBackend(global);
    if (!backend.ok()) {
      fmt::print(stderr, "cannot open the database: {}\n", backend.status().ToString());
      return 2;
    }
    tenancy::Layout layout(schema);
    auto identity = ReadIdentity(**backend, layout, request.company, request.user);
    if (!identity.ok()) {
      fmt::print(stderr, "token issue: {}\n", identity.status().ToString());
      return 1;
    }
    request.role = std::string(tenancy::RoleName(identity->role));
    request.registration = identity->registration;
  } else if (request.user.empty()) {
    fmt::print(stderr, "token issue --platform: give --subject (the operator)\n");
    return 2;
  }
  auto token = Mint(auth, request);
  if (!token.ok()) {
    fmt::print(stderr, "token issue: {}\n", token.status().ToString());
    return 1;
  }
  fmt::print("{}\n", *token);
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, const GlobalOptions& options) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd =
      app.add_subcommand("serve", "Serve the REST API (docs/api.md) until SIGINT/SIGTERM");
  cmd->add_option("--listen", flags->listen, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", flags->port, "Port (0: any free port)")->capture_default_str();
  cmd->add_option("--threads", flags->threads, "Serving threads (0: one per core)")
      ->capture_default_str();
  cmd->add_option("--request-log", flags->request_log,
                  "JSON request log: - (stdout), a file, or off")
      ->capture_default_str();
  cmd->add_option("--api-key-pepper", flags->api_key_pepper,
                  "HMAC pepper of stored API keys; default: $IT_API_KEY_PEPPER, else a "
                  "development pepper");
  cmd->add_option("--jwt-public-key", flags->auth.jwt_public_key_file,
                  "Verify RS256 tokens with this PEM public key instead of an HS256 secret");
  cmd->add_option("--usage-flush-ms", flags->usage_flush_ms,
                  "How often admitted calls are added to api_calls_used")
      ->capture_default_str();
  cmd->add_option("--plan", flags->plans,
                  "A tier's usage plan, TIER=RATE:BURST:QUOTA (repeatable; defaults: "
                  "Basic=10:20:1000 Premium=50:100:10000 Platinum=500:1000:1000000)");
  cmd->add_option("--company-rate", flags->company_rates,
                  "A company's own rate limit, COMPANY=RATE:BURST (repeatable)");
  AddAuthFlags(cmd, &flags->auth);
  AddSchemaOptions(cmd, &flags->schema);
  cmd->callback([&options, flags] {
    if (int rc = RunServe(options, *flags); rc != 0) throw CLI::RuntimeError(rc);
  });
}

void AddTokenCommand(CLI::App& app, const GlobalOptions& options) {
  CLI::App* token = app.add_subcommand("token", "Bearer tokens for local use");
  token->require_subcommand(1);
  auto auth = std::make_shared<AuthFlags>();
  auto schema = std::make_shared<tenancy::SchemaConfig>();
  auto request = std::make_shared<TokenRequest>();
  CLI::App* issue = token->add_subcommand(
      "issue", "Print a token for a user (role read from storage) or a platform operator");
  issue->add_option("--company", request->company, "Company id");
  issue->add_option("--user", request->user, "User e-mail");
  issue->add_flag("--platform", request->platform, "A platform operator's token");
  issue->add_option("--subject", request->user, "The operator's name (with --platform)");
  issue->add_option("--ttl", request->ttl_seconds, "Seconds the token is valid")
      ->capture_default_str();
  issue->add_option("--jwt-private-key", auth->jwt_private_key_file,
                    "Sign RS256 with this PEM private key instead of the HS256 secret");
  AddAuthFlags(issue, auth.get());
  AddSchemaOptions(issue, schema.get());
  issue->callback([&options, auth, schema, request] {
    if (int rc = RunTokenIssue(options, *schema, *auth, *request); rc != 0) {
      throw CLI::RuntimeError(rc);
    }
  });
}

}  // namespace issuetracker::cli
