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

// `issuetracker demo`: the spec's Issues table, sample issues and queries.
void AddDemoCommand(CLI::App& app, const GlobalOptions& options);

}  // namespace issuetracker::cli
