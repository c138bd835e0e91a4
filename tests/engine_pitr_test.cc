// Point-in-time recovery, backups and streams of the embedded engine, with a manual
// clock: model-based restore checks (whole table and per-prefix), retention trimming,
// restores under concurrent writes, backup consistency, stream order and iterators,
// and the change log across a kill.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "common/clock.h"
#include "engine/engine.h"
#include "tests/child_process.h"
#include "tests/pitr_model.h"
#include "tests/suite_util.h"

namespace issuetracker::testing {
namespace {

using dynamo::ScalarType;

class PitrTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open(int64_t pitr_retention_seconds = 35LL * 86400) {
    db_.reset();
    engine::EngineOptions options;
    options.path = dir_.path() + "/db";
    options.env = &env_;
    options.block_cache_bytes = 8u << 20;
    options.pitr_retention_seconds = pitr_retention_seconds;
    options.stream_retention_seconds = 3600;
    auto e = engine::Engine::Open(options);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    db_ = std::move(e).value();
  }
  void CreateTracked(const std::string& name, bool stream = false) {
    ASSERT_NO_FATAL_FAILURE(CreateTrackedTable(*db_, name, stream));
  }
  std::map<std::string, Item> ScanAll(const std::string& table,
                                      std::optional<std::string> index = std::nullopt) {
    return testing::ScanAll(*db_, table, std::move(index));
  }

