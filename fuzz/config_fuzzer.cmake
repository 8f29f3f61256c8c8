# libFuzzer target for the config loader. Seeds:
# fuzz/corpus/config/ plus the bundled config (copy them: libFuzzer writes new
# inputs into its corpus dir).
#   mkdir -p /tmp/config-corpus && cp fuzz/corpus/config/* config/newsd.toml /tmp/config-corpus/
#   nice -n 10 build-fuzz/fuzz/config_fuzzer -max_len=65536 -max_total_time=600 -timeout=5 /tmp/config-corpus
add_executable(config_fuzzer ${CMAKE_CURRENT_SOURCE_DIR}/config_fuzzer.cpp)
target_link_libraries(config_fuzzer PRIVATE newsd::config)
target_compile_options(config_fuzzer PRIVATE -fsanitize=fuzzer)
target_link_options(config_fuzzer PRIVATE -fsanitize=fuzzer)
