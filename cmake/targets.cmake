# ot_library(<name> DEPS <targets...>): a static library from every .cc in the current folder.
function(ot_library name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc
       ${CMAKE_CURRENT_SOURCE_DIR}/internal/*.cc)
  if(NOT srcs)  # a part whose sources have not landed yet: headers only
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${OT_WARNINGS})
  if(OT_LTO_ENABLED AND name IN_LIST OT_LTO_PARTS)
    target_compile_options(${name} PRIVATE -flto=auto -ffat-lto-objects)
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# Every log event runs through the metric filters (monitor) and the JSON layer they call
# (api/protocol): compiled to GCC's intermediate code as well as to machine code ("fat" LTO
# objects), they are optimized across files — the walk of a parsed record inlines the JSON
# accessors — in the binaries that ask for it with ot_link_time_optimize (the server and the
# filter benchmark; 2.6–3.4% less CPU per event, interleaved). Every other binary links their plain machine
# code, so tests link as fast as before.
set(OT_LTO_PARTS ot_monitor ot_protocol)
if(OT_LTO AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT OT_SANITIZE AND NOT OT_FUZZ
   AND CMAKE_BUILD_TYPE MATCHES "^Rel")
  set(OT_LTO_ENABLED ON)
endif()
function(ot_link_time_optimize target)
  if(OT_LTO_ENABLED)
    target_link_options(${target} PRIVATE -flto=auto)
  endif()
endfunction()

# ot_test(<name> DEPS <targets...>): one GoogleTest binary from every *_test.cc in the folder.
function(ot_test name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  target_compile_options(${name} PRIVATE ${OT_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} ot_test_support GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE OT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  add_test(NAME ${name} COMMAND ${name})
endfunction()