  ManualClock clock_{kPitrStart};
  engine::CustomEnv env_{&clock_};
  TempDir dir_;
  std::unique_ptr<engine::Engine> db_;
};

TEST_F(PitrTest, RestoresMatchTheModelAtRandomTimes) {
  CreateTracked("Issues");
  std::mt19937 rng(1234);
  PitrModel model;
  // Items written before PITR is turned on are part of the base state.
  const int64_t enabled = clock_.NowMicros();
  RandomWrites(*db_, clock_, model, "Issues", 3000, rng);
  auto window = db_->DescribeContinuousBackups({"Issues"});
  ASSERT_OK(window);
  const auto& pitr = window->continuous_backups_description.point_in_time_recovery_description;
  EXPECT_GE(*pitr.earliest_restorable_date_time, Seconds(enabled) - 1);
  EXPECT_DOUBLE_EQ(*pitr.latest_restorable_date_time, Seconds(clock_.NowMicros()));

  for (int i = 0; i < 12; ++i) {
    // Half-millisecond offsets keep T strictly between writes (which are >= 1 ms apart).
    const int64_t at =
        enabled + 500 +
        static_cast<int64_t>(rng() % static_cast<uint64_t>(clock_.NowMicros() - enabled));
    const std::string target = "Restored" + std::to_string(i);
    dynamo::RestoreTableToPointInTimeRequest r;
    r.source_table_name = "Issues";
    r.target_table_name = target;
    r.restore_date_time = Seconds(at);
    auto restored = db_->RestoreTableToPointInTime(r);
    ASSERT_OK(restored);
    EXPECT_EQ(restored->table_description.global_secondary_indexes.size(), 2u);
    const auto expected = model.At(at);
    EXPECT_EQ(ScanAll(target), expected) << "restore to " << at;
    EXPECT_EQ(ScanAll(target, "ByColor"), PitrModel::Index(expected, "color", false));
    EXPECT_EQ(ScanAll(target, "ByOwner"), PitrModel::Index(expected, "owner", true));
    auto d = db_->DescribeTable({target});
    ASSERT_OK(d);
    EXPECT_EQ(d->table.item_count, static_cast<int64_t>(expected.size()));
  }
  // The source is untouched.
  EXPECT_EQ(ScanAll("Issues"), model.Current());
}

TEST_F(PitrTest, PrefixRestoreTouchesOnlyThatTenant) {
  CreateTracked("Pooled");
  std::mt19937 rng(99);
  PitrModel model;
  const int64_t enabled = clock_.NowMicros();
  RandomWrites(*db_, clock_, model, "Pooled", 1500, rng);
  const int64_t at = enabled + (clock_.NowMicros() - enabled) / 2 + 500;
  RandomWrites(*db_, clock_, model, "Pooled", 1500, rng);

  // Into a new table: only C1's items, as at T.
  dynamo::RestoreKeyPrefixToPointInTimeRequest copy;
  copy.table_name = "Pooled";
  copy.partition_key_prefix = "C1#";
  copy.restore_date_time = Seconds(at);
  copy.target_table_name = "C1-copy";
  ASSERT_OK(db_->RestoreKeyPrefixToPointInTime(copy));
  EXPECT_EQ(ScanAll("C1-copy"), model.At(at, "C1#"));

  // In place: C1 goes back to T, C0 and C2 stay as they are now.
  dynamo::RestoreKeyPrefixToPointInTimeRequest live = copy;
  live.target_table_name.reset();
  clock_.AdvanceMicros(1000);
  auto restored = db_->RestoreKeyPrefixToPointInTime(live);
  ASSERT_OK(restored);
  EXPECT_GT(restored->items_restored, 0);
  auto expected = model.At(clock_.NowMicros(), "C0#");
  auto c2 = model.At(clock_.NowMicros(), "C2#");
  auto c1 = model.At(at, "C1#");
  expected.insert(c2.begin(), c2.end());
  expected.insert(c1.begin(), c1.end());
  EXPECT_EQ(ScanAll("Pooled"), expected);
  EXPECT_EQ(ScanAll("Pooled", "ByColor"), PitrModel::Index(expected, "color", false));
  EXPECT_EQ(ScanAll("Pooled", "ByOwner"), PitrModel::Index(expected, "owner", true));
  auto d = db_->DescribeTable({"Pooled"});
  ASSERT_OK(d);
  EXPECT_EQ(d->table.item_count, static_cast<int64_t>(expected.size()));
  // The in-place restore is itself recorded: restoring to just before it undoes it.
}

TEST_F(PitrTest, RestoreErrors) {
  ASSERT_OK(db_->CreateTable(TableRequest("Plain", "pk")));
  dynamo::RestoreTableToPointInTimeRequest r;
  r.source_table_name = "Plain";
  r.target_table_name = "Copy";
  r.use_latest_restorable_time = true;
  EXPECT_ERROR(db_->RestoreTableToPointInTime(r), kPointInTimeRecoveryUnavailable, "not enabled");
  CreateTracked("Tracked");
  r.source_table_name = "Tracked";
  r.target_table_name = "Plain";
  EXPECT_ERROR(db_->RestoreTableToPointInTime(r), kTableAlreadyExists,
               "Table already exists: Plain");
  r.target_table_name = "Copy";
  r.restore_date_time = Seconds(clock_.NowMicros());
  EXPECT_ERROR(db_->RestoreTableToPointInTime(r), kValidation, "Only one of");
  r.use_latest_restorable_time = false;
  r.restore_date_time = Seconds(kPitrStart - 3600LL * 1000000);
  EXPECT_ERROR(db_->RestoreTableToPointInTime(r), kInvalidRestoreTime,
               "EarliestRestorableDateTime");
  r.restore_date_time = Seconds(clock_.NowMicros() + 3600LL * 1000000);
  EXPECT_ERROR(db_->RestoreTableToPointInTime(r), kInvalidRestoreTime, "LatestRestorableDateTime");
  r.source_table_name = "Missing";
  EXPECT_ERROR(db_->RestoreTableToPointInTime(r), kTableNotFound, "Missing");
  auto describe = db_->DescribeContinuousBackups({"Missing"});
  EXPECT_ERROR(describe, kTableNotFound, "Missing");
  // GSIs can be left out of the restored table.
  r.source_table_name = "Tracked";
  r.restore_date_time.reset();
  r.use_latest_restorable_time = true;
  r.overrides.global_secondary_index_override = std::vector<dynamo::GlobalSecondaryIndex>{};
  auto restored = db_->RestoreTableToPointInTime(r);
  ASSERT_OK(restored);
  EXPECT_TRUE(restored->table_description.global_secondary_indexes.empty());
}

TEST_F(PitrTest, RetentionTrimsOldRecordsAndMovesTheWindow) {
  Open(/*pitr_retention_seconds=*/10);
  CreateTracked("Short");
  dynamo::PutItemRequest put{"Short", MakeItem({{"pk", S("a")}, {"sk", N(1)}, {"v", N(1)}})};
  ASSERT_OK(db_->PutItem(put));
  const int64_t first_write = clock_.NowMicros();
  clock_.AdvanceMicros(20LL * 1000000);
  put.item["v"] = N(2);
  ASSERT_OK(db_->PutItem(put));
  auto engine = static_cast<engine::Engine*>(db_.get());
  ASSERT_STATUS_OK(engine->TrimChangeLogs());
  auto window = db_->DescribeContinuousBackups({"Short"});
  ASSERT_OK(window);
  EXPECT_NEAR(*window->continuous_backups_description.point_in_time_recovery_description
                   .earliest_restorable_date_time,
              Seconds(clock_.NowMicros() - 10LL * 1000000), 1e-3);
  dynamo::RestoreTableToPointInTimeRequest r;
  r.source_table_name = "Short";
  r.target_table_name = "TooOld";
  r.restore_date_time = Seconds(first_write);
  EXPECT_ERROR(db_->RestoreTableToPointInTime(r), kInvalidRestoreTime, "");
  // Inside the window, the retained records still give the right answer.
  r.restore_date_time = Seconds(clock_.NowMicros() - 5LL * 1000000);
  ASSERT_OK(db_->RestoreTableToPointInTime(r));
  auto items = ScanAll("TooOld");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items.begin()->second.at("v"), N(1));
}

