// Crash points: named places in the engine's multi-step operations where a test can kill
// the process, as RocksDB's sync points let its tests act at a named place.
//
// Every durable step of a multi-step operation (GSI creation and deletion, restores,
// imports, backups, change-log trimming, table deletion, recovery at open) is followed by
// IT_CRASH_POINT(name). The points exist only in the engine library the crash tests link
// (it_engine_crash, built with IT_CRASH_POINTS defined); everywhere else IT_CRASH_POINT
// expands to nothing but still checks that the name is registered.
//
// Every point is registered in IT_ENGINE_CRASH_POINTS below, and the crash test
// (engine_crash_test.cc) checks that it kills the process at each registered point and
// recovers: a new step needs a new point here, and a new point needs a scenario there.
#pragma once

#include <functional>
#include <string_view>

namespace issuetracker::engine {

// X(enumerator, name, what is durable when the point is reached)
#define IT_ENGINE_CRASH_POINTS(X)                                                                  \
  X(kLeasePersisted, "change_clock.lease", "a new change-stamp lease")                             \
  X(kTableCreated, "create_table.committed", "the new table's descriptor")                         \
  X(kTableDeleted, "delete_table.committed", "the table, its data, records and markers gone")      \
  X(kDescriptorChanged, "update_table.descriptor", "a table's new settings")                       \
  X(kGsiCreated, "gsi_create.descriptor_and_marker", "a CREATING index and its backfill marker")   \
  X(kGsiBackfillChunk, "gsi_backfill.chunk", "a chunk of index entries and the marker's progress") \
  X(kGsiPublished, "gsi_backfill.published", "the recounted statistics and the ACTIVE index")      \
  X(kGsiDeleted, "gsi_delete.committed", "the descriptor without the index, its entries gone")     \
  X(kRestoreReserved, "restore.reserved", "the new table's id and its restore marker")             \
  X(kBulkLoadIngested, "bulk_load.ingested", "one run of a bulk load's files")                     \
  X(kRestorePublished, "restore.published", "the restored table, its marker gone")                 \
  X(kPrefixRestoreStarted, "prefix_restore.started", "an in-place prefix restore's marker")        \
  X(kPrefixRestoreItem, "prefix_restore.item", "one item of the prefix back at its past state")    \
  X(kPrefixRestoreFinished, "prefix_restore.finished", "the prefix restore's marker gone")         \
  X(kImportFilesWritten, "import.files_written", "nothing yet: the import's files are written")    \
  X(kImportIngested, "import.ingested", "the import's items, index entries, records, stats")       \
  X(kBackupCheckpointed, "backup.checkpointed", "nothing yet: the checkpoint is on disk")          \
  X(kBackupRecorded, "backup.recorded", "the backup's metadata")                                   \
  X(kBackupUnrecorded, "backup_delete.unrecorded", "the backup's metadata gone")                   \
  X(kBackupRemoved, "backup_delete.removed", "the backup's checkpoint removed")                    \
  X(kTrimmedTable, "trim.table", "one table's change records past retention dropped")              \
  X(kTtlBatchDeleted, "ttl.batch_deleted",                                                         \
    "a batch of expired items, entries, stats, records gone")                                      \
  X(kRecoveredRestores, "recover.restores", "interrupted restores cleaned up")                     \
  X(kRecoveredBackups, "recover.backups", "checkpoints without metadata removed")

enum class CrashPoint : int {
#define IT_CRASH_POINT_ENUM(id, name, durable) id,
  IT_ENGINE_CRASH_POINTS(IT_CRASH_POINT_ENUM)
#undef IT_CRASH_POINT_ENUM
      kCount
};

inline constexpr int kCrashPointCount = static_cast<int>(CrashPoint::kCount);

// The point's registered name ("gsi_backfill.chunk").
std::string_view CrashPointName(CrashPoint point);

#if defined(IT_NO_CRASH_POINTS)
// This file is compiled once, without crash points: a point here could never be reached.
#define IT_CRASH_POINT(id)                                                     \
  static_assert(false,                                                         \
                "IT_CRASH_POINT in a file outside ENGINE_CRASH_POINT_SOURCES " \
                "(src/engine/CMakeLists.txt)")
#define IT_CRASH_POINT_VALUE(point) IT_CRASH_POINT(point)
#elif defined(IT_CRASH_POINTS)
// Runs `handler` at every crash point reached from now on, on the thread that reaches it
// (tests kill the process there, or record the points an operation passes); an empty
// handler removes it. Not for concurrent use with ReachCrashPoint's callers' start-up.
void SetCrashPointHandler(std::function<void(CrashPoint)> handler);
void ReachCrashPoint(CrashPoint point);
#define IT_CRASH_POINT(id) \
  ::issuetracker::engine::ReachCrashPoint(::issuetracker::engine::CrashPoint::id)
// The same for a point chosen at run time (a CrashPoint value).
#define IT_CRASH_POINT_VALUE(point) ::issuetracker::engine::ReachCrashPoint(point)
#else
#define IT_CRASH_POINT(id) static_cast<void>(::issuetracker::engine::CrashPoint::id)
#define IT_CRASH_POINT_VALUE(point) static_cast<void>(point)
#endif

}  // namespace issuetracker::engine
