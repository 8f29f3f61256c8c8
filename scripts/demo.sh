#!/usr/bin/env bash
# Sets up, builds and runs newsd's main job on the bundled default config:
# the sample feeds under samples/ are ingested offline (file: URLs) into
# var/newsd.db, and newsd prints what it stored (feed | title | tags).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSD_TESTS=OFF >/dev/null
cmake --build build --target newsd -j"$(nproc)"
exec build/newsd once --config config/newsd.toml "$@"
