# One place per third-party dependency; each becomes an imported target ot::<name>.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(fmt REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(simdjson REQUIRED)
find_package(CLI11 CONFIG REQUIRED)

find_path(LIBDEFLATE_INCLUDE_DIR libdeflate.h REQUIRED)
find_library(LIBDEFLATE_LIBRARY deflate REQUIRED)
add_library(ot_libdeflate INTERFACE)
target_include_directories(ot_libdeflate SYSTEM INTERFACE ${LIBDEFLATE_INCLUDE_DIR})
target_link_libraries(ot_libdeflate INTERFACE ${LIBDEFLATE_LIBRARY})

# liblzma: the xz codec of lifecycle archives (common/xz) only.
find_package(LibLZMA REQUIRED)

# libqrencode: the QR code of CreateVirtualMFADevice in iam/ only (we write the PNG ourselves).
find_path(QRENCODE_INCLUDE_DIR qrencode.h REQUIRED)
find_library(QRENCODE_LIBRARY qrencode REQUIRED)
add_library(ot_qrencode INTERFACE)
target_include_directories(ot_qrencode SYSTEM INTERFACE ${QRENCODE_INCLUDE_DIR})
target_link_libraries(ot_qrencode INTERFACE ${QRENCODE_LIBRARY})

# libcurl: the S3 client in buckets/ only.
find_package(CURL REQUIRED)
add_library(ot_curl INTERFACE)
target_link_libraries(ot_curl INTERFACE CURL::libcurl)
add_library(ot::curl ALIAS ot_curl)

add_library(ot_boost INTERFACE)
target_include_directories(ot_boost SYSTEM INTERFACE ${Boost_INCLUDE_DIRS})
target_compile_definitions(ot_boost INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
target_link_libraries(ot_boost INTERFACE Threads::Threads)

if(OT_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(OT_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
