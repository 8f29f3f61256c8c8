# libFuzzer target for the article extractor (owner: extract).
add_executable(extract_fuzzer ${CMAKE_CURRENT_SOURCE_DIR}/extract_fuzzer.cpp)
target_link_libraries(extract_fuzzer PRIVATE newsd::parse)
target_compile_options(extract_fuzzer PRIVATE -fsanitize=fuzzer)
target_link_options(extract_fuzzer PRIVATE -fsanitize=fuzzer)
