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

// Options every subcommand understands.
struct GlobalOptions {
  // The embedded engine's database directory.
  std::string data_dir = "./data";
};

// Opens the storage backend the options select (today: the embedded engine in data_dir).
Result<std::unique_ptr<dynamo::Backend>> OpenBackend(const GlobalOptions& options);

// `issuetracker provision`: creates the spec's seven tables and the recorded Platinum silo
// tables when missing; reports (exit 1) tables whose keys or indexes differ, and what could
// not be applied (tags, point-in-time recovery). Defined in tenancy_commands.cc.
void AddProvisionCommand(CLI::App& app, const GlobalOptions& options);

// `issuetracker seed --sample` (the spec's sample data, idempotent) and
// `issuetracker seed --synthetic -N <companies> -M <issues> ...` (with a progress bar).
void AddSeedCommand(CLI::App& app, const GlobalOptions& options);

// `issuetracker verify`: the spec's isolation queries and six verification steps as a
// pass/fail table with latencies; exit 1 on any failure.
void AddVerifyCommand(CLI::App& app, const GlobalOptions& options);

// `issuetracker serve`: the REST API (docs/api.md) on net::Server until SIGINT/SIGTERM.
// Defined in serve_commands.cc.
void AddServeCommand(CLI::App& app, const GlobalOptions& options);

// `issuetracker token issue --company C --user U` (role read from storage) or
// `--platform --subject NAME`: prints a bearer token signed with the configured key.
void AddTokenCommand(CLI::App& app, const GlobalOptions& options);

}  // namespace issuetracker::cli