TEST_F(PitrTest, RestoreWhileWritesContinue) {
  CreateTracked("Busy");
  std::mt19937 rng(5);
  PitrModel model;
  RandomWrites(*db_, clock_, model, "Busy", 800, rng);
  const int64_t at = clock_.NowMicros() + 500;
  clock_.AdvanceMicros(1000);
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      dynamo::PutItemRequest put{
          "Busy",
          MakeItem({{"pk", S("W#" + std::to_string(i % 50))}, {"sk", N(0)}, {"color", S("red")}})};
      if (db_->PutItem(put).ok()) ++writes;
    }
  });
  dynamo::RestoreTableToPointInTimeRequest r;
  r.source_table_name = "Busy";
  r.target_table_name = "Calm";
  r.restore_date_time = Seconds(at);
  auto restored = db_->RestoreTableToPointInTime(r);
  while (writes < 200) std::this_thread::yield();  // the source kept taking writes
  stop = true;
  writer.join();
  ASSERT_OK(restored);
  EXPECT_EQ(ScanAll("Calm"), model.At(at));
}

TEST_F(PitrTest, BackupsAreConsistentUnderConcurrentWrites) {
  ASSERT_OK(db_->CreateTable(IssuesPooledRequest("Bank")));
  constexpr int kAccounts = 20;
  for (int i = 0; i < kAccounts; ++i) {
    dynamo::PutItemRequest put{"Bank", MakeItem({{"company_issue_id", S("A" + std::to_string(i))},
                                                 {"company_id", S("C")},
                                                 {"status", S("Open")},
                                                 {"balance", N(100)}})};
    ASSERT_OK(db_->PutItem(put));
  }
  std::atomic<bool> stop{false};
  std::thread mover([&] {
    std::mt19937 rng(3);
    while (!stop) {
      const int a = static_cast<int>(rng() % kAccounts), b = static_cast<int>(rng() % kAccounts);
      if (a == b) continue;
      dynamo::TransactWriteItemsRequest tx;
      tx.transact_items.resize(2);
      tx.transact_items[0].update =
          dynamo::TransactUpdate{"Bank",
                                 MakeItem({{"company_issue_id", S("A" + std::to_string(a))}}),
                                 "SET balance = balance - :x",
                                 std::nullopt,
                                 {},
                                 {{":x", N(1)}},
                                 {}};
      tx.transact_items[1].update =
          dynamo::TransactUpdate{"Bank",
                                 MakeItem({{"company_issue_id", S("A" + std::to_string(b))}}),
                                 "SET balance = balance + :x",
                                 std::nullopt,
                                 {},
                                 {{":x", N(1)}},
                                 {}};
      (void)db_->TransactWriteItems(tx);
    }
  });
  std::vector<std::string> arns;
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto backup = db_->CreateBackup({"Bank", "nightly-" + std::to_string(i)});
    ASSERT_OK(backup);
    EXPECT_EQ(backup->backup_details.backup_status, dynamo::BackupStatus::kAvailable);
    arns.push_back(backup->backup_details.backup_arn);
  }
  stop = true;
  mover.join();
  for (size_t i = 0; i < arns.size(); ++i) {
    dynamo::RestoreTableFromBackupRequest r;
    r.target_table_name = "FromBackup" + std::to_string(i);
    r.backup_arn = arns[i];
    ASSERT_OK(db_->RestoreTableFromBackup(r));
    int64_t sum = 0;
    for (const auto& [k, item] : ScanAll(r.target_table_name))
      sum += *item.at("balance").n().ToInt64();
    EXPECT_EQ(sum, 100 * kAccounts) << "backup " << i << " caught a transaction half-applied";
    EXPECT_EQ(ScanAll(r.target_table_name, "CompanyStatusIndex").size(),
              static_cast<size_t>(kAccounts));
  }
  auto listed = db_->ListBackups({"Bank", std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  ASSERT_OK(listed);
  ASSERT_EQ(listed->backup_summaries.size(), 3u);
  EXPECT_EQ(listed->backup_summaries[0].backup_name, "nightly-0");
  auto described = db_->DescribeBackup({arns[1]});
  ASSERT_OK(described);
  EXPECT_EQ(described->backup_description.source_table_details.table_name, "Bank");
  EXPECT_EQ(described->backup_description.source_table_details.item_count, kAccounts);
  auto deleted = db_->DeleteBackup({arns[1]});
  ASSERT_OK(deleted);
  EXPECT_EQ(deleted->backup_description.backup_details.backup_status,
            dynamo::BackupStatus::kDeleted);
  EXPECT_ERROR(db_->DescribeBackup({arns[1]}), kBackupNotFound, "Backup not found");
  EXPECT_ERROR(db_->CreateBackup({"Missing", "x-backup"}), kTableNotFound, "Missing");
  dynamo::RestoreTableFromBackupRequest taken{"FromBackup0", arns[0], {}};
  EXPECT_ERROR(db_->RestoreTableFromBackup(taken), kTableAlreadyExists, "FromBackup0");
}

// All records of a stream from an iterator, following NextShardIterator.
std::vector<dynamo::StreamRecord> Drain(engine::Engine& db, std::string iterator,
                                        int32_t limit = 7) {
  std::vector<dynamo::StreamRecord> out;
  for (int guard = 0; guard < 1000; ++guard) {
    dynamo::GetRecordsRequest g{iterator, limit};
    auto r = db.GetRecords(g);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) break;
    out.insert(out.end(), r->records.begin(), r->records.end());
    if (!r->next_shard_iterator || r->records.empty()) break;
    iterator = *r->next_shard_iterator;
  }
  return out;
}

