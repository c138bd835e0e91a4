#include "tests/power_loss_fs.h"

#include <unistd.h>

namespace issuetracker::testing {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

namespace {

std::string ParentOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

// A writable file whose writes and syncs reach the disk only while the power is on, and
// whose progress the file system tracks.
class PowerLossFileSystem::File final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  File(PowerLossFileSystem* fs, std::string path, std::unique_ptr<rocksdb::FSWritableFile> file)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), path_(std::move(path)) {}
  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* d) override {
    if (!fs_->powered()) return IOStatus::OK();
    IOStatus s = FSWritableFileOwnerWrapper::Append(data, o, d);
    if (s.ok()) fs_->Appended(path_, data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo& v,
                  IODebugContext* d) override {
    if (!fs_->powered()) return IOStatus::OK();
    IOStatus s = FSWritableFileOwnerWrapper::Append(data, o, v, d);
    if (s.ok()) fs_->Appended(path_, data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            IODebugContext* d) override {
    if (!fs_->powered()) return IOStatus::OK();
    IOStatus s = FSWritableFileOwnerWrapper::PositionedAppend(data, offset, o, d);
    if (s.ok()) fs_->Appended(path_, data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            const rocksdb::DataVerificationInfo& v, IODebugContext* d) override {
    if (!fs_->powered()) return IOStatus::OK();
    IOStatus s = FSWritableFileOwnerWrapper::PositionedAppend(data, offset, o, v, d);
    if (s.ok()) fs_->Appended(path_, data.size());
    return s;
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* d) override {
    if (!fs_->powered()) return IOStatus::OK();
    IOStatus s = FSWritableFileOwnerWrapper::Sync(o, d);
    if (s.ok()) fs_->Synced(path_);
    return s;
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* d) override {
    if (!fs_->powered()) return IOStatus::OK();
    IOStatus s = FSWritableFileOwnerWrapper::Fsync(o, d);
    if (s.ok()) fs_->Synced(path_);
    return s;
  }
  // A range sync promises nothing about durability: it counts as no sync.
  IOStatus RangeSync(uint64_t, uint64_t, const IOOptions&, IODebugContext*) override {
    return IOStatus::OK();
  }
  IOStatus Truncate(uint64_t size, const IOOptions& o, IODebugContext* d) override {
    if (!fs_->powered()) return IOStatus::OK();
    return FSWritableFileOwnerWrapper::Truncate(size, o, d);
  }
  IOStatus Allocate(uint64_t offset, uint64_t len, const IOOptions& o, IODebugContext* d) override {
    if (!fs_->powered()) return IOStatus::OK();
    return FSWritableFileOwnerWrapper::Allocate(offset, len, o, d);
  }

 private:
  PowerLossFileSystem* fs_;
  std::string path_;
};

// A directory whose fsync makes the entries of the files created in it durable.
class PowerLossFileSystem::Directory final : public rocksdb::FSDirectoryWrapper {
 public:
  Directory(PowerLossFileSystem* fs, std::string path, std::unique_ptr<rocksdb::FSDirectory> dir)
      : FSDirectoryWrapper(std::move(dir)), fs_(fs), path_(std::move(path)) {}
  IOStatus Fsync(const IOOptions& o, IODebugContext* d) override {
    if (!fs_->powered()) return IOStatus::OK();
    IOStatus s = FSDirectoryWrapper::Fsync(o, d);
    if (s.ok()) fs_->DirectorySynced(path_);
    return s;
  }
  IOStatus FsyncWithDirOptions(const IOOptions& o, IODebugContext* d,
                               const rocksdb::DirFsyncOptions& options) override {
    if (!fs_->powered()) return IOStatus::OK();
    IOStatus s = FSDirectoryWrapper::FsyncWithDirOptions(o, d, options);
    if (s.ok()) fs_->DirectorySynced(path_);
    return s;
  }

 private:
  PowerLossFileSystem* fs_;
  std::string path_;
};

bool PowerLossFileSystem::powered() {
  std::lock_guard<std::mutex> lock(mu_);
  return power_;
}

void PowerLossFileSystem::CutPower() {
  std::lock_guard<std::mutex> lock(mu_);
  power_ = false;
}

void PowerLossFileSystem::Track(const std::string& path, uint64_t existing_size,
                                bool entry_durable) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[path] = FileState{existing_size, existing_size, entry_durable};
}

void PowerLossFileSystem::Appended(const std::string& path, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[path].size += bytes;
}

void PowerLossFileSystem::Synced(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  FileState& f = files_[path];
  f.synced = f.size;
}

void PowerLossFileSystem::DirectorySynced(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [path, state] : files_) {
    if (ParentOf(path) == dir) state.entry_durable = true;
  }
}

IOStatus PowerLossFileSystem::NewWritableFile(const std::string& f,
                                              const rocksdb::FileOptions& options,
                                              std::unique_ptr<rocksdb::FSWritableFile>* r,
                                              IODebugContext* dbg) {
  if (!powered()) return IOStatus::IOError("the power is off");
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->NewWritableFile(f, options, &file, dbg);
  if (!s.ok()) return s;
  Track(f, 0, false);
  *r = std::make_unique<File>(this, f, std::move(file));
  return s;
}

