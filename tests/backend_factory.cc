#include "tests/backend_factory.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "engine/engine.h"

namespace issuetracker::testing {

TempDir::TempDir() {
  std::random_device rd;
  const auto base = std::filesystem::temp_directory_path();
  for (;;) {
    auto candidate = base / ("issuetracker-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::error_code ec;
    if (std::filesystem::create_directory(candidate, ec)) {
      path_ = candidate.string();
      return;
    }
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> BackendKinds() { return {"embedded"}; }

std::unique_ptr<dynamo::Backend> MakeBackend(const std::string& kind, const std::string& dir) {
  if (kind == "embedded") {
    engine::EngineOptions options;
    options.path = dir + "/db";
    options.block_cache_bytes = 8u << 20;
    auto engine = engine::Engine::Open(options);
    if (engine.ok()) return std::move(engine).value();
    std::fprintf(stderr, "cannot open engine: %s\n", engine.status().ToString().c_str());
  } else {
    std::fprintf(stderr, "unknown backend kind: %s\n", kind.c_str());
  }
  std::abort();
}

std::unique_ptr<dynamo::Backend> MakeTestBackend(const std::string& dir) {
  return MakeBackend("embedded", dir);
}

}  // namespace issuetracker::testing
