#include "dynamo/wire_names.h"

#include <array>
#include <cstddef>

namespace issuetracker::dynamo {
namespace {

// Each table lists the wire names in enumerator order.
constexpr std::array<std::string_view, 2> kKeyType = {"HASH", "RANGE"};
constexpr std::array<std::string_view, 3> kScalarType = {"S", "N", "B"};
constexpr std::array<std::string_view, 3> kProjectionType = {"ALL", "KEYS_ONLY", "INCLUDE"};
constexpr std::array<std::string_view, 2> kBillingMode = {"PROVISIONED", "PAY_PER_REQUEST"};
constexpr std::array<std::string_view, 6> kTableStatus = {"CREATING", "UPDATING",  "DELETING",
                                                          "ACTIVE",   "ARCHIVING", "ARCHIVED"};
constexpr std::array<std::string_view, 4> kIndexStatus = {"CREATING", "UPDATING", "DELETING",
                                                          "ACTIVE"};
constexpr std::array<std::string_view, 2> kTableClass = {"STANDARD", "STANDARD_INFREQUENT_ACCESS"};
constexpr std::array<std::string_view, 4> kStreamViewType = {"KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE",
                                                             "NEW_AND_OLD_IMAGES"};
constexpr std::array<std::string_view, 2> kSseType = {"AES256", "KMS"};
constexpr std::array<std::string_view, 5> kReturnValue = {"NONE", "ALL_OLD", "UPDATED_OLD",
                                                          "ALL_NEW", "UPDATED_NEW"};
constexpr std::array<std::string_view, 3> kReturnConsumedCapacity = {"NONE", "TOTAL", "INDEXES"};
constexpr std::array<std::string_view, 2> kReturnItemCollectionMetrics = {"NONE", "SIZE"};
constexpr std::array<std::string_view, 2> kReturnValuesOnCcf = {"NONE", "ALL_OLD"};
constexpr std::array<std::string_view, 4> kSelect = {"ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES",
                                                     "SPECIFIC_ATTRIBUTES", "COUNT"};
constexpr std::array<std::string_view, 2> kContinuousBackupsStatus = {"ENABLED", "DISABLED"};
constexpr std::array<std::string_view, 2> kPointInTimeRecoveryStatus = {"ENABLED", "DISABLED"};
constexpr std::array<std::string_view, 3> kBackupStatus = {"CREATING", "DELETED", "AVAILABLE"};
constexpr std::array<std::string_view, 3> kBackupType = {"USER", "SYSTEM", "AWS_BACKUP"};
constexpr std::array<std::string_view, 4> kStreamStatus = {"ENABLING", "ENABLED", "DISABLING",
                                                           "DISABLED"};
constexpr std::array<std::string_view, 4> kShardIteratorType = {
    "TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"};
constexpr std::array<std::string_view, 3> kOperationType = {"INSERT", "MODIFY", "REMOVE"};
constexpr std::array<std::string_view, 13> kComparisonOperator = {
    "IN",       "NULL", "BETWEEN", "LT",          "NOT_CONTAINS", "EQ",      "GT",
    "NOT_NULL", "NE",   "LE",      "BEGINS_WITH", "GE",           "CONTAINS"};
constexpr std::array<std::string_view, 2> kConditionalOperator = {"AND", "OR"};
constexpr std::array<std::string_view, 3> kAttributeAction = {"ADD", "PUT", "DELETE"};
constexpr std::array<std::string_view, 4> kTimeToLiveStatus = {"ENABLING", "DISABLING", "ENABLED",
                                                               "DISABLED"};

template <typename E, size_t N>
std::string_view Name(const std::array<std::string_view, N>& names, E v) {
  return names[static_cast<size_t>(v)];
}

template <typename E, size_t N>
bool Parse(const std::array<std::string_view, N>& names, std::string_view name, E* v) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) {
      *v = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

}  // namespace

#define IT_WIRE_ENUM(Type, table)                                                 \
  std::string_view ToWire(Type v) { return Name(table, v); }                      \
  bool FromWire(std::string_view name, Type* v) { return Parse(table, name, v); } \
  std::span<const std::string_view> WireNames(Type) { return table; }

IT_WIRE_ENUM(KeyType, kKeyType)
IT_WIRE_ENUM(ScalarType, kScalarType)
IT_WIRE_ENUM(ProjectionType, kProjectionType)
IT_WIRE_ENUM(BillingMode, kBillingMode)
IT_WIRE_ENUM(TableStatus, kTableStatus)
IT_WIRE_ENUM(IndexStatus, kIndexStatus)
IT_WIRE_ENUM(TableClass, kTableClass)
IT_WIRE_ENUM(StreamViewType, kStreamViewType)
IT_WIRE_ENUM(SseType, kSseType)
IT_WIRE_ENUM(ReturnValue, kReturnValue)
IT_WIRE_ENUM(ReturnConsumedCapacity, kReturnConsumedCapacity)
IT_WIRE_ENUM(ReturnItemCollectionMetrics, kReturnItemCollectionMetrics)
IT_WIRE_ENUM(ReturnValuesOnConditionCheckFailure, kReturnValuesOnCcf)
IT_WIRE_ENUM(Select, kSelect)
IT_WIRE_ENUM(ContinuousBackupsStatus, kContinuousBackupsStatus)
IT_WIRE_ENUM(PointInTimeRecoveryStatus, kPointInTimeRecoveryStatus)
IT_WIRE_ENUM(BackupStatus, kBackupStatus)
IT_WIRE_ENUM(BackupType, kBackupType)
IT_WIRE_ENUM(StreamStatus, kStreamStatus)
IT_WIRE_ENUM(ShardIteratorType, kShardIteratorType)
IT_WIRE_ENUM(OperationType, kOperationType)
IT_WIRE_ENUM(ComparisonOperator, kComparisonOperator)
IT_WIRE_ENUM(ConditionalOperator, kConditionalOperator)
IT_WIRE_ENUM(AttributeAction, kAttributeAction)
IT_WIRE_ENUM(TimeToLiveStatus, kTimeToLiveStatus)

#undef IT_WIRE_ENUM

AttrType ToAttrType(ScalarType t) {
  switch (t) {
    case ScalarType::kS:
      return AttrType::kS;
    case ScalarType::kN:
      return AttrType::kN;
    case ScalarType::kB:
      return AttrType::kB;
  }
  return AttrType::kS;
}

}  // namespace issuetracker::dynamo
