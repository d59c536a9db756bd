#!/usr/bin/env bash
# Builds and runs bench_workloads, runs the same workloads in PyTorch when it is installed,
# and writes one markdown table (stdout and TABLE) and a chart, both from that single run.
#
#   bench/run_all.sh [TABLE]          default TABLE: build/release/bench/results/workloads.md
#
# The raw results (workloads.json, pytorch*.jsonl, chart.dat, workloads.png) are written next
# to TABLE. Extra arguments for bench_workloads go in BENCH_ARGS, for example
#   BENCH_ARGS="--benchmark_repetitions=5 --benchmark_enable_random_interleaving=true"
# and for bench/pytorch_compare.py in PYTORCH_ARGS (for example "--min-time 3").
# PyTorch needs OpenBLAS as the system BLAS; see bench/pytorch_compare.py.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
table=${1:-$root/build/release/bench/results/workloads.md}
mkdir -p "$(dirname "$table")"
results=$(cd "$(dirname "$table")" && pwd)
table="$results/$(basename "$table")"

# One job: the machine has two cores, and a benchmark run is not worth a failed build.
cmake --build "$root/build/release" --target bench_workloads -j1

read -r -a bench_args <<<"${BENCH_ARGS:-}"
read -r -a pytorch_args <<<"${PYTORCH_ARGS:-}"

"$root/build/release/bench/bench_workloads" \
  --benchmark_out="$results/workloads.json" --benchmark_out_format=json "${bench_args[@]}" >&2

# The first interpreter that has torch: PATH's python3 may be a separate installation
# (pyenv, a virtualenv) without Debian's python3-torch.
python=""
for candidate in "${PYTHON:-python3}" /usr/bin/python3; do
  if "$candidate" -c "import torch" 2>/dev/null; then
    python=$candidate
    break
  fi
done

pytorch_rows=()
if [[ -n $python ]]; then
  # OpenBLAS reads its thread count when it is loaded, before the script can set it.
  # glibc's malloc maps large blocks afresh (and zero-fills them, page by page) on each
  # allocation and, by default, only sometimes stops doing so; PyTorch allocates its
  # activations and gradients on every step, so wide_train ran at either 7 k or 15 k
  # samples/s from one process to the next. Keeping such blocks in the heap gives PyTorch
  # its better figure every time (as jemalloc or tcmalloc would).
  export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824
  export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
  # First OpenBLAS's own choice of kernels for this CPU (whatever OPENBLAS_CORETYPE the
  # environment had), then, where the CPU has AVX-512, its AVX-512 kernels forced.
  echo "PyTorch ($python), OpenBLAS's own choice of kernels..." >&2
  env -u OPENBLAS_CORETYPE \
    "$python" "$root/bench/pytorch_compare.py" --name pytorch "${pytorch_args[@]}" >"$results/pytorch.jsonl"
  pytorch_rows=("$results/pytorch.jsonl")
  if grep -qw avx512f /proc/cpuinfo; then
    echo "PyTorch with OPENBLAS_CORETYPE=SkylakeX..." >&2
    env OPENBLAS_CORETYPE=SkylakeX \
      "$python" "$root/bench/pytorch_compare.py" --name pytorch_skx "${pytorch_args[@]}" >"$results/pytorch_skx.jsonl"
    pytorch_rows+=("$results/pytorch_skx.jsonl")
  else
    echo "No AVX-512 on this CPU: no pytorch_skx column (OpenBLAS's SkylakeX kernels need it)" >&2
  fi
else
  echo "PyTorch is not installed (apt-get install python3-torch libopenblas0-pthread): no PyTorch columns" >&2
fi

combine_python=${python:-python3}
"$combine_python" "$root/bench/combine.py" "$results/workloads.json" "$table" \
  --chart-data "$results/chart.dat" ${pytorch_rows[@]+--pytorch "${pytorch_rows[@]}"}

if command -v gnuplot >/dev/null; then
  gnuplot -e "data='$results/chart.dat'; output='$results/workloads.png'" "$root/bench/chart.gp"
  echo "chart: $results/workloads.png" >&2
else
  echo "gnuplot is not installed (apt-get install gnuplot-nox): no chart" >&2
fi
echo "table: $table" >&2
