# Feed half of parse/: feed parsing, dates, URLs (owner: feeds).
list(APPEND PARSE_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/src/dates.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/url.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/feed.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/feed_encoding.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/feed_repair.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/feed_xml.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/feed_xml_text.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/feed_text.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/feed_json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/feed_plain_text.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/sitemap.cpp)
