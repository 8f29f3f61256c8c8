# libFuzzer target for the article extractor (owner: extract). Seeds:
# fuzz/corpus/extract/ (hostile-* from fuzz/make_hostile_seeds.py) and the
# section-page fixtures in tests/data/parse/section/ (read in place, not
# copied); run as feed_fuzzer.cmake says:
#   mkdir -p /tmp/extract-corpus
#   nice -n 10 build-fuzz/fuzz/extract_fuzzer -max_len=1048576 -len_control=0 -timeout=30 -rss_limit_mb=4096 \
#     -max_total_time=1800 /tmp/extract-corpus fuzz/corpus/extract tests/data/parse/section
add_executable(extract_fuzzer ${CMAKE_CURRENT_SOURCE_DIR}/extract_fuzzer.cpp)
target_link_libraries(extract_fuzzer PRIVATE newsd::parse)
target_compile_options(extract_fuzzer PRIVATE -fsanitize=fuzzer)
target_link_options(extract_fuzzer PRIVATE -fsanitize=fuzzer)
