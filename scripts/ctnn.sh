#!/usr/bin/env bash
# The project's set-up and entry points. On Debian 12, as root or with sudo:
#   scripts/ctnn.sh demo            install what is missing, build, run the main example
#   scripts/ctnn.sh test [preset]   install what is missing, build, run every test
#   scripts/ctnn.sh fuzz [seconds]  install clang's libFuzzer, run each file reader's fuzzer
# Presets (CMakePresets.json): release (default), debug, clang, sanitize, generic.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

# Debian packages by purpose. Only the missing ones are installed.
packages_for() {
  local preset=$1
  local base=(cmake ninja-build g++ libxsimd-dev zlib1g-dev nlohmann-json3-dev catch2)
  local bench=(libbenchmark-dev libeigen3-dev)
  case "$preset" in
    release) echo "${base[*]} ${bench[*]}" ;;
    clang) echo "${base[*]} clang" ;;
    fuzz) echo "cmake ninja-build clang libclang-rt-14-dev libxsimd-dev zlib1g-dev nlohmann-json3-dev" ;;
    *) echo "${base[*]}" ;;
  esac
}

install_packages() {
  local missing=()
  for p in $(packages_for "$1"); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "Installing: ${missing[*]}"
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
  cmake --preset "$1"
  cmake --build --preset "$1"
}

command=${1:-}
preset=${2:-release}
case "$command" in
  demo)
    # Only the main example and what it needs: the tests and benchmarks are the test command's.
    install_packages release
    cmake --preset release
    cmake --build --preset release --target demo
    ;;
  test)
    install_packages "$preset"
    build "$preset"
    ctest --preset "$preset"
    ;;
  fuzz)
    install_packages fuzz
    fuzz/run.sh "${2:-60}"
    ;;
  *) usage ;;
esac
