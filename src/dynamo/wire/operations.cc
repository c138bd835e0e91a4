#include <array>

#include "dynamo/wire/codec.h"

namespace issuetracker::dynamo::wire {
namespace {

// In Operation order: each operation's X-Amz-Target.
constexpr std::array<std::string_view, kOperationCount> kTargets = {
    "DynamoDB_20120810.CreateTable",
    "DynamoDB_20120810.DescribeTable",
    "DynamoDB_20120810.ListTables",
    "DynamoDB_20120810.DeleteTable",
    "DynamoDB_20120810.UpdateTable",
    "DynamoDB_20120810.TagResource",
    "DynamoDB_20120810.UntagResource",
    "DynamoDB_20120810.ListTagsOfResource",
    "DynamoDB_20120810.PutItem",
    "DynamoDB_20120810.GetItem",
    "DynamoDB_20120810.UpdateItem",
    "DynamoDB_20120810.DeleteItem",
    "DynamoDB_20120810.Query",
    "DynamoDB_20120810.Scan",
    "DynamoDB_20120810.BatchGetItem",
    "DynamoDB_20120810.BatchWriteItem",
    "DynamoDB_20120810.TransactWriteItems",
    "DynamoDB_20120810.TransactGetItems",
    "DynamoDB_20120810.UpdateContinuousBackups",
    "DynamoDB_20120810.DescribeContinuousBackups",
    "DynamoDB_20120810.RestoreTableToPointInTime",
    "DynamoDB_20120810.CreateBackup",
    "DynamoDB_20120810.DescribeBackup",
    "DynamoDB_20120810.ListBackups",
    "DynamoDB_20120810.DeleteBackup",
    "DynamoDB_20120810.RestoreTableFromBackup",
    "DynamoDBStreams_20120810.ListStreams",
    "DynamoDBStreams_20120810.DescribeStream",
    "DynamoDBStreams_20120810.GetShardIterator",
    "DynamoDBStreams_20120810.GetRecords",
    "DynamoDB_20120810.ExecuteStatement",
    "DynamoDB_20120810.BatchExecuteStatement",
    "DynamoDB_20120810.ExecuteTransaction",
    "DynamoDB_20120810.UpdateTimeToLive",
    "DynamoDB_20120810.DescribeTimeToLive",
    "DynamoDB_20120810.DescribeLimits",
    "DynamoDB_20120810.DescribeEndpoints",
};

// DynamoDB_20120810 operations of the API Reference that are not in kTargets. An operation
// that becomes implemented moves to kTargets (ParseTarget looks there first).
constexpr std::string_view kUnsupported[] = {
    "CreateGlobalTable",
    "DeleteResourcePolicy",
    "DescribeContributorInsights",
    "DescribeExport",
    "DescribeGlobalTable",
    "DescribeGlobalTableSettings",
    "DescribeImport",
    "DescribeKinesisStreamingDestination",
    "DescribeTableReplicaAutoScaling",
    "DisableKinesisStreamingDestination",
    "EnableKinesisStreamingDestination",
    "ExportTableToPointInTime",
    "GetResourcePolicy",
    "ImportTable",
    "ListContributorInsights",
    "ListExports",
    "ListGlobalTables",
    "ListImports",
    "PutResourcePolicy",
    "UpdateContributorInsights",
    "UpdateGlobalTable",
    "UpdateGlobalTableSettings",
    "UpdateKinesisStreamingDestination",
    "UpdateTableReplicaAutoScaling",
};

}  // namespace

std::string_view Target(Operation op) { return kTargets[static_cast<size_t>(op)]; }

std::string_view OperationName(Operation op) {
  std::string_view target = Target(op);
  return target.substr(target.find('.') + 1);
}

bool IsStreamsOperation(Operation op) {
  return op >= Operation::kListStreams && op <= Operation::kGetRecords;
}

std::span<const std::string_view> UnsupportedOperations() { return kUnsupported; }

Result<Operation> ParseTarget(std::string_view target) {
  for (size_t i = 0; i < kTargets.size(); ++i) {
    if (kTargets[i] == target) return static_cast<Operation>(i);
  }
  constexpr std::string_view kPrefix = "DynamoDB_20120810.";
  if (target.starts_with(kPrefix)) {
    const std::string_view name = target.substr(kPrefix.size());
    for (std::string_view unsupported : kUnsupported) {
      if (unsupported == name) {
        return Status(Code::kUnknownOperation, "The operation " + std::string(name) +
                                                   " is not supported by this implementation");
      }
    }
  }
  return Status(Code::kUnknownOperation,
                "Unknown operation (X-Amz-Target: " + std::string(target.substr(0, 128)) + ")");
}

}  // namespace issuetracker::dynamo::wire
