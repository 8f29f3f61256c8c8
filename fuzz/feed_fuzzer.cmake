# libFuzzer target for the feed parser (owner: feeds). Seed corpus: fuzz/corpus/feeds/.
#   nice -n 10 build-fuzz/fuzz/feed_fuzzer -max_total_time=1800 fuzz/corpus/feeds
add_executable(feed_fuzzer ${CMAKE_CURRENT_SOURCE_DIR}/feed_fuzzer.cpp)
target_link_libraries(feed_fuzzer PRIVATE newsd::parse nlohmann_json::nlohmann_json)
target_compile_options(feed_fuzzer PRIVATE -fsanitize=fuzzer)
target_link_options(feed_fuzzer PRIVATE -fsanitize=fuzzer)