TEST_F(PitrTest, StreamsDeliverOrderedRecordsForEveryIteratorType) {
  CreateTracked("Streamed", /*stream=*/true);
  auto streams = db_->ListStreams({"Streamed", std::nullopt, std::nullopt});
  ASSERT_OK(streams);
  ASSERT_EQ(streams->streams.size(), 1u);
  const std::string arn = streams->streams[0].stream_arn;
  auto described = db_->DescribeStream({arn, std::nullopt, std::nullopt});
  ASSERT_OK(described);
  EXPECT_EQ(described->stream_description.stream_status, dynamo::StreamStatus::kEnabled);
  ASSERT_EQ(described->stream_description.shards.size(), 1u);
  const std::string shard = described->stream_description.shards[0].shard_id;

  // INSERT, MODIFY, REMOVE on one item, interleaved with another item.
  const Item k1 = MakeItem({{"pk", S("one")}, {"sk", N(1)}}),
             k2 = MakeItem({{"pk", S("two")}, {"sk", N(2)}});
  for (int v = 0; v < 3; ++v) {
    clock_.AdvanceMicros(10);
    Item a = k1, b = k2;
    a.emplace("v", N(v));
    b.emplace("v", N(v));
    ASSERT_OK(db_->PutItem({"Streamed", a}));
    ASSERT_OK(db_->PutItem({"Streamed", b}));
  }
  dynamo::DeleteItemRequest del;
  del.table_name = "Streamed";
  del.key = k1;
  ASSERT_OK(db_->DeleteItem(del));
  // Writes that change nothing have no record (DynamoDB Streams writes none): the same item
  // put again, a missing item deleted, a REMOVE on a missing item.
  Item same = k2;
  same.emplace("v", N(2));
  ASSERT_OK(db_->PutItem({"Streamed", same}));
  ASSERT_OK(db_->DeleteItem(del));
  dynamo::UpdateItemRequest remove;
  remove.table_name = "Streamed";
  remove.key = k1;
  remove.update_expression = "REMOVE v";
  ASSERT_OK(db_->UpdateItem(remove));

  auto horizon =
      db_->GetShardIterator({arn, shard, dynamo::ShardIteratorType::kTrimHorizon, std::nullopt});
  ASSERT_OK(horizon);
  auto records = Drain(*db_, *horizon->shard_iterator, 2);
  ASSERT_EQ(records.size(), 7u);
  std::vector<dynamo::OperationType> one_events;
  int64_t last_v = -1;
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) {
      EXPECT_LT(records[i - 1].dynamodb.sequence_number, records[i].dynamodb.sequence_number);
    }
    if (records[i].dynamodb.keys != k1) continue;
    one_events.push_back(records[i].event_name);
    if (records[i].dynamodb.new_image) {
      const int64_t v = *records[i].dynamodb.new_image->at("v").n().ToInt64();
      EXPECT_EQ(v, last_v + 1);
      last_v = v;
    }
  }
  EXPECT_EQ(one_events, (std::vector<dynamo::OperationType>{
                            dynamo::OperationType::kInsert, dynamo::OperationType::kModify,
                            dynamo::OperationType::kModify, dynamo::OperationType::kRemove}));
  EXPECT_FALSE(records[0].dynamodb.old_image.has_value());
  EXPECT_EQ(records[2].dynamodb.old_image->at("v"), N(0));
  EXPECT_EQ(records.back().event_name, dynamo::OperationType::kRemove);
  EXPECT_EQ(records.back().dynamodb.old_image->at("v"), N(2));

  const std::string third = records[2].dynamodb.sequence_number;
  auto at =
      db_->GetShardIterator({arn, shard, dynamo::ShardIteratorType::kAtSequenceNumber, third});
  ASSERT_OK(at);
  EXPECT_EQ(Drain(*db_, *at->shard_iterator).size(), 5u);
  auto after =
      db_->GetShardIterator({arn, shard, dynamo::ShardIteratorType::kAfterSequenceNumber, third});
  ASSERT_OK(after);
  EXPECT_EQ(Drain(*db_, *after->shard_iterator).size(), 4u);
  auto latest =
      db_->GetShardIterator({arn, shard, dynamo::ShardIteratorType::kLatest, std::nullopt});
  ASSERT_OK(latest);
  dynamo::GetRecordsRequest nothing{*latest->shard_iterator, std::nullopt};
  auto empty = db_->GetRecords(nothing);
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->records.empty());
  Item c = MakeItem({{"pk", S("three")}, {"sk", N(3)}});
  ASSERT_OK(db_->PutItem({"Streamed", c}));
  auto fresh = db_->GetRecords({*empty->next_shard_iterator, std::nullopt});
  ASSERT_OK(fresh);
  ASSERT_EQ(fresh->records.size(), 1u);
  EXPECT_EQ(fresh->records[0].dynamodb.keys, c);

  EXPECT_ERROR(db_->GetShardIterator(
                   {arn, shard, dynamo::ShardIteratorType::kAtSequenceNumber, std::nullopt}),
               kValidation, "Sequence number");
  EXPECT_ERROR(db_->GetShardIterator(
                   {arn, "shardId-nope", dynamo::ShardIteratorType::kLatest, std::nullopt}),
               kResourceNotFound, "Shard");
  EXPECT_ERROR(db_->DescribeStream({arn + "x", std::nullopt, std::nullopt}), kResourceNotFound,
               "Stream");
  // Not a stream ARN at all: invalid, before any lookup (DynamoDB Streams' order).
  for (const std::string bad :
       {"sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf",
        "arn:aws:dynamodb:us-east-1:1:table/T", "arn:aws:s3:::b/stream/x"}) {
    EXPECT_ERROR(db_->DescribeStream({bad, std::nullopt, std::nullopt}), kValidation,
                 "Invalid StreamArn");
    EXPECT_ERROR(db_->GetShardIterator({bad, shard, dynamo::ShardIteratorType::kLatest, {}}),
                 kValidation, "Invalid StreamArn");
    EXPECT_ERROR(db_->ListStreams({std::nullopt, std::nullopt, bad}), kValidation,
                 "Invalid StreamArn");
  }
  // A well-formed ARN of another region names no stream here.
  EXPECT_ERROR(
      db_->DescribeStream({"arn:aws:dynamodb:eu-west-1:1:table/T/stream/2024-01-01T00:00:00.000",
                           std::nullopt, std::nullopt}),
      kResourceNotFound, "Stream");
  // Shards are listed after ExclusiveStartShardId in id order: none after the last one, or
  // after an id that sorts last.
  for (const std::string& after : {shard, std::string("zzzzzzzzzzzzzzzzzzzzzzzzsfasdgagadfadfg")}) {
    auto rest = db_->DescribeStream({arn, std::nullopt, after});
    ASSERT_TRUE(rest.ok()) << rest.status().ToString();
    EXPECT_TRUE(rest->stream_description.shards.empty()) << after;
  }
  auto from_start = db_->DescribeStream({arn, std::nullopt, std::string("aaa")});
  ASSERT_TRUE(from_start.ok());
  EXPECT_EQ(from_start->stream_description.shards.size(), 1u);
  clock_.AdvanceMicros(16LL * 60 * 1000000);
  EXPECT_ERROR(db_->GetRecords({*horizon->shard_iterator, std::nullopt}), kExpiredIterator,
               "Iterator expired");
}

