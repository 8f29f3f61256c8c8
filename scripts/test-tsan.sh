#!/usr/bin/env bash
# Builds the daemon and the tests of its threaded modules with ThreadSanitizer
# and runs those tests (ctest label "threads"): the engine's I/O thread,
# workers, coordinator and store writer, the service's signals and watchdog,
# the sinks' drain threads, and the real daemons those tests start. A race
# report from any of these processes in which newsd's code makes one of the
# accesses fails the run, even when the test passed. scripts/test.sh runs it
# after the ASan suite, so CI does.
#   scripts/test-tsan.sh [ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSD_TSAN=ON -DNEWSD_TESTS=ON >/dev/null
# The executables of the tests labelled "threads" (tests/*/CMakeLists.txt), and the daemon they start.
targets=(newsd base_tests fetch_tests ingest_tests ingest_sources_tests service_tests http_tests http_process_tests
  workers_tests sink_tests sink_process_tests store_tests watch_ingest_tests)
cmake --build build-tsan -j"$(nproc)" --target "${targets[@]}"

# GCC 12's ThreadSanitizer expects the address layout of a kernel with at most
# 28 bits of mmap randomization and aborts at start on some newer kernels:
# without randomization (where the sandbox permits it) it starts on any.
norandom=()
if setarch "$(uname -m)" -R true 2>/dev/null; then norandom=(setarch "$(uname -m)" -R); fi
# If instrumented programs cannot start at all, that is the machine, not
# newsd: say so loudly and stop, rather than fail 621 tests on it.
if ! probe=$("${norandom[@]}" build-tsan/tests/base/base_tests --gtest_list_tests 2>&1 >/dev/null); then
  if grep -q "FATAL: ThreadSanitizer" <<<"$probe"; then
    echo "test-tsan: SKIPPED, ThreadSanitizer cannot start on this kernel: $probe" >&2
    exit 0
  fi
fi

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
# Reports go to files, one per process: a daemon's stderr is often read by its
# test, or lost with a SIGKILL. They leave exit codes alone; the files decide.
export TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp second_deadlock_stack=1 log_path=$reports/tsan exitcode=0"
status=0
"${norandom[@]}" ctest --test-dir build-tsan --output-on-failure -j"$(nproc)" -L threads "$@" || status=$?
# A race counts when one of its two accesses runs newsd's code (a frame in
# this tree); one wholly inside an uninstrumented library is listed only
# (tests/tsan.supp says why such reports cannot be suppressed by name).
# Any other report (lock order, signal safety) counts if it names newsd's code.
if compgen -G "$reports/tsan.*" >/dev/null; then
  python3 - "$PWD" "$reports"/tsan.* <<'PY' || status=1
import re, sys
root, files = sys.argv[1], sys.argv[2:]
ours = 0
for name in files:
    text = open(name, errors="replace").read()
    for report in text.split("WARNING: ThreadSanitizer")[1:]:
        # A data race: its two accesses (the first two blocks), not the
        # stacks of thread creation or allocation. Anything else: all of it.
        blocks = re.split(r"\n\s*\n", report)[:2] if "data race" in report.split("\n")[0] else [report]
        mine = any(root + "/" in block for block in blocks)
        ours += mine
        print(("" if mine else "[library-internal, not counted] ") + "WARNING: ThreadSanitizer" + report.split("SUMMARY")[0])
sys.exit(1 if ours else 0)
PY
  if ((status)); then echo "test-tsan: failed tests or races in newsd's code (above)" >&2; fi
fi
exit "$status"
