# Proves that cmake/check_layering.cmake catches what it is meant to catch: it passes on a
# small tree that follows the rules (including things the rules allow: key strings in
# comments, test support in tests), and fails, naming the rule, on each bad file added to
# that tree. Usage (ctest runs it):
#   cmake -DCHECKER=<cmake/check_layering.cmake> -DWORK=<scratch dir> -P check_layering_test.cmake
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED CHECKER OR NOT DEFINED WORK)
  message(FATAL_ERROR "pass -DCHECKER=... and -DWORK=...")
endif()

set(failures "")

function(write_baseline root)
  file(REMOVE_RECURSE "${root}")
  file(WRITE "${root}/src/tenancy/layout.h"
       "#pragma once\n#include <string>\n#include \"common/result.h\"\n"
       "namespace issuetracker::testing { class ScopeTestPeer; }\n"
       "// Keys look like \"COMPANY001#ISSUE#ISS-001\" (composed here only).\n"
       "inline std::string Key() { return std::string(\"C\") + \"#ISSUE#\" + \"ISS-001\"; }\n")
  file(WRITE "${root}/src/tenancy/CMakeLists.txt"
       "add_library(it_tenancy layout.cc)\ntarget_link_libraries(it_tenancy PUBLIC it_dynamo)\n")
  file(WRITE "${root}/src/tracker/store.cc"
       "#include \"tracker/store.h\"\n#include <boost/container/flat_map.hpp>\n"
       "#include \"tenancy/layout.h\"\n#include \"dynamo/backend.h\"\n"
       "// A comment may quote \"COMPANY001#ISSUE#ISS-001\" and 'ISSUE#'.\n"
       "const char* kPlaceholder = \"#n0\";\n")
  file(WRITE "${root}/src/tracker/store_test.cc"
       "#include \"tests/scope_test_peer.h\"\n#include \"tests/backend_factory.h\"\n"
       "auto s = issuetracker::testing::ScopeTestPeer::Make();\n"
       "const char* kStored = \"COMPANY001#ISSUE#ISS-001\";\n")
  file(WRITE "${root}/src/tracker/CMakeLists.txt"
       "add_library(it_tracker store.cc)\ntarget_link_libraries(it_tracker PUBLIC it_tenancy Threads::Threads)\n")
  file(WRITE "${root}/src/engine/reserved_words.cc" "const char* kWords[] = {\"COMMENT\", \"USER\"};\n")
  file(WRITE "${root}/src/cli/main.cc"
       "#include \"engine/engine.h\"\n#include \"tracker/tracker.h\"\nchar bar = '#';\n")
  file(WRITE "${root}/bench/tracker_bench.cc" "auto knob = Enforcement::kOffForBenchmarkOnly;\n")
  file(WRITE "${root}/src/tracker/session.h" "enum class Enforcement { kOn, kOffForBenchmarkOnly };\n")
endfunction()

function(run_checker root out_result out_output)
  execute_process(COMMAND "${CMAKE_COMMAND}" -DROOT=${root} -P "${CHECKER}"
                  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
  set(${out_result} "${result}" PARENT_SCOPE)
  set(${out_output} "${output}${error}" PARENT_SCOPE)
endfunction()

# The baseline passes.
set(root "${WORK}/baseline")
write_baseline("${root}")
run_checker("${root}" result output)
if(NOT result EQUAL 0)
  list(APPEND failures "the baseline tree was rejected:\n${output}")
endif()

# Each case: <name>|<file>|<content>|<text the report must hold>.
set(cases
  "rocksdb in tracker|src/tracker/bad.cc|#include <rocksdb/db.h>|bad.cc: external: includes <rocksdb/db.h>"
  "json in tenancy|src/tenancy/bad.h|#include <boost/json.hpp>|bad.h: external: includes <boost/json.hpp>"
  "beast in tracker|src/tracker/bad.cc|#include <boost/beast/http.hpp>|external: includes <boost/beast/http.hpp>"
  "tenancy uses tracker|src/tenancy/bad.cc|#include \"tracker/store.h\"|layers: tenancy includes tracker/store.h"
  "tracker uses engine|src/tracker/bad.cc|#include \"engine/engine.h\"|layers: tracker includes engine/engine.h"
  "dynamo uses engine|src/dynamo/bad.cc|#include \"engine/engine.h\"|layers: dynamo includes engine/engine.h"
  "common uses dynamo|src/common/bad.h|#include \"dynamo/types.h\"|layers: common includes dynamo/types.h"
  "net uses tracker|src/net/bad.cc|#include \"tracker/tracker.h\"|layers: net includes tracker/tracker.h"
  "product uses tests|src/tracker/bad.cc|#include \"tests/backend_factory.h\"|layers: includes tests/backend_factory.h"
  "product uses bench|src/cli/bad.cc|#include \"bench/bench_util.h\"|layers: includes bench/bench_util.h"
  "tracker composes a key|src/tracker/bad.cc|std::string k = c + \"#ISSUE#\" + id|keys: string literal \"#ISSUE#\""
  "cli composes a key|src/cli/bad.cc|std::string k = c + \"#\" + \"TEAM\" + \"#\" + id|keys: string literal \"TEAM\""
  "cli composes a stub key|src/cli/bad.cc|std::string k = c + \"#LOGIN#\" + inc|keys: string literal \"#LOGIN#\""
  "tracker uses the delimiter|src/tracker/bad.cc|std::string k = c + '#' + tag|keys: '#' (the key delimiter)"
  "tracker uses a tag constant|src/tracker/bad.cc|auto t = tenancy::kIssueTag|keys: kIssueTag used outside src/tenancy"
  "cli parses keys|src/cli/bad.cc|auto p = tenancy::SplitCompositeKey(k, t)|keys: SplitCompositeKey used outside src/tenancy"
  "seeder forges a scope|src/tracker/bad.cc|auto s = testing::ScopeTestPeer::Make(id, tier)|scope: ScopeTestPeer"
  "knob in the product|src/cli/bad.cc|o.enforcement = Enforcement::kOffForBenchmarkOnly|benchknob: kOffForBenchmarkOnly"
  "knob in test support|tests/bad.h|o.enforcement = Enforcement::kOffForBenchmarkOnly|benchknob: kOffForBenchmarkOnly"
  "tenancy links tracker|src/tenancy/CMakeLists.txt|add_library(it_tenancy a.cc)\ntarget_link_libraries(it_tenancy PUBLIC it_dynamo it_tracker)|layers: it_tenancy links it_tracker"
)
foreach(case IN LISTS cases)
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 path)
  list(GET parts 2 content)
  list(GET parts 3 expected)
  set(root "${WORK}/case")
  write_baseline("${root}")
  file(WRITE "${root}/${path}" "${content}\n")
  run_checker("${root}" result output)
  if(result EQUAL 0)
    list(APPEND failures "${name}: the checker accepted ${path}")
  else()
    string(FIND "${output}" "${expected}" at)
    if(at EQUAL -1)
      list(APPEND failures "${name}: the report lacks \"${expected}\":\n${output}")
    endif()
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
list(LENGTH cases count)
if(failures)
  list(JOIN failures "\n" text)
  message(FATAL_ERROR "check_layering misses violations:\n${text}")
endif()
message(STATUS "check_layering passes a clean tree and rejects all ${count} bad files")
