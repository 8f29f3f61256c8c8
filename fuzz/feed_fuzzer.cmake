# libFuzzer target for the feed parser (owner: feeds). Seed corpus: fuzz/corpus/feeds/
# (hostile-* from fuzz/make_hostile_seeds.py). Let inputs reach 1 MB at once
# (-len_control=0): size is where hostile feeds hurt. New inputs go to the
# first directory, so give it a scratch one:
#   mkdir -p /tmp/feed-corpus
#   nice -n 10 build-fuzz/fuzz/feed_fuzzer -max_len=1048576 -len_control=0 -timeout=30 -rss_limit_mb=4096 \
#     -max_total_time=1800 /tmp/feed-corpus fuzz/corpus/feeds
add_executable(feed_fuzzer ${CMAKE_CURRENT_SOURCE_DIR}/feed_fuzzer.cpp)
target_link_libraries(feed_fuzzer PRIVATE newsd::parse nlohmann_json::nlohmann_json)
target_compile_options(feed_fuzzer PRIVATE -fsanitize=fuzzer)
target_link_options(feed_fuzzer PRIVATE -fsanitize=fuzzer)
