// Power loss, not only process death: the engine runs on a file system that, at a simulated
// crash, drops every write not yet synced (tests/power_loss_fs.h). With sync_writes every
// acknowledged write survives; without it, what survives is what docs/engine.md says.
#include "engine/engine.h"
#include "tests/pitr_model.h"
#include "tests/power_loss_fs.h"
#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

constexpr int64_t kStart = 1700000000LL * 1000000;

class PowerLossTest : public ::testing::Test {
 protected:
  std::unique_ptr<engine::Engine> Open(bool sync_writes) {
    engine::EngineOptions options;
    options.path = dir_.path() + "/db";
    options.sync_writes = sync_writes;
    options.block_cache_bytes = 8u << 20;
    options.env = &env_;
    auto e = engine::Engine::Open(options);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? std::move(e).value() : nullptr;
  }
  // Cuts the power under an open engine, closes it (nothing it writes then reaches the
  // disk) and throws away everything that was not durable.
  void LosePower(std::unique_ptr<engine::Engine>* db) {
    fs_->CutPower();
    db->reset();
    ASSERT_STATUS_OK(fs_->DropUnsyncedData());
  }
  std::optional<Item> Get(engine::Engine& db, const std::string& id) {
    dynamo::GetItemRequest get{"Issues", MakeItem({{"company_issue_id", S(id)}})};
    auto got = db.GetItem(get);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? got->item : std::nullopt;
  }
  // The table and every index agree, and the statistics are exact.
  void ExpectConsistent(engine::Engine& db) {
    auto described = db.DescribeTable({"Issues"});
    ASSERT_OK(described);
    const auto items = ScanAll(db, "Issues");
    EXPECT_EQ(described->table.item_count, static_cast<int64_t>(items.size()));
    for (const auto& g : described->table.global_secondary_indexes) {
      EXPECT_EQ(g.index_status, dynamo::IndexStatus::kActive);
      size_t expected = 0;
      for (const auto& [k, item] : items) {
        bool has_keys = true;
        for (const auto& key : g.key_schema) has_keys &= item.contains(key.attribute_name);
        expected += has_keys;
      }
      EXPECT_EQ(ScanAll(db, "Issues", g.index_name).size(), expected) << g.index_name;
      EXPECT_EQ(g.item_count, static_cast<int64_t>(expected)) << g.index_name;
    }
  }
  static Item Issue(int i) {
    return MakeItem({{"company_issue_id", S("C#" + std::to_string(i))},
                     {"company_id", S("C" + std::to_string(i % 3))},
                     {"status", S(i % 2 ? "Open" : "Closed")},
                     {"title", S("issue " + std::to_string(i))}});
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  std::shared_ptr<PowerLossFileSystem> fs_ = std::make_shared<PowerLossFileSystem>();
  engine::CustomEnv env_{&clock_, fs_};
};

TEST_F(PowerLossTest, WithSyncWritesEveryAcknowledgedWriteSurvives) {
  auto db = Open(/*sync_writes=*/true);
  ASSERT_TRUE(db);
  ASSERT_OK(db->CreateTable(IssuesPooledRequest("Issues")));
  dynamo::UpdateContinuousBackupsRequest pitr{"Issues", true, std::nullopt};
  ASSERT_OK(db->UpdateContinuousBackups(pitr));
  std::map<std::string, Item> expected;
  for (int i = 0; i < 60; ++i) {
    clock_.AdvanceMicros(1000);
    ASSERT_OK(db->PutItem({"Issues", Issue(i)}));
    expected[std::to_string(i)] = Issue(i);
  }
  for (int i = 0; i < 10; ++i) {  // updates and deletes
    dynamo::UpdateItemRequest u;
    u.table_name = "Issues";
    u.key = MakeItem({{"company_issue_id", S("C#" + std::to_string(i))}});
    u.update_expression = "SET #s = :s";
    u.expression_attribute_names = {{"#s", "status"}};
    u.expression_attribute_values = {{":s", S("Resolved")}};
    ASSERT_OK(db->UpdateItem(u));
    expected[std::to_string(i)]["status"] = S("Resolved");
    dynamo::DeleteItemRequest d;
    d.table_name = "Issues";
    d.key = MakeItem({{"company_issue_id", S("C#" + std::to_string(50 + i))}});
    ASSERT_OK(db->DeleteItem(d));
    expected.erase(std::to_string(50 + i));
  }
  dynamo::TransactWriteItemsRequest tx;
  for (int i = 100; i < 105; ++i) {
    tx.transact_items.emplace_back();
    tx.transact_items.back().put = dynamo::TransactPut{"Issues", Issue(i)};
    expected[std::to_string(i)] = Issue(i);
  }
  ASSERT_OK(db->TransactWriteItems(tx));
  dynamo::ImportItemsRequest import{"Issues", {}, nullptr};
  for (int i = 200; i < 240; ++i) {
    import.items.push_back(Issue(i));
    expected[std::to_string(i)] = Issue(i);
  }
  ASSERT_OK(db->ImportItems(import));
  // A new index, backfilled and published before the power goes.
  dynamo::UpdateTableRequest add;
  add.table_name = "Issues";
  add.attribute_definitions = {{"title", dynamo::ScalarType::kS}};
  add.global_secondary_index_updates.push_back(
      {dynamo::CreateGlobalSecondaryIndexAction{"ByTitle",
                                                {{"title", dynamo::KeyType::kHash}},
                                                {dynamo::ProjectionType::kKeysOnly, {}},
                                                std::nullopt},
       std::nullopt, std::nullopt});
  ASSERT_OK(db->UpdateTable(add));
  db->WaitForBackgroundWork();
  ASSERT_NO_FATAL_FAILURE(LosePower(&db));

  db = Open(/*sync_writes=*/true);
  ASSERT_TRUE(db);
  for (const auto& [id, item] : expected) {
    auto got = Get(*db, item.at("company_issue_id").s());
    ASSERT_TRUE(got.has_value()) << "acknowledged item " << id << " lost";
    EXPECT_EQ(*got, item);
  }
  EXPECT_EQ(ScanAll(*db, "Issues").size(), expected.size());
  ASSERT_NO_FATAL_FAILURE(ExpectConsistent(*db));
  EXPECT_EQ(ScanAll(*db, "Issues", "ByTitle").size(), expected.size());
  // And the change log: a restore to the latest time is the table.
  dynamo::RestoreTableToPointInTimeRequest restore;
  restore.source_table_name = "Issues";
  restore.target_table_name = "Recovered";
  restore.use_latest_restorable_time = true;
  ASSERT_OK(db->RestoreTableToPointInTime(restore));
  EXPECT_EQ(ScanAll(*db, "Recovered"), ScanAll(*db, "Issues"));
}

TEST_F(PowerLossTest, WithoutSyncWritesALossKeepsWholeWritesInOrderAndBulkOperations) {
  auto db = Open(/*sync_writes=*/false);
  ASSERT_TRUE(db);
  ASSERT_OK(db->CreateTable(IssuesPooledRequest("Issues")));
  db.reset();  // a clean close: the table is durable
  db = Open(/*sync_writes=*/false);
  for (int i = 0; i < 100; ++i) ASSERT_OK(db->PutItem({"Issues", Issue(i)}));
  dynamo::ImportItemsRequest import{"Issues", {}, nullptr};
  for (int i = 1000; i < 1040; ++i) import.items.push_back(Issue(i));
  ASSERT_OK(db->ImportItems(import));
  auto backup = db->CreateBackup({"Issues", "before-the-storm"});
  ASSERT_OK(backup);
  ASSERT_OK(db->RestoreTableFromBackup({"Restored", backup->backup_details.backup_arn, {}}));
  for (int i = 100; i < 200; ++i) ASSERT_OK(db->PutItem({"Issues", Issue(i)}));
  ASSERT_NO_FATAL_FAILURE(LosePower(&db));
  EXPECT_GT(fs_->dropped_bytes(), 0u) << "nothing was unsynced: the test proves nothing";

  db = Open(/*sync_writes=*/false);
  ASSERT_TRUE(db);
  // The import is durable once acknowledged: its files and manifest entry are synced.
  for (int i = 1000; i < 1040; ++i)
    EXPECT_TRUE(Get(*db, "C#" + std::to_string(i)).has_value()) << "imported item " << i;
  // So are backups and restores into new tables.
  auto backups = db->ListBackups({});
  ASSERT_OK(backups);
  ASSERT_EQ(backups->backup_summaries.size(), 1u);
  EXPECT_EQ(ScanAll(*db, "Restored").size(), 140u);
  ASSERT_OK(db->RestoreTableFromBackup({"Again", backups->backup_summaries[0].backup_arn, {}}));
  EXPECT_EQ(ScanAll(*db, "Again").size(), 140u);
  // Of the other writes, some were lost, and what survived is a prefix: no write survived
  // an earlier one that was lost.
  int survived = 0;
  while (survived < 200 && Get(*db, "C#" + std::to_string(survived)).has_value()) ++survived;
  EXPECT_LT(survived, 200) << "the unsynced tail survived: the power loss dropped nothing";
  for (int i = survived; i < 200; ++i)
    EXPECT_FALSE(Get(*db, "C#" + std::to_string(i)).has_value())
        << "write " << i << " out of order";
  ASSERT_NO_FATAL_FAILURE(ExpectConsistent(*db));
}

}  // namespace
}  // namespace issuetracker::testing
