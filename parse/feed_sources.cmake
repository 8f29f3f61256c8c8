# Feed half of parse/: feed parsing, dates, URLs (owner: feeds).
list(APPEND PARSE_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/src/dates.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/url.cpp)
