#include "engine/bulk_loader.h"

#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <cstring>
#include <thread>
#include <tuple>

#include "common/result.h"
#include "engine/crash_points.h"
#include "engine/file_util.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

std::string BlockPool::Take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      std::string block = std::move(free_.back());
      free_.pop_back();
      return block;
    }
  }
  std::string block;
  block.reserve(kBlockBytes);
  return block;
}

void BlockPool::Give(std::string block) {
  if (block.capacity() != kBlockBytes && block.capacity() < kBlockBytes) return;
  if (block.capacity() > 2 * kBlockBytes) return;  // an oversized one-off block
  block.clear();
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.size() < max_blocks_) free_.push_back(std::move(block));
}

BulkLoader::BulkLoader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string tmp_dir,
                       BlockPool* pool, size_t memory_budget, size_t target_file_bytes)
    : db_(db),
      cf_(cf),
      tmp_dir_(std::move(tmp_dir)),
      pool_(pool),
      memory_budget_(memory_budget),
      target_file_bytes_(target_file_bytes),
      buckets_(kBuckets) {
  // Errors surface when the files are written.
  (void)RemoveTree(db_->GetFileSystem(), tmp_dir_);
  (void)CreateDirs(db_->GetFileSystem(), tmp_dir_);
}

void BulkLoader::ReleaseBlocks() {
  if (pool_) {
    for (std::string& block : blocks_) pool_->Give(std::move(block));
  }
  blocks_.clear();
  last_value_source_ = nullptr;
}

BulkLoader::~BulkLoader() {
  ReleaseBlocks();
  (void)RemoveTree(db_->GetFileSystem(), tmp_dir_);
}

size_t BulkLoader::BucketOf(std::string_view key) {
  // key = table_id(4) index_id(1) hash32(4) ...: the index id and the hash's top 6 bits.
  return static_cast<size_t>(static_cast<uint8_t>(key[4])) * 64 +
         (static_cast<uint8_t>(key[5]) >> 2);
}

namespace {

// Whether `value` repeats the caller's last value, whose bytes were at `last_source` and
// were copied to `last_copy`: the same place and size, and (since the caller may have
// reused its buffer for other bytes) the same bytes.
bool RepeatsLastValue(std::string_view value, const char* last_source, std::string_view last_copy) {
  return value.data() == last_source && value.size() == last_copy.size() &&
         std::memcmp(last_copy.data(), value.data(), value.size()) == 0;
}

}  // namespace

std::pair<uint32_t, uint32_t> BulkLoader::Store(std::string_view bytes) {
  if (blocks_.empty() || blocks_.back().size() + bytes.size() > blocks_.back().capacity()) {
    if (pool_ && bytes.size() <= kBlockBytes) {
      blocks_.push_back(pool_->Take());
    } else {
      blocks_.emplace_back();
      blocks_.back().reserve(std::max(kBlockBytes, bytes.size()));
    }
  }
  std::string& block = blocks_.back();
  const auto offset = static_cast<uint32_t>(block.size());
  block.append(bytes);
  buffered_bytes_ += bytes.size();
  return {static_cast<uint32_t>(blocks_.size() - 1), offset};
}

Status BulkLoader::Add(std::string_view key, std::string_view value) {
  if (key.size() < 9) return Status::Internal("bulk-load key too short");
  Bucket& bucket = buckets_[BucketOf(key)];
  uint64_t prefix = 0;
  for (size_t i = 5; i < kPrefixEnd; ++i)
    prefix = (prefix << 8) | (i < key.size() ? static_cast<uint8_t>(key[i]) : 0);
  if (bucket.sorted && !bucket.entries.empty()) {
    const Entry& last = bucket.entries.back();
    bucket.sorted = last.sort_prefix < prefix || (last.sort_prefix == prefix && KeyOf(last) < key);
  }
  Entry e{};
  e.sort_prefix = prefix;
  e.key_size = static_cast<uint32_t>(key.size());
  e.value_size = static_cast<uint32_t>(value.size());
  std::tie(e.key_block, e.key_offset) = Store(key);
  // An index entry of the item just added shares the stored copy of its value.
  if (last_value_source_ != nullptr &&
      RepeatsLastValue(value, last_value_source_, ValueOf(last_value_))) {
    e.value_block = last_value_.value_block;
    e.value_offset = last_value_.value_offset;
  } else {
    std::tie(e.value_block, e.value_offset) = Store(value);
    last_value_source_ = value.data();
    last_value_ = e;
  }
  bucket.entries.push_back(e);
  bucket.bytes += key.size() + value.size();
  buffered_bytes_ += sizeof(Entry);
  ++entries_;
  if (buffered_bytes_ >= memory_budget_) return WriteRun();
  return Status::Ok();
}

