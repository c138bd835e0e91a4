#include <cstdlib>

#include "cli/commands.h"
#include "dynamo/client/client.h"
#include "dynamo/client/credentials.h"
#include "engine/engine.h"

namespace issuetracker::cli {
std::string StoreSpec::Describe() const {
  switch (kind) {
    case Kind::kEmbedded:
      return "embedded:" + location;
    case Kind::kDynamoEndpoint:
      return "dynamodb:" + location;
    case Kind::kDynamoAws:
      return "dynamodb:aws" + (location.empty() ? std::string() : " (" + location + ")");
  }
  return location;
}

Result<StoreSpec> ParseStore(const GlobalOptions& options) {
  const bool given = options.data_dir_given;
  StoreSpec spec;
  const std::string& s = options.store;
  if (s.empty()) {
    spec.location = options.data_dir;
    return spec;
  }
  auto bad = [&s](std::string_view why) {
    return Status::Validation("Invalid --store '" + s + "': " + std::string(why) +
                              " (expected embedded:DIR, dynamodb:http://HOST:PORT, "
                              "dynamodb:https://HOST[:PORT] or dynamodb:aws)");
  };
  if (s.starts_with("embedded:")) {
    spec.location = s.substr(9);
    if (spec.location.empty()) return bad("the directory is missing");
    if (given && options.data_dir != spec.location) {
      return bad("it names another directory than --data-dir");
    }
    return spec;
  }
  if (given) return bad("--data-dir applies to the embedded store only");
  if (s == "dynamodb:aws") {
    spec.kind = StoreSpec::Kind::kDynamoAws;
    return spec;
  }
  if (s.starts_with("dynamodb:")) {
    spec.kind = StoreSpec::Kind::kDynamoEndpoint;
    spec.location = s.substr(9);
    IT_RETURN_IF_ERROR(dynamo::client::ParseEndpoint(spec.location).status());
    return spec;
  }
  return bad("unknown kind of store");
}

Result<std::unique_ptr<dynamo::Backend>> OpenBackend(const GlobalOptions& options) {
  IT_ASSIGN_OR_RETURN(StoreSpec spec, ParseStore(options));
  if (spec.kind == StoreSpec::Kind::kEmbedded) {
    engine::EngineOptions engine_options;
    engine_options.path = spec.location;
    IT_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(engine_options));
    return std::unique_ptr<dynamo::Backend>(std::move(engine));
  }
  using namespace dynamo::client;
  const AwsEnvironment env = AwsEnvironment::Process();
  ClientOptions o;
  std::optional<std::string> region =
      options.region.empty() ? ResolveRegion(env) : std::optional<std::string>(options.region);
  if (spec.kind == StoreSpec::Kind::kDynamoAws) {
    if (!region) {
      return Status::Validation(
          "dynamodb:aws needs a region: give --region, or set AWS_REGION / AWS_DEFAULT_REGION, "
          "or `region` in the profile of the AWS config file");
    }
    o.endpoint = AwsEndpoint(*region);
  } else {
    IT_ASSIGN_OR_RETURN(o.endpoint, ParseEndpoint(spec.location));
  }
  // Endpoints of local servers sign for us-east-1 unless told otherwise (they accept any).
  o.region = region.value_or("us-east-1");
  auto credentials = ResolveCredentials(env);
  if (credentials.ok()) {
    o.credentials = std::move(credentials).value();
  } else if (!o.endpoint.https) {
    o.credentials = Credentials{"LOCAL", "local-endpoint", "", "placeholder for http endpoints"};
  } else {
    return credentials.status();
  }
  if (auto ca = env.getenv("AWS_CA_BUNDLE"); ca && !ca->empty()) o.http.ca_file = *ca;
  if (auto attempts = env.getenv("AWS_MAX_ATTEMPTS"); attempts && !attempts->empty()) {
    int n = std::atoi(attempts->c_str());
    if (n < 1) return Status::Validation("AWS_MAX_ATTEMPTS must be a positive integer");
    o.retry.max_attempts = n;
  }
  IT_ASSIGN_OR_RETURN(auto client, DynamoClient::Open(std::move(o)));
  return std::unique_ptr<dynamo::Backend>(std::move(client));
}

}  // namespace issuetracker::cli