TEST_F(PitrTest, StreamViewTypesAndDisabling) {
  auto r = TableRequest("Keys", "pk");
  r.stream_specification = dynamo::StreamSpecification{true, dynamo::StreamViewType::kKeysOnly};
  ASSERT_OK(db_->CreateTable(r));
  ASSERT_OK(db_->PutItem({"Keys", MakeItem({{"pk", S("a")}, {"secret", S("x")}})}));
  auto streams = db_->ListStreams({"Keys", std::nullopt, std::nullopt});
  ASSERT_OK(streams);
  const std::string arn = streams->streams.at(0).stream_arn;
  const std::string shard =
      db_->DescribeStream({arn, std::nullopt, std::nullopt})->stream_description.shards[0].shard_id;
  auto it =
      db_->GetShardIterator({arn, shard, dynamo::ShardIteratorType::kTrimHorizon, std::nullopt});
  ASSERT_OK(it);
  auto records = Drain(*db_, *it->shard_iterator);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].dynamodb.keys, MakeItem({{"pk", S("a")}}));
  EXPECT_FALSE(records[0].dynamodb.new_image.has_value());

  dynamo::UpdateTableRequest off;
  off.table_name = "Keys";
  off.stream_specification = dynamo::StreamSpecification{false, std::nullopt};
  ASSERT_OK(db_->UpdateTable(off));
  ASSERT_OK(db_->PutItem({"Keys", MakeItem({{"pk", S("b")}})}));  // not in the disabled stream
  auto disabled = db_->DescribeStream({arn, std::nullopt, std::nullopt});
  ASSERT_OK(disabled);
  EXPECT_EQ(disabled->stream_description.stream_status, dynamo::StreamStatus::kDisabled);
  it = db_->GetShardIterator({arn, shard, dynamo::ShardIteratorType::kTrimHorizon, std::nullopt});
  ASSERT_OK(it);
  auto all = db_->GetRecords({*it->shard_iterator, std::nullopt});
  ASSERT_OK(all);
  EXPECT_EQ(all->records.size(), 1u);
  EXPECT_FALSE(all->next_shard_iterator.has_value());  // closed shard, drained
}