void BulkLoader::SortBucket(std::vector<Entry>* entries) const {
  // A bucket holds one table and index: keys differ from byte 5 on, which the prefix
  // holds. Entries are ordered by prefix (comparing integers only), keeping the order they
  // came in among equal prefixes: those are usually one partition's entries, which mostly
  // come in key order (its items were written in that order), so each run of equal
  // prefixes is only checked, and sorted by its keys' remaining bytes when out of order.
  // The comparisons below touch keys all over the arena: they are fetched first, many
  // loads in flight at once, instead of a cache miss per comparison. (A bucket's keys are
  // a few dozen kilobytes: they stay in cache.)
  for (const Entry& e : *entries) __builtin_prefetch(KeyOf(e).data());
  std::stable_sort(entries->begin(), entries->end(),
                   [](const Entry& x, const Entry& y) { return x.sort_prefix < y.sort_prefix; });
  auto tail_less = [this](const Entry& x, const Entry& y) {
    std::string_view a = KeyOf(x), b = KeyOf(y);
    if (a.size() >= kPrefixEnd && b.size() >= kPrefixEnd) {  // equal up to kPrefixEnd
      a.remove_prefix(kPrefixEnd);
      b.remove_prefix(kPrefixEnd);
    }
    return a < b;
  };
  for (auto run = entries->begin(); run != entries->end();) {
    auto end = std::find_if(run, entries->end(),
                            [&](const Entry& e) { return e.sort_prefix != run->sort_prefix; });
    if (end - run > 1 && !std::is_sorted(run, end, tail_less)) std::sort(run, end, tail_less);
    run = end;
  }
}

Status BulkLoader::WriteBuckets(size_t first, size_t last, const std::string& file_prefix,
                                std::vector<std::string>* files) {
  const rocksdb::Options options = db_->GetOptions(cf_);
  std::unique_ptr<rocksdb::SstFileWriter> writer;
  size_t file_bytes = 0;
  for (size_t b = first; b < last; ++b) {
    Bucket& bucket = buckets_[b];
    if (bucket.entries.empty()) continue;
    // Buckets filled in key order (a restore's base records) need no sort.
    if (!bucket.sorted) SortBucket(&bucket.entries);
    for (size_t i = 0; i < bucket.entries.size(); ++i) {
      const Entry& e = bucket.entries[i];
      // Sorted entries point all over the arena: fetching a few entries ahead hides the
      // memory latency of their keys and values.
      if (i + kPrefetchAhead < bucket.entries.size()) {
        const Entry& ahead = bucket.entries[i + kPrefetchAhead];
        __builtin_prefetch(KeyOf(ahead).data());
        const std::string_view value = ValueOf(ahead);
        for (size_t line = 0; line < value.size() && line < 512; line += 64)
          __builtin_prefetch(value.data() + line);
      }
      if (!writer) {
        files->push_back(file_prefix + std::to_string(files->size()) + ".sst");
        // The written pages stay cached: the existence checks of later imports and the
        // first reads of the loaded data read them back.
        writer = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), options, cf_,
                                                          /*invalidate_page_cache=*/false);
        IT_RETURN_IF_ERROR(FromRocks(writer->Open(files->back())));
        file_bytes = 0;
      }
      // The writer requires strictly ascending keys: an equal neighbour is a duplicate.
      const std::string_view key = KeyOf(e), value = ValueOf(e);
      rocksdb::Status put = writer->Put(rocksdb::Slice(key.data(), key.size()),
                                        rocksdb::Slice(value.data(), value.size()));
      if (put.IsInvalidArgument()) return Status::Internal("duplicate key in bulk load");
      IT_RETURN_IF_ERROR(FromRocks(put));
      file_bytes += e.key_size + e.value_size;
    }
    bucket = Bucket();
    if (file_bytes >= target_file_bytes_) {
      IT_RETURN_IF_ERROR(FromRocks(writer->Finish()));
      writer.reset();
    }
  }
  if (writer) IT_RETURN_IF_ERROR(FromRocks(writer->Finish()));
  return Status::Ok();
}

