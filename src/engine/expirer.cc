// The time-to-live expirer (expirer.h).
#include "engine/expirer.h"

#include <rocksdb/iterator.h>
#ifdef __linux__
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <chrono>

#include "engine/item_codec.h"
#include "engine/key_codec.h"
#include "engine/rocks_status.h"

namespace issuetracker::engine {

namespace {
// DynamoDB ignores expiry times more than five years in the past.
constexpr double kMaxAgeSeconds = 5 * 365.25 * 86400;
// Full speed only after a second without other writes.
constexpr auto kQuietBeforeFullSpeed = std::chrono::seconds(1);
// Under writes, batches are sized to commit in about this long. A write that arrives while
// one commits waits for it in RocksDB's write queue, so few writes wait (the commits take a
// small share of the time), and each for at most about this long.
constexpr auto kBusyCommit = std::chrono::microseconds(500);
// ... but never fewer items than this: on a machine whose CPUs are busy, commits are slow
// and the low-priority thread is woken seldom, and a batch of a few items would leave the
// expirer far behind its stated delay.
constexpr size_t kMinBusyItems = 16;
// A pass's iterator over a table is refreshed this often (it reads the table as it was
// then; items changed since are read again under their locks).
constexpr auto kCursorRefresh = std::chrono::milliseconds(10);
// The expirer thread's nice value (Linux): its CPU time goes to the process's other threads
// first, without starving it (a tenth of the weight of a normal thread).
constexpr int kNice = 10;
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
#ifdef __linux__
  // A low CPU priority for this thread alone: when the process's threads want more CPU than
  // there is, the requests' go first (best effort; raising a nice value needs no privilege).
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kNice);
  pthread_setname_np(pthread_self(), "ttl-expirer");
#endif
  const auto interval =
      std::chrono::milliseconds(std::max<int64_t>(1, core_.options().ttl_interval_seconds * 1000));
  std::unique_lock<std::mutex> lock(mu_);
  auto next = std::chrono::steady_clock::now() + interval;
  while (true) {
    wake_.wait_until(lock, next, [this] { return stopping_ || requested_ > finished_; });
    if (stopping_) break;
    const uint64_t serving = requested_;  // a pass started after these requests
    lock.unlock();
    Result<int64_t> result = ExpirePass();  // on failure, the next pass deletes what is left
    lock.lock();
    if (serving > finished_) {
      finished_ = serving;
      last_result_ = std::move(result);
      finished_cv_.notify_all();
    }
    next = std::chrono::steady_clock::now() + interval;
  }
  finished_cv_.notify_all();
}

Result<int64_t> Expirer::RunPass() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!thread_.joinable()) {
    lock.unlock();
    return ExpirePass();
  }
  const uint64_t ticket = ++requested_;
  wake_.notify_all();
  finished_cv_.wait(lock, [&] { return finished_ >= ticket || stopping_; });
  if (finished_ < ticket) return Status::Internal("the engine is closing");
  return last_result_;
}

Result<int64_t> Expirer::ExpirePass() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  return PassLocked();
}

Result<int64_t> Expirer::PassLocked() {
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

Expirer::Mode Expirer::NextMode() {
  Mode mode;
  mode.full = static_cast<size_t>(std::max<int64_t>(1, core_.options().ttl_batch_items));
  mode.busy =
      core_.options().ttl_busy_share < 1 &&
      std::chrono::steady_clock::now() - core_.last_foreground_commit() < kQuietBeforeFullSpeed;
  mode.items = mode.busy ? std::min(busy_items_, mode.full) : mode.full;
  return mode;
}

bool Expirer::Pace(const Mode& mode, std::chrono::steady_clock::duration worked) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!mode.busy) return !stopping_;
  const double share = std::max(core_.options().ttl_busy_share, 0.001);
  const auto pause = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      worked * ((1 - share) / share));
  return !wake_.wait_for(lock, pause, [this] { return stopping_; });
}

Result<int64_t> Expirer::ExpireTable(const std::string& name, uint32_t table_id) {
  Cursor cursor;
  cursor.from = TablePrefix(table_id, kBaseIndexId);
  cursor.end = PrefixSuccessor(cursor.from);
  int64_t deleted = 0;
  bool done = false;
  while (!done) {
    const Mode mode = NextMode();
    const auto start = std::chrono::steady_clock::now();
    {
      // The table is pinned for one batch at a time, so schema changes and deletion wait
      // for one batch at most.
      auto table = core_.GetTable(name);
      if (!table.ok()) return deleted;  // deleted meanwhile
      const TableDesc& t = table->desc();
      if (t.id != table_id || !t.ttl_attribute) return deleted;
      IT_ASSIGN_OR_RETURN(int64_t n, ExpireBatch(*table, mode, &cursor, &done));
      deleted += n;
    }
    if (!done && !Pace(mode, std::chrono::steady_clock::now() - start)) return deleted;
  }
  return deleted;
}

