#!/usr/bin/env bash
# Wall-clock compile time of two translation units with g++ and clang++ at -O2:
#   examples/06_digits.cpp  a user's program (one network, fit, evaluate, IDX reading);
#   bench/five_models.cpp   the five workload models: a fused training step of the three
#                           trained ones, a forward pass of the two others;
#   bench/workloads.cpp     the benchmark program: the same models, each by two policies,
#                           plus the Eigen baselines and Google Benchmark.
# Flags as CMake gives them (the project's warnings, -march=native, the include
# directories), compiling only (-c): the link is the same with any header-only library.
# Diagnostics are not shown unless the compilation fails.
#
#   bench/compile_time.sh [RUNS]      RUNS per measurement (default 1; the fastest is shown)
#
# Another build on the machine inflates every figure; compare rows of one run.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-1}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

common=(-std=c++20 -O2 -DNDEBUG -march=native -Wall -Wextra -Wpedantic -I "$root/include")
sources=(examples/06_digits.cpp bench/five_models.cpp bench/workloads.cpp)
compilers=()
for c in g++ clang++; do
  if command -v "$c" >/dev/null; then compilers+=("$c"); fi
done

seconds() {  # the fastest of $runs compilations: compiler, source
  local compiler=$1 source=$2 best="" start end elapsed
  local flags=("${common[@]}")
  if [[ $source == bench/workloads.cpp ]]; then flags+=(-isystem /usr/include/eigen3); fi
  for ((k = 0; k < runs; ++k)); do
    start=$(date +%s%N)
    if ! "$compiler" "${flags[@]}" -c "$root/$source" -o "$scratch/out.o" 2>"$scratch/log"; then
      cat "$scratch/log" >&2
      echo "$compiler failed on $source" >&2
      exit 1
    fi
    end=$(date +%s%N)
    elapsed=$(((end - start) / 1000000))  # milliseconds
    if [[ -z $best ]] || ((elapsed < best)); then best=$elapsed; fi
  done
  printf '%d.%d' $((best / 1000)) $((best % 1000 / 100))
}

header="| translation unit |"
rule="|---|"
for compiler in "${compilers[@]}"; do
  header+=" $compiler -O2 |"
  rule+="---|"
done
echo "$header"
echo "$rule"
for source in "${sources[@]}"; do
  row="| $source |"
  for compiler in "${compilers[@]}"; do
    row+=" $(seconds "$compiler" "$source") s |"
  done
  echo "$row"
done
echo
for compiler in "${compilers[@]}"; do
  echo "$compiler: $("$compiler" --version | head -1)"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
