# Fetcher throughput (owner: fetch): small pages from a loopback cpp-httplib
# server, requests/s for several per-host concurrency limits. See
# docs/performance.md, "Fetcher":
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSD_BENCH=ON -DNEWSD_TESTS=OFF
#   cmake --build build-bench --target fetch_bench && build-bench/bench/fetch_bench
if(NOT TARGET PkgConfig::HTTPLIB)
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()
add_executable(fetch_bench ${CMAKE_CURRENT_LIST_DIR}/fetch_bench.cpp)
target_link_libraries(fetch_bench PRIVATE newsd::fetch benchmark::benchmark PkgConfig::HTTPLIB)
newsd_target_defaults(fetch_bench)
