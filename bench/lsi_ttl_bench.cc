// Local secondary indexes and time to live, each against a reference in the same run
// (issue 15's targets):
//   Query on an LSI returning 20 items          <= 1.5x the same Query on the table
//   TTL expirer                                 >= 50,000 expired items deleted per second
//   PutItem latency while the expirer runs      within 10 % of PutItem alone
// Usage: lsi_ttl_bench [--only=lsi|ttl] [--items=200000] [--ops=100000]
//                      [--expired=500000] [--loaded=20000] [--windows=10] [--gsis=1]
//                      [--rate=2000] [--off_ms=2000] [--batch=N] [--busy_permille=N]
//                      [--dir=/tmp/issuetracker-lsi-bench]
// The TTL part deletes --expired expired items in a pass alone (after a second without
// writes: full speed). Then a writer puts --rate items a second into another table while,
// --windows times, the writer alone (for --off_ms, or as long as the last pass if longer)
// alternates with a pass over a table of --loaded/--windows expired items; it compares the
// writer's latency percentiles during the passes with those between them. --gsis: GSIs per table
// (the spec's Issues table's first ones, 1 to 4); --batch: ttl_batch_items; --busy_permille:
// ttl_busy_share in thousandths.
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "engine/engine.h"

using namespace issuetracker;  // NOLINT: a benchmark program
using bench::NowSeconds;
using dynamo::AttributeValue;

namespace {

// Comments(issue, at) with an LSI ByAuthor(issue, author): 100 comments per issue.
dynamo::CreateTableRequest CommentsTable(const std::string& name) {
  dynamo::CreateTableRequest r;
  r.table_name = name;
  r.billing_mode = dynamo::BillingMode::kPayPerRequest;
  r.attribute_definitions = {{"issue", dynamo::ScalarType::kS},
                             {"at", dynamo::ScalarType::kS},
                             {"author", dynamo::ScalarType::kS}};
  r.key_schema = {{"issue", dynamo::KeyType::kHash}, {"at", dynamo::KeyType::kRange}};
  r.local_secondary_indexes.push_back(
      {"ByAuthor",
       {{"issue", dynamo::KeyType::kHash}, {"author", dynamo::KeyType::kRange}},
       {dynamo::ProjectionType::kAll, {}}});
  return r;
}

std::string IssueOf(long long i) { return "ISSUE-" + std::to_string(i / 100); }

dynamo::Item Comment(long long i) {
  char at[32], author[48];
  std::snprintf(at, sizeof(at), "2024-01-01T%08lld", i % 100);
  std::snprintf(author, sizeof(author), "user%03lld@example.com#%02lld", (i * 37) % 100, i % 100);
  dynamo::Item item;
  item.emplace("issue", AttributeValue::S(IssueOf(i)));
  item.emplace("at", AttributeValue::S(at));
  item.emplace("author", AttributeValue::S(author));
  item.emplace("body", AttributeValue::S(std::string(200, 'c')));
  return item;
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}
template <typename T>
T Check(Result<T> r, const char* what) {
  Check(r.status(), what);
  return std::move(r).value();
}

// Microseconds per Query of 20 items on `index` (nullopt: the table), over `ops` queries.
double QueryMicros(engine::Engine& db, const std::optional<std::string>& index, long long items,
                   long long ops) {
  dynamo::QueryRequest q;
  q.table_name = "Comments";
  q.index_name = index;
  q.key_condition_expression = "issue = :i";
  q.limit = 20;
  dynamo::QueryResponse response;
  const long long issues = items / 100;
  const double t0 = NowSeconds();
  for (long long k = 0; k < ops; ++k) {
    q.expression_attribute_values[":i"] = AttributeValue::S(IssueOf(((k * 7919) % issues) * 100));
    Check(db.QueryInto(q, &response), "query");
    if (response.items.size() != 20) {
      std::fprintf(stderr, "query returned %zu items\n", response.items.size());
      std::exit(1);
    }
  }
  return (NowSeconds() - t0) * 1e6 / static_cast<double>(ops);
}

// The spec's Issues table (four GSIs, projection ALL) keeping its first `gsis` GSIs, with a
// stream of new and old images (each deletion writes the item's old image to the stream).
dynamo::CreateTableRequest ExpiringTable(const std::string& name, long long gsis) {
  dynamo::CreateTableRequest r = bench::IssuesTable(name);
  if (gsis < static_cast<long long>(r.global_secondary_indexes.size()))
    r.global_secondary_indexes.resize(static_cast<size_t>(std::max(0LL, gsis)));
  std::vector<dynamo::AttributeDefinition> used;
  for (const auto& d : r.attribute_definitions) {
    bool keyed = false;
    for (const auto& k : r.key_schema) keyed |= k.attribute_name == d.attribute_name;
    for (const auto& g : r.global_secondary_indexes)
      for (const auto& k : g.key_schema) keyed |= k.attribute_name == d.attribute_name;
    if (keyed) used.push_back(d);
  }
  r.attribute_definitions = used;
  r.stream_specification =
      dynamo::StreamSpecification{true, dynamo::StreamViewType::kNewAndOldImages};
  return r;
}

// Latency percentiles of a set of calls, in microseconds.
struct Latencies {
  std::vector<double> us;
  double Percentile(double p) {
    if (us.empty()) return 0;
    std::sort(us.begin(), us.end());
    const auto at = static_cast<size_t>(p / 100 * static_cast<double>(us.size() - 1) + 0.5);
    return us[std::min(at, us.size() - 1)];
  }
};

// One put of the writer: when it started, how long it took, and how much of that it waited
// in RocksDB's write queue for other writes (RocksDB's perf context).
struct Put {
  double at, us, queued_us;
};

// A writer thread putting new items (no expiry) into `table` at `rate` per second, on a
// fixed schedule (a put that falls behind it skips the slots it missed rather than bursting),
// recording each put until stopped.
class PacedWriter {
 public:
  PacedWriter(engine::Engine& db, std::string table, long long rate, long long first)
      : thread_([this, &db, table = std::move(table), rate, first] {
          dynamo::PutItemRequest p;
          p.table_name = table;
          const auto period = std::chrono::nanoseconds(1000000000LL / std::max(1LL, rate));
          auto next = std::chrono::steady_clock::now();
          rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableTimeExceptForMutex);
          for (long long i = first; !stop_.load(std::memory_order_relaxed); ++i) {
            std::this_thread::sleep_until(next);
            p.item = bench::IssueItem(i);
            rocksdb::get_perf_context()->Reset();
            const double t = NowSeconds();
            Check(db.PutItem(p).status(), "put");
            puts_.push_back(
                {t, (NowSeconds() - t) * 1e6,
                 static_cast<double>(rocksdb::get_perf_context()->write_thread_wait_nanos) / 1e3});
            next = std::max(next + period, std::chrono::steady_clock::now());
          }
        }) {}
  // Stops the writer and returns its puts.
  std::vector<Put> Stop() {
    stop_ = true;
    thread_.join();
    return std::move(puts_);
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<Put> puts_;
  std::thread thread_;
};

// CPU seconds used so far by the engine's time-to-live thread (named "ttl-expirer"; Linux),
// from /proc: the machine may be shared, so wall-clock rates understate what the code does.
double ExpirerCpuSeconds() {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name != "ttl-expirer") continue;
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i >= 14) ticks += std::stod(field);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return 0;
}

