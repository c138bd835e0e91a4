// Importer: the part of the engine behind ImportItems (Engine's, in import_ops.cc): many
// new items at once, through sorted SST files instead of the memtable, all or none.
// Internal.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/core.h"

namespace issuetracker::engine {

class Importer {
 public:
  explicit Importer(EngineCore& core) : core_(core) {}

  // Imports into `t` the items `next` produces (each valid until the next call; nullptr
  // ends them), all or none: ValidationException for an invalid item or duplicate keys,
  // ConditionalCheckFailedException when one exists, ItemCollectionSizeLimitExceededException
  // when an item collection would exceed the limit. Adds the write capacity to `tally`;
  // returns the number imported. The caller holds the table.
  Result<int64_t> Import(const TableDesc& t, const std::function<const dynamo::Item*()>& next,
                         WriteTally* tally);

 private:
  struct Staged;
  // One pass over the items, blocking no one: validation, the items' and index entries'
  // files, the keys and the (unstamped) change records kept back to back.
  Status Stage(const TableDesc& t, const std::function<const dynamo::Item*()>& next, Staged* staged,
               WriteTally* tally);
  // The change records stamped (one block, one date) into a file, and the statistics
  // delta into another: the ingestion's other files.
  Status WriteChangeAndStatsFiles(const TableDesc& t, Staged* staged, WriteTally* tally);
  // ConditionalCheckFailedException when any staged key exists. REQUIRES: every item lock.
  Status CheckAbsent(const TableDesc& t, const Staged& staged);
  // ItemCollectionSizeLimitExceededException when an item collection would grow past the
  // limit with the staged items. REQUIRES: every item lock.
  Status CheckCollections(const Staged& staged);

  EngineCore& core_;
};

}  // namespace issuetracker::engine
