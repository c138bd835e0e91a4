#include "engine/file_util.h"

#include <rocksdb/file_system.h>

#include "engine/rocks_status.h"

namespace issuetracker::engine {

namespace {

Status FromIo(const rocksdb::IOStatus& s) { return FromRocks(s); }

}  // namespace

Status CreateDirs(rocksdb::FileSystem* fs, const std::string& dir) {
  if (dir.empty()) return Status::Ok();
  const size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    bool exists = false;
    const std::string parent = dir.substr(0, slash);
    if (fs->IsDirectory(parent, rocksdb::IOOptions(), &exists, nullptr).IsNotFound() || !exists)
      IT_RETURN_IF_ERROR(CreateDirs(fs, parent));
  }
  return FromIo(fs->CreateDirIfMissing(dir, rocksdb::IOOptions(), nullptr));
}

Status RemoveTree(rocksdb::FileSystem* fs, const std::string& path) {
  bool is_dir = false;
  rocksdb::IOStatus s = fs->IsDirectory(path, rocksdb::IOOptions(), &is_dir, nullptr);
  if (s.IsNotFound() ||
      (!s.ok() && fs->FileExists(path, rocksdb::IOOptions(), nullptr).IsNotFound()))
    return Status::Ok();
  if (!is_dir) return FromIo(fs->DeleteFile(path, rocksdb::IOOptions(), nullptr));
  IT_ASSIGN_OR_RETURN(std::vector<std::string> children, Children(fs, path));
  for (const std::string& child : children) IT_RETURN_IF_ERROR(RemoveTree(fs, path + "/" + child));
  return FromIo(fs->DeleteDir(path, rocksdb::IOOptions(), nullptr));
}

Result<std::vector<std::string>> Children(rocksdb::FileSystem* fs, const std::string& dir) {
  std::vector<std::string> children;
  rocksdb::IOStatus s = fs->GetChildren(dir, rocksdb::IOOptions(), &children, nullptr);
  if (s.IsNotFound()) return std::vector<std::string>();
  IT_RETURN_IF_ERROR(FromIo(s));
  std::erase_if(children, [](const std::string& c) { return c == "." || c == ".."; });
  return children;
}

}  // namespace issuetracker::engine
