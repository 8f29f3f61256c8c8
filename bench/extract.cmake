# Extraction benchmark (owner: extract): pages/s and MB/s of extract_article()
# over a sample of the shared dev set, next to libxml2's parse alone.
# Build with -DNEWSD_BENCH=ON in Release:
#   build-extract-rel/bench/extract_bench --benchmark_min_time=3
find_package(ZLIB REQUIRED)  # the dev set is stored gzipped
add_executable(extract_bench ${CMAKE_CURRENT_SOURCE_DIR}/extract_bench.cpp)
target_link_libraries(extract_bench PRIVATE newsd::parse benchmark::benchmark LibXml2::LibXml2 ZLIB::ZLIB)
target_compile_definitions(extract_bench PRIVATE NEWSD_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared")
newsd_target_defaults(extract_bench)
