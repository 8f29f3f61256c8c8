# Store benchmarks: batched insert rate with tags + FTS, search latency
# percentiles over a synthetic Arabic/French/English archive (size set by
# NEWSD_BENCH_ARTICLES). See docs/performance.md, "Store".
add_executable(store_bench ${CMAKE_CURRENT_SOURCE_DIR}/store_bench.cpp)
target_link_libraries(store_bench PRIVATE newsd::store benchmark::benchmark)
newsd_target_defaults(store_bench)
