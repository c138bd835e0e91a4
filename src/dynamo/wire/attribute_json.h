// AttributeValue and item JSON, exactly as DynamoDB writes it: {"S":"text"},
// {"N":"12.5"} (numbers as strings), {"B":"<base64>"}, {"BOOL":true}, {"NULL":true},
// {"M":{...}}, {"L":[...]}, {"SS":[...]}, {"NS":["1","2"]}, {"BS":["<base64>"]}.
// Internal to the wire codec.
#pragma once

#include <boost/json/value.hpp>

#include "dynamo/attribute_value.h"
#include "dynamo/wire/decode_state.h"
#include "dynamo/wire/json_writer.h"

namespace issuetracker::dynamo::wire {

void WriteValue(JsonWriter& w, const AttributeValue& value);
// An attribute map as a JSON object.
void WriteItem(JsonWriter& w, const AttributeMap& item);

// Decodes one AttributeValue; errors go to `state` (type errors as SerializationException,
// an empty or ambiguous value, a NULL that is not true or an invalid number as
// ValidationException, with DynamoDB's messages).
void ReadValue(const boost::json::value& json, AttributeValue* out, DecodeState& state);
// Decodes an attribute map (replacing *out).
void ReadItem(const boost::json::value& json, AttributeMap* out, DecodeState& state);

}  // namespace issuetracker::dynamo::wire