TEST_F(PitrTest, ConcurrentReaderSeesEveryRecordOnce) {
  CreateTracked("Live", /*stream=*/true);
  auto streams = db_->ListStreams({"Live", std::nullopt, std::nullopt});
  ASSERT_OK(streams);
  const std::string arn = streams->streams.at(0).stream_arn;
  const std::string shard =
      db_->DescribeStream({arn, std::nullopt, std::nullopt})->stream_description.shards[0].shard_id;
  auto it =
      db_->GetShardIterator({arn, shard, dynamo::ShardIteratorType::kTrimHorizon, std::nullopt});
  ASSERT_OK(it);
  constexpr int kWrites = 3000;
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      for (int i = w; i < kWrites; i += 3) {
        dynamo::PutItemRequest put{
            "Live", MakeItem({{"pk", S("k" + std::to_string(i))}, {"sk", N(0)}, {"v", N(i)}})};
        EXPECT_TRUE(db_->PutItem(put).ok());
      }
    });
  }
  // Read while the writers run: a record whose write is still committing must not be
  // skipped, however the reader's polls interleave with it.
  std::set<std::string> seen;
  std::string last;
  std::string iterator = *it->shard_iterator;
  for (int polls = 0; polls < 100000 && static_cast<int>(seen.size()) < kWrites; ++polls) {
    auto r = db_->GetRecords({iterator, 100});
    ASSERT_OK(r);
    for (const auto& rec : r->records) {
      EXPECT_GT(rec.dynamodb.sequence_number, last);
      last = rec.dynamodb.sequence_number;
      EXPECT_TRUE(seen.insert(rec.dynamodb.keys.at("pk").s()).second);
    }
    iterator = *r->next_shard_iterator;
  }
  for (auto& w : writers) w.join();
  auto rest = Drain(*db_, iterator, 1000);
  for (const auto& rec : rest) EXPECT_TRUE(seen.insert(rec.dynamodb.keys.at("pk").s()).second);
  EXPECT_EQ(static_cast<int>(seen.size()), kWrites);
}

