#!/usr/bin/env bash
# Style gate: clang-format must leave every C++ file unchanged, and the few
# clang-tidy checks in .clang-tidy must be clean (clang-tidy-19: 14 cannot
# see std::expected in libstdc++ 12). Needs a configured build
# dir for compile_commands.json (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run --Werror "${files[@]}"
mapfile -t sources < <(git ls-files '*.cpp' | grep -v '^fuzz/' | grep -v '^bench/')
clang-tidy-19 -p "$build" --quiet "${sources[@]}"