// Query on an LSI against the same Query on the table.
void LsiBench(engine::Engine& db, long long items, long long ops) {
  Check(db.CreateTable(CommentsTable("Comments")).status(), "create");
  dynamo::ImportItemsRequest import;
  import.table_name = "Comments";
  for (long long i = 0; i < items; ++i) import.items.push_back(Comment(i));
  const double t0 = NowSeconds();
  Check(db.ImportItems(import).status(), "import");
  std::printf("loaded %lld comments (%lld issues) in %.1f s\n", items, items / 100,
              NowSeconds() - t0);
  Check(db.CompactAll(), "compact");
  QueryMicros(db, std::nullopt, items, ops / 10);  // warm the cache
  QueryMicros(db, "ByAuthor", items, ops / 10);
  const double table_us = QueryMicros(db, std::nullopt, items, ops);
  const double lsi_us = QueryMicros(db, "ByAuthor", items, ops);
  bench::PrintRatio("Query LSI (20 items) vs table Query", lsi_us, table_us, 1.5);
}

struct TtlFlags {
  long long expired, loaded, windows, gsis, rate, off_ms, batch;
};

// Imports `count` items into `table`, numbered from `first`, expired a minute to an hour ago.
void LoadExpired(engine::Engine& db, const std::string& table, long long first, long long count) {
  const auto now_s = static_cast<long long>(std::time(nullptr));
  dynamo::ImportItemsRequest import;
  import.table_name = table;
  long long i = first;
  import.next_item = [&](dynamo::Item * item) { if (i == first + count) return false;
  *item = bench::IssueItem(i);
  item->emplace("expires", AttributeValue::N(now_s - 60 - i % 3600));
  ++i;
  return true;
};
Check(db.ImportItems(import).status(), "import");
}  // namespace

