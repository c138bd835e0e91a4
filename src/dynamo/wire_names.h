// The wire names of the DynamoDB enumerations ("HASH", "PAY_PER_REQUEST", "ALL_NEW", ...).
//
// ToWire(x) gives the name; FromWire(name, &x) parses one and returns false for an unknown
// name (callers turn that into DynamoDB's ValidationException for their field).
#pragma once

#include <string_view>

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
bool FromWire(std::string_view name, TimeToLiveStatus* v);

// The AttrType of a key attribute type.
AttrType ToAttrType(ScalarType t);

}  // namespace issuetracker::dynamo
