// `issuetracker dynamodb`: the store served over the DynamoDB JSON protocol
// (dynamo/server), so that the AWS CLI, the SDKs, boto3 and dynamodb-admin work with it as
// with DynamoDB (docs/dynamodb-endpoint.md). Runs until SIGINT or SIGTERM, then finishes the
// requests in flight and closes the store.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "dynamo/client/credentials.h"
#include "dynamo/server/server.h"
#include "engine/engine.h"

namespace issuetracker::cli {
namespace {

struct DynamodbFlags {
  std::string listen = "127.0.0.1";
  uint16_t port = 8000;
  int threads = 0;
  std::vector<std::string> access_keys;  // ID:SECRET
  std::string access_keys_file;
  bool print_port = false;
};

// The store to serve: the embedded engine (its ARNs in the endpoint's region) or any other
// backend the options name.
Result<std::unique_ptr<dynamo::Backend>> OpenStore(const GlobalOptions& options,
                                                   const std::string& region) {
  IT_ASSIGN_OR_RETURN(StoreSpec spec, ParseStore(options));
  if (spec.kind != StoreSpec::Kind::kEmbedded) return OpenBackend(options);
  engine::EngineOptions o;
  o.path = spec.location;
  o.region = region;
  IT_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(o));
  return std::unique_ptr<dynamo::Backend>(std::move(engine));
}

Result<std::map<std::string, std::string>> AccessKeys(const DynamodbFlags& flags) {
  std::map<std::string, std::string> keys;
  if (!flags.access_keys_file.empty()) {
    IT_ASSIGN_OR_RETURN(keys, dynamo::server::LoadAccessKeys(flags.access_keys_file));
  }
  for (const std::string& text : flags.access_keys) {
    IT_ASSIGN_OR_RETURN(auto key, dynamo::server::ParseAccessKey(text));
    keys[key.first] = key.second;
  }
  return keys;
}

int RunDynamodb(const GlobalOptions& options, const DynamodbFlags& flags) {
  const std::string region =
      !options.region.empty()
          ? options.region
          : dynamo::client::ResolveRegion(dynamo::client::AwsEnvironment::Process())
                .value_or("us-east-1");
  auto keys = AccessKeys(flags);
  if (!keys.ok()) {
    fmt::print(stderr, "issuetracker dynamodb: {}\n", keys.status().ToString());
    return 2;
  }
  auto spec = ParseStore(options);
  auto store = OpenStore(options, region);
  if (!store.ok()) {
    fmt::print(stderr, "issuetracker dynamodb: cannot open the store {}: {}\n",
               spec.ok() ? spec->Describe() : options.store, store.status().ToString());
    return 1;
  }
  dynamo::server::DynamoServerOptions o;
  o.http.address = flags.listen;
  o.http.port = flags.port;
  o.http.threads = flags.threads;
  o.endpoint.region = region;
  o.endpoint.access_keys = *keys;
  const size_t key_count = keys->size();
  auto server = dynamo::server::DynamoServer::Start(**store, std::move(o));
  if (!server.ok()) {
    fmt::print(stderr, "issuetracker dynamodb: cannot listen on {}:{}: {}\n", flags.listen,
               flags.port, server.status().ToString());
    return 1;
  }
  const std::string url = (*server)->url();
  net::RunUntilSignal((*server)->http(), [&] {
    // Messages go to standard error; standard output carries only the port (--print-port),
    // for scripts that start the endpoint on --port 0.
    if (flags.print_port) {
      fmt::print("{}\n", (*server)->port());
      std::fflush(stdout);
    }
    fmt::print(stderr,
               "issuetracker dynamodb: serving {} at {} (region {}, {}, {} threads)\n"
               "Try: aws dynamodb list-tables --endpoint-url {}\n"
               "Stop with Ctrl-C (SIGINT) or SIGTERM.\n",
               spec->Describe(), url, region,
               key_count == 0 ? std::string("local mode: any well-formed signature accepted")
                              : fmt::format("signatures verified for {} access key(s)", key_count),
               flags.threads == 0 ? std::thread::hardware_concurrency()
                                  : static_cast<unsigned>(flags.threads),
               url);
  });
  // Stop() has finished every request in flight: no handler runs any more.
  server->reset();
  store->reset();
  fmt::print(stderr, "issuetracker dynamodb: stopped; the store is closed\n");
  return 0;
}

}  // namespace

void AddDynamodbCommand(CLI::App& app, const GlobalOptions& options) {
  auto flags = std::make_shared<DynamodbFlags>();
  CLI::App* cmd = app.add_subcommand(
      "dynamodb",
      "Serve the store over the DynamoDB API (JSON protocol, Streams included) for the AWS CLI, "
      "the SDKs and tools such as dynamodb-admin");
  cmd->add_option("--listen", flags->listen, "Address to listen on (IPv4 or IPv6)")
      ->capture_default_str();
  cmd->add_option("--port", flags->port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "Serving threads (0: one per core)")
      ->capture_default_str();
  cmd->add_option("--access-key", flags->access_keys,
                  "ACCESS_KEY_ID:SECRET_ACCESS_KEY whose SigV4 signatures are verified "
                  "(repeatable). Without keys any well-formed signature is accepted, as "
                  "DynamoDB Local does");
  cmd->add_option("--access-keys-file", flags->access_keys_file,
                  "File of access keys to verify: lines 'ID SECRET', or an AWS credentials file")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--print-port", flags->print_port,
                "Print the port listened on as the first line of standard output");
  cmd->callback([&options, flags] {
    if (int rc = RunDynamodb(options, *flags); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace issuetracker::cli
