#!/usr/bin/env bash
# Builds ctnn's libFuzzer targets with clang++ (AddressSanitizer and UndefinedBehaviorSanitizer)
# in build/fuzz and runs each for a bounded time:
#
#   fuzz/run.sh [seconds per target, default 60] [target ...]
#
# Each target starts from its seeds in fuzz/corpus/<target>/ (read, never written) and keeps
# what it finds in build/fuzz/corpus/<target>/; a crashing input is written to
# build/fuzz/artifacts/<target>/. The exit status is non-zero when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
build=build/fuzz
cxx=${CXX:-clang++}
# load_idx writes its gzip inputs to two scratch files per run: on a memory file system that
# costs microseconds, on a disk milliseconds (a twentieth of the runs).
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi

# The longest input each target is given: enough for a few digits (3 + 16 + 2·784 + 8 + 2
# bytes) or a few dozen CSV rows, short enough to keep runs fast.
declare -A max_len=([load_idx]=4096 [load_csv]=2048 [load_model]=1024 [load_safetensors]=2048)

cmake -S fuzz -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE= >/dev/null
cmake --build "$build"

if [ $# -gt 0 ]; then targets=("$@"); else targets=(load_idx load_csv load_model load_safetensors); fi
# One target per core at a time: each keeps its whole time budget, and the run takes half as
# long on two cores. A target's log is printed when it ends, so the outputs do not interleave.
run_target() {
  local target=$1 corpus="$build/corpus/$1" artifacts="$build/artifacts/$1/"
  mkdir -p "$corpus" "$artifacts"
  local extra=()
  [ -d "fuzz/corpus/$target" ] && extra+=("fuzz/corpus/$target")
  [ -f "fuzz/$target.dict" ] && extra+=("-dict=fuzz/$target.dict")
  "$build/$target" "$corpus" "${extra[@]}" \
    -max_total_time="$seconds" -max_len="${max_len[$target]:-4096}" -timeout=10 \
    -artifact_prefix="$artifacts" -print_final_stats=1 >"$build/$target.log" 2>&1
}
cores=$(nproc)
declare -A running=()  # pid -> target
failed=()
reap() {  # waits for one target to end, prints its log and records a crash
  local pid status=0
  wait -n -p pid "${!running[@]}" || status=$?
  local target=${running[$pid]}
  unset "running[$pid]"
  echo "== $target: ${seconds} s"
  cat "$build/$target.log"
  [ "$status" -eq 0 ] || failed+=("$target")
}
for target in "${targets[@]}"; do
  while [ ${#running[@]} -ge "$cores" ]; do reap; done
  run_target "$target" &
  running[$!]=$target
done
while [ ${#running[@]} -gt 0 ]; do reap; done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz/run.sh: crashes in: ${failed[*]} (inputs in $build/artifacts/)" >&2
  exit 1
fi
echo "fuzz/run.sh: no crash in ${targets[*]}"