Result<int64_t> Expirer::ExpireBatch(const TableRef& table, const Mode& mode, Cursor* cursor,
                                     bool* done) {
  const TableDesc& t = table.desc();
  const std::string& attr = *t.ttl_attribute;
  const double now = static_cast<double>(core_.clock()->NowMicros()) / 1e6;
  // Rows scanned per batch are bounded too, so that a table of few expired items is
  // scanned in bounded steps.
  const size_t scan_limit = std::max<size_t>(mode.items * 16, 256);

  const auto started = std::chrono::steady_clock::now();
  if (!cursor->it || started - cursor->refreshed >= kCursorRefresh) {
    // The stripes' versions before the items are read (item_locks.h): under the locks, an
    // item whose stripe's version has not moved is as the iterator read it.
    cursor->it.reset();
    core_.locks().Versions(&versions_);
    IT_ASSIGN_OR_RETURN(IteratorPool::Lease lease, core_.item_iterators().Take());
    cursor->it.emplace(std::move(lease));
    (*cursor->it)->Seek(cursor->from);
    cursor->refreshed = started;
  }
  candidate_count_ = 0;
  *done = true;
  rocksdb::Iterator* it = cursor->it->get();
  for (size_t scanned = 0; it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (key.compare(cursor->end) >= 0) break;
    if (scanned == scan_limit || candidate_count_ == mode.items) {
      // The next batch starts here (the iterator stays on this key).
      cursor->from.assign(key.data(), key.size());
      *done = false;
      break;
    }
    ++scanned;
    if (candidate_count_ == candidates_.size()) candidates_.emplace_back();
    Candidate& c = candidates_[candidate_count_];  // a scratch item until it qualifies
    IT_RETURN_IF_ERROR(
        DecodeItemInto(std::string_view(it->value().data(), it->value().size()), &c.item));
    if (!ItemExpired(c.item, attr, now)) continue;
    c.key.assign(key.data(), key.size());
    // The stripe every writer of this item takes (its partition's on a table with local
    // secondary indexes, for the item-collection limit).
    c.stripe = ItemStripe(t, c.key);
    c.version = versions_[c.stripe];
    ++candidate_count_;
  }
  IT_RETURN_IF_ERROR(FromRocks(it->status()));
  if (candidate_count_ == 0) return 0;

  std::vector<size_t> stripes;
  stripes.reserve(candidate_count_);
  for (size_t i = 0; i < candidate_count_; ++i) stripes.push_back(candidates_[i].stripe);
  ItemLocks::Guard guard(&core_.locks(), std::move(stripes));
  // Which candidates are deleted: those untouched since the iterator read them, and those
  // written meanwhile that are still expired (read again).
  std::vector<bool> keep(candidate_count_, true);
  int64_t kept = 0;
  std::optional<dynamo::Item> reread;
  for (size_t i = 0; i < candidate_count_; ++i) {
    Candidate& c = candidates_[i];
    if (core_.locks().Version(c.stripe) != c.version) {
      IT_RETURN_IF_ERROR(core_.ReadItem(c.key, &reread));
      if (!reread || !ItemExpired(*reread, attr, now)) {
        keep[i] = false;
        continue;
      }
      c.item = std::move(*reread);
    }
    ++kept;
  }
  if (kept == 0) return 0;
  sink_.Clear();  // the entries' deletions in key order: faster into the memtable
  StatsAccumulator stats;
  WriteTally tally;
  tally.by_service = true;
  if (t.pitr_enabled || t.stream)
    IT_RETURN_IF_ERROR(tally.stamps().Reserve(&core_.change_clock(), kept));
  for (size_t i = 0; i < candidate_count_; ++i) {
    if (!keep[i]) continue;
    const Candidate& c = candidates_[i];
    IT_RETURN_IF_ERROR(core_.AppendItemChange(t, c.key, &c.item, nullptr, &sink_, &tally, &stats));
  }
  batch_.Clear();
  sink_.AppendTo(&batch_);
  core_.AppendStats(t.id, stats, &batch_);
  const auto commit_start = std::chrono::steady_clock::now();
  IT_RETURN_IF_ERROR(core_.CommitBackground(&batch_, /*low_priority=*/mode.busy));
  if (mode.busy) {
    // The next batch under writes: larger while commits take less than kBusyCommit,
    // smaller once they take more.
    if (std::chrono::steady_clock::now() - commit_start < kBusyCommit) {
      busy_items_ = std::min(busy_items_ + std::max<size_t>(1, busy_items_ / 4), mode.full);
    } else {
      busy_items_ = std::max<size_t>(kMinBusyItems, busy_items_ * 3 / 4);
    }
  }
  IT_CRASH_POINT(kTtlBatchDeleted);
  return kept;
}

}  // namespace issuetracker::engine
