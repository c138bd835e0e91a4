// For tests only: tests record the inputs they give a decoder as seeds for its fuzz
// target (fuzz/, docs/fuzzing.md), so that the fuzzers start from every case the tests
// know. `make fuzz-seeds` runs the tests with IT_FUZZ_SEED_DIR set; otherwise this does
// nothing.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace issuetracker {

// The longest input the fuzz targets read (scripts/fuzz passes it as -max_len): room for
// the longest expression (4 KB) and page token (4 KB) plus a byte.
inline constexpr size_t kMaxFuzzSeedBytes = 8192;

// Writes `bytes` to $IT_FUZZ_SEED_DIR/<target>/<64-bit FNV-1a of bytes, in hex> when the
// variable is set and `bytes` is at most kMaxFuzzSeedBytes long. Best effort: a seed that
// cannot be written is skipped.
inline void SaveFuzzSeed(std::string_view target, std::string_view bytes) {
  const char* dir = std::getenv("IT_FUZZ_SEED_DIR");
  if (dir == nullptr || *dir == '\0' || bytes.size() > kMaxFuzzSeedBytes) return;
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char name[17];
  std::snprintf(name, sizeof(name), "%016llx", static_cast<unsigned long long>(h));
  const std::filesystem::path folder = std::filesystem::path(dir) / std::string(target);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  std::ofstream(folder / name, std::ios::binary).write(bytes.data(), bytes.size());
}

}  // namespace issuetracker
