// ImportItems: many new items at once, through sorted SST files instead of the memtable.
//
// Everything that can be done without blocking writers is done first: validation, the
// items' and index entries' SST files, the stamped change records' file. Then, holding
// every item lock (so no write can interleave), the import checks that none of its items
// exists and ingests the item files, the change-record file and the statistics delta in
// one atomic RocksDB ingestion.
#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <random>

#include "engine/bulk_loader.h"
#include "engine/engine_impl.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

using dynamo::Item;

namespace {

constexpr size_t kMaxImportItems = 1000000;
constexpr size_t kExistenceChunk = 512;

// Writes one SST file of `cf`, filled by `fill`, and returns its ingestion argument.
Result<rocksdb::IngestExternalFileArg> OneFileIngestion(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string file,
    const std::function<Status(rocksdb::SstFileWriter*)>& fill) {
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db->GetOptions(cf), cf);
  IT_RETURN_IF_ERROR(FromRocks(writer.Open(file)));
  IT_RETURN_IF_ERROR(fill(&writer));
  IT_RETURN_IF_ERROR(FromRocks(writer.Finish()));
  rocksdb::IngestExternalFileArg arg;
  arg.column_family = cf;
  arg.external_files = {std::move(file)};
  arg.options.move_files = true;
  return arg;
}

std::vector<size_t> AllStripes() {
  std::vector<size_t> stripes(ItemLocks::kStripes);
  std::iota(stripes.begin(), stripes.end(), size_t{0});
  return stripes;
}

}  // namespace

