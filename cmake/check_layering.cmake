# The layering rules of the code base, checked on every build (target check_layering) and
# by ctest (layering.*). Usage:
#   cmake -DROOT=<source tree> -P cmake/check_layering.cmake
# Exits non-zero, listing every violation as "file: rule: detail", when a rule is broken.
#
# Rules (docs/tenancy.md, "Layering"):
#   external   src/tenancy and src/tracker include no RocksDB, Boost.Beast, Boost.Asio or
#              Boost.JSON header.
#   layers     dependencies point down only: a library's files include only its own and
#              the lower libraries' headers (common <- dynamo <- engine; dynamo <- tenancy
#              <- tracker <- http <- cli; common <- net <- http; dynamo, net <-
#              dynamo/server <- cli: the DynamoDB endpoint is the one part of src/dynamo
#              that may use the HTTP server core, and only cli uses it); only tests (*_test.cc)
#              include tests/ headers; nothing in src/ includes bench/. The libraries link
#              only the libraries below them.
#   keys       key strings such as "<COMPANY>#ISSUE#<ID>" are composed and parsed in
#              src/tenancy only: outside it, src/ (tests aside) has no string literal
#              holding a key tag with its delimiter ("#ISSUE", "TEAM#", ...), the layers
#              above tenancy no bare tag ("USER", ...), none uses the tag constants or
#              SplitCompositeKey, and src/tracker has no "#" literal at all.
#   scope      ScopeTestPeer (which makes CompanyScopes out of loose values) is used by
#              tests only.
#   benchknob  SessionCheckOptions' kOffForBenchmarkOnly appears in bench/ and in
#              src/tracker/session.{h,cc} only.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED ROOT)
  message(FATAL_ERROR "check_layering: pass -DROOT=<source tree>")
endif()

# What each library's files may include (its own folder is always allowed).
set(allowed_common "")
set(allowed_dynamo "common")
set(allowed_engine "common;dynamo")
set(allowed_tenancy "common;dynamo")
set(allowed_tracker "common;dynamo;tenancy")
set(allowed_net "common")
set(allowed_dynamo_server "common;dynamo;net")
set(allowed_http "common;dynamo;tenancy;tracker;net")
set(allowed_cli "common;dynamo;engine;tenancy;tracker;net;http;dynamo_server")
set(layered_libraries "common;dynamo;engine;tenancy;tracker;net;http;cli;dynamo_server")
# Top-level folders an include can name.
set(project_folders "common;dynamo;engine;tenancy;tracker;net;http;cli;tests;bench")

set(violations "")
macro(violation file rule detail)
  file(RELATIVE_PATH rel "${ROOT}" "${file}")
  list(APPEND violations "${rel}: ${rule}: ${detail}")
endmacro()

# The text of a file without its comments (so that documentation may quote key strings).
function(code_of file out)
  file(READ "${file}" text)
  # Protect list separators, then drop block and line comments.
  string(REPLACE ";" "<semicolon>" text "${text}")
  string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" text "${text}")
  string(REGEX REPLACE "//[^\n]*" "" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE src_files LIST_DIRECTORIES false "${ROOT}/src/*.h" "${ROOT}/src/*.cc")
file(GLOB_RECURSE bench_files LIST_DIRECTORIES false "${ROOT}/bench/*.h" "${ROOT}/bench/*.cc")
file(GLOB_RECURSE test_support LIST_DIRECTORIES false "${ROOT}/tests/*.h" "${ROOT}/tests/*.cc")