void PrintLatencies(const char* what, Latencies& l) {
  std::printf("  PutItem %-40s p50 %7.1f us  p99 %7.1f us  p99.9 %7.1f us  (%zu puts)\n", what,
              l.Percentile(50), l.Percentile(99), l.Percentile(99.9), l.us.size());
}

// The expirer's rate alone; then, with a writer putting items at a fixed rate throughout,
// passes over `windows` tables in turn, each after a window of the writer alone: the
// writer's latency while a pass runs against its latency in the windows between passes
// (interleaved, so that the machine's drift affects both alike).
int TtlBench(engine::Engine& db, const TtlFlags& f) {
  std::printf(
      "TTL: tables with %lld GSIs (projection ALL) and a NEW_AND_OLD_IMAGES stream; items of "
      "about 400 bytes\n",
      f.gsis);
  Check(db.CreateTable(ExpiringTable("Expiring", f.gsis)).status(), "create");
  Check(db.UpdateTimeToLive({"Expiring", {"expires", true}}).status(), "ttl");
  double t0 = NowSeconds();
  LoadExpired(db, "Expiring", 0, f.expired);
  Check(db.CompactAll(), "compact");
  std::printf("loaded %lld expired items in %.1f s\n", f.expired, NowSeconds() - t0);

  // The pass alone: the expirer runs at full speed after a second without other writes.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  t0 = NowSeconds();
  const double cpu0 = ExpirerCpuSeconds();
  const long long alone = Check(db.ExpireItemsNow(), "expire");
  const double alone_seconds = NowSeconds() - t0;
  const double alone_cpu = ExpirerCpuSeconds() - cpu0;
  const double alone_rate = static_cast<double>(alone) / alone_seconds;
  std::printf(
      "TTL expirer alone: %lld items deleted in %.2f s (%.2f s of the expirer thread's CPU): "
      "%.0f items/s, %.0f per CPU second (target >= 50000: %s)\n",
      alone, alone_seconds, alone_cpu, alone_rate, static_cast<double>(alone) / alone_cpu,
      alone_rate >= 50000 ? "met" : "MISSED");
  std::printf(
      "  a full-speed batch of %lld items took %.1f ms on average (a write arriving after a "
      "second without writes may wait for one)\n",
      f.batch, static_cast<double>(f.batch) / alone_rate * 1e3);

  // Under writes: one table per window, loaded first (time to live off until its window).
  const long long per_window = f.loaded / std::max(1LL, f.windows);
  t0 = NowSeconds();
  for (long long w = 0; w < f.windows; ++w) {
    const std::string name = "Expiring" + std::to_string(w);
    Check(db.CreateTable(ExpiringTable(name, f.gsis)).status(), "create");
    LoadExpired(db, name, (w + 1) * 1000000, per_window);
  }
  Check(db.CreateTable(ExpiringTable("Writes", f.gsis)).status(), "create");
  Check(db.CompactAll(), "compact");
  std::printf("loaded %lld windows of %lld expired items in %.1f s\n", f.windows, per_window,
              NowSeconds() - t0);
  PacedWriter writer(db, "Writes", f.rate, 0);
  const auto off = std::chrono::milliseconds(f.off_ms);
  std::this_thread::sleep_for(off);  // warm-up: not counted
  const double start = NowSeconds();
  std::vector<std::pair<double, double>> passes;  // [start, end) of each pass
  // [start, end) of each UpdateTimeToLive before a pass (a descriptor change syncs the
  // write-ahead log: puts queued behind it are counted in neither set).
  std::vector<std::pair<double, double>> enables;
  long long under_load = 0;
  double last_pass = 0;
  for (long long w = 0; w < f.windows; ++w) {
    // The writer alone for as long as the last pass took (at least --off_ms): both sets of
    // puts then span about the same time.
    std::this_thread::sleep_for(
        std::max<std::chrono::duration<double>>(off, std::chrono::duration<double>(last_pass)));
    const std::string name = "Expiring" + std::to_string(w);
    const double enable_start = NowSeconds();
    Check(db.UpdateTimeToLive({name, {"expires", true}}).status(), "ttl");
    const double pass_start = NowSeconds();
    enables.emplace_back(enable_start, pass_start);
    under_load += Check(db.ExpireItemsNow(), "expire");
    passes.emplace_back(pass_start, NowSeconds());
    last_pass = passes.back().second - pass_start;
  }
  std::this_thread::sleep_for(off);
  const std::vector<Put> puts = writer.Stop();
  const double end = NowSeconds();
  auto within = [](const std::vector<std::pair<double, double>>& spans, double at) {
    for (const auto& [s, e] : spans)
      if (at >= s && at < e) return true;
    return false;
  };
  Latencies during, between, halves[2];
  size_t queued_during = 0, queued_between = 0;
  double pass_seconds = 0;
  for (const auto& [s, e] : passes) pass_seconds += e - s;
  for (const Put& put : puts) {
    if (put.at < start || within(enables, put.at)) continue;
    const bool queued = put.queued_us > 2;
    if (within(passes, put.at)) {
      during.us.push_back(put.us);
      queued_during += queued;
    } else {
      between.us.push_back(put.us);
      queued_between += queued;
      // The noise of the comparison: the same puts in two sets, by alternate half-seconds.
      halves[static_cast<long long>((put.at - start) * 2) % 2].us.push_back(put.us);
    }
  }
  std::printf(
      "TTL expirer with a writer of %lld puts/s (%.0f/s done): %lld items deleted in %lld "
      "passes of %.2f s in all: %.0f items/s\n",
      f.rate, static_cast<double>(during.us.size() + between.us.size()) / (end - start), under_load,
      f.windows, pass_seconds, static_cast<double>(under_load) / pass_seconds);
  PrintLatencies("between passes (no expirer)", between);
  PrintLatencies("during the passes", during);
  std::printf(
      "  puts that waited in RocksDB's write queue: %.2f %% during the passes, %.2f %% "
      "between them\n",
      100.0 * static_cast<double>(queued_during) / static_cast<double>(during.us.size()),
      100.0 * static_cast<double>(queued_between) / static_cast<double>(between.us.size()));
  std::printf(
      "  noise: puts between passes in alternate half-seconds: p50 %.1f vs %.1f us, p99 %.1f "
      "vs %.1f us\n",
      halves[0].Percentile(50), halves[1].Percentile(50), halves[0].Percentile(99),
      halves[1].Percentile(99));
  for (double p : {50.0, 99.0}) {
    const double ref = between.Percentile(p);
    const double dur = during.Percentile(p);
    std::printf(
        "PutItem p%.0f during the passes vs between them %7.1f us vs %7.1f us: %+.1f %% "
        "(target within 10 %%: %s)\n",
        p, dur, ref, (dur / ref - 1) * 100, dur <= ref * 1.1 ? "met" : "MISSED");
  }
  return alone == f.expired && under_load == per_window * f.windows ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string only = bench::FlagString(argc, argv, "only", "");
  const long long items = bench::Flag(argc, argv, "items", 200000);
  const long long ops = bench::Flag(argc, argv, "ops", 100000);
  TtlFlags ttl;
  ttl.expired = bench::Flag(argc, argv, "expired", 500000);
  ttl.loaded = bench::Flag(argc, argv, "loaded", 20000);
  ttl.windows = bench::Flag(argc, argv, "windows", 10);
  ttl.gsis = bench::Flag(argc, argv, "gsis", 1);
  ttl.rate = bench::Flag(argc, argv, "rate", 2000);
  ttl.off_ms = bench::Flag(argc, argv, "off_ms", 2000);
  const std::string base = bench::FlagString(argc, argv, "dir", "/tmp/issuetracker-lsi-bench");
  engine::EngineOptions options;
  options.path = bench::FreshDir(base, "engine");
  options.ttl_interval_seconds = 1000000;  // passes only when the benchmark runs one
  options.ttl_batch_items = bench::Flag(argc, argv, "batch", options.ttl_batch_items);
  ttl.batch = options.ttl_batch_items;
  options.ttl_busy_share =
      static_cast<double>(bench::Flag(argc, argv, "busy_permille",
                                      static_cast<long long>(options.ttl_busy_share * 1000))) /
      1000;
  auto db = Check(engine::Engine::Open(options), "open");
  if (only.empty() || only == "lsi") LsiBench(*db, items, ops);
  if (only.empty() || only == "ttl") return TtlBench(*db, ttl);
  return 0;
}