IOStatus PowerLossFileSystem::ReopenWritableFile(const std::string& f,
                                                 const rocksdb::FileOptions& options,
                                                 std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                 IODebugContext* dbg) {
  if (!powered()) return IOStatus::IOError("the power is off");
  uint64_t size = 0;
  const bool existed = target()->GetFileSize(f, IOOptions(), &size, dbg).ok();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReopenWritableFile(f, options, &file, dbg);
  if (!s.ok()) return s;
  bool known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    known = files_.contains(f);
  }
  if (!known) Track(f, existed ? size : 0, existed);
  *r = std::make_unique<File>(this, f, std::move(file));
  return s;
}

IOStatus PowerLossFileSystem::ReuseWritableFile(const std::string& f, const std::string& old,
                                                const rocksdb::FileOptions& options,
                                                std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                IODebugContext* dbg) {
  if (!powered()) return IOStatus::IOError("the power is off");
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReuseWritableFile(f, old, options, &file, dbg);
  if (!s.ok()) return s;
  Track(f, 0, false);
  *r = std::make_unique<File>(this, f, std::move(file));
  return s;
}

IOStatus PowerLossFileSystem::NewDirectory(const std::string& name, const IOOptions& options,
                                           std::unique_ptr<rocksdb::FSDirectory>* r,
                                           IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> dir;
  IOStatus s = target()->NewDirectory(name, options, &dir, dbg);
  if (!s.ok()) return s;
  *r = std::make_unique<Directory>(this, name, std::move(dir));
  return s;
}

IOStatus PowerLossFileSystem::RenameFile(const std::string& s, const std::string& t,
                                         const IOOptions& options, IODebugContext* dbg) {
  if (!powered()) return IOStatus::OK();
  IOStatus status = target()->RenameFile(s, t, options, dbg);
  if (!status.ok()) return status;
  // A renamed file, or every file under a renamed directory, moves with its state; the
  // rename itself counts as durable (atomic, and followed by a directory fsync).
  std::lock_guard<std::mutex> lock(mu_);
  files_.erase(t);
  std::map<std::string, FileState> moved;
  for (auto it = files_.begin(); it != files_.end();) {
    if (it->first == s || it->first.starts_with(s + "/")) {
      FileState state = it->second;
      if (it->first == s) state.entry_durable = true;
      moved[t + it->first.substr(s.size())] = state;
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  files_.merge(moved);
  return status;
}

IOStatus PowerLossFileSystem::LinkFile(const std::string& s, const std::string& t,
                                       const IOOptions& options, IODebugContext* dbg) {
  if (!powered()) return IOStatus::OK();
  IOStatus status = target()->LinkFile(s, t, options, dbg);
  if (!status.ok()) return status;
  uint64_t size = 0;
  (void)target()->GetFileSize(t, options, &size, dbg);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(s);
  // A new name: durable once its directory is fsynced; its contents as durable as the
  // source's.
  files_[t] = FileState{size, it != files_.end() ? it->second.synced : size, false};
  return status;
}

IOStatus PowerLossFileSystem::DeleteFile(const std::string& f, const IOOptions& options,
                                         IODebugContext* dbg) {
  if (!powered()) return IOStatus::OK();
  IOStatus s = target()->DeleteFile(f, options, dbg);
  std::lock_guard<std::mutex> lock(mu_);
  files_.erase(f);
  return s;
}

IOStatus PowerLossFileSystem::DeleteDir(const std::string& d, const IOOptions& options,
                                        IODebugContext* dbg) {
  if (!powered()) return IOStatus::OK();
  return target()->DeleteDir(d, options, dbg);
}

IOStatus PowerLossFileSystem::Truncate(const std::string& f, size_t size, const IOOptions& options,
                                       IODebugContext* dbg) {
  if (!powered()) return IOStatus::OK();
  IOStatus s = target()->Truncate(f, size, options, dbg);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(f);
  if (s.ok() && it != files_.end()) {
    it->second.size = size;
    it->second.synced = std::min<uint64_t>(it->second.synced, size);
  }
  return s;
}

Status PowerLossFileSystem::DropUnsyncedData() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [path, state] : files_) {
    if (!state.entry_durable) {
      dropped_bytes_ += state.size;
      ++dropped_files_;
      if (target()->FileExists(path, IOOptions(), nullptr).IsNotFound()) continue;
      IOStatus s = target()->DeleteFile(path, IOOptions(), nullptr);
      if (!s.ok()) return Status::IOError(s.ToString());
    } else if (state.synced < state.size) {
      dropped_bytes_ += state.size - state.synced;
      if (target()->FileExists(path, IOOptions(), nullptr).IsNotFound()) continue;
      // The local file system (the only one these tests wrap) truncates by path.
      if (::truncate(path.c_str(), static_cast<off_t>(state.synced)) != 0)
        return Status::IOError("truncate " + path);
    }
  }
  files_.clear();
  power_ = true;
  return Status::Ok();
}

}  // namespace issuetracker::testing
