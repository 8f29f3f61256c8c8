# libFuzzer target for the robots.txt parser and matcher (owner: fetch).
# Seeds: tests/data/fetch/robots/ (copy them: libFuzzer writes new inputs into its corpus dir).
#   mkdir -p /tmp/robots-corpus && cp tests/data/fetch/robots/* /tmp/robots-corpus/
#   nice -n 10 build-fuzz/fuzz/robots_fuzzer -max_total_time=600 -timeout=5 /tmp/robots-corpus
add_executable(robots_fuzzer ${CMAKE_CURRENT_SOURCE_DIR}/robots_fuzzer.cpp)
target_link_libraries(robots_fuzzer PRIVATE newsd::fetch)
target_compile_options(robots_fuzzer PRIVATE -fsanitize=fuzzer)
target_link_options(robots_fuzzer PRIVATE -fsanitize=fuzzer)
