// Env: everything the engine takes from its environment — the wall clock, the file system
// and randomness — so that tests can step clocks, lose power and replay runs, as LevelDB's
// Env lets its tests do. The engine reads time, creates and removes files (through
// RocksDB and directly) and draws random numbers (table UUIDs, backup ids, staging
// directory names) only through its Env.
//
// Thread-safe: an Env is used from every thread of the engine.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>

#include "common/clock.h"

namespace rocksdb {
class FileSystem;
}  // namespace rocksdb

namespace issuetracker::engine {

class Env {
 public:
  virtual ~Env() = default;
  // The wall clock. Must outlive the Env.
  virtual const Clock* clock() const = 0;
  // The file system holding the database, its staging files and its backups.
  virtual std::shared_ptr<rocksdb::FileSystem> file_system() const = 0;
  // A uniformly random 64-bit number.
  virtual uint64_t Random64() = 0;

  // The system clock, the local file system, randomness seeded from the system. A
  // process-wide instance.
  static Env* Default();
};

// The default environment with some of its parts replaced (a null part is the default's):
// a manual clock, a fault-injecting file system, a seed that makes runs repeatable.
class CustomEnv final : public Env {
 public:
  explicit CustomEnv(const Clock* clock = nullptr,
                     std::shared_ptr<rocksdb::FileSystem> file_system = nullptr,
                     std::optional<uint64_t> seed = std::nullopt);
  ~CustomEnv() override;
  const Clock* clock() const override { return clock_; }
  std::shared_ptr<rocksdb::FileSystem> file_system() const override { return file_system_; }
  uint64_t Random64() override;

 private:
  const Clock* clock_;
  std::shared_ptr<rocksdb::FileSystem> file_system_;
  std::mutex mu_;
  std::mt19937_64 random_;  // guarded by mu_
};

}  // namespace issuetracker::engine
