# Classifier benchmarks: text pipeline MB/s, rule tagging articles/s with the
# default taxonomy, model predictions docs/s. See docs/performance.md, "Classification".
add_executable(classify_bench ${CMAKE_CURRENT_LIST_DIR}/classify_bench.cpp)
target_link_libraries(classify_bench PRIVATE newsd::classify benchmark::benchmark nlohmann_json::nlohmann_json)
target_compile_definitions(classify_bench PRIVATE
  NEWSD_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
  NEWSD_TEST_DATA="${CMAKE_SOURCE_DIR}/tests/data")
newsd_target_defaults(classify_bench)
