// Fuzz target "table_desc": ParseTableDesc (engine/catalog.h) and ParseBackupMeta
// (engine/restores.h) on arbitrary text, as read from the catalog.
//
// Input: 'd' then a descriptor's JSON, or 'b' then a backup's metadata JSON. Checks: no
// crash, leak or undefined behaviour (no exception escapes); failures are Corruption;
// parse ok => serialising and parsing again gives the same serialisation (nothing the
// parser accepts is lost or changed by the engine writing it back), and a descriptor
// keeps the invariants the engine builds keys from (index ids 1..254, unique, below the
// next index id).
#include <set>
#include <string>

#include "engine/catalog.h"
#include "engine/restores.h"
#include "fuzz/fuzz_check.h"

using issuetracker::Code;
namespace engine = issuetracker::engine;

namespace {

void CheckDescriptor(std::string_view text) {
  auto desc = engine::ParseTableDesc(text);
  if (!desc.ok()) {
    FUZZ_CHECK(desc.status().code() == Code::kCorruption);
    return;
  }
  std::set<int> ids;
  for (const engine::IndexDesc& index : desc->indexes) {
    FUZZ_CHECK(index.id >= 1 && index.id < desc->next_index_id && ids.insert(index.id).second);
  }
  const std::string once = engine::SerializeTableDesc(*desc);
  auto again = engine::ParseTableDesc(once);
  FUZZ_CHECK(again.ok() && engine::SerializeTableDesc(*again) == once);
}

void CheckBackupMeta(std::string_view text) {
  auto meta = engine::ParseBackupMeta(text);
  if (!meta.ok()) {
    FUZZ_CHECK(meta.status().code() == Code::kCorruption);
    return;
  }
  FUZZ_CHECK(meta->id.find('/') == std::string::npos && meta->id.find("..") == std::string::npos);
  const std::string once = engine::SerializeBackupMeta(*meta);
  auto again = engine::ParseBackupMeta(once);
  FUZZ_CHECK(again.ok() && engine::SerializeBackupMeta(*again) == once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = issuetracker::fuzz::AsText(data, size);
  if (input.empty()) return 0;
  if (input[0] == 'd') CheckDescriptor(input.substr(1));
  if (input[0] == 'b') CheckBackupMeta(input.substr(1));
  return 0;
}