Status BulkLoader::WriteRun() {
  std::vector<std::string> files;
  IT_RETURN_IF_ERROR(WriteRunFiles(&files));
  if (files.empty()) return Status::Ok();
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;
  IT_RETURN_IF_ERROR(FromRocks(db_->IngestExternalFile(cf_, files, ingest)));
  IT_CRASH_POINT(kBulkLoadIngested);
  return Status::Ok();
}

Status BulkLoader::WriteFiles(std::vector<std::string>* files) {
  if (runs_ > 0) return Status::Internal("bulk load exceeded its memory budget before WriteFiles");
  return WriteRunFiles(files);
}

Status BulkLoader::WriteRunFiles(std::vector<std::string>* files) {
  // Two contiguous halves of the buckets (by bytes), written in parallel: the halves'
  // files cannot overlap, so the run is still a set of disjoint files.
  size_t total = 0;
  for (const Bucket& b : buckets_) total += b.bytes;
  if (total == 0) return Status::Ok();
  size_t split = 0, acc = 0;
  while (split < kBuckets && acc < total / 2) acc += buckets_[split++].bytes;
  const std::string prefix = tmp_dir_ + "/run" + std::to_string(runs_++);
  std::vector<std::string> first_files, second_files;
  Status second_status;
  std::thread second(
      [&] { second_status = WriteBuckets(split, kBuckets, prefix + "-b-", &second_files); });
  Status first_status = WriteBuckets(0, split, prefix + "-a-", &first_files);
  second.join();
  ReleaseBlocks();
  if (!first_status.ok() || !second_status.ok()) {
    for (Bucket& bucket : buckets_) bucket = Bucket();  // their bytes are gone
  }
  IT_RETURN_IF_ERROR(first_status);
  IT_RETURN_IF_ERROR(second_status);
  buffered_bytes_ = 0;
  files->insert(files->end(), first_files.begin(), first_files.end());
  files->insert(files->end(), second_files.begin(), second_files.end());
  return Status::Ok();
}

Status BulkLoader::Finish() { return WriteRun(); }

void BulkLoadSink::Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                       std::string_view value) {
  if (!status.ok()) return;
  status =
      cf == items_ ? loader_->Add(key, value) : Status::Internal("a bulk load writes items only");
}

void StagedLoadSink::Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                         std::string_view value) {
  if (!status.ok()) return;
  if (cf != items_) {
    status = Status::Internal("a bulk load writes items only");
    return;
  }
  const bool repeated = last_source_ != nullptr &&
                        RepeatsLastValue(value, last_source_,
                                         std::string_view(data_).substr(last_offset_, last_size_));
  data_.append(key);
  if (repeated) {
    sizes_.emplace_back(static_cast<uint32_t>(key.size()), kRepeatedValue);
  } else {
    last_source_ = value.data();
    last_offset_ = data_.size();
    last_size_ = value.size();
    data_.append(value);
    sizes_.emplace_back(static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size()));
  }
  if (data_.size() >= kBatchBytes) status = Flush();
}

Status StagedLoadSink::Flush() {
  IT_RETURN_IF_ERROR(status);
  std::lock_guard<std::mutex> lock(*loader_mu_);
  std::string_view rest = data_;
  std::string_view value;  // the same bytes for a repeated value: the loader shares them
  for (const auto& [key_size, value_size] : sizes_) {
    const std::string_view key = rest.substr(0, key_size);
    rest.remove_prefix(key_size);
    if (value_size != kRepeatedValue) {
      value = rest.substr(0, value_size);
      rest.remove_prefix(value_size);
    }
    IT_RETURN_IF_ERROR(loader_->Add(key, value));
  }
  data_.clear();
  sizes_.clear();
  last_source_ = nullptr;
  return Status::Ok();
}

}  // namespace issuetracker::engine
