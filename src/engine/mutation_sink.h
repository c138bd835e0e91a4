// MutationSink: where the shared write path (EngineCore::AppendItemChange) sends the
// mutations of one item change — a WriteBatch for normal writes, a bulk loader for restores
// and imports (bulk_loader.h).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <string_view>

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

}  // namespace issuetracker::engine
