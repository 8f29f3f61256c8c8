#!/usr/bin/env bash
# Installs every Debian package newsd's build, tests, benchmarks and fuzzers
# need. Idempotent and quiet when everything is present. Needs root (or sudo).
#   scripts/install-deps.sh            build + tests
#   scripts/install-deps.sh --all      also benchmarks' peers and fuzzing (clang-19)
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git python3
  # libraries (see cmake/NewsdDependencies.cmake)
  libcurl4-openssl-dev libpugixml-dev libicu-dev libsqlite3-dev sqlite3
  libspdlog-dev libfmt-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  libxml2-dev libstemmer-dev libcld2-dev libfasttext-dev libsystemd-dev libidn2-dev libcpp-httplib-dev
  libgumbo-dev libpsl-dev libnats-dev libssl-dev libpqxx-dev zlib1g-dev
  # tests (promtool checks /metrics; chromium runs the web reader's browser test)
  libgtest-dev libgmock-dev prometheus chromium fonts-noto-core postgresql-15
  # the sink tests start a JetStream server
  nats-server
  # systemd-analyze verify for the unit file test
  systemd
  # cpack -G DEB and dpkg-shlibdeps for the package test
  dpkg-dev
)
if [[ "${1:-}" == "--all" ]]; then
  packages+=(libbenchmark-dev python3-feedparser clang-19 libclang-rt-19-dev clang-format clang-tidy-19
    nginx-light newsboat time fasttext libxml2-utils)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
