#include "engine/bulk_loader.h"

#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "common/result.h"
#include "engine/engine_impl.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

namespace {}  // namespace

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
  std::error_code ec;
  std::filesystem::remove_all(tmp_dir_, ec);
  std::filesystem::create_directories(tmp_dir_, ec);
}

void BulkLoader::ReleaseBucket(Bucket* bucket) {
  if (pool_) {
    for (std::string& block : bucket->blocks) pool_->Give(std::move(block));
  }
  *bucket = Bucket();
}

BulkLoader::~BulkLoader() {
  for (Bucket& bucket : buckets_) ReleaseBucket(&bucket);
  std::error_code ec;
  std::filesystem::remove_all(tmp_dir_, ec);
}

size_t BulkLoader::BucketOf(std::string_view key) {
  // key = table_id(4) index_id(1) hash32(4) ...: the index id and the hash's top 6 bits.
  return static_cast<size_t>(static_cast<uint8_t>(key[4])) * 64 +
         (static_cast<uint8_t>(key[5]) >> 2);
}

Status BulkLoader::Add(std::string_view key, std::string_view value) {
  if (key.size() < 9) return Status::Internal("bulk-load key too short");
  Bucket& bucket = buckets_[BucketOf(key)];
  const size_t size = key.size() + value.size();
  if (bucket.blocks.empty() ||
      bucket.blocks.back().size() + size > bucket.blocks.back().capacity()) {
    if (pool_ && size <= kBlockBytes) {
      bucket.blocks.push_back(pool_->Take());
    } else {
      bucket.blocks.emplace_back();
      bucket.blocks.back().reserve(std::max(kBlockBytes, size));
    }
  }
  std::string& block = bucket.blocks.back();
  uint64_t prefix = 0;
  for (size_t i = 5; i < 13; ++i)
    prefix = (prefix << 8) | (i < key.size() ? static_cast<uint8_t>(key[i]) : 0);
  if (bucket.sorted && !bucket.entries.empty()) {
    const Entry& last = bucket.entries.back();
    bucket.sorted =
        last.sort_prefix < prefix ||
        (last.sort_prefix == prefix &&
         std::string_view(bucket.blocks[last.block].data() + last.offset, last.key_size) < key);
  }
  bucket.entries.push_back({prefix, static_cast<uint32_t>(bucket.blocks.size() - 1),
                            static_cast<uint32_t>(block.size()), static_cast<uint32_t>(key.size()),
                            static_cast<uint32_t>(value.size())});
  block.append(key).append(value);
  bucket.bytes += size;
  buffered_bytes_ += size + sizeof(Entry);
  ++entries_;
  if (buffered_bytes_ >= memory_budget_) return WriteRun();
  return Status::Ok();
}

Status BulkLoader::WriteBuckets(size_t first, size_t last, const std::string& file_prefix,
                                std::vector<std::string>* files) {
  const rocksdb::Options options = db_->GetOptions(cf_);
  std::unique_ptr<rocksdb::SstFileWriter> writer;
  size_t file_bytes = 0;
  for (size_t b = first; b < last; ++b) {
    Bucket& bucket = buckets_[b];
    if (bucket.entries.empty()) continue;
    auto key_of = [&bucket](const Entry& e) {
      return std::string_view(bucket.blocks[e.block].data() + e.offset, e.key_size);
    };
    // A bucket holds one table and index: keys differ from byte 5 on. Buckets filled in
    // key order (a restore's base records) need no sort.
    if (!bucket.sorted) {
      std::sort(bucket.entries.begin(), bucket.entries.end(), [&](const Entry& x, const Entry& y) {
        if (x.sort_prefix != y.sort_prefix) return x.sort_prefix < y.sort_prefix;
        return key_of(x) < key_of(y);
      });
    }
    for (const Entry& e : bucket.entries) {
      if (!writer) {
        files->push_back(file_prefix + std::to_string(files->size()) + ".sst");
        writer = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), options, cf_);
        IT_RETURN_IF_ERROR(FromRocks(writer->Open(files->back())));
        file_bytes = 0;
      }
      const char* data = bucket.blocks[e.block].data() + e.offset;
      // The writer requires strictly ascending keys: an equal neighbour is a duplicate.
      rocksdb::Status put = writer->Put(rocksdb::Slice(data, e.key_size),
                                        rocksdb::Slice(data + e.key_size, e.value_size));
      if (put.IsInvalidArgument()) return Status::Internal("duplicate key in bulk load");
      IT_RETURN_IF_ERROR(FromRocks(put));
      file_bytes += e.key_size + e.value_size;
    }
    ReleaseBucket(&bucket);
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
  return FromRocks(db_->IngestExternalFile(cf_, files, ingest));
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
  data_.append(key).append(value);
  sizes_.emplace_back(static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size()));
  if (data_.size() >= kBatchBytes) status = Flush();
}

Status StagedLoadSink::Flush() {
  IT_RETURN_IF_ERROR(status);
  std::lock_guard<std::mutex> lock(*loader_mu_);
  std::string_view rest = data_;
  for (const auto& [key_size, value_size] : sizes_) {
    IT_RETURN_IF_ERROR(loader_->Add(rest.substr(0, key_size), rest.substr(key_size, value_size)));
    rest.remove_prefix(key_size + value_size);
  }
  data_.clear();
  sizes_.clear();
  return Status::Ok();
}

}  // namespace issuetracker::engine
