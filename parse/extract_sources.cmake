# HTML half of parse/: charset sniffing, libxml2 tree helpers, selectors,
# metadata and main-content extraction (owner: extract).
list(APPEND PARSE_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/src/html_arena.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/html_charset.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/html_dom.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/html_select.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/feed_links.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/extract.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/extract_content.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/extract_meta.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/extract_text.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/extract_vocab.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/section_links.cpp)
