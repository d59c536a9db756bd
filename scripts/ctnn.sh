#!/usr/bin/env bash
# The project's set-up and entry points. On Debian 12, as root or with sudo:
#   scripts/ctnn.sh demo [options]  install what is missing, build the main program, run it
#   scripts/ctnn.sh test [preset]   install what is missing, build, run every test
#   scripts/ctnn.sh fuzz [seconds]  install clang's libFuzzer, run each file reader's fuzzer
# The demo's options go to the main program, ctnn-digits (demo --help lists them); with
# --dataset fashion the demo first installs Debian's Fashion-MNIST.
# Presets (CMakePresets.json): release (default), debug, clang, sanitize, generic.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

# Debian packages by purpose (every preset builds the main program, which needs CLI11). Only
# the missing ones are installed.
packages_for() {
  local preset=$1
  local base=(cmake ninja-build g++ libxsimd-dev zlib1g-dev nlohmann-json3-dev catch2 libcli11-dev libeigen3-dev)
  local bench=(libbenchmark-dev)
  case "$preset" in
    release) echo "${base[*]} ${bench[*]}" ;;
    clang) echo "${base[*]} clang" ;;
    fuzz) echo "cmake ninja-build clang libclang-rt-14-dev libxsimd-dev zlib1g-dev nlohmann-json3-dev" ;;
    *) echo "${base[*]}" ;;
  esac
}

# The packages of preset $1, and the packages named after it.
install_packages() {
  local missing=()
  for p in $(packages_for "$1") "${@:2}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "Installing: ${missing[*]}"
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

# True when the demo's options choose Fashion-MNIST (--dataset fashion, --dataset=fashion).
asks_for_fashion() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --dataset=fashion) return 0 ;;
      --dataset) [ "${2:-}" = fashion ] && return 0 ;;
    esac
    shift
  done
  return 1
}

build() {
  cmake --preset "$1"
  cmake --build --preset "$1"
}

command=${1:-}
preset=${2:-release}
case "$command" in
  demo)
    # Only the main program and what it needs: the tests and benchmarks are the test
    # command's. gnuplot draws its learning curve.
    shift
    extra=(gnuplot-nox)
    if asks_for_fashion "$@"; then extra+=(dataset-fashion-mnist); fi
    install_packages release "${extra[@]}"
    cmake --preset release
    cmake --build --preset release --target ctnn-digits
    exec build/release/apps/digits/ctnn-digits "$@"
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
