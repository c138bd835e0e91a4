// Test support: temporary directories and the storage backends the behaviour suite runs
// against. Every backend here implements dynamo::Backend; suites parameterised over
// BackendKinds() run the same cases against each.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dynamo/backend.h"

namespace issuetracker::testing {

// A fresh directory under $TMPDIR, removed (recursively) when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The backends a behaviour suite runs against ("embedded" today; remote ones join as
// they are built).
std::vector<std::string> BackendKinds();

// Opens a backend of the given kind storing its data under `dir`. Aborts the test
// binary (with a message) when the backend cannot be opened.
std::unique_ptr<dynamo::Backend> MakeBackend(const std::string& kind, const std::string& dir);

// The default (embedded) backend in `dir`.
std::unique_ptr<dynamo::Backend> MakeTestBackend(const std::string& dir);

}  // namespace issuetracker::testing
