// issuetracker: the command-line entry point. Each subcommand lives in its own file and
// registers itself through commands.h.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"IssueTracker: a multi-tenant issue-tracking backend on DynamoDB semantics"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  issuetracker::cli::GlobalOptions options;
  app.add_option("--data-dir", options.data_dir, "Database directory of the embedded engine")
      ->capture_default_str();
  issuetracker::cli::AddProvisionCommand(app, options);
  issuetracker::cli::AddSeedCommand(app, options);
  issuetracker::cli::AddVerifyCommand(app, options);
  issuetracker::cli::AddServeCommand(app, options);
  issuetracker::cli::AddTokenCommand(app, options);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
