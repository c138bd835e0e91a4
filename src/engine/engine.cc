// Engine: the composition of the core and the family parts, opening with recovery, and the
// engine's tools. The operations are defined in their families' files (engine.h).
#include "engine/engine.h"

#include "engine/core.h"
#include "engine/expirer.h"
#include "engine/importer.h"
#include "engine/restores.h"
#include "engine/rocks_status.h"
#include "engine/streams.h"
#include "engine/tables.h"
#include "engine/transactions.h"

namespace issuetracker::engine {

Engine::Engine() = default;
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  if (options.path.empty()) return Status::Validation("EngineOptions.path is required");
  std::unique_ptr<Engine> engine(new Engine());
  IT_ASSIGN_OR_RETURN(engine->core_, EngineCore::Open(options));
  EngineCore& core = *engine->core_;
  engine->tables_ = std::make_unique<Tables>(core);
  engine->restores_ = std::make_unique<Restores>(core);
  engine->streams_ = std::make_unique<Streams>(core);
  engine->importer_ = std::make_unique<Importer>(core);
  engine->transactions_ = std::make_unique<Transactions>(core);
  engine->expirer_ = std::make_unique<Expirer>(core);
  // An index left backfilling (by a crash, or by a version that kept no marker with the
  // descriptor) resumes as soon as its table is loaded.
  core.SetDescriptorLoadedHook(
      [tables = engine->tables_.get()](const TableDesc& desc) { tables->EnsureBackfills(desc); });
  // Recovery: undo what cannot be finished, finish what can (docs/engine.md).
  engine->restores_->CleanUpInterruptedRestores();
  engine->restores_->CleanUpOrphanBackups();
  IT_RETURN_IF_ERROR(engine->restores_->ResumePrefixRestores());
  engine->tables_->ResumeBackfills();
  engine->streams_->StartTrimmer();
  engine->expirer_->Start();
  return engine;
}

void Engine::WaitForBackgroundWork() { tables_->WaitForBackfills(); }

Status Engine::CompactAll() {
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* cf :
       {core_->catalog_cf(), core_->items_cf(), core_->changes_cf()})
    IT_RETURN_IF_ERROR(FromRocks(core_->db()->CompactRange(options, cf, nullptr, nullptr)));
  core_->item_iterators().Release();  // they pin the files the compaction replaced
  return Status::Ok();
}

}  // namespace issuetracker::engine