foreach(file IN LISTS src_files)
  file(RELATIVE_PATH rel "${ROOT}/src" "${file}")
  string(REGEX MATCH "^[^/]+" library "${rel}")
  if(rel MATCHES "^dynamo/server/")
    set(library "dynamo_server")
  endif()
  get_filename_component(name "${file}" NAME)
  set(is_test FALSE)
  if(name MATCHES "_test\\.cc$" OR name MATCHES "_test_util\\.h$")
    set(is_test TRUE)
  endif()
  code_of("${file}" code)

  # ---- includes
  string(REGEX MATCHALL "#[ \t]*include[ \t]*[<\"][^>\"\n]+[>\"]" includes "${code}")
  foreach(inc IN LISTS includes)
    string(REGEX REPLACE "^#[ \t]*include[ \t]*[<\"]([^>\"\n]+)[>\"]$" "\\1" path "${inc}")
    if(library STREQUAL "tenancy" OR library STREQUAL "tracker")
      if(path MATCHES "^rocksdb/" OR path MATCHES "^boost/(beast|asio|json)")
        violation("${file}" "external" "includes <${path}>")
      endif()
    endif()
    string(REGEX MATCH "^[^/]+" first "${path}")
    if(NOT path MATCHES "/" OR NOT first IN_LIST project_folders)
      continue()  # a system or third-party header
    endif()
    if(path MATCHES "^dynamo/server/")
      set(first "dynamo_server")
      if(NOT library MATCHES "^(dynamo_server|cli)$" AND NOT is_test)
        violation("${file}" "layers" "${library} includes ${path}: only cli uses the endpoint")
        continue()
      endif()
    endif()
    if(first STREQUAL "bench")
      violation("${file}" "layers" "includes ${path} (bench/ is not part of the product)")
    elseif(first STREQUAL "tests")
      if(NOT is_test)
        violation("${file}" "layers" "includes ${path} (test support, for tests only)")
      endif()
    elseif(library IN_LIST layered_libraries AND NOT first STREQUAL library)
      if(NOT first IN_LIST allowed_${library})
        string(REPLACE ";" ", " may "${allowed_${library}}")
        violation("${file}" "layers" "${library} includes ${path}: ${library} may use only: ${may}")
      endif()
    endif()
  endforeach()

  # ---- key strings
  if(NOT library STREQUAL "tenancy" AND NOT is_test)
    if(library STREQUAL "tracker" AND code MATCHES "'#'")
      violation("${file}" "keys" "'#' (the key delimiter) used outside src/tenancy")
    endif()
    # Character literals such as '"' would confuse the string literals' pattern.
    string(REGEX REPLACE "'([^'\\\n]|\\\\.)+'" "' '" code "${code}")
    string(REGEX MATCHALL "\"([^\"\\\\\n]|\\\\.)*\"" literals "${code}")
    foreach(literal IN LISTS literals)
      if(literal MATCHES "#(ISSUE|TEAM|COMMENT|USER|LOGIN)" OR literal MATCHES "(ISSUE|TEAM|COMMENT|USER|LOGIN)#")
        violation("${file}" "keys" "string literal ${literal} composes a key outside src/tenancy")
      endif()
      # A bare tag, in the layers above tenancy (the engine's DynamoDB reserved words hold
      # COMMENT and USER).
      if(literal MATCHES "^\"(ISSUE|TEAM|COMMENT|USER|LOGIN)\"$" AND NOT library MATCHES "^(common|dynamo|engine)$")
        violation("${file}" "keys" "string literal ${literal} is a key tag, composed outside src/tenancy")
      endif()
      if(library STREQUAL "tracker" AND literal STREQUAL "\"#\"")
        violation("${file}" "keys" "\"#\" (the key delimiter) used outside src/tenancy")
      endif()
    endforeach()
    string(REGEX MATCHALL "(SplitCompositeKey|k(Issue|Team|Comment|User|Login)Tag)" names "${code}")
    list(REMOVE_DUPLICATES names)
    foreach(n IN LISTS names)
      violation("${file}" "keys" "${n} used outside src/tenancy")
    endforeach()
  endif()

  # ---- the scope test peer and the benchmark knob
  if(code MATCHES "ScopeTestPeer" AND NOT is_test AND NOT rel STREQUAL "tenancy/layout.h")
    violation("${file}" "scope" "ScopeTestPeer makes CompanyScopes from loose values: tests only")
  endif()
  if(code MATCHES "kOffForBenchmarkOnly" AND NOT rel MATCHES "^tracker/session\\.(h|cc)$")
    violation("${file}" "benchknob" "kOffForBenchmarkOnly switches the session checks off: bench/ only")
  endif()
endforeach()

foreach(file IN LISTS test_support)
  code_of("${file}" code)
  if(code MATCHES "kOffForBenchmarkOnly")
    violation("${file}" "benchknob" "kOffForBenchmarkOnly switches the session checks off: bench/ only")
  endif()
endforeach()

# ---- library links: it_<lib> links only the libraries below it.
foreach(library IN LISTS layered_libraries)
  set(cmake_file "${ROOT}/src/${library}/CMakeLists.txt")
  if(library STREQUAL "dynamo_server")
    set(cmake_file "${ROOT}/src/dynamo/server/CMakeLists.txt")
  endif()
  if(NOT EXISTS "${cmake_file}")
    continue()
  endif()
  file(READ "${cmake_file}" text)
  string(REGEX MATCHALL "target_link_libraries\\([ \t\n]*it_${library}[ \t\n][^)]*\\)" links "${text}")
  foreach(link IN LISTS links)
    string(REGEX MATCHALL "it_[a-z_]+" targets "${link}")
    foreach(target IN LISTS targets)
      string(REGEX REPLACE "^it_" "" dep "${target}")
      if(dep STREQUAL library OR NOT dep IN_LIST layered_libraries)
        continue()
      endif()
      if(NOT dep IN_LIST allowed_${library})
        string(REPLACE ";" ", " may "${allowed_${library}}")
        violation("${cmake_file}" "layers" "it_${library} links it_${dep}: ${library} may use only: ${may}")
      endif()
    endforeach()
  endforeach()
endforeach()

list(LENGTH violations count)
if(count GREATER 0)
  list(JOIN violations "\n  " text)
  string(REPLACE "<semicolon>" ";" text "${text}")
  message(FATAL_ERROR "Layering check: ${count} violation(s):\n  ${text}\n(rules: cmake/check_layering.cmake)")
endif()
list(LENGTH src_files checked)
message(STATUS "Layering check: ${checked} files under src/ follow the rules")