TEST_F(PitrTest, ImportedItemsAreInTheChangeLog) {
  CreateTracked("Imported", /*stream=*/true);
  ASSERT_OK(db_->PutItem({"Imported", MakeItem({{"pk", S("before")}, {"sk", N(0)}})}));
  clock_.AdvanceMicros(1000000);
  const int64_t before_import = clock_.NowMicros();
  clock_.AdvanceMicros(1000000);
  dynamo::ImportItemsRequest import;
  import.table_name = "Imported";
  for (int i = 0; i < 500; ++i)
    import.items.push_back(MakeItem({{"pk", S("i" + std::to_string(i))},
                                     {"sk", N(i)},
                                     { "color",
                                       S("red") }}));
  ASSERT_OK(db_->ImportItems(import));
  // A restore to before the import does not see it; one to now does.
  dynamo::RestoreTableToPointInTimeRequest r;
  r.source_table_name = "Imported";
  r.target_table_name = "BeforeImport";
  r.restore_date_time = Seconds(before_import);
  ASSERT_OK(db_->RestoreTableToPointInTime(r));
  EXPECT_EQ(ScanAll("BeforeImport").size(), 1u);
  r.target_table_name = "AfterImport";
  r.restore_date_time.reset();
  r.use_latest_restorable_time = true;
  ASSERT_OK(db_->RestoreTableToPointInTime(r));
  EXPECT_EQ(ScanAll("AfterImport").size(), 501u);
  EXPECT_EQ(ScanAll("AfterImport", "ByColor").size(), 500u);
  // And the stream carries one INSERT per imported item.
  auto streams = db_->ListStreams({"Imported", std::nullopt, std::nullopt});
  ASSERT_OK(streams);
  const std::string arn = streams->streams.at(0).stream_arn;
  const std::string shard =
      db_->DescribeStream({arn, std::nullopt, std::nullopt})->stream_description.shards[0].shard_id;
  auto it =
      db_->GetShardIterator({arn, shard, dynamo::ShardIteratorType::kTrimHorizon, std::nullopt});
  ASSERT_OK(it);
  auto records = Drain(*db_, *it->shard_iterator, 1000);
  ASSERT_EQ(records.size(), 501u);
  EXPECT_EQ(records.back().event_name, dynamo::OperationType::kInsert);
  EXPECT_TRUE(records.back().dynamodb.new_image.has_value());
}

