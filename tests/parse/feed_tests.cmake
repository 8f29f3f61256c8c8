# Feed parser, date and URL tests (owner: feeds).
newsd_test(parse_feed_tests
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/dates_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/url_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/feed_conformance_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/feed_parser_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/feed_plain_text_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/feed_hostile_test.cpp
  DEPS newsd::parse nlohmann_json::nlohmann_json)

# Sitemaps, gzip and source sniffing (issue 16).
newsd_test(parse_sitemap_tests
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sitemap_test.cpp
  DEPS newsd::parse ZLIB::ZLIB)
