# Scale: the article writer on PostgreSQL against SQLite's, same records
# (bench/scale/pg_write.py starts the server). See docs/performance.md, "Scale".
add_executable(pg_write_bench ${CMAKE_CURRENT_SOURCE_DIR}/scale/pg_write_bench.cpp)
target_link_libraries(pg_write_bench PRIVATE newsd::store PkgConfig::PQXX benchmark::benchmark)
newsd_target_defaults(pg_write_bench)
