// Point-in-time recovery costs, in one run (issue 3's targets):
//   PutItem with PITR on          <= 1.3x PutItem with PITR off (same table shape)
//   RestoreTableToPointInTime of 1,000,000 items in under 10 seconds
// Usage: pitr_bench [--items=1000000] [--puts=100000] [--dir=/tmp/issuetracker-bench]
//                   [--reuse=1]
#include <filesystem>
#include <fstream>
#include <vector>

#include "bench/bench_util.h"
#include "engine/engine.h"

using namespace issuetracker;  // NOLINT: a benchmark program
using bench::NowSeconds;

namespace {

void Check(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::exit(1);
  }
}

void EnablePitr(engine::Engine& db, const std::string& table) {
  dynamo::UpdateContinuousBackupsRequest r;
  r.table_name = table;
  r.point_in_time_recovery_enabled = true;
  Check(db.UpdateContinuousBackups(r).status());
}

}  // namespace

int main(int argc, char** argv) {
  const long long items = bench::Flag(argc, argv, "items", 1000000);
  const long long puts = bench::Flag(argc, argv, "puts", 100000);
  const std::string base = bench::FlagString(argc, argv, "dir", "/tmp/issuetracker-bench");
  // --reuse=1 keeps the loaded table of an earlier run with the same --items and measures
  // only the restores (for profiling them).
  const std::string marker = base + "/pitr-loaded-" + std::to_string(items);
  const bool reuse = bench::Flag(argc, argv, "reuse", 0) != 0 && std::filesystem::exists(marker);
  if (!reuse) std::filesystem::remove(marker);
  engine::EngineOptions options;
  options.path = reuse ? base + "/pitr" : bench::FreshDir(base, "pitr");
  auto opened = engine::Engine::Open(options);
  Check(opened.status());
  auto db = std::move(opened).value();
  if (reuse) {
    (void)db->DeleteTable({"BigRestored"});
  } else {
    for (const char* t : {"PitrOff", "PitrOn", "Big"})
      Check(db->CreateTable(bench::IssuesTable(t)).status());
    EnablePitr(*db, "PitrOn");
    EnablePitr(*db, "Big");
  }

  // PutItem cost with and without PITR, interleaved in chunks so both see the same
  // machine state; new items (inserts), as the issue-creation path writes them.
  double off = 0, on = 0;
  const long long chunk = 1000;
  for (long long done = 0; done < (reuse ? 0 : puts); done += chunk) {
    for (const char* table : {"PitrOff", "PitrOn"}) {
      const double start = NowSeconds();
      for (long long i = done; i < done + chunk; ++i) {
        dynamo::PutItemRequest p;
        p.table_name = table;
        p.item = bench::IssueItem(i);
        Check(db->PutItem(p).status());
      }
      (table[5] == 'f' ? off : on) += NowSeconds() - start;
    }
  }
  // Updates of existing items (the change record then carries an old image).
  double off_update = 0, on_update = 0;
  for (long long done = 0; done < (reuse ? 0 : puts); done += chunk) {
    for (const char* table : {"PitrOff", "PitrOn"}) {
      const double start = NowSeconds();
      for (long long i = done; i < done + chunk; ++i) {
        dynamo::PutItemRequest p;
        p.table_name = table;
        p.item = bench::IssueItem(i);
        p.item["status"] = dynamo::AttributeValue::S("Closed");
        Check(db->PutItem(p).status());
      }
      (table[5] == 'f' ? off_update : on_update) += NowSeconds() - start;
    }
  }
  const double off_us = off * 1e6 / static_cast<double>(puts),
               on_us = on * 1e6 / static_cast<double>(puts);
  const double off_upd_us = off_update * 1e6 / static_cast<double>(puts);
  const double on_upd_us = on_update * 1e6 / static_cast<double>(puts);

  // Restore of `items` items.
  double start = NowSeconds();
  for (long long i = reuse ? items : 0; i < items;) {
    dynamo::ImportItemsRequest import;
    import.table_name = "Big";
    for (int k = 0; k < 100000 && i < items; ++k, ++i) import.items.push_back(bench::IssueItem(i));
    Check(db->ImportItems(import).status());
  }
  const double load = NowSeconds() - start;
  // A table restored in production has long been compacted; so is this one (ten
  // overlapping imports would otherwise make the source scan merge ten sorted runs).
  start = NowSeconds();
  if (!reuse) Check(db->CompactAll());
  const double compaction = NowSeconds() - start;
  std::ofstream(marker) << "loaded\n";
  dynamo::RestoreTableToPointInTimeRequest restore;
  restore.source_table_name = "Big";
  restore.target_table_name = "BigRestored";
  restore.use_latest_restorable_time = true;
  start = NowSeconds();
  auto restored = db->RestoreTableToPointInTime(restore);
  const double restore_seconds = NowSeconds() - start;
  Check(restored.status());
  auto described = db->DescribeTable({"BigRestored"});
  Check(described.status());
  dynamo::RestoreKeyPrefixToPointInTimeRequest tenant;
  tenant.table_name = "Big";
  tenant.partition_key_prefix = "COMPANY00007#";
  tenant.restore_date_time = static_cast<double>(SystemClock::Default()->NowMicros()) / 1e6;
  start = NowSeconds();
  auto tenant_restored = db->RestoreKeyPrefixToPointInTime(tenant);
  const double tenant_seconds = NowSeconds() - start;
  Check(tenant_restored.status());

  std::printf(
      "PutItem (4 GSIs), insert:  PITR on %.2f us, off %.2f us, ratio %.2fx (target <= 1.3x: %s)\n",
      on_us, off_us, on_us / off_us, on_us / off_us <= 1.3 ? "met" : "MISSED");
  std::printf(
      "PutItem (4 GSIs), replace: PITR on %.2f us, off %.2f us, ratio %.2fx (target <= 1.3x: %s)\n",
      on_upd_us, off_upd_us, on_upd_us / off_upd_us,
      on_upd_us / off_upd_us <= 1.3 ? "met" : "MISSED");
  std::printf(
      "load of %lld items (ImportItems in chunks of 100,000, PITR on): %.1f s (%.0f items/s), then "
      "full compaction %.1f s\n",
      items, load, static_cast<double>(items) / load, compaction);
  std::printf(
      "RestoreTableToPointInTime of %lld items (4 GSIs): %.2f s, %lld items restored (target < 10 "
      "s: %s)\n",
      items, restore_seconds, static_cast<long long>(described->table.item_count),
      restore_seconds < 10 ? "met" : "MISSED");
  std::printf("per-company restore in place (COMPANY00007#, %lld items examined): %.2f s\n",
              static_cast<long long>(tenant_restored->items_examined), tenant_seconds);
  return 0;
}
