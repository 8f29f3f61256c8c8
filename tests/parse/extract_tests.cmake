# Extractor tests (owner: extract). Fixtures: tests/data/extract/.
newsd_test(extract_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/extract_charset_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/extract_content_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/extract_meta_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/extract_select_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/extract_seeds_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/extract_cli_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/extract_hostile_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/extract_patterns_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/extract_reparse_test.cpp
  DEPS newsd::parse nlohmann_json::nlohmann_json ICU::uc)
