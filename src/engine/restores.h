// Restores: the part of the engine behind point-in-time recovery and backups (Engine's
// operations in restore_ops.cc and backup_ops.cc): building a restored table, the state of
// a table at a time T, in-place key-prefix restores, and their recovery after a crash —
// interrupted restores undone, interrupted in-place restores finished, checkpoints
// without metadata removed. Internal.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "dynamo/backup_types.h"
#include "dynamo/extensions.h"
#include "engine/core.h"

namespace issuetracker::engine {

class Restores {
 public:
  explicit Restores(EngineCore& core) : core_(core) {}

  // Creates table `target_name` like `source` (with `overrides`), fills it with the items
  // `produce` emits, and publishes it only once it is complete and durable. Used by every
  // restore. TableAlreadyExistsException when the name is taken. `produce` runs once per
  // segment, on parallel threads: the call for segment `segment` of `segments` emits the
  // items of that segment (HashSegmentBounds) into the sink it is given.
  using ItemSink = std::function<Status(dynamo::Item item)>;
  using SegmentProducer =
      std::function<Status(int64_t segment, int64_t segments, const ItemSink& sink)>;
  Result<dynamo::TableDescription> RestoreIntoNewTable(const TableDesc& source,
                                                       const std::string& target_name,
                                                       const dynamo::RestoreOverrides& overrides,
                                                       const SegmentProducer& produce);

  // Emits the items of `t` (read at `snapshot`) as they were at time `at` (nullopt: as
  // they are), restricted to partition keys starting with `prefix` and to hash segment
  // `segment` of `segments`; with `absent`, also reports the keys of items there now that
  // did not exist at `at`. The caller owns the snapshot.
  Status ItemsAtTime(const TableDesc& t, std::optional<int64_t> at,
                     const rocksdb::Snapshot* snapshot, std::string_view prefix, int64_t segment,
                     int64_t segments,
                     const std::function<Status(std::string_view key, dynamo::Item item)>& sink,
                     const std::function<void(std::string_view key)>& absent = nullptr);

  // Restores, in `t`, the items under `prefix` to their state at `at`, under the marker
  // `marker_key` (written by the caller), which it drops when done. Running it again gives
  // the same states, so a crash midway is finished by running it again.
  Status RestorePrefixInPlace(const TableDesc& t, const std::string& prefix, int64_t at,
                              const std::string& marker_key,
                              dynamo::RestoreKeyPrefixToPointInTimeResponse* response);
  // Starts an in-place prefix restore of `t` to `at`: writes its marker and returns its key.
  Result<std::string> StartPrefixRestore(const TableDesc& t, const std::string& prefix, int64_t at);

  // Recovery at open, in this order: undoes restores into new tables, removes backup
  // checkpoints without metadata, finishes in-place prefix restores.
  void CleanUpInterruptedRestores();
  void CleanUpOrphanBackups();
  void ResumePrefixRestores();

 private:
  // Allocates the new table's id and writes its restore marker; reserves the name.
  Result<uint32_t> ReserveTable(const std::string& target_name);
  // Loads the items `produce` emits into the (unpublished) table; returns its statistics.
  Result<StatsAccumulator> LoadTable(const TableDesc& desc, const SegmentProducer& produce);

  EngineCore& core_;
  // Names of tables being restored (reserved until published); guarded by catalog_mu.
  std::set<std::string> restoring_names_;
};

}  // namespace issuetracker::engine
