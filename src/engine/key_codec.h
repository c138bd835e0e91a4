// Keys of items and index entries in the engine's RocksDB "items" column family.
//
// persisted: do not reorder. Layout (docs/storage-format.md):
//   base item   : table_id(4, BE) 0x00           hash32(pk)(4, BE) enc(pk) [enc(sk)]
//   index entry : table_id(4, BE) index_id(1..255) hash32(gpk)(4, BE) enc(gpk) [enc(gsk)]
//                 enc(pk) [enc(sk)]
// The 32-bit hash of the partition key spreads partitions over the key space the way
// DynamoDB's partitioning does: Scan segments are contiguous hash ranges, and one
// partition's items are contiguous and ordered by sort key.
//
// enc() is order-preserving and prefix-free for the key's declared type:
//   S, B : bytes with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01
//   N    : Number::AppendOrderedKey
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "dynamo/attribute_value.h"
#include "dynamo/types.h"

namespace issuetracker::engine {

constexpr uint8_t kBaseIndexId = 0;
constexpr size_t kTablePrefixSize = 5;  // table_id + index_id
constexpr size_t kHashPrefixSize = 9;   // table_id + index_id + hash32
// The longest S or B key value: DynamoDB's partition key limit (sort keys: 1024 bytes).
constexpr size_t kMaxKeyValueBytes = 2048;

// table_id(4) index_id(1).
std::string TablePrefix(uint32_t table_id, uint8_t index_id);
// The whole range of one table (all of its indexes): table_id(4).
std::string TableIdPrefix(uint32_t table_id);

// The partition-key hash (stable across versions: XXH3-64 of the key's bytes, high half).
uint32_t PartitionHash(const dynamo::AttributeValue& partition_key);

// Appends the order-preserving, prefix-free encoding of a key value.
// REQUIRES: v is S, N or B.
void AppendKeyValue(const dynamo::AttributeValue& v, std::string* out);
// Appends the escaped bytes of a string or binary without the terminator (for prefixes:
// begins_with bounds).
void AppendKeyPrefix(std::string_view bytes, std::string* out);
// Decodes one AppendKeyValue encoding of the given type from the front of *in and advances
// *in past it. Corruption (and *in unchanged) on anything a stored key cannot hold: a bad
// escape, no terminator, an empty or over-long (kMaxKeyValueBytes) S or B, a number
// Number::DecodeOrderedKey rejects. A decoded value encodes back to the bytes consumed.
Result<dynamo::AttributeValue> DecodeKeyValue(dynamo::ScalarType type, std::string_view* in);

// table_id index_id hash(pk) enc(pk): the prefix of every key of one partition.
std::string PartitionPrefix(uint32_t table_id, uint8_t index_id, const dynamo::AttributeValue& pk);
void AppendPartitionPrefix(uint32_t table_id, uint8_t index_id, const dynamo::AttributeValue& pk,
                           std::string* out);
// Bytes to reserve for AppendKeyValue(v) (usually enough; never required).
size_t KeyValueSizeHint(const dynamo::AttributeValue& v);

// The key range [*lower, *upper) of segment `segment` of `segments` of one table's index:
// a contiguous range of the partition hash (Scan's Segment/TotalSegments, parallel
// restores). REQUIRES: 0 <= segment < segments.
void HashSegmentBounds(uint32_t table_id, uint8_t index_id, int64_t segment, int64_t segments,
                       std::string* lower, std::string* upper);

// The smallest string greater than every string with the given prefix ("" if none).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace issuetracker::engine
