// ImportItems: many new items at once, through sorted SST files instead of the memtable.
//
// Everything that can be done without blocking writers is done first, in one pass over
// the items (which may come from a source, one at a time, so that they are never all held
// at once): validation, the items' and index entries' SST files, the stamped change
// records' file. Then, holding every item lock (so no write can interleave), the import
// checks that none of its items exists and that every item collection it adds to (tables
// with local secondary indexes) stays within the limit, and ingests the item files, the
// change-record file and the statistics delta in one atomic RocksDB ingestion.
#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <functional>
#include <numeric>

#include "engine/bulk_loader.h"
#include "engine/engine.h"
#include "engine/importer.h"
#include "engine/item_codec.h"
#include "engine/item_validation.h"
#include "engine/key_codec.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

using dynamo::Item;

namespace {

constexpr size_t kMaxImportItems = 1000000;
constexpr const char* kTooManyItems = "Too many items in one ImportItems call (at most 1000000)";
constexpr size_t kExistenceChunk = 512;

// Writes one SST file of `cf`, filled by `fill`, and returns its ingestion argument.
Result<rocksdb::IngestExternalFileArg> OneFileIngestion(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string file,
    const std::function<Status(rocksdb::SstFileWriter*)>& fill) {
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db->GetOptions(cf), cf,
                                /*invalidate_page_cache=*/false);
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

ChangeImages ImagesOf(const TableDesc& t) {
  const auto view = t.stream ? t.stream->stream_view_type : std::optional<dynamo::StreamViewType>();
  ChangeImages images;
  images.old_image = t.pitr_enabled || view == dynamo::StreamViewType::kOldImage ||
                     view == dynamo::StreamViewType::kNewAndOldImages;
  images.new_image =
      view == dynamo::StreamViewType::kNewImage || view == dynamo::StreamViewType::kNewAndOldImages;
  return images;
}

}  // namespace

struct Importer::Staged {
  explicit Staged(EngineCore& core, std::string dir)
      : tmp(std::move(dir)),
        loader(core.db(), core.items_cf(), tmp, &core.bulk_blocks(), SIZE_MAX),
        sink(&loader, core.items_cf()) {}
  std::string tmp;
  BulkLoader loader;
  BulkLoadSink sink;
  StatsAccumulator stats;
  std::string keys, changes;  // back to back
  std::vector<size_t> key_ends, change_ends;
  std::vector<rocksdb::Slice> sorted;  // the keys, sorted
  std::vector<rocksdb::IngestExternalFileArg> args;
};

Result<dynamo::ImportItemsResponse> Engine::ImportItems(const dynamo::ImportItemsRequest& r) {
  return core_->Metered(r.table_name, [&]() -> Result<dynamo::ImportItemsResponse> {
    if (!r.items.empty() && r.next_item) {
      return Status::Validation("An import takes its items as a list or from a source, not both");
    }
    if (r.items.size() > kMaxImportItems) return Status::Validation(kTooManyItems);
    IT_ASSIGN_OR_RETURN(TableRef table, core_->GetTable(r.table_name));
    // The items one at a time: the request's own, or the source's (into one reused item).
    size_t next_index = 0;
    Item produced;
    auto next = [&]() -> const Item* {
      if (!r.next_item) return next_index < r.items.size() ? &r.items[next_index++] : nullptr;
      return r.next_item(&produced) ? &produced : nullptr;
    };
    WriteTally tally;
    tally.bulk_load = true;  // collection sizes summed into the stats file
    dynamo::ImportItemsResponse response;
    IT_ASSIGN_OR_RETURN(response.items_imported, importer_->Import(table.desc(), next, &tally));
    (void)EngineCore::RenderCapacity(dynamo::ReturnConsumedCapacity::kNone, table.metrics(),
                                     table.desc().name, tally.table_units, tally.index_units,
                                     false);
    return response;
  });
}

Result<int64_t> Importer::Import(const TableDesc& t, const std::function<const Item*()>& next,
                                 WriteTally* tally) {
  Staged staged(core_, core_.StagingDir() + "/import-" + std::to_string(core_.env()->Random64()));
  IT_RETURN_IF_ERROR(Stage(t, next, &staged, tally));
  if (staged.key_ends.empty()) return 0;
  std::vector<std::string> item_files;
  IT_RETURN_IF_ERROR(staged.loader.WriteFiles(&item_files));
  staged.args.resize(1);
  staged.args[0].column_family = core_.items_cf();
  staged.args[0].external_files = item_files;
  staged.args[0].options.move_files = true;
  IT_RETURN_IF_ERROR(WriteChangeAndStatsFiles(t, &staged, tally));
  IT_CRASH_POINT(kImportFilesWritten);
  // Only the existence check and the ingestion block writers.
  ItemLocks::Guard all(&core_.locks(), AllStripes());
  IT_RETURN_IF_ERROR(CheckAbsent(t, staged));
  IT_RETURN_IF_ERROR(CheckCollections(staged));
  IT_RETURN_IF_ERROR(FromRocks(core_.db()->IngestExternalFiles(staged.args)));
  IT_CRASH_POINT(kImportIngested);
  return static_cast<int64_t>(staged.key_ends.size());
}

