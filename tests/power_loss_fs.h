// PowerLossFileSystem: a RocksDB FileSystemWrapper that can lose power, for tests of what a
// machine crash keeps (RocksDB's own FaultInjectionTestFS is in its test utilities, which
// Debian does not install).
//
// It tracks what has been made durable: a file's contents up to its last Sync or Fsync,
// and a new file's (or hard link's) directory entry once its directory is fsynced. Renames
// count as durable at once (a rename is atomic, and RocksDB fsyncs the directory right
// after each). CutPower() makes every later write, sync, creation, rename and deletion do
// nothing, as after the power went out; with the database closed, DropUnsyncedData() then
// throws away everything not durable — what a machine crash does to data still in the page
// cache — and turns the power back on.
#pragma once

#include <rocksdb/file_system.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"

namespace issuetracker::testing {

class PowerLossFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit PowerLossFileSystem(
      std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default())
      : rocksdb::FileSystemWrapper(std::move(base)) {}
  const char* Name() const override { return "PowerLossFileSystem"; }

  void CutPower();
  // REQUIRES: CutPower() was called and no file is in use any more.
  Status DropUnsyncedData();
  // How many bytes and files DropUnsyncedData() threw away, in total.
  uint64_t dropped_bytes() const { return dropped_bytes_; }
  uint64_t dropped_files() const { return dropped_files_; }

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* r,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& s, const std::string& t,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& s, const std::string& t,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteDir(const std::string& d, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& f, size_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;

 private:
  class File;
  class Directory;
  // What is known of a file written through this file system.
  struct FileState {
    uint64_t size = 0;           // bytes written
    uint64_t synced = 0;         // bytes made durable by Sync/Fsync
    bool entry_durable = false;  // its directory was fsynced since it was created
  };
  bool powered();
  // A file's state, created for a file opened through this file system.
  void Track(const std::string& path, uint64_t existing_size, bool entry_durable);
  void Appended(const std::string& path, uint64_t bytes);
  void Synced(const std::string& path);
  void DirectorySynced(const std::string& dir);

  std::mutex mu_;
  bool power_ = true;                       // guarded by mu_
  std::map<std::string, FileState> files_;  // guarded by mu_
  uint64_t dropped_bytes_ = 0, dropped_files_ = 0;
};

}  // namespace issuetracker::testing
