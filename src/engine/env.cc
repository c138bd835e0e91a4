#include "engine/env.h"

#include <rocksdb/file_system.h>

namespace issuetracker::engine {

CustomEnv::CustomEnv(const Clock* clock, std::shared_ptr<rocksdb::FileSystem> file_system,
                     std::optional<uint64_t> seed)
    : clock_(clock ? clock : SystemClock::Default()),
      file_system_(file_system ? std::move(file_system) : rocksdb::FileSystem::Default()),
      random_(seed ? *seed : std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32)) {}

CustomEnv::~CustomEnv() = default;

uint64_t CustomEnv::Random64() {
  std::lock_guard<std::mutex> lock(mu_);
  return random_();
}

Env* Env::Default() {
  static CustomEnv* env = new CustomEnv();  // never destroyed: engines may outlive statics
  return env;
}

}  // namespace issuetracker::engine
