// Helpers shared by the fuzz targets (fuzz/*_fuzzer.cc, docs/fuzzing.md).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/status.h"

// Aborts with a message when a property does not hold: libFuzzer then saves the input
// that broke it as a crash artifact.
#define FUZZ_CHECK(condition)                                                               \
  do {                                                                                      \
    if (!(condition)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

namespace issuetracker::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace issuetracker::fuzz
