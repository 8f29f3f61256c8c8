# Feed parser benchmark (owner: feeds). The corpus (~6 MB of generated feeds)
# is written into the build dir, never committed:
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSD_BENCH=ON -DNEWSD_TESTS=OFF
#   cmake --build build-bench --target feed_parse_bench && build-bench/bench/feed_parse_bench
set(NEWSD_FEED_BENCH_DIR ${CMAKE_CURRENT_BINARY_DIR}/feed-corpus)
add_custom_command(
  OUTPUT ${NEWSD_FEED_BENCH_DIR}/.stamp
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/feed_make_corpus.py ${NEWSD_FEED_BENCH_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${NEWSD_FEED_BENCH_DIR}/.stamp
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/feed_make_corpus.py
  COMMENT "Generating the feed benchmark corpus")
add_custom_target(feed_bench_corpus DEPENDS ${NEWSD_FEED_BENCH_DIR}/.stamp)

add_executable(feed_parse_bench ${CMAKE_CURRENT_SOURCE_DIR}/feed_parse_bench.cpp)
target_link_libraries(feed_parse_bench PRIVATE newsd::parse benchmark::benchmark)
target_compile_definitions(feed_parse_bench PRIVATE NEWSD_FEED_BENCH_DIR="${NEWSD_FEED_BENCH_DIR}")
newsd_target_defaults(feed_parse_bench)
add_dependencies(feed_parse_bench feed_bench_corpus)