Result<dynamo::ImportItemsResponse> EngineImpl::ImportItems(const dynamo::ImportItemsRequest& r) {
  if (r.items.size() > kMaxImportItems) {
    return Status::Validation("Too many items in one ImportItems call (at most 1000000)");
  }
  IT_ASSIGN_OR_RETURN(TableRef table, GetTable(r.table_name));
  const TableDesc& t = table.desc();
  dynamo::ImportItemsResponse response;
  if (r.items.empty()) return response;

  // Items with sets are normalised into copies; the others are used as given.
  std::vector<Item> normalised;
  std::vector<bool> has_sets(r.items.size());
  for (size_t i = 0; i < r.items.size(); ++i) {
    IT_RETURN_IF_ERROR(
        ValidateItemForWrite(t, r.items[i], "Item size has exceeded the maximum allowed size"));
    has_sets[i] = dynamo::HasSets(r.items[i]);
    if (has_sets[i]) {
      normalised.push_back(r.items[i]);
      for (auto& [name, value] : normalised.back()) value.Normalize();
    }
  }
  std::vector<const Item*> items;
  items.reserve(r.items.size());
  size_t next_normalised = 0;
  for (size_t i = 0; i < r.items.size(); ++i) {
    items.push_back(has_sets[i] ? &normalised[next_normalised++] : &r.items[i]);
  }
  std::vector<std::string> keys;
  keys.reserve(items.size());
  for (const Item* item : items) keys.push_back(BaseKeyOf(t, *item));
  std::vector<rocksdb::Slice> sorted(keys.begin(), keys.end());  // for the existence check
  std::sort(sorted.begin(), sorted.end(),
            [](const rocksdb::Slice& a, const rocksdb::Slice& b) { return a.compare(b) < 0; });
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return Status::Validation("Provided list of item keys contains duplicates");
  }

  // Item and index files, built without blocking anyone.
  static thread_local std::mt19937_64 rng(std::random_device{}());
  const std::string tmp = options_.path + "/tmp/import-" + std::to_string(rng());
  BulkLoader loader(db_.get(), items_cf_, tmp, &bulk_blocks_, SIZE_MAX);
  BulkLoadSink sink(&loader, items_cf_);
  TableDesc no_log = t;
  no_log.pitr_enabled = false;
  no_log.stream.reset();
  StatsAccumulator stats;
  WriteTally tally;
  for (size_t i = 0; i < items.size(); ++i) {
    IT_RETURN_IF_ERROR(AppendItemChange(no_log, keys[i], nullptr, items[i], &sink, &tally, &stats));
    IT_RETURN_IF_ERROR(sink.status);
  }
  std::vector<std::string> item_files;
  IT_RETURN_IF_ERROR(loader.WriteFiles(&item_files));

  std::vector<rocksdb::IngestExternalFileArg> args(1);
  args[0].column_family = items_cf_;
  args[0].external_files = item_files;
  args[0].options.move_files = true;
  // Change records are stamped before the lock is taken: their stamps stay in flight
  // (readers of the change log wait for them) until the ingestion below. A write to one
  // of these keys meanwhile either commits first — the existence check then fails the
  // import — or waits for the lock and takes a later stamp: per item, stamp order is
  // commit order.
  if (t.pitr_enabled || t.stream) {
    const auto view =
        t.stream ? t.stream->stream_view_type : std::optional<dynamo::StreamViewType>();
    ChangeImages images;
    images.old_image = t.pitr_enabled || view == dynamo::StreamViewType::kOldImage ||
                       view == dynamo::StreamViewType::kNewAndOldImages;
    images.new_image = view == dynamo::StreamViewType::kNewImage ||
                       view == dynamo::StreamViewType::kNewAndOldImages;
    IT_ASSIGN_OR_RETURN(
        auto changes,
        OneFileIngestion(db_.get(), changes_cf_, tmp + "/changes.sst",
                         [&](rocksdb::SstFileWriter* writer) -> Status {
                           for (const Item* item : items) {
                             IT_ASSIGN_OR_RETURN(int64_t stamp,
                                                 change_clock_->Next(clock_->NowMicros()));
                             tally.stamps.Add(change_clock_.get(), stamp);
                             IT_RETURN_IF_ERROR(FromRocks(writer->Put(
                                 ChangeKey(t.id, stamp),
                                 EncodeChange(nullptr, item, images, KeyOf(t, nullptr, *item)))));
                           }
                           return Status::Ok();
                         }));
    args.push_back(std::move(changes));
  }
  // The statistics delta is a merge operand in a one-key catalog file, ingested with the
  // rest: the table's item count and size move in the same atomic step as its items.
  IT_ASSIGN_OR_RETURN(auto stats_file, OneFileIngestion(db_.get(), catalog_cf_, tmp + "/stats.sst",
                                                        [&](rocksdb::SstFileWriter* writer) {
                                                          return FromRocks(writer->Merge(
                                                              StatsKey(t.id), EncodeStats(stats)));
                                                        }));
  args.push_back(std::move(stats_file));
  // Only the existence check and the ingestion block writers.
  ItemLocks::Guard all(&locks_, AllStripes());
  // In key order, as MultiGet reads best.
  std::vector<rocksdb::PinnableSlice> values(kExistenceChunk);
  std::vector<rocksdb::Status> statuses(kExistenceChunk);
  for (size_t start = 0; start < sorted.size(); start += kExistenceChunk) {
    const size_t n = std::min(kExistenceChunk, sorted.size() - start);
    db_->MultiGet(rocksdb::ReadOptions(), items_cf_, n, sorted.data() + start, values.data(),
                  statuses.data(), /*sorted_input=*/true);
    for (size_t i = 0; i < n; ++i) {
      values[i].Reset();
      if (statuses[i].ok()) {
        const auto at = std::find(keys.begin(), keys.end(), sorted[start + i].ToStringView());
        return Status(Code::kConditionalCheckFailed,
                      "The conditional request failed: an imported item already exists: " +
                          dynamo::ItemDebugString(KeyOf(t, nullptr, *items[at - keys.begin()])));
      }
      if (!statuses[i].IsNotFound()) return Status::IOError(statuses[i].ToString());
    }
  }
  IT_RETURN_IF_ERROR(FromRocks(db_->IngestExternalFiles(args)));
  (void)RenderCapacity(dynamo::ReturnConsumedCapacity::kNone, table.metrics(), t.name,
                       tally.table_units, tally.index_units, false);
  response.items_imported = static_cast<int64_t>(items.size());
  return response;
}

}  // namespace issuetracker::engine
