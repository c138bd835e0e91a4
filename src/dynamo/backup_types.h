// The DynamoDB API as C++ types, continued: on-demand backups, point-in-time restores and
// the DynamoDB Streams read API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dynamo/types.h"

namespace issuetracker::dynamo {

// ------------------------------------------------------------------------- restores

// Overrides a restore may apply to the restored table (DynamoDB's *Override fields).
struct RestoreOverrides {
  std::optional<BillingMode> billing_mode_override;
  // When set, exactly these GSIs are created on the restored table (an empty list drops
  // them all); when absent, the source's GSIs are.
  std::optional<std::vector<GlobalSecondaryIndex>> global_secondary_index_override;
  std::optional<ProvisionedThroughput> provisioned_throughput_override;
  std::optional<SseSpecification> sse_specification_override;
  // When set, exactly these LSIs are created on the restored table; when absent, the
  // source's are.
  std::optional<std::vector<LocalSecondaryIndex>> local_secondary_index_override;
};

struct RestoreTableToPointInTimeRequest {
  std::optional<std::string> source_table_name;
  std::optional<std::string> source_table_arn;
  std::string target_table_name;
  bool use_latest_restorable_time = false;
  std::optional<double> restore_date_time;  // seconds since epoch
  RestoreOverrides overrides;
};
struct RestoreTableToPointInTimeResponse {
  TableDescription table_description;
};

// -------------------------------------------------------------------------- backups

enum class BackupStatus : uint8_t { kCreating, kDeleted, kAvailable };
enum class BackupType : uint8_t { kUser, kSystem, kAwsBackup };

struct BackupDetails {
  std::string backup_arn;
  std::string backup_name;
  int64_t backup_size_bytes = 0;
  BackupStatus backup_status = BackupStatus::kAvailable;
  BackupType backup_type = BackupType::kUser;
  double backup_creation_date_time = 0;
};

struct SourceTableDetails {
  std::string table_name;
  std::string table_id;
  std::string table_arn;
  std::vector<KeySchemaElement> key_schema;
  double table_creation_date_time = 0;
  ProvisionedThroughput provisioned_throughput;
  int64_t item_count = 0;
  int64_t table_size_bytes = 0;
  BillingMode billing_mode = BillingMode::kProvisioned;
};

struct BackupDescription {
  BackupDetails backup_details;
  SourceTableDetails source_table_details;
  std::vector<GlobalSecondaryIndexDescription> global_secondary_indexes;  // source's
  std::vector<LocalSecondaryIndexDescription> local_secondary_indexes;    // source's
};

struct CreateBackupRequest {
  std::string table_name;
  std::string backup_name;
};
struct CreateBackupResponse {
  BackupDetails backup_details;
};
struct DescribeBackupRequest {
  std::string backup_arn;
};
struct DescribeBackupResponse {
  BackupDescription backup_description;
};
struct DeleteBackupRequest {
  std::string backup_arn;
};
struct DeleteBackupResponse {
  BackupDescription backup_description;
};

struct BackupSummary {
  std::string table_name;
  std::string table_id;
  std::string table_arn;
  std::string backup_arn;
  std::string backup_name;
  double backup_creation_date_time = 0;
  BackupStatus backup_status = BackupStatus::kAvailable;
  BackupType backup_type = BackupType::kUser;
  int64_t backup_size_bytes = 0;
};
struct ListBackupsRequest {
  std::optional<std::string> table_name;
  std::optional<int32_t> limit;  // 1..100
  std::optional<double> time_range_lower_bound;
  std::optional<double> time_range_upper_bound;
  std::optional<std::string> exclusive_start_backup_arn;
};
struct ListBackupsResponse {
  std::vector<BackupSummary> backup_summaries;
  std::optional<std::string> last_evaluated_backup_arn;
};

struct RestoreTableFromBackupRequest {
  std::string target_table_name;
  std::string backup_arn;
  RestoreOverrides overrides;
};
struct RestoreTableFromBackupResponse {
  TableDescription table_description;
};

// -------------------------------------------------------------------------- streams

enum class StreamStatus : uint8_t { kEnabling, kEnabled, kDisabling, kDisabled };
enum class ShardIteratorType : uint8_t {
  kTrimHorizon,
  kLatest,
  kAtSequenceNumber,
  kAfterSequenceNumber
};
enum class OperationType : uint8_t { kInsert, kModify, kRemove };

struct StreamSummary {
  std::string stream_arn;
  std::string table_name;
  std::string stream_label;
};
struct ListStreamsRequest {
  std::optional<std::string> table_name;
  std::optional<int32_t> limit;  // 1..100
  std::optional<std::string> exclusive_start_stream_arn;
};
struct ListStreamsResponse {
  std::vector<StreamSummary> streams;
  std::optional<std::string> last_evaluated_stream_arn;
};

struct SequenceNumberRange {
  std::optional<std::string> starting_sequence_number;
  std::optional<std::string> ending_sequence_number;
};
struct Shard {
  std::string shard_id;
  SequenceNumberRange sequence_number_range;
  std::optional<std::string> parent_shard_id;
};
struct StreamDescription {
  std::string stream_arn;
  std::string stream_label;
  StreamStatus stream_status = StreamStatus::kEnabled;
  StreamViewType stream_view_type = StreamViewType::kNewAndOldImages;
  double creation_request_date_time = 0;
  std::string table_name;
  std::vector<KeySchemaElement> key_schema;
  std::vector<Shard> shards;
  std::optional<std::string> last_evaluated_shard_id;
};
struct DescribeStreamRequest {
  std::string stream_arn;
  std::optional<int32_t> limit;
  std::optional<std::string> exclusive_start_shard_id;
};
struct DescribeStreamResponse {
  StreamDescription stream_description;
};

struct GetShardIteratorRequest {
  std::string stream_arn;
  std::string shard_id;
  ShardIteratorType shard_iterator_type = ShardIteratorType::kTrimHorizon;
  std::optional<std::string> sequence_number;
};
struct GetShardIteratorResponse {
  std::optional<std::string> shard_iterator;
};

struct StreamRecordData {
  double approximate_creation_date_time = 0;
  Item keys;
  std::optional<Item> new_image;
  std::optional<Item> old_image;
  std::string sequence_number;
  int64_t size_bytes = 0;
  StreamViewType stream_view_type = StreamViewType::kNewAndOldImages;
};
struct StreamRecord {
  std::string event_id;
  OperationType event_name = OperationType::kInsert;
  std::string event_version = "1.1";
  std::string event_source = "aws:dynamodb";
  std::string aws_region;
  StreamRecordData dynamodb;
  // Set on deletions made by the service itself (time to live): Type "Service",
  // PrincipalId "dynamodb.amazonaws.com".
  struct Identity {
    std::string type;
    std::string principal_id;
  };
  std::optional<Identity> user_identity;
};
struct GetRecordsRequest {
  std::string shard_iterator;
  std::optional<int32_t> limit;  // 1..1000
};
struct GetRecordsResponse {
  std::vector<StreamRecord> records;
  std::optional<std::string> next_shard_iterator;  // absent once a closed shard is drained
};

}  // namespace issuetracker::dynamo
