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
// order. For batches of many items (the time-to-live expirer). Keys and values are kept in
// one buffer and only small records are sorted; Clear() keeps the memory for the next batch.
class SortedBatchSink final : public MutationSink {
 public:
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value) override {
    Add(cf, kPut, key, value);
  }
  void Delete(rocksdb::ColumnFamilyHandle* cf, std::string_view key) override {
    Add(cf, kDelete, key, {});
  }
  void Merge(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
             std::string_view value) override {
    Add(cf, kMerge, key, value);
  }
  // Appends the buffered mutations to `batch` in order, and forgets them.
  void AppendTo(rocksdb::WriteBatch* batch) {
    const char* data = bytes_.data();
    std::sort(ops_.begin(), ops_.end(), [data](const Op& a, const Op& b) {
      if (a.cf_id != b.cf_id) return a.cf_id < b.cf_id;
      const int c = std::string_view(data + a.offset, a.key_size)
                        .compare(std::string_view(data + b.offset, b.key_size));
      return c != 0 ? c < 0 : a.seq < b.seq;  // a key's mutations in the order given
    });
    for (const Op& op : ops_) {
      const rocksdb::Slice key(data + op.offset, op.key_size);
      const rocksdb::Slice value(data + op.offset + op.key_size, op.value_size);
      if (op.kind == kPut) batch->Put(op.cf, key, value).PermitUncheckedError();
      if (op.kind == kDelete) batch->Delete(op.cf, key).PermitUncheckedError();
      if (op.kind == kMerge) batch->Merge(op.cf, key, value).PermitUncheckedError();
    }
    Clear();
  }
  void Clear() {
    ops_.clear();
    bytes_.clear();
  }

 private:
  enum Kind : uint8_t { kPut, kDelete, kMerge };
  struct Op {
    rocksdb::ColumnFamilyHandle* cf;
    uint32_t cf_id;
    Kind kind;
    uint32_t seq;
    size_t offset;  // of the key in bytes_, followed by the value
    uint32_t key_size, value_size;
  };
  void Add(rocksdb::ColumnFamilyHandle* cf, Kind kind, std::string_view key,
           std::string_view value) {
    ops_.push_back({cf, cf->GetID(), kind, static_cast<uint32_t>(ops_.size()), bytes_.size(),
                    static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size())});
    bytes_.append(key);
    bytes_.append(value);
  }
  std::vector<Op> ops_;
  std::string bytes_;
};

}  // namespace issuetracker::engine
