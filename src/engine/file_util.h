// The engine's own file operations (staging directories, backup checkpoints), through a
// RocksDB FileSystem — the Env's — rather than the process's file system directly.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace rocksdb {
class FileSystem;
}  // namespace rocksdb

namespace issuetracker::engine {

// Creates `dir` and its missing parents.
Status CreateDirs(rocksdb::FileSystem* fs, const std::string& dir);
// Removes `path` (a file, or a directory and everything under it); a missing path is fine.
Status RemoveTree(rocksdb::FileSystem* fs, const std::string& path);
// The names of the entries of `dir` (none when it does not exist).
Result<std::vector<std::string>> Children(rocksdb::FileSystem* fs, const std::string& dir);

}  // namespace issuetracker::engine
