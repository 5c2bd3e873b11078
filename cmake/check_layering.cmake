# Layering check, run at build time (target check_layering, which every
# library depends on): each folder of src/ may include only the folders
# listed for it below — the same folders its CMake target links. An include
# that crosses a layer (sql/ reaching into a backend, a backend into api/)
# fails the build with the file, the line and the rule.
#
#   cmake -DSOURCE_DIR=<repo>/src -P cmake/check_layering.cmake

cmake_minimum_required(VERSION 3.25)

set(allowed_util util)
set(allowed_core core util)
set(allowed_config config util)
set(allowed_cache cache core util)
set(allowed_crypto crypto util)
set(allowed_redis redis util)
set(allowed_store store config crypto util)
set(allowed_arrow arrow core util)
set(allowed_format format arrow core util)
set(allowed_backend backend backend/spark_connect backend/hive_thrift core config arrow util)
# Generated protocol code: spark/connect and google/rpc (protoc), tcli (thrift).
set(allowed_backend/spark_connect backend/spark_connect backend core config arrow util
    spark/connect google/rpc)
# The Thrift backend renders literals with the one audited renderer (sql/literal.h).
set(allowed_backend/hive_thrift backend/hive_thrift backend core config arrow util tcli
    sql/literal.h)
set(allowed_catalog catalog core config format util)
set(allowed_sql sql core util)
set(allowed_auth auth sql store crypto config core redis util)
set(allowed_http http config util)
# api/ is one layer in rooms (filters, table, query, catalog, system, session,
# openapi): its folders may include one another.
set(allowed_api api auth backend cache catalog redis config core crypto format http sql store util)
set(allowed_app app api auth backend cache catalog redis config core crypto format http sql store util)

file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/*.h ${SOURCE_DIR}/*.cc)
set(violations "")
foreach(source IN LISTS sources)
  get_filename_component(folder ${source} DIRECTORY)
  string(REGEX REPLACE "^api/.*" "api" folder "${folder}")
  if(NOT DEFINED allowed_${folder})
    list(APPEND violations "${source}: folder ${folder} has no layering rule (add one)")
    continue()
  endif()
  file(STRINGS ${SOURCE_DIR}/${source} includes REGEX "^#include \"[^\"]+/[^\"]+\"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" header "${line}")
    get_filename_component(header_folder ${header} DIRECTORY)
    string(REGEX REPLACE "^api/.*" "api" header_folder "${header_folder}")
    if(NOT header_folder IN_LIST allowed_${folder} AND NOT header IN_LIST allowed_${folder})
      list(JOIN allowed_${folder} " " rule)
      list(APPEND violations "${source}: #include \"${header}\" (${folder}/ may include: ${rule})")
    endif()
  endforeach()
endforeach()
if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "layering violations:\n  ${text}")
endif()
