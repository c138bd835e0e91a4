// Binary encoding of items as stored in RocksDB values.
//
// persisted: do not reorder. Format (docs/storage-format.md):
//   value   := version(0x01) map
//   map     := varint32 count { varint32 name_len name value_t }*
//   value_t := tag payload, tag = AttrType (S=0 N=1 B=2 BOOL=3 NULL=4 M=5 L=6 SS=7 NS=8 BS=9)
//     S, B, N : varint32 len bytes         (N as its canonical decimal text)
//     BOOL    : one byte 0 or 1
//     NULL    : nothing
//     M       : map
//     L       : varint32 count value_t*
//     SS,NS,BS: varint32 count { varint32 len bytes }*
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "dynamo/attribute_value.h"

namespace issuetracker::engine {

// Appends the encoding of `item` to `out`.
void EncodeItem(const dynamo::Item& item, std::string* out);
std::string EncodeItem(const dynamo::Item& item);

// Decodes a whole value produced by EncodeItem for an item a write may store (validated:
// sets non-empty and without duplicates, at most dynamo::kMaxNestingLevels deep; sets
// normalised). Corruption on anything else: truncation, trailing bytes, an unknown tag, a
// varint longer than needed, a BOOL byte other than 0 or 1, a number not in its canonical
// text, names or set elements not strictly ascending, an empty set, deeper nesting. So a
// decoded item encodes back to exactly `data`. With `item_size`, also sets it to the
// item's DynamoDB size (dynamo::ItemSize), computed on the way.
Result<dynamo::Item> DecodeItem(std::string_view data, size_t* item_size = nullptr);
// The same into `*item`, replacing its contents but reusing its storage (strings, maps,
// lists): decoding rows of one shape into the same item allocates nothing. On error
// `*item` is left empty.
Status DecodeItemInto(std::string_view data, dynamo::Item* item, size_t* item_size = nullptr);

// Varint helpers shared by the engine's codecs. The getters return false on truncation and
// on any encoding but the shortest (the one the putters write).
void PutVarint32(uint32_t v, std::string* out);
bool GetVarint32(std::string_view* in, uint32_t* v);
void PutVarint64(uint64_t v, std::string* out);
bool GetVarint64(std::string_view* in, uint64_t* v);
void PutFixed32BE(uint32_t v, std::string* out);
uint32_t DecodeFixed32BE(const char* p);
void PutFixed64BE(uint64_t v, std::string* out);
uint64_t DecodeFixed64BE(const char* p);

}  // namespace issuetracker::engine
