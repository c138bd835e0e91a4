// The operations the crash tests kill at each of their crash points.
#include <gtest/gtest.h>

#include "engine/crash_test_util.h"

namespace issuetracker::engine::crash_test {

namespace {

using dynamo::AttributeValue;
using dynamo::Item;
using dynamo::ScalarType;

constexpr int64_t kSecond = 1000000;
// The restores' time: in the middle of the updates BuildOrders makes.
constexpr int64_t kRestoreTime = kStart + 2 * kSecond + 30 * 1000 + 500;

#define CRASH_TEST_OK(expr)                                                 \
  do {                                                                      \
    auto&& crash_test_ok_ = (expr);                                         \
    ASSERT_TRUE(crash_test_ok_.ok()) << crash_test_ok_.status().ToString(); \
  } while (0)

Item Order(int i) {
  Item item = {{"pk", AttributeValue::S("C" + std::to_string(i % 3) + "#" + std::to_string(i))},
               {"sk", AttributeValue::N(i % 4)},
               {"v", AttributeValue::N(i)}};
  if (i % 4) item.emplace("color", AttributeValue::S(i % 2 ? "red" : "blue"));
  if (i % 3) item.emplace("owner", AttributeValue::S("u" + std::to_string(i % 7)));
  if (i % 5) item.emplace("status", AttributeValue::S(i % 2 ? "Open" : "Closed"));
  return item;
}

// Table "Orders" (two GSIs, an LSI, PITR, a stream) with 300 imported items, then 60 updates and
// 10 deletes a millisecond apart; table "Other" (PITR) with 20 items.
void BuildOrders(const std::string& dir) {
  ManualClock clock(kStart);
  CustomEnv env(&clock);
  auto opened = Engine::Open(TestOptions(dir, &env));
  CRASH_TEST_OK(opened);
  Engine& db = **opened;
  dynamo::CreateTableRequest r;
  r.table_name = "Orders";
  r.billing_mode = dynamo::BillingMode::kPayPerRequest;
  r.attribute_definitions = {{"pk", ScalarType::kS},
                             {"sk", ScalarType::kN},
                             {"color", ScalarType::kS},
                             {"owner", ScalarType::kS},
                             {"v", ScalarType::kN}};
  r.key_schema = {{"pk", dynamo::KeyType::kHash}, {"sk", dynamo::KeyType::kRange}};
  r.local_secondary_indexes.push_back(
      {"ByV",
       {{"pk", dynamo::KeyType::kHash}, {"v", dynamo::KeyType::kRange}},
       {dynamo::ProjectionType::kKeysOnly, {}}});
  r.global_secondary_indexes.push_back(
      {"ByColor",
       {{"color", dynamo::KeyType::kHash}, {"sk", dynamo::KeyType::kRange}},
       {dynamo::ProjectionType::kAll, {}},
       std::nullopt});
  r.global_secondary_indexes.push_back({"ByOwner",
                                        {{"owner", dynamo::KeyType::kHash}},
                                        {dynamo::ProjectionType::kKeysOnly, {}},
                                        std::nullopt});
  r.stream_specification =
      dynamo::StreamSpecification{true, dynamo::StreamViewType::kNewAndOldImages};
  CRASH_TEST_OK(db.CreateTable(r));
  dynamo::CreateTableRequest other;
  other.table_name = "Other";
  other.billing_mode = dynamo::BillingMode::kPayPerRequest;
  other.attribute_definitions = {{"pk", ScalarType::kS}};
  other.key_schema = {{"pk", dynamo::KeyType::kHash}};
  CRASH_TEST_OK(db.CreateTable(other));
  for (const char* table : {"Orders", "Other"}) {
    dynamo::UpdateContinuousBackupsRequest pitr;
    pitr.table_name = table;
    pitr.point_in_time_recovery_enabled = true;
    CRASH_TEST_OK(db.UpdateContinuousBackups(pitr));
  }
  clock.AdvanceMicros(kSecond);
  dynamo::ImportItemsRequest import;
  import.table_name = "Orders";
  for (int i = 0; i < 300; ++i) import.items.push_back(Order(i));
  CRASH_TEST_OK(db.ImportItems(import));
  for (int i = 0; i < 20; ++i)
    CRASH_TEST_OK(db.PutItem({"Other", {{"pk", AttributeValue::S("o" + std::to_string(i))}}}));
  clock.SetMicros(kStart + 2 * kSecond);
  for (int i = 0; i < 70; ++i) {
    clock.AdvanceMicros(1000);
    const Item order = Order(i * 4);
    Item key = {{"pk", order.at("pk")}, {"sk", order.at("sk")}};
    if (i < 60) {
      dynamo::UpdateItemRequest u;
      u.table_name = "Orders";
      u.key = key;
      u.update_expression = "SET v = :v, color = :c";
      u.expression_attribute_values = {{":v", AttributeValue::N(1000 + i)},
                                       {":c", AttributeValue::S("green")}};
      CRASH_TEST_OK(db.UpdateItem(u));
    } else {
      dynamo::DeleteItemRequest d;
      d.table_name = "Orders";
      d.key = key;
      CRASH_TEST_OK(db.DeleteItem(d));
    }
  }
}

void BuildOrdersWithBackup(const std::string& dir) {
  BuildOrders(dir);
  ManualClock clock(kStart + 10 * kSecond);
  CustomEnv env(&clock);
  auto opened = Engine::Open(TestOptions(dir, &env));
  CRASH_TEST_OK(opened);
  CRASH_TEST_OK((*opened)->CreateBackup({"Orders", "weekly"}));
}

// BuildOrders, then time to live on Orders' "exp", which 40 items set to kStart + 20 s.
void BuildOrdersWithTtl(const std::string& dir) {
  BuildOrders(dir);
  ManualClock clock(kStart + 10 * kSecond);
  CustomEnv env(&clock);
  auto opened = Engine::Open(TestOptions(dir, &env));
  CRASH_TEST_OK(opened);
  Engine& db = **opened;
  dynamo::UpdateTimeToLiveRequest ttl;
  ttl.table_name = "Orders";
  ttl.time_to_live_specification = {"exp", true};
  CRASH_TEST_OK(db.UpdateTimeToLive(ttl));
  for (int i = 0; i < 40; ++i) {
    const Item order = Order(i * 7 + 1);
    dynamo::UpdateItemRequest u;
    u.table_name = "Orders";
    u.key = {{"pk", order.at("pk")}, {"sk", order.at("sk")}};
    u.update_expression = "SET exp = :e";
    u.expression_attribute_values = {{":e", AttributeValue::N(kStart / kSecond + 20)}};
    CRASH_TEST_OK(db.UpdateItem(u));
  }
}

// BuildOrders, then scenario `name` killed at its `hit`-th `point`.
std::function<void(const std::string&)> Interrupted(std::string name, CrashPoint point,
                                                    int hit = 1) {
  return [name = std::move(name), point, hit](const std::string& dir) {
    BuildOrders(dir);
    RunChild(name, dir, point, hit);
  };
}

std::string LatestBackupArn(Engine& db) {
  auto listed = db.ListBackups({});
  if (!listed.ok() || listed->backup_summaries.empty()) return "";
  return listed->backup_summaries.back().backup_arn;
}

void NoOp(Engine&, ManualClock*) {}

std::vector<Scenario> Build() {
  std::vector<Scenario> s;
  s.push_back({"create_table",
               BuildOrders,
               [](Engine& db, ManualClock*) {
                 dynamo::CreateTableRequest r;
                 r.table_name = "Fresh";
                 r.billing_mode = dynamo::BillingMode::kPayPerRequest;
                 r.attribute_definitions = {{"id", ScalarType::kS}};
                 r.key_schema = {{"id", dynamo::KeyType::kHash}};
                 CRASH_TEST_OK(db.CreateTable(r));
               },
               {CrashPoint::kTableCreated},
               CrashPoint::kTableCreated});
  s.push_back({"delete_table",
               BuildOrders,
               [](Engine& db, ManualClock*) { CRASH_TEST_OK(db.DeleteTable({"Orders"})); },
               {CrashPoint::kTableDeleted},
               CrashPoint::kTableDeleted});
  s.push_back({"update_settings",
               BuildOrders,
               [](Engine& db, ManualClock*) {
                 dynamo::UpdateTableRequest u;
                 u.table_name = "Orders";
                 u.stream_specification = dynamo::StreamSpecification{false, std::nullopt};
                 CRASH_TEST_OK(db.UpdateTable(u));
               },
               {CrashPoint::kDescriptorChanged},
               CrashPoint::kDescriptorChanged});
  s.push_back({"gsi_create",
               BuildOrders,
               [](Engine& db, ManualClock*) {
                 dynamo::UpdateTableRequest u;
                 u.table_name = "Orders";
                 u.attribute_definitions = {{"status", ScalarType::kS}};
                 dynamo::GlobalSecondaryIndexUpdate create;
                 create.create = dynamo::CreateGlobalSecondaryIndexAction{
                     "ByStatus",
                     {{"status", dynamo::KeyType::kHash}},
                     {dynamo::ProjectionType::kInclude, {"v"}},
                     std::nullopt};
                 u.global_secondary_index_updates.push_back(create);
                 CRASH_TEST_OK(db.UpdateTable(u));
                 db.WaitForBackgroundWork();
               },
               {CrashPoint::kGsiCreated, CrashPoint::kGsiBackfillChunk, CrashPoint::kGsiPublished},
               CrashPoint::kGsiCreated});
  s.push_back({"gsi_delete",
               BuildOrders,
               [](Engine& db, ManualClock*) {
                 dynamo::UpdateTableRequest u;
                 u.table_name = "Orders";
                 dynamo::GlobalSecondaryIndexUpdate drop;
                 drop.delete_index = dynamo::DeleteGlobalSecondaryIndexAction{"ByOwner"};
                 u.global_secondary_index_updates.push_back(drop);
                 CRASH_TEST_OK(db.UpdateTable(u));
               },
               {CrashPoint::kGsiDeleted},
               CrashPoint::kGsiDeleted});
  const std::vector<CrashPoint> restore_points = {
      CrashPoint::kRestoreReserved, CrashPoint::kBulkLoadIngested, CrashPoint::kRestorePublished};
  s.push_back({"pitr_restore", BuildOrders,
               [](Engine& db, ManualClock*) {
                 dynamo::RestoreTableToPointInTimeRequest r;
                 r.source_table_name = "Orders";
                 r.target_table_name = "Past";
                 r.restore_date_time = static_cast<double>(kRestoreTime) / 1e6;
                 CRASH_TEST_OK(db.RestoreTableToPointInTime(r));
               },
               restore_points, CrashPoint::kRestorePublished});
  s.push_back({"backup_restore", BuildOrdersWithBackup,
               [](Engine& db, ManualClock*) {
                 dynamo::RestoreTableFromBackupRequest r;
                 r.target_table_name = "FromBackup";
                 r.backup_arn = LatestBackupArn(db);
                 CRASH_TEST_OK(db.RestoreTableFromBackup(r));
               },
               restore_points, CrashPoint::kRestorePublished});
  s.push_back({"prefix_restore",
               BuildOrders,
               [](Engine& db, ManualClock*) {
                 dynamo::RestoreKeyPrefixToPointInTimeRequest r;
                 r.table_name = "Orders";
                 r.partition_key_prefix = "C1#";
                 r.restore_date_time = static_cast<double>(kRestoreTime) / 1e6;
                 CRASH_TEST_OK(db.RestoreKeyPrefixToPointInTime(r));
               },
               {CrashPoint::kPrefixRestoreStarted, CrashPoint::kPrefixRestoreItem,
                CrashPoint::kPrefixRestoreFinished},
               CrashPoint::kPrefixRestoreStarted});
  s.push_back({"import",
               BuildOrders,
               [](Engine& db, ManualClock*) {
                 dynamo::ImportItemsRequest import;
                 import.table_name = "Orders";
                 for (int i = 1000; i < 1040; ++i) import.items.push_back(Order(i));
                 CRASH_TEST_OK(db.ImportItems(import));
               },
               {CrashPoint::kImportFilesWritten, CrashPoint::kImportIngested},
               CrashPoint::kImportIngested});
  s.push_back({"backup_create",
               BuildOrders,
               [](Engine& db, ManualClock*) {
                 CRASH_TEST_OK(db.CreateBackup({"Orders", "nightly"}));
               },
               {CrashPoint::kBackupCheckpointed, CrashPoint::kBackupRecorded},
               CrashPoint::kBackupRecorded});
  s.push_back(
      {"backup_delete",
       BuildOrdersWithBackup,
       [](Engine& db, ManualClock*) { CRASH_TEST_OK(db.DeleteBackup({LatestBackupArn(db)})); },
       {CrashPoint::kBackupUnrecorded, CrashPoint::kBackupRemoved},
       CrashPoint::kBackupUnrecorded});
  s.push_back({"trim",
               BuildOrders,
               [](Engine& db, ManualClock* clock) {
                 clock->AdvanceMicros(40LL * 86400 * kSecond);  // past the 35-day retention
                 ASSERT_TRUE(db.TrimChangeLogs().ok());
               },
               {CrashPoint::kTrimmedTable},
               std::nullopt});
  s.push_back({"ttl_expire",
               BuildOrdersWithTtl,
               [](Engine& db, ManualClock* clock) {
                 clock->SetMicros(kStart + 3600 * kSecond);
                 CRASH_TEST_OK(db.ExpireItemsNow());
               },
               {CrashPoint::kTtlBatchDeleted},
               std::nullopt,
               false,
               /*resumable=*/true});
  s.push_back({"put",
               BuildOrders,
               [](Engine& db, ManualClock*) {
                 CRASH_TEST_OK(db.PutItem({"Orders", Order(5000)}));
               },
               {CrashPoint::kLeasePersisted},
               std::nullopt});
  const std::vector<CrashPoint> open_points = {CrashPoint::kRecoveredRestores,
                                               CrashPoint::kRecoveredBackups};
  // Recovery, killed in turn: an interrupted restore, checkpoint, prefix restore, backfill.
  s.push_back({"recover_restore", Interrupted("pitr_restore", CrashPoint::kBulkLoadIngested), NoOp,
               open_points, std::nullopt, true});
  s.push_back({"recover_backup", Interrupted("backup_create", CrashPoint::kBackupCheckpointed),
               NoOp, open_points, std::nullopt, true});
  s.push_back({"recover_prefix_restore",
               Interrupted("prefix_restore", CrashPoint::kPrefixRestoreItem, 3),
               NoOp,
               {CrashPoint::kRecoveredRestores, CrashPoint::kRecoveredBackups,
                CrashPoint::kPrefixRestoreItem, CrashPoint::kPrefixRestoreFinished},
               std::nullopt,
               true});
  s.push_back({"recover_backfill",
               Interrupted("gsi_create", CrashPoint::kGsiBackfillChunk),
               NoOp,
               {CrashPoint::kRecoveredRestores, CrashPoint::kRecoveredBackups,
                CrashPoint::kGsiBackfillChunk, CrashPoint::kGsiPublished},
               std::nullopt,
               true});
  return s;
}

}  // namespace

const std::vector<Scenario>& Scenarios() {
  static const std::vector<Scenario> scenarios = Build();
  return scenarios;
}

}  // namespace issuetracker::engine::crash_test
