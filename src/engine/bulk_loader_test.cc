#include "engine/bulk_loader.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <map>
#include <random>

#include "engine/bulk_loader.h"

namespace issuetracker::engine {
namespace {

// key = table id (4) index id (1) hash (4) then free bytes, as BulkLoader requires.
std::string Key(uint8_t index, uint32_t hash, const std::string& rest) {
  std::string key = {0, 0, 0, 7, static_cast<char>(index)};
  for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>(hash >> shift));
  return key + rest;
}

class BulkLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bulk_loader_test-" + std::to_string(std::random_device{}()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_ + "/db", &raw).ok());
    db_.reset(raw);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::map<std::string, std::string> Contents() {
    std::map<std::string, std::string> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->SeekToFirst(); it->Valid(); it->Next())
      out[it->key().ToString()] = it->value().ToString();
    return out;
  }

  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

// Entries added in random order, with values shared by consecutive entries (an item's
// index entries), values reusing the caller's buffer for different bytes, and a budget
// small enough for several runs: everything lands sorted and intact.
TEST_F(BulkLoaderTest, LoadsSharedAndDistinctValuesAcrossRuns) {
  BlockPool pool(16);
  BulkLoader loader(db_.get(), db_->DefaultColumnFamily(), dir_ + "/tmp", &pool,
                    /*memory_budget=*/200 * 1024, /*target_file_bytes=*/64 * 1024);
  std::mt19937 rng(7);
  std::map<std::string, std::string> expected;
  std::string buffer;  // reused for every item's value, like an encoder's buffer
  for (int item = 0; item < 3000; ++item) {
    buffer.assign(100 + rng() % 3, static_cast<char>('a' + item % 26));
    buffer += std::to_string(item);
    const uint32_t hash = static_cast<uint32_t>(rng());
    const std::string base = Key(0, hash, "item" + std::to_string(item));
    ASSERT_TRUE(loader.Add(base, buffer).ok());
    expected[base] = buffer;
    for (uint8_t index = 1; index <= 3; ++index) {  // index entries share the bytes
      const std::string key = Key(index, static_cast<uint32_t>(rng()), std::to_string(item));
      ASSERT_TRUE(loader.Add(key, buffer).ok());
      expected[key] = buffer;
    }
    // An entry of the same size and buffer but other bytes is not taken as shared.
    buffer[0] = 'Z';
    const std::string other = Key(4, hash, "other" + std::to_string(item));
    ASSERT_TRUE(loader.Add(other, buffer).ok());
    expected[other] = buffer;
  }
  ASSERT_TRUE(loader.Finish().ok());
  EXPECT_EQ(loader.entries(), expected.size());
  EXPECT_EQ(Contents(), expected);
}

// Keys that differ only past the 8-byte sort prefix, or only in length where the prefix
// is padded with zero bytes, still come out in byte order.
TEST_F(BulkLoaderTest, OrdersKeysEqualInTheirPrefix) {
  BulkLoader loader(db_.get(), db_->DefaultColumnFamily(), dir_ + "/tmp");
  std::map<std::string, std::string> expected;
  const std::vector<std::string> tails = {std::string(5, '\0'),
                                          std::string(4, '\0'),
                                          std::string(2, '\0'),
                                          "",
                                          std::string("\0\0\0\0\x01", 5),
                                          "zzzz-b",
                                          "zzzz-a",
                                          "zzzz"};
  for (const std::string& tail : tails) {  // not in key order
    const std::string key = Key(2, 0, tail);
    ASSERT_TRUE(loader.Add(key, "v" + std::to_string(tail.size())).ok());
    expected[key] = "v" + std::to_string(tail.size());
  }
  ASSERT_TRUE(loader.Finish().ok());
  EXPECT_EQ(Contents(), expected);
}

TEST_F(BulkLoaderTest, RejectsDuplicateKeys) {
  BulkLoader loader(db_.get(), db_->DefaultColumnFamily(), dir_ + "/tmp");
  ASSERT_TRUE(loader.Add(Key(0, 1, "a"), "x").ok());
  ASSERT_TRUE(loader.Add(Key(0, 1, "a"), "y").ok());
  std::vector<std::string> files;
  Status status = loader.WriteFiles(&files);
  EXPECT_EQ(status.code(), Code::kInternalServerError);
  EXPECT_TRUE(Contents().empty());
}

// A staged sink stages a repeated value once and hands the loader the same bytes.
TEST_F(BulkLoaderTest, StagedSinkKeepsRepeatedValues) {
  BulkLoader loader(db_.get(), db_->DefaultColumnFamily(), dir_ + "/tmp");
  std::mutex mu;
  StagedLoadSink sink(&loader, &mu, db_->DefaultColumnFamily());
  std::map<std::string, std::string> expected;
  std::string value;
  for (int item = 0; item < 20000; ++item) {  // several 1 MB batches
    value = "value-" + std::to_string(item) + std::string(60, 'v');
    for (uint8_t index = 0; index < 3; ++index) {
      const std::string key =
          Key(index, static_cast<uint32_t>(item * 2654435761u), std::to_string(item));
      sink.Put(db_->DefaultColumnFamily(), key, value);
      expected[key] = value;
    }
    // The same buffer and size with other bytes is staged as a value of its own.
    value[0] = 'V';
    const std::string other = Key(3, static_cast<uint32_t>(item), std::to_string(item));
    sink.Put(db_->DefaultColumnFamily(), other, value);
    expected[other] = value;
  }
  ASSERT_TRUE(sink.Flush().ok());
  ASSERT_TRUE(loader.Finish().ok());
  EXPECT_EQ(Contents(), expected);
}

}  // namespace
}  // namespace issuetracker::engine
