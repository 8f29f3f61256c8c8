# Every dependency comes from a Debian package (scripts/install-deps.sh); nothing is
# vendored or downloaded at build time.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(CURL REQUIRED)
find_package(pugixml REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n data)
find_package(SQLite3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(LibXml2 REQUIRED)
find_package(ZLIB REQUIRED)  # gzipped sitemaps (.xml.gz)
find_package(tomlplusplus REQUIRED)
find_package(CLI11 REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(FASTTEXT REQUIRED IMPORTED_TARGET fasttext)
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)  # HTML5 re-parse of pages libxml2 mis-nests
pkg_check_modules(PSL REQUIRED IMPORTED_TARGET libpsl)  # registrable domains: which section-page links are same-site
pkg_check_modules(NATS REQUIRED IMPORTED_TARGET libnats)  # NATS JetStream sink (nats.c)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)          # webhook sink's HMAC-SHA256 signature
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)  # the PostgreSQL store backend

# libstemmer and cld2 ship neither a CMake config nor a .pc file.
find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
find_library(STEMMER_LIBRARY stemmer REQUIRED)
add_library(newsd_dep_stemmer INTERFACE)
target_include_directories(newsd_dep_stemmer SYSTEM INTERFACE ${STEMMER_INCLUDE_DIR})
target_link_libraries(newsd_dep_stemmer INTERFACE ${STEMMER_LIBRARY})
add_library(Stemmer::stemmer ALIAS newsd_dep_stemmer)

find_path(CLD2_INCLUDE_DIR cld2/public/compact_lang_det.h REQUIRED)
find_library(CLD2_LIBRARY cld2 REQUIRED)
add_library(newsd_dep_cld2 INTERFACE)
target_include_directories(newsd_dep_cld2 SYSTEM INTERFACE ${CLD2_INCLUDE_DIR})
target_link_libraries(newsd_dep_cld2 INTERFACE ${CLD2_LIBRARY})
add_library(CLD2::cld2 ALIAS newsd_dep_cld2)

if(NEWSD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(NEWSD_BENCH)
  find_package(benchmark REQUIRED)
endif()
