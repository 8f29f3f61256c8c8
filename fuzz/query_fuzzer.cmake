# libFuzzer target for the search-query path (owner: store): the cost check
# and Store::search over a small temp store. Seed corpus: fuzz/corpus/queries/.
#   nice -n 10 build-fuzz/fuzz/query_fuzzer -max_len=8192 -max_total_time=600 fuzz/corpus/queries
add_executable(query_fuzzer ${CMAKE_CURRENT_SOURCE_DIR}/query_fuzzer.cpp)
target_link_libraries(query_fuzzer PRIVATE newsd::store)
target_include_directories(query_fuzzer PRIVATE ${CMAKE_SOURCE_DIR}/store/src)
target_compile_options(query_fuzzer PRIVATE -fsanitize=fuzzer)
target_link_options(query_fuzzer PRIVATE -fsanitize=fuzzer)
