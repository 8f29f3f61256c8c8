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
    ${CMAKE_CURRENT_LIST_DIR}/html_arena_test.cpp
  DEPS newsd::parse nlohmann_json::nlohmann_json ICU::uc LibXml2::LibXml2)
# html_arena_test reads the libxml2 tree helpers behind the public API.
target_include_directories(extract_tests PRIVATE ${CMAKE_SOURCE_DIR}/parse/src)
