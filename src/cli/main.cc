// issuetracker: the command-line entry point. Each subcommand lives in its own file and
// registers itself through commands.h.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"IssueTracker: a multi-tenant issue-tracking backend on DynamoDB semantics"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  issuetracker::cli::GlobalOptions options;
  app.add_option("--store", options.store,
                 "Where the data lives: embedded:DIR (default embedded:./data), "
                 "dynamodb:http://HOST:PORT, dynamodb:https://HOST[:PORT] or dynamodb:aws");
  app.add_option("--data-dir", options.data_dir,
                 "Database directory of the embedded engine (shorthand for --store embedded:DIR)")
      ->capture_default_str()
      ->each([&options](const std::string&) { options.data_dir_given = true; });
  app.add_option("--region", options.region,
                 "AWS region for dynamodb:aws (default: AWS_REGION, AWS_DEFAULT_REGION or the "
                 "profile's region)");
  issuetracker::cli::AddProvisionCommand(app, options);
  issuetracker::cli::AddSeedCommand(app, options);
  issuetracker::cli::AddVerifyCommand(app, options);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
