// ItemLocks' stripe versions and the SortedBatchSink's order.
#include "engine/item_locks.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <thread>

#include "engine/mutation_sink.h"

namespace issuetracker::engine {
namespace {

TEST(ItemLocksTest, ReleasingAStripeAdvancesItsVersion) {
  ItemLocks locks;
  std::vector<uint64_t> before;
  locks.Versions(&before);
  ASSERT_EQ(before.size(), ItemLocks::kStripes);
  const size_t a = ItemLocks::StripeOf("a"), b = ItemLocks::StripeOf("b");
  ASSERT_NE(a, b);
  {
    ItemLocks::Guard guard(&locks, std::vector<size_t>{a, b, a});  // a listed twice
    EXPECT_EQ(locks.Version(a), before[a]);                        // not while held
  }
  EXPECT_EQ(locks.Version(a), before[a] + 1);
  EXPECT_EQ(locks.Version(b), before[b] + 1);
  std::vector<uint64_t> after;
  locks.Versions(&after);
  for (size_t s = 0; s < ItemLocks::kStripes; ++s) {
    if (s != a && s != b) {
      EXPECT_EQ(after[s], before[s]) << s;
    }
  }
  // A holder on another thread: its release is seen by whoever takes the stripe next.
  std::thread other([&] { ItemLocks::Guard guard(&locks, a); });
  other.join();
  ItemLocks::Guard guard(&locks, a);
  EXPECT_EQ(locks.Version(a), before[a] + 2);
}

// Collects a WriteBatch's operations in order.
struct Recorder : rocksdb::WriteBatch::Handler {
  std::vector<std::string> ops;
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    ops.push_back(std::to_string(cf) + " put " + k.ToString() + "=" + v.ToString());
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& k) override {
    ops.push_back(std::to_string(cf) + " delete " + k.ToString());
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    ops.push_back(std::to_string(cf) + " merge " + k.ToString() + "=" + v.ToString());
    return rocksdb::Status::OK();
  }
};

// A column family handle that only has an id (all the sink asks of it).
class FakeHandle : public rocksdb::ColumnFamilyHandle {
 public:
  explicit FakeHandle(uint32_t id) : id_(id) {}
  const std::string& GetName() const override { return name_; }
  uint32_t GetID() const override { return id_; }
  rocksdb::Status GetDescriptor(rocksdb::ColumnFamilyDescriptor*) override {
    return rocksdb::Status::NotSupported();
  }
  const rocksdb::Comparator* GetComparator() const override { return nullptr; }

 private:
  uint32_t id_;
  std::string name_ = "fake";
};

TEST(SortedBatchSinkTest, OrdersByColumnFamilyAndKeyKeepingEachKeysOrder) {
  FakeHandle zero(0), one(1);
  SortedBatchSink sink;
  sink.Put(&one, "b", "1");
  sink.Delete(&zero, "z");
  sink.Merge(&one, "a", "m");
  sink.Put(&one, "b", "2");  // after the first put of b, so it stays after it
  sink.Delete(&one, "b");
  sink.Put(&zero, "a", std::string(300, 'x'));
  rocksdb::WriteBatch batch;
  sink.AppendTo(&batch);
  Recorder recorder;
  ASSERT_TRUE(batch.Iterate(&recorder).ok());
  EXPECT_EQ(recorder.ops,
            (std::vector<std::string>{"0 put a=" + std::string(300, 'x'), "0 delete z",
                                      "1 merge a=m", "1 put b=1", "1 put b=2", "1 delete b"}));
  // Forgotten once appended; reused afterwards.
  sink.Put(&zero, "k", "v");
  rocksdb::WriteBatch second;
  sink.AppendTo(&second);
  Recorder again;
  ASSERT_TRUE(second.Iterate(&again).ok());
  EXPECT_EQ(again.ops, (std::vector<std::string>{"0 put k=v"}));
}

}  // namespace
}  // namespace issuetracker::engine
