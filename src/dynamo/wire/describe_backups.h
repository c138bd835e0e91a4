// Wire descriptions of continuous backups (point-in-time recovery) and on-demand backups. Internal
// to the wire codec.
#pragma once

#include "dynamo/wire/describe_common.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DESCRIBE(PointInTimeRecoveryDescription, "PointInTimeRecoveryDescription") {
  v("PointInTimeRecoveryStatus", m.point_in_time_recovery_status, kAlways);
  v("RecoveryPeriodInDays", m.recovery_period_in_days);
  v("EarliestRestorableDateTime", m.earliest_restorable_date_time);
  v("LatestRestorableDateTime", m.latest_restorable_date_time);
}

IT_WIRE_DESCRIBE(ContinuousBackupsDescription, "ContinuousBackupsDescription") {
  v("ContinuousBackupsStatus", m.continuous_backups_status, kAlways);
  v("PointInTimeRecoveryDescription", m.point_in_time_recovery_description, kAlways);
}

IT_WIRE_DESCRIBE(UpdateContinuousBackupsRequest, "UpdateContinuousBackupsInput") {
  v("TableName", m.table_name, kRequired);
  v.Object("PointInTimeRecoverySpecification", true, kRequired, [&m](auto& sub) {
    sub("PointInTimeRecoveryEnabled", m.point_in_time_recovery_enabled, kRequired);
    sub("RecoveryPeriodInDays", m.recovery_period_in_days);
  });
}

IT_WIRE_DESCRIBE(UpdateContinuousBackupsResponse, "UpdateContinuousBackupsOutput") {
  v("ContinuousBackupsDescription", m.continuous_backups_description, kAlways);
}

IT_WIRE_DESCRIBE(DescribeContinuousBackupsRequest, "DescribeContinuousBackupsInput") {
  v("TableName", m.table_name, kRequired);
}

IT_WIRE_DESCRIBE(DescribeContinuousBackupsResponse, "DescribeContinuousBackupsOutput") {
  v("ContinuousBackupsDescription", m.continuous_backups_description, kAlways);
}

IT_WIRE_DESCRIBE(RestoreTableToPointInTimeRequest, "RestoreTableToPointInTimeInput") {
  v("SourceTableArn", m.source_table_arn);
  v("SourceTableName", m.source_table_name);
  v("TargetTableName", m.target_table_name, kRequired);
  v("UseLatestRestorableTime", m.use_latest_restorable_time);
  v("RestoreDateTime", m.restore_date_time);
  DescribeOverrides(v, m.overrides);
}

IT_WIRE_DESCRIBE(RestoreTableToPointInTimeResponse, "RestoreTableToPointInTimeOutput") {
  v("TableDescription", m.table_description, kAlways);
}

IT_WIRE_DESCRIBE(BackupDetails, "BackupDetails") {
  v("BackupArn", m.backup_arn, kRequired);
  v("BackupName", m.backup_name, kRequired);
  v("BackupSizeBytes", m.backup_size_bytes, kAlways);
  v("BackupStatus", m.backup_status, kRequired);
  v("BackupType", m.backup_type, kRequired);
  v("BackupCreationDateTime", m.backup_creation_date_time, kRequired);
}

IT_WIRE_DESCRIBE(SourceTableDetails, "SourceTableDetails") {
  v("TableName", m.table_name, kRequired);
  v("TableId", m.table_id, kRequired);
  v("TableArn", m.table_arn);
  v("TableSizeBytes", m.table_size_bytes, kAlways);
  v("KeySchema", m.key_schema, kRequired);
  v("TableCreationDateTime", m.table_creation_date_time, kRequired);
  v("ProvisionedThroughput", m.provisioned_throughput, kRequired);
  v("ItemCount", m.item_count, kAlways);
  v("BillingMode", m.billing_mode, kAlways);
}

IT_WIRE_DESCRIBE(BackupDescription, "BackupDescription") {
  v("BackupDetails", m.backup_details, kAlways);
  v("SourceTableDetails", m.source_table_details, kAlways);
  v.Object("SourceTableFeatureDetails",
           !m.global_secondary_indexes.empty() || !m.local_secondary_indexes.empty(), kOptional,
           [&m](auto& sub) {
             sub("LocalSecondaryIndexes", m.local_secondary_indexes);
             sub("GlobalSecondaryIndexes", m.global_secondary_indexes);
           });
}

IT_WIRE_DESCRIBE(CreateBackupRequest, "CreateBackupInput") {
  v("TableName", m.table_name, kRequired);
  v("BackupName", m.backup_name, kRequired);
}

IT_WIRE_DESCRIBE(CreateBackupResponse, "CreateBackupOutput") {
  v("BackupDetails", m.backup_details, kAlways);
}

IT_WIRE_DESCRIBE(DescribeBackupRequest, "DescribeBackupInput") {
  v("BackupArn", m.backup_arn, kRequired);
}

IT_WIRE_DESCRIBE(DescribeBackupResponse, "DescribeBackupOutput") {
  v("BackupDescription", m.backup_description, kAlways);
}

IT_WIRE_DESCRIBE(BackupSummary, "BackupSummary") {
  v("TableName", m.table_name);
  v("TableId", m.table_id);
  v("TableArn", m.table_arn);
  v("BackupArn", m.backup_arn);
  v("BackupName", m.backup_name);
  v("BackupCreationDateTime", m.backup_creation_date_time, kAlways);
  v("BackupStatus", m.backup_status, kAlways);
  v("BackupType", m.backup_type, kAlways);
  v("BackupSizeBytes", m.backup_size_bytes, kAlways);
}

IT_WIRE_DESCRIBE(ListBackupsRequest, "ListBackupsInput") {
  v("TableName", m.table_name);
  v("Limit", m.limit);
  v("TimeRangeLowerBound", m.time_range_lower_bound);
  v("TimeRangeUpperBound", m.time_range_upper_bound);
  v("ExclusiveStartBackupArn", m.exclusive_start_backup_arn);
}

IT_WIRE_DESCRIBE(ListBackupsResponse, "ListBackupsOutput") {
  v("BackupSummaries", m.backup_summaries, kAlways);
  v("LastEvaluatedBackupArn", m.last_evaluated_backup_arn);
}

IT_WIRE_DESCRIBE(DeleteBackupRequest, "DeleteBackupInput") {
  v("BackupArn", m.backup_arn, kRequired);
}

IT_WIRE_DESCRIBE(DeleteBackupResponse, "DeleteBackupOutput") {
  v("BackupDescription", m.backup_description, kAlways);
}

IT_WIRE_DESCRIBE(RestoreTableFromBackupRequest, "RestoreTableFromBackupInput") {
  v("TargetTableName", m.target_table_name, kRequired);
  v("BackupArn", m.backup_arn, kRequired);
  DescribeOverrides(v, m.overrides);
}

IT_WIRE_DESCRIBE(RestoreTableFromBackupResponse, "RestoreTableFromBackupOutput") {
  v("TableDescription", m.table_description, kAlways);
}

}  // namespace issuetracker::dynamo::wire
