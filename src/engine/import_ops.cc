// ImportItems: many new items at once, through sorted SST files instead of the memtable.
//
// Everything that can be done without blocking writers is done first, in one pass over
// the items (which may come from a source, one at a time, so that they are never all held
// at once): validation, the items' and index entries' SST files, the stamped change
// records' file. Then, holding
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

}  // namespace

Result<dynamo::ImportItemsResponse> EngineImpl::ImportItems(const dynamo::ImportItemsRequest& r) {
  if (!r.items.empty() && r.next_item) {
    return Status::Validation("An import takes its items as a list or from a source, not both");
  }
  if (r.items.size() > kMaxImportItems) return Status::Validation(kTooManyItems);
  IT_ASSIGN_OR_RETURN(TableRef table, GetTable(r.table_name));
  const TableDesc& t = table.desc();
  dynamo::ImportItemsResponse response;

  // The items one at a time: the request's own, or the source's (into one reused item).
  size_t next_index = 0;
  Item produced;
  auto next = [&]() -> const Item* {
    if (!r.next_item) return next_index < r.items.size() ? &r.items[next_index++] : nullptr;
    return r.next_item(&produced) ? &produced : nullptr;
  };
  const bool logged = t.pitr_enabled || t.stream.has_value();
  ChangeImages images;
  if (logged) {
    const auto view =
        t.stream ? t.stream->stream_view_type : std::optional<dynamo::StreamViewType>();
    images.old_image = t.pitr_enabled || view == dynamo::StreamViewType::kOldImage ||
                       view == dynamo::StreamViewType::kNewAndOldImages;
    images.new_image = view == dynamo::StreamViewType::kNewImage ||
                       view == dynamo::StreamViewType::kNewAndOldImages;
  }

  // One pass, without blocking anyone: each item is validated, and its record and index
  // entries go to the loader; its key and change record are kept, back to back.
  static thread_local std::mt19937_64 rng(std::random_device{}());
  const std::string tmp = options_.path + "/tmp/import-" + std::to_string(rng());
  BulkLoader loader(db_.get(), items_cf_, tmp, &bulk_blocks_, SIZE_MAX);
  BulkLoadSink sink(&loader, items_cf_);
  TableDesc no_log = t;
  no_log.pitr_enabled = false;
  no_log.stream.reset();
  StatsAccumulator stats;
  WriteTally tally;
  std::string keys, changes;
  std::vector<size_t> key_ends, change_ends;
  Item normalised;
  while (const Item* item = next()) {
    if (key_ends.size() == kMaxImportItems) return Status::Validation(kTooManyItems);
    IT_RETURN_IF_ERROR(
        ValidateItemForWrite(t, *item, "Item size has exceeded the maximum allowed size"));
    if (dynamo::HasSets(*item)) {  // stored normalised, as PutItem stores it
      normalised = *item;
      for (auto& [name, value] : normalised) value.Normalize();
      item = &normalised;
    }
    const std::string key = BaseKeyOf(t, *item);
    keys.append(key);
    key_ends.push_back(keys.size());
    IT_RETURN_IF_ERROR(AppendItemChange(no_log, key, nullptr, item, &sink, &tally, &stats));
    IT_RETURN_IF_ERROR(sink.status);
    if (logged) {
      changes.append(ChangeBody(nullptr, item, images, KeyOf(t, nullptr, *item)));
      change_ends.push_back(changes.size());
    }
  }
  if (key_ends.empty()) return response;
  std::vector<rocksdb::Slice> sorted;  // for the duplicate and existence checks
  sorted.reserve(key_ends.size());
  for (size_t i = 0, begin = 0; i < key_ends.size(); begin = key_ends[i++]) {
    sorted.emplace_back(keys.data() + begin, key_ends[i] - begin);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const rocksdb::Slice& a, const rocksdb::Slice& b) { return a.compare(b) < 0; });
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return Status::Validation("Provided list of item keys contains duplicates");
  }
  std::vector<std::string> item_files;
  IT_RETURN_IF_ERROR(loader.WriteFiles(&item_files));

  std::vector<rocksdb::IngestExternalFileArg> args(1);
  args[0].column_family = items_cf_;
  args[0].external_files = item_files;
  args[0].options.move_files = true;
  // Change records are stamped before the lock is taken, as one block with one date (a
  // restore has the whole import or none of it): their stamps stay in flight (readers
  // of the change log wait for them) until the ingestion below. A write to one of these
  // keys meanwhile either commits first — the existence check then fails the import — or
  // waits for the lock and takes a later stamp: per item, stamp order is commit order.
  if (logged) {
    StampTickets& stamps = tally.stamps();
    IT_RETURN_IF_ERROR(stamps.Reserve(&change_clock(), static_cast<int64_t>(change_ends.size())));
    IT_ASSIGN_OR_RETURN(
        auto change_file,
        OneFileIngestion(
            db_.get(), changes_cf_, tmp + "/changes.sst",
            [&](rocksdb::SstFileWriter* writer) -> Status {
              std::string value;
              for (size_t i = 0, begin = 0; i < change_ends.size(); begin = change_ends[i++]) {
                IT_ASSIGN_OR_RETURN(ChangeStamp at, stamps.Take(&change_clock()));
                value = ChangeHead(at);
                value.append(changes, begin, change_ends[i] - begin);
                IT_RETURN_IF_ERROR(FromRocks(writer->Put(ChangeKey(t.id, at.stamp), value)));
              }
              return Status::Ok();
            }));
    args.push_back(std::move(change_file));
  }
  // The statistics delta is a merge operand in a one-key catalog file, ingested with the
  // rest: the table's item count and size move in the same atomic step as its items.
  IT_ASSIGN_OR_RETURN(auto stats_file, OneFileIngestion(db_.get(), catalog_cf_, tmp + "/stats.sst",
                                                        [&](rocksdb::SstFileWriter* writer) {
                                                          return FromRocks(writer->Merge(
                                                              StatsKey(t.id), EncodeStats(stats)));
                                                        }));
  args.push_back(std::move(stats_file));
  IT_CRASH_POINT(kImportFilesWritten);
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
  IT_RETURN_IF_ERROR(FromRocks(db_->IngestExternalFiles(args)));
  IT_CRASH_POINT(kImportIngested);
  (void)RenderCapacity(dynamo::ReturnConsumedCapacity::kNone, table.metrics(), t.name,
                       tally.table_units, tally.index_units, false);
  response.items_imported = static_cast<int64_t>(key_ends.size());
  return response;
}

}  // namespace issuetracker::engine
