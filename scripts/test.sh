#!/usr/bin/env bash
# Sets up, builds (ASan + UBSan) and runs the whole test suite with ctest,
# then the threaded modules' tests again under ThreadSanitizer
# (scripts/test-tsan.sh). CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNEWSD_SANITIZE=ON -DNEWSD_TESTS=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" "$@"
scripts/test-tsan.sh "$@"
