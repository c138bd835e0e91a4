// The time-to-live expirer (expirer.h).
#include "engine/expirer.h"

#include <rocksdb/iterator.h>

#include <chrono>

#include "engine/item_codec.h"
#include "engine/key_codec.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

namespace {
// DynamoDB ignores expiry times more than five years in the past.
constexpr double kMaxAgeSeconds = 5 * 365.25 * 86400;
}  // namespace

std::string TtlMarkerKey(uint32_t table_id) { return CatalogTablePrefix('x', table_id); }

bool ItemExpired(const dynamo::Item& item, const std::string& attr, double now_seconds) {
  auto it = item.find(attr);
  if (it == item.end() || !it->second.is(dynamo::AttrType::kN)) return false;
  const double at = it->second.n().ToDouble();
  return at < now_seconds && at >= now_seconds - kMaxAgeSeconds;
}

Expirer::~Expirer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Expirer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Expirer::Run() {
  const auto interval =
      std::chrono::milliseconds(std::max<int64_t>(1, core_.options().ttl_interval_seconds * 1000));
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    (void)ExpirePass();  // best effort: what a failed pass left, the next one deletes
    lock.lock();
  }
}

Result<int64_t> Expirer::ExpirePass() {
  // The markers first (a handful of keys), then each table.
  std::vector<std::pair<uint32_t, std::string>> tables;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        core_.db()->NewIterator(rocksdb::ReadOptions(), core_.catalog_cf()));
    for (it->Seek("x"); it->Valid() && it->key().starts_with("x"); it->Next()) {
      if (it->key().size() != 5) continue;
      tables.emplace_back(DecodeFixed32BE(it->key().data() + 1), it->value().ToString());
    }
    IT_RETURN_IF_ERROR(FromRocks(it->status()));
  }
  int64_t deleted = 0;
  for (const auto& [id, name] : tables) {
    IT_ASSIGN_OR_RETURN(int64_t n, ExpireTable(name, id));
    deleted += n;
  }
  return deleted;
}

Result<int64_t> Expirer::ExpireTable(const std::string& name, uint32_t table_id) {
  const size_t batch_items =
      static_cast<size_t>(std::max<int64_t>(1, core_.options().ttl_batch_items));
  std::string from = TablePrefix(table_id, kBaseIndexId);
  const std::string end = PrefixSuccessor(from);
  int64_t deleted = 0;
  dynamo::Item scratch;
  while (true) {
    // The table is pinned for one batch at a time, so schema changes and deletion wait
    // for one batch at most.
    auto table = core_.GetTable(name);
    if (!table.ok()) return deleted;  // deleted meanwhile
    const TableDesc& t = table->desc();
    if (t.id != table_id || !t.ttl_attribute) return deleted;
    const double now = static_cast<double>(core_.clock()->NowMicros()) / 1e6;
    std::vector<std::string> keys;
    std::string last;
    {
      std::unique_ptr<rocksdb::Iterator> it(
          core_.db()->NewIterator(LiveItemsReadOptions(), core_.items_cf()));
      for (it->Seek(from); it->Valid() && it->key().compare(end) < 0; it->Next()) {
        size_t size = 0;
        IT_RETURN_IF_ERROR(DecodeItemInto(std::string_view(it->value().data(), it->value().size()),
                                          &scratch, &size));
        last = it->key().ToString();
        if (ItemExpired(scratch, *t.ttl_attribute, now)) {
          keys.push_back(last);
          if (keys.size() == batch_items) break;
        }
      }
      IT_RETURN_IF_ERROR(FromRocks(it->status()));
    }
    if (keys.empty()) return deleted;
    IT_ASSIGN_OR_RETURN(int64_t n, DeleteBatch(*table, keys, now));
    deleted += n;
    from = last;
    from.push_back('\0');  // the next key after the last one read
  }
}

Result<int64_t> Expirer::DeleteBatch(const TableRef& table, const std::vector<std::string>& keys,
                                     double now_seconds) {
  const TableDesc& t = table.desc();
  std::vector<size_t> stripes;
  for (const std::string& key : keys) stripes.push_back(ItemStripe(t, key));
  ItemLocks::Guard guard(&core_.locks(), std::move(stripes));
  SortedBatchSink sink;  // the entries' deletions in key order: faster into the memtable
  StatsAccumulator stats;
  WriteTally tally;
  tally.by_service = true;
  int64_t deleted = 0;
  for (const std::string& key : keys) {
    std::optional<dynamo::Item> item;  // again, under its lock: it may have been rewritten
    IT_RETURN_IF_ERROR(core_.ReadItem(key, &item));
    if (!item || !ItemExpired(*item, *t.ttl_attribute, now_seconds)) continue;
    IT_RETURN_IF_ERROR(core_.AppendItemChange(t, key, &*item, nullptr, &sink, &tally, &stats));
    ++deleted;
  }
  if (deleted == 0) return 0;
  rocksdb::WriteBatch batch;
  sink.AppendTo(&batch);
  core_.AppendStats(t.id, stats, &batch);
  IT_RETURN_IF_ERROR(core_.Commit(&batch));
  IT_CRASH_POINT(kTtlBatchDeleted);
  return deleted;
}

}  // namespace issuetracker::engine
