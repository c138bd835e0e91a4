#include "cli/commands.h"
#include "engine/engine.h"

namespace issuetracker::cli {

Result<std::unique_ptr<dynamo::Backend>> OpenBackend(const GlobalOptions& options) {
  engine::EngineOptions engine_options;
  engine_options.path = options.data_dir;
  IT_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(engine_options));
  return std::unique_ptr<dynamo::Backend>(std::move(engine));
}

}  // namespace issuetracker::cli