// Regression: with the real clock and no write in flight, a restore to the latest time
// once waited for a stamp that could never come.
TEST(PitrRealClockTest, RestoreToLatestWithNothingInFlight) {
  TempDir dir;
  engine::EngineOptions options;
  options.path = dir.path() + "/db";
  auto db = engine::Engine::Open(options);
  ASSERT_OK(db);
  ASSERT_OK((*db)->CreateTable(TableRequest("Clocked", "pk")));
  dynamo::UpdateContinuousBackupsRequest pitr;
  pitr.table_name = "Clocked";
  pitr.point_in_time_recovery_enabled = true;
  ASSERT_OK((*db)->UpdateContinuousBackups(pitr));
  ASSERT_OK((*db)->PutItem({"Clocked", MakeItem({{"pk", S("a")}})}));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the clock moves past the last stamp
  dynamo::RestoreTableToPointInTimeRequest r;
  r.source_table_name = "Clocked";
  r.target_table_name = "Restored";
  r.use_latest_restorable_time = true;
  ASSERT_OK((*db)->RestoreTableToPointInTime(r));
  dynamo::RestoreKeyPrefixToPointInTimeRequest prefix;
  prefix.table_name = "Clocked";
  prefix.partition_key_prefix = "a";
  prefix.restore_date_time = static_cast<double>(SystemClock::Default()->NowMicros()) / 1e6;
  ASSERT_OK((*db)->RestoreKeyPrefixToPointInTime(prefix));
}

constexpr char kKillChildVariable[] = "IT_PITR_KILL_CHILD";

// Run by ChangeLogSurvivesKill in a process of its own (SpawnSelfTest); disabled, so that
// it runs only there. Puts into Crashy (the database at the path it is given) until
// killed, writing the number of each acknowledged put to the pipe.
TEST(PitrKillChild, DISABLED_PutsUntilKilled) {
  const auto args = GetSelfTestArgs(kKillChildVariable);
  ASSERT_TRUE(args) << "run by PitrTest.ChangeLogSurvivesKill only";
  engine::EngineOptions options;
  options.path = args->value;
  auto db = engine::Engine::Open(options);
  if (!db.ok()) _exit(2);
  for (int i = 0;; ++i) {
    dynamo::PutItemRequest put{
        "Crashy", MakeItem({{"pk", S("k" + std::to_string(i % 100))}, {"sk", N(0)}, {"v", N(i)}})};
    if (!(*db)->PutItem(put).ok()) _exit(3);
    if (write(args->fd, &i, sizeof(i)) != sizeof(i)) _exit(4);
  }
}

TEST_F(PitrTest, ChangeLogSurvivesKill) {
  CreateTracked("Crashy", /*stream=*/true);
  db_.reset();
  const SelfTestChild child = SpawnSelfTest("PitrKillChild.DISABLED_PutsUntilKilled",
                                            kKillChildVariable, dir_.path() + "/db");
  ASSERT_GE(child.pid, 0);
  int acked = -1, value;
  while (acked < 1500 && read(child.read_fd, &value, sizeof(value)) == sizeof(value)) acked = value;
  kill(child.pid, SIGKILL);
  waitpid(child.pid, nullptr, 0);
  while (read(child.read_fd, &value, sizeof(value)) == sizeof(value)) acked = value;
  close(child.read_fd);
  clock_.SetMicros(SystemClock::Default()->NowMicros() + 1000000);  // the child used the real clock
  Open();
  // Every acknowledged write has its change record, in order, in the stream.
  auto streams = db_->ListStreams({"Crashy", std::nullopt, std::nullopt});
  ASSERT_OK(streams);
  const std::string arn = streams->streams.at(0).stream_arn;
  const std::string shard =
      db_->DescribeStream({arn, std::nullopt, std::nullopt})->stream_description.shards[0].shard_id;
  auto it =
      db_->GetShardIterator({arn, shard, dynamo::ShardIteratorType::kTrimHorizon, std::nullopt});
  ASSERT_OK(it);
  auto records = Drain(*db_, *it->shard_iterator, 1000);
  ASSERT_GE(static_cast<int>(records.size()), acked + 1);
  for (size_t i = 0; i < records.size(); ++i)
    EXPECT_EQ(*records[i].dynamodb.new_image->at("v").n().ToInt64(), static_cast<int64_t>(i));
  // And a restore to the latest time reproduces the table exactly.
  dynamo::RestoreTableToPointInTimeRequest r;
  r.source_table_name = "Crashy";
  r.target_table_name = "Recovered";
  r.use_latest_restorable_time = true;
  ASSERT_OK(db_->RestoreTableToPointInTime(r));
  EXPECT_EQ(ScanAll("Recovered"), ScanAll("Crashy"));
}

}  // namespace
}  // namespace issuetracker::testing
