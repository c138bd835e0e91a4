// The change-log trimmer (streams.h).
#include <rocksdb/iterator.h>

#include <chrono>

#include "engine/key_codec.h"
#include "engine/rocks_status.h"
#include "engine/streams.h"

namespace issuetracker::engine {

Streams::~Streams() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (trimmer_.joinable()) trimmer_.join();
}

void Streams::StartTrimmer() {
  trimmer_ = std::thread([this] { RunTrimmer(); });
}

void Streams::RunTrimmer() {
  const auto interval =
      std::chrono::seconds(std::max<int64_t>(1, core_.options().trim_interval_seconds));
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    (void)Trim();  // best effort: a failed pass is retried next interval
    // Idle read iterators pin the files they read: none stays idle for long.
    core_.item_iterators().Release(interval);
    lock.lock();
  }
}

Status Streams::Trim() {
  rocksdb::DB* db = core_.db();
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), core_.changes_cf()));
  const int64_t now = core_.clock()->NowMicros();
  for (it->SeekToFirst(); it->Valid();) {
    if (it->key().size() != 12) return Status::Corruption("bad change key");
    const uint32_t table_id = ChangeKeyTable(std::string_view(it->key().data(), 12));
    std::string name;
    std::shared_ptr<const TableDesc> desc;
    if (db->Get(rocksdb::ReadOptions(), core_.catalog_cf(), TableIdKey(table_id), &name).ok()) {
      IT_ASSIGN_OR_RETURN(auto handle, core_.FindHandle(name));
      if (handle) {
        std::shared_lock<std::shared_mutex> lock(handle->mu);
        if (!handle->deleted && handle->desc->id == table_id) desc = handle->desc;
      }
    }
    // Records stamped before the table's retention go (all of them for a deleted table):
    // a record's date is never after its stamp, so no restore inside the window needs them.
    const int64_t cutoff = desc ? now - core_.RetentionMicros(*desc) : INT64_MAX;
    rocksdb::WriteBatch batch;
    batch
        .DeleteRange(core_.changes_cf(), ChangeKey(table_id, 0),
                     ChangeKey(table_id, std::max<int64_t>(cutoff, 0)))
        .PermitUncheckedError();
    IT_RETURN_IF_ERROR(core_.Commit(&batch));
    IT_CRASH_POINT(kTrimmedTable);
    if (table_id == UINT32_MAX) break;
    it->Seek(TableIdPrefix(table_id + 1));
  }
  return FromRocks(it->status());
}

}  // namespace issuetracker::engine