Status Importer::Stage(const TableDesc& t, const std::function<const Item*()>& next, Staged* staged,
                       WriteTally* tally) {
  // Each item is validated, and its record and index entries go to the loader; its key
  // and change record are kept. Change records are stamped later, at ingestion.
  const bool logged = t.pitr_enabled || t.stream.has_value();
  const ChangeImages images = ImagesOf(t);
  TableDesc no_log = t;
  no_log.pitr_enabled = false;
  no_log.stream.reset();
  Item normalised;
  while (const Item* item = next()) {
    if (staged->key_ends.size() == kMaxImportItems) return Status::Validation(kTooManyItems);
    IT_RETURN_IF_ERROR(
        ValidateItemForWrite(t, *item, "Item size has exceeded the maximum allowed size"));
    if (dynamo::HasSets(*item)) {  // stored normalised, as PutItem stores it
      normalised = *item;
      for (auto& [name, value] : normalised) value.Normalize();
      item = &normalised;
    }
    const std::string key = BaseKeyOf(t, *item);
    staged->keys.append(key);
    staged->key_ends.push_back(staged->keys.size());
    IT_RETURN_IF_ERROR(
        core_.AppendItemChange(no_log, key, nullptr, item, &staged->sink, tally, &staged->stats));
    IT_RETURN_IF_ERROR(staged->sink.status);
    if (logged) {
      staged->changes.append(ChangeBody(nullptr, item, images, KeyOf(t, nullptr, *item)));
      staged->change_ends.push_back(staged->changes.size());
    }
  }
  auto& sorted = staged->sorted;  // for the duplicate and existence checks
  sorted.reserve(staged->key_ends.size());
  for (size_t i = 0, begin = 0; i < staged->key_ends.size(); begin = staged->key_ends[i++])
    sorted.emplace_back(staged->keys.data() + begin, staged->key_ends[i] - begin);
  std::sort(sorted.begin(), sorted.end(),
            [](const rocksdb::Slice& a, const rocksdb::Slice& b) { return a.compare(b) < 0; });
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    return Status::Validation("Provided list of item keys contains duplicates");
  return Status::Ok();
}

Status Importer::WriteChangeAndStatsFiles(const TableDesc& t, Staged* staged, WriteTally* tally) {
  // Change records are stamped before the locks are taken, as one block with one date (a
  // restore has the whole import or none of it): their stamps stay in flight (readers of
  // the change log wait for them) until the ingestion. A write to one of these keys
  // meanwhile either commits first — the existence check then fails the import — or waits
  // for the lock and takes a later stamp: per item, stamp order is commit order.
  if (!staged->change_ends.empty()) {
    StampTickets& stamps = tally->stamps();
    IT_RETURN_IF_ERROR(
        stamps.Reserve(&core_.change_clock(), static_cast<int64_t>(staged->change_ends.size())));
    auto fill = [&](rocksdb::SstFileWriter* writer) -> Status {
      std::string value;
      for (size_t i = 0, begin = 0; i < staged->change_ends.size();
           begin = staged->change_ends[i++]) {
        IT_ASSIGN_OR_RETURN(ChangeStamp at, stamps.Take(&core_.change_clock()));
        value = ChangeHead(at);
        value.append(staged->changes, begin, staged->change_ends[i] - begin);
        IT_RETURN_IF_ERROR(FromRocks(writer->Put(ChangeKey(t.id, at.stamp), value)));
      }
      return Status::Ok();
    };
    IT_ASSIGN_OR_RETURN(auto file, OneFileIngestion(core_.db(), core_.changes_cf(),
                                                    staged->tmp + "/changes.sst", fill));
    staged->args.push_back(std::move(file));
  }
  // The statistics delta is a merge operand in a one-key catalog file, ingested with the
  // rest: the table's item count and size move in the same atomic step as its items.
  auto fill = [&](rocksdb::SstFileWriter* writer) {
    for (const auto& [key, bytes] : staged->stats.collections) {  // "c" keys sort before "s"
      StatsAccumulator size;
      size.Add(kBaseIndexId, 0, bytes);
      IT_RETURN_IF_ERROR(FromRocks(writer->Merge(key, EncodeStats(size))));
    }
    return FromRocks(writer->Merge(StatsKey(t.id), EncodeStats(staged->stats)));
  };
  IT_ASSIGN_OR_RETURN(auto stats_file, OneFileIngestion(core_.db(), core_.catalog_cf(),
                                                        staged->tmp + "/stats.sst", fill));
  staged->args.push_back(std::move(stats_file));
  return Status::Ok();
}

Status Importer::CheckCollections(const Staged& staged) {
  // Tables with local secondary indexes only (the staging summed their collections).
  for (const auto& [key, bytes] : staged.stats.collections) {
    IT_ASSIGN_OR_RETURN(const int64_t stored, core_.CollectionBytes(key));
    IT_RETURN_IF_ERROR(core_.CheckCollectionFits(stored + bytes));
  }
  return Status::Ok();
}

Status Importer::CheckAbsent(const TableDesc& t, const Staged& staged) {
  // In key order, as MultiGet reads best.
  std::vector<rocksdb::PinnableSlice> values(kExistenceChunk);
  std::vector<rocksdb::Status> statuses(kExistenceChunk);
  for (size_t start = 0; start < staged.sorted.size(); start += kExistenceChunk) {
    const size_t n = std::min(kExistenceChunk, staged.sorted.size() - start);
    core_.db()->MultiGet(rocksdb::ReadOptions(), core_.items_cf(), n, staged.sorted.data() + start,
                         values.data(), statuses.data(), /*sorted_input=*/true);
    for (size_t i = 0; i < n; ++i) {
      if (statuses[i].ok()) {
        // The stored item has the same key: it names the key in the message.
        auto existing = DecodeItem(values[i].ToStringView());
        return Status(
            Code::kConditionalCheckFailed,
            "The conditional request failed: an imported item already exists" +
                (existing.ok() ? ": " + dynamo::ItemDebugString(KeyOf(t, nullptr, *existing))
                               : std::string()));
      }
      values[i].Reset();
      if (!statuses[i].IsNotFound()) return Status::IOError(statuses[i].ToString());
    }
  }
  return Status::Ok();
}

}  // namespace issuetracker::engine
