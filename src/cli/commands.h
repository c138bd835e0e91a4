// The `issuetracker` command: options shared by every subcommand, and one registration
// function per subcommand family (each in its own .cc, so that CLI11 and the libraries a
// family needs stay out of the others).
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "dynamo/backend.h"

namespace CLI {
class App;
}

namespace issuetracker::cli {

// Options every subcommand understands, before or after the subcommand's name.
struct GlobalOptions {
  // Which store: "embedded:DIR", "dynamodb:http://HOST:PORT", "dynamodb:https://HOST[:PORT]"
  // or "dynamodb:aws". Empty: embedded in data_dir.
  std::string store;
  // The embedded engine's directory (--data-dir, shorthand for --store embedded:DIR).
  std::string data_dir = "./data";
  bool data_dir_given = false;  // --data-dir was on the command line
  // The AWS region (dynamodb:aws needs one: --region, else AWS_REGION, AWS_DEFAULT_REGION or
  // the profile's region).
  std::string region;
};

// Where the options say the data is, resolved: an embedded directory or a DynamoDB endpoint.
struct StoreSpec {
  enum class Kind : uint8_t { kEmbedded, kDynamoEndpoint, kDynamoAws };
  Kind kind = Kind::kEmbedded;
  std::string location;  // the directory, or the endpoint URL (empty for aws)
  // "embedded:./data", "dynamodb:http://127.0.0.1:8000", "dynamodb:aws (eu-west-1)".
  std::string Describe() const;
};

// Parses --store (with --data-dir as embedded's directory). ValidationException for a
// malformed value or a --store that contradicts an explicit --data-dir.
Result<StoreSpec> ParseStore(const GlobalOptions& options);

// Opens the storage backend the options select: the embedded engine, or the DynamoDB client
// with credentials and region found as the AWS SDKs find them (credentials are optional for
// an http:// endpoint: local servers ignore signatures; a fixed placeholder key signs then).
Result<std::unique_ptr<dynamo::Backend>> OpenBackend(const GlobalOptions& options);

// `issuetracker provision`: creates the spec's seven tables and the recorded Platinum silo
// tables when missing; reports (exit 1) tables whose keys or indexes differ, and what could
// not be applied (tags, point-in-time recovery). With --emit cloudformation or --emit
// iam-policy it prints infrastructure as code instead. Defined in tenancy_commands.cc.
void AddProvisionCommand(CLI::App& app, const GlobalOptions& options);

// `issuetracker seed --sample` (the spec's sample data, idempotent) and
// `issuetracker seed --synthetic -N <companies> -M <issues> ...` (with a progress bar).
void AddSeedCommand(CLI::App& app, const GlobalOptions& options);

// `issuetracker verify`: the spec's isolation queries and six verification steps as a
// pass/fail table with latencies; exit 1 on any failure.
void AddVerifyCommand(CLI::App& app, const GlobalOptions& options);

}  // namespace issuetracker::cli
