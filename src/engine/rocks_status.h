// The one place RocksDB's status becomes ours.
#pragma once

#include <rocksdb/status.h>

#include "common/status.h"

namespace issuetracker::engine {

// OK stays OK; corruption is kCorruption; everything else (I/O, busy, ...) is kIOError.
inline Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::Ok();
  return s.IsCorruption() ? Status::Corruption(s.ToString()) : Status::IOError(s.ToString());
}

}  // namespace issuetracker::engine
