# Watch matcher throughput: 100 watches over synthetic Arabic/French/English
# articles, with and without the per-article tokenisation. See
# docs/performance.md, "Watches".
add_executable(watch_bench ${CMAKE_CURRENT_SOURCE_DIR}/watch_bench.cpp)
target_link_libraries(watch_bench PRIVATE newsd::watch benchmark::benchmark)
newsd_target_defaults(watch_bench)
