// MutationSink: where the shared write path (EngineCore::AppendItemChange) sends the
// mutations of one item change — a WriteBatch for normal writes, a bulk loader for restores
// and imports (bulk_loader.h).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace issuetracker::engine {

class MutationSink {
 public:
  virtual ~MutationSink() = default;
  virtual void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                   std::string_view value) = 0;
  virtual void Delete(rocksdb::ColumnFamilyHandle* cf, std::string_view key) = 0;
  virtual void Merge(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                     std::string_view value) = 0;
};

class BatchSink final : public MutationSink {
 public:
  explicit BatchSink(rocksdb::WriteBatch* batch) : batch_(batch) {}
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) override {
    batch_->Put(cf, Slice(key), Slice(value)).PermitUncheckedError();
  }
  void Delete(rocksdb::ColumnFamilyHandle* cf, std::string_view key) override {
    batch_->Delete(cf, Slice(key)).PermitUncheckedError();
  }
  void Merge(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
             std::string_view value) override {
    batch_->Merge(cf, Slice(key), Slice(value)).PermitUncheckedError();
  }

 private:
  static rocksdb::Slice Slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
  rocksdb::WriteBatch* batch_;
};

// Buffers mutations and appends them to a WriteBatch ordered by column family and key
// (stably: mutations of one key keep their order, so the batch means the same). A large
// batch of scattered keys (index entries) is inserted into the memtable much faster in key
// order. For batches of many items (the time-to-live expirer).
class SortedBatchSink final : public MutationSink {
 public:
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) override {
    ops_.push_back({cf, kPut, std::string(key), std::string(value)});
  }
  void Delete(rocksdb::ColumnFamilyHandle* cf, std::string_view key) override {
    ops_.push_back({cf, kDelete, std::string(key), {}});
  }
  void Merge(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
             std::string_view value) override {
    ops_.push_back({cf, kMerge, std::string(key), std::string(value)});
  }
  // Appends the buffered mutations to `batch` in order, and forgets them.
  void AppendTo(rocksdb::WriteBatch* batch) {
    std::stable_sort(ops_.begin(), ops_.end(), [](const Op& a, const Op& b) {
      if (a.cf->GetID() != b.cf->GetID()) return a.cf->GetID() < b.cf->GetID();
      return a.key < b.key;
    });
    for (const Op& op : ops_) {
      if (op.kind == kPut) batch->Put(op.cf, op.key, op.value).PermitUncheckedError();
      if (op.kind == kDelete) batch->Delete(op.cf, op.key).PermitUncheckedError();
      if (op.kind == kMerge) batch->Merge(op.cf, op.key, op.value).PermitUncheckedError();
    }
    ops_.clear();
  }

 private:
  enum Kind : uint8_t { kPut, kDelete, kMerge };
  struct Op {
    rocksdb::ColumnFamilyHandle* cf;
    Kind kind;
    std::string key, value;
  };
  std::vector<Op> ops_;
};

}  // namespace issuetracker::engine
