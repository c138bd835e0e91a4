// Micro-benchmarks of the item codec on the spec's issue item (about 400 bytes, 13
// attributes): the per-item cost every Query, Scan and GetItem pays on top of RocksDB.
// Usage: codec_bench [Google Benchmark flags]
#include <benchmark/benchmark.h>

#include "bench/bench_util.h"
#include "engine/item_codec.h"

using namespace issuetracker;  // NOLINT: a benchmark program

static void BM_DecodeItem(benchmark::State& state) {
  const std::string value = engine::EncodeItem(bench::IssueItem(123456));
  for (auto _ : state) {
    size_t size = 0;
    auto item = engine::DecodeItem(value, &size);
    benchmark::DoNotOptimize(item);
  }
}
BENCHMARK(BM_DecodeItem);

// Decoding rows into one reused item, as Query and Scan do into a reused response.
static void BM_DecodeItemIntoReused(benchmark::State& state) {
  const std::string a = engine::EncodeItem(bench::IssueItem(123456));
  const std::string b = engine::EncodeItem(bench::IssueItem(654321));
  dynamo::Item item;
  bool flip = false;
  for (auto _ : state) {
    size_t size = 0;
    if (!engine::DecodeItemInto((flip = !flip) ? a : b, &item, &size).ok()) std::abort();
    benchmark::DoNotOptimize(item);
  }
}
BENCHMARK(BM_DecodeItemIntoReused);

static void BM_EncodeItem(benchmark::State& state) {
  const dynamo::Item item = bench::IssueItem(123456);
  for (auto _ : state) {
    std::string out;
    engine::EncodeItem(item, &out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_EncodeItem);

static void BM_CopyItem(benchmark::State& state) {
  const dynamo::Item item = bench::IssueItem(123456);
  for (auto _ : state) {
    dynamo::Item copy = item;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_CopyItem);

BENCHMARK_MAIN();
