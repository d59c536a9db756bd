#!/usr/bin/env bash
# Prints, for every program of tests/compile_fail/, the length of g++'s whole diagnostic and
# its first error, as a Markdown table (the table of docs/diagnostics.md). With `--full NAME`,
# prints the whole diagnostic of one case instead, as a user sees it.
#   scripts/diagnostics.sh                 the table
#   scripts/diagnostics.sh --full network_layer_sizes
set -euo pipefail
cd "$(dirname "$0")/.."
compile() {
  LC_ALL=C GCC_COLORS= "${CXX:-g++}" -std=c++20 -O2 -march=native -Iinclude -fsyntax-only "$1" 2>&1 |
    sed "s|$PWD/||g" || true
}
if [ "${1:-}" = "--full" ]; then
  compile "tests/compile_fail/$2.cpp"
  exit 0
fi
echo "| case | lines | first error |"
echo "|---|---:|---|"
for source in tests/compile_fail/*.cpp; do
  output=$(compile "$source")
  lines=$(printf '%s\n' "$output" | wc -l)
  first=$(printf '%s\n' "$output" | grep -m1 'error:' | sed 's/^.*error: //; s/|/\\|/g')
  echo "| \`$(basename "$source" .cpp)\` | $lines | $first |"
done
