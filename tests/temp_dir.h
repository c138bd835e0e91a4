// Test support: a temporary directory that removes itself.
#pragma once

#include <string>

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

}  // namespace issuetracker::testing
