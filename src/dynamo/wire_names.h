// The wire names of the DynamoDB enumerations ("HASH", "PAY_PER_REQUEST", "ALL_NEW", ...).
//
// ToWire(x) gives the name; FromWire(name, &x) parses one and returns false for an unknown
// name (callers turn that into DynamoDB's ValidationException for their field);
// WireNames(x) lists every name of x's enumeration, in enumerator order (for the
// "Member must satisfy enum value set: [...]" message).
#pragma once

#include <span>
#include <string_view>

#include "dynamo/backup_types.h"
#include "dynamo/types.h"

namespace issuetracker::dynamo {

std::string_view ToWire(KeyType v);
std::string_view ToWire(ScalarType v);
std::string_view ToWire(ProjectionType v);
std::string_view ToWire(BillingMode v);
std::string_view ToWire(TableStatus v);
std::string_view ToWire(IndexStatus v);
std::string_view ToWire(TableClass v);
std::string_view ToWire(StreamViewType v);
std::string_view ToWire(SseType v);
std::string_view ToWire(ReturnValue v);
std::string_view ToWire(ReturnConsumedCapacity v);
std::string_view ToWire(ReturnItemCollectionMetrics v);
std::string_view ToWire(ReturnValuesOnConditionCheckFailure v);
std::string_view ToWire(Select v);
std::string_view ToWire(ContinuousBackupsStatus v);
std::string_view ToWire(PointInTimeRecoveryStatus v);
std::string_view ToWire(BackupStatus v);
std::string_view ToWire(BackupType v);
std::string_view ToWire(StreamStatus v);
std::string_view ToWire(ShardIteratorType v);
std::string_view ToWire(OperationType v);
std::string_view ToWire(ComparisonOperator v);
std::string_view ToWire(ConditionalOperator v);
std::string_view ToWire(AttributeAction v);
std::string_view ToWire(TimeToLiveStatus v);

bool FromWire(std::string_view name, KeyType* v);
bool FromWire(std::string_view name, ScalarType* v);
bool FromWire(std::string_view name, ProjectionType* v);
bool FromWire(std::string_view name, BillingMode* v);
bool FromWire(std::string_view name, TableStatus* v);
bool FromWire(std::string_view name, IndexStatus* v);
bool FromWire(std::string_view name, TableClass* v);
bool FromWire(std::string_view name, StreamViewType* v);
bool FromWire(std::string_view name, SseType* v);
bool FromWire(std::string_view name, ReturnValue* v);
bool FromWire(std::string_view name, ReturnConsumedCapacity* v);
bool FromWire(std::string_view name, ReturnItemCollectionMetrics* v);
bool FromWire(std::string_view name, ReturnValuesOnConditionCheckFailure* v);
bool FromWire(std::string_view name, Select* v);
bool FromWire(std::string_view name, ContinuousBackupsStatus* v);
bool FromWire(std::string_view name, PointInTimeRecoveryStatus* v);
bool FromWire(std::string_view name, BackupStatus* v);
bool FromWire(std::string_view name, BackupType* v);
bool FromWire(std::string_view name, StreamStatus* v);
bool FromWire(std::string_view name, ShardIteratorType* v);
bool FromWire(std::string_view name, OperationType* v);
bool FromWire(std::string_view name, ComparisonOperator* v);
bool FromWire(std::string_view name, ConditionalOperator* v);
bool FromWire(std::string_view name, AttributeAction* v);

std::span<const std::string_view> WireNames(KeyType v);
std::span<const std::string_view> WireNames(ScalarType v);
std::span<const std::string_view> WireNames(ProjectionType v);
std::span<const std::string_view> WireNames(BillingMode v);
std::span<const std::string_view> WireNames(TableStatus v);
std::span<const std::string_view> WireNames(IndexStatus v);
std::span<const std::string_view> WireNames(TableClass v);
std::span<const std::string_view> WireNames(StreamViewType v);
std::span<const std::string_view> WireNames(SseType v);
std::span<const std::string_view> WireNames(ReturnValue v);
std::span<const std::string_view> WireNames(ReturnConsumedCapacity v);
std::span<const std::string_view> WireNames(ReturnItemCollectionMetrics v);
std::span<const std::string_view> WireNames(ReturnValuesOnConditionCheckFailure v);
std::span<const std::string_view> WireNames(Select v);
std::span<const std::string_view> WireNames(ContinuousBackupsStatus v);
std::span<const std::string_view> WireNames(PointInTimeRecoveryStatus v);
std::span<const std::string_view> WireNames(BackupStatus v);
std::span<const std::string_view> WireNames(BackupType v);
std::span<const std::string_view> WireNames(StreamStatus v);
std::span<const std::string_view> WireNames(ShardIteratorType v);
std::span<const std::string_view> WireNames(OperationType v);
std::span<const std::string_view> WireNames(ComparisonOperator v);
std::span<const std::string_view> WireNames(ConditionalOperator v);
std::span<const std::string_view> WireNames(AttributeAction v);
std::span<const std::string_view> WireNames(TimeToLiveStatus v);
bool FromWire(std::string_view name, TimeToLiveStatus* v);

// The AttrType of a key attribute type.
AttrType ToAttrType(ScalarType t);

}  // namespace issuetracker::dynamo
