// Micro-benchmarks of the item codec on the spec's issue item (about 400 bytes, 13
// attributes): the per-item cost every Query, Scan and GetItem pays on top of RocksDB.
// Also the endpoint's work per request without the network: a DynamoDB JSON GetItem and
// 20-item GSI Query served in process (wire::DispatchInto: decode the body, run the
// engine, encode the response), as `issuetracker dynamodb` serves them after HTTP, and the
// CRC-32 of that Query's response (the x-amz-crc32 header) against zlib's crc32 on it.
// Usage: codec_bench [Google Benchmark flags]
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <filesystem>

#include "bench/bench_util.h"
#include "dynamo/server/endpoint.h"
#include "dynamo/wire/dispatch.h"
#include "engine/engine.h"
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

namespace {

// An engine holding 1,000 issues of one company in the spec's Issues table, 250 per status.
engine::Engine& ServingEngine() {
  static std::unique_ptr<engine::Engine> db = [] {
    engine::EngineOptions options;
    options.path = bench::FreshDir(std::filesystem::temp_directory_path().string(),
                                   "issuetracker-codec-bench-" + std::to_string(getpid()));
    auto opened = engine::Engine::Open(options);
    if (!opened.ok()) std::abort();
    std::unique_ptr<engine::Engine> e = std::move(*opened);
    if (!e->CreateTable(bench::IssuesTable("Issues")).ok()) std::abort();
    for (long long i = 0; i < 1000; ++i) {
      dynamo::PutItemRequest put;
      put.table_name = "Issues";
      put.item = bench::IssueItem(i);
      if (!e->PutItem(put).ok()) std::abort();
    }
    return e;
  }();
  return *db;
}

void Serve(benchmark::State& state, dynamo::wire::Operation op, const std::string& body) {
  engine::Engine& db = ServingEngine();
  std::string out;
  size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    if (dynamo::wire::DispatchInto(db, op, body, &out) != 200) {
      state.SkipWithError(out.c_str());
      break;
    }
    bytes += out.size();
  }
  state.counters["response_bytes"] =
      benchmark::Counter(static_cast<double>(bytes) / static_cast<double>(state.iterations()));
}

}  // namespace

static void BM_ServeGetItem(benchmark::State& state) {
  Serve(state, dynamo::wire::Operation::kGetItem,
        R"({"TableName":"Issues","Key":{"company_issue_id":{"S":")" + bench::IssueKey(123) +
            R"("}}})");
}
BENCHMARK(BM_ServeGetItem);

static const std::string kQuery20 =
    R"({"TableName":"Issues","IndexName":"CompanyStatusIndex",)"
    R"("KeyConditionExpression":"company_id = :c AND #s = :s","Limit":20,)"
    R"("ExpressionAttributeNames":{"#s":"status"},)"
    R"("ExpressionAttributeValues":{":c":{"S":"COMPANY00000"},":s":{"S":"In Review"}}})";

static void BM_ServeQuery20(benchmark::State& state) {
  Serve(state, dynamo::wire::Operation::kQuery, kQuery20);
}
BENCHMARK(BM_ServeQuery20);

// The 20-item Query's response body, as served.
static const std::string& Query20Response() {
  static const std::string out = [] {
    std::string body;
    if (dynamo::wire::DispatchInto(ServingEngine(), dynamo::wire::Operation::kQuery, kQuery20,
                                   &body) != 200)
      std::abort();
    return body;
  }();
  return out;
}

// x-amz-crc32 of that response, as the endpoint computes it...
static void BM_Crc32HeaderQuery20(benchmark::State& state) {
  const std::string& body = Query20Response();
  for (auto _ : state) benchmark::DoNotOptimize(dynamo::server::Crc32Header(body));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_Crc32HeaderQuery20);

// ... and zlib's crc32 of it, the reference.
static void BM_ZlibCrc32Query20(benchmark::State& state) {
  const std::string& body = Query20Response();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ZlibCrc32Query20);

BENCHMARK_MAIN();
