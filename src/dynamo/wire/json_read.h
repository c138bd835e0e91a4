// Reading JSON values into C++ values with DynamoDB's type errors (SerializationException
// messages as DynamoDB words them, e.g. "NUMBER_VALUE cannot be converted to String").
// Internal to the wire codec.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "dynamo/wire/decode_state.h"

namespace issuetracker::dynamo::wire {

// Each returns false, after recording a type error in `state`, when `v` has the wrong type.
bool ReadString(const boost::json::value& v, std::string* out, DecodeState& state);
// Booleans also accept the strings DynamoDB converts ("true"/"1"/"yes", "false"/"0"/"no").
bool ReadBool(const boost::json::value& v, bool* out, DecodeState& state);
// `java_type` names the member's type in the message ("Integer", "Long").
bool ReadInt(const boost::json::value& v, int64_t* out, std::string_view java_type,
             DecodeState& state);
bool ReadDouble(const boost::json::value& v, double* out, DecodeState& state);
// A JSON array where a list belongs.
bool ExpectList(const boost::json::value& v, DecodeState& state);
// A JSON object where the structure `type_name` (e.g. "KeySchemaElement") belongs.
bool ExpectStruct(const boost::json::value& v, std::string_view type_name, DecodeState& state);
// A JSON object where a map of `value_type` (e.g. "String", "AttributeValue") belongs.
bool ExpectMap(const boost::json::value& v, std::string_view value_type, DecodeState& state);

}  // namespace issuetracker::dynamo::wire
