#!/usr/bin/env python3
"""Combines a bench_workloads JSON report and PyTorch's rows into one markdown table.

    combine.py WORKLOADS_JSON TABLE_MD [--pytorch ROWS.jsonl ...] [--chart-data FILE]

Rows are the workloads; columns the samples/s of every implementation, ctnn's fraction of
the machine's peak (its FLOP/s over the peak_fma FLOP/s of the same run) and ctnn's speed
over each other implementation. The table goes to stdout and to TABLE_MD. With
--chart-data, also writes the samples/s as a whitespace-separated table for bench/chart.gp.
"""

import argparse
import json
import math
import statistics
import sys

WORKLOADS = ["lee_train", "mlp_train", "small_infer", "mlp_infer", "wide_train"]
IMPLEMENTATIONS = ["ctnn", "naive", "eigen", "pytorch", "pytorch_skx"]


def read_benchmark(path):
    """{name: {counter: value}} from Google Benchmark's JSON. With repetitions, the median
    aggregate when there is one, else the mean of the repetitions."""
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    runs, medians = {}, {}
    busy = 1.0  # the largest wall time / CPU time of a run
    for b in report["benchmarks"]:
        if b.get("error_occurred"):
            continue
        name = b.get("run_name", b["name"])
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[name] = b
        else:
            runs.setdefault(name, []).append(b)
        if b.get("cpu_time") and b.get("aggregate_name", "median") == "median":
            busy = max(busy, b["real_time"] / b["cpu_time"])
    result = {}
    for name in {*runs, *medians}:
        source = [medians[name]] if name in medians else runs[name]
        counters = {}
        for key in ("samples/s", "FLOP/s", "bytes/s"):
            values = [r[key] for r in source if key in r]
            if values:
                counters[key] = statistics.mean(values)
        result[name] = counters
    return report.get("context", {}), result, busy


def read_rows(paths):
    """{name: {counter: value}} from pytorch_compare.py's JSON lines."""
    result = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                row = json.loads(line)
                result[row["name"]] = {"samples/s": row["samples_per_second"], "FLOP/s": row["flops"],
                                       "blas_core": row.get("blas_core", "")}
    return result


def si(value):
    """3 significant digits with an SI prefix: 8.21 M, 283 k, 63.8."""
    if value is None or not math.isfinite(value):
        return "–"
    for factor, prefix in ((1e12, " T"), (1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{prefix}"
    return f"{value:.3g}"


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "–"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workloads_json")
    parser.add_argument("table_md")
    parser.add_argument("--pytorch", nargs="*", default=[], help="JSON lines of pytorch_compare.py")
    parser.add_argument("--chart-data", help="also write samples/s for bench/chart.gp here")
    args = parser.parse_args()

    context, results, busy = read_benchmark(args.workloads_json)
    results.update(read_rows(args.pytorch))

    def value(workload, implementation, counter="samples/s"):
        return results.get(f"{workload}/{implementation}", {}).get(counter)

    peak = results.get("peak_fma", {}).get("FLOP/s")
    bandwidth = results.get("memory_triad", {}).get("bytes/s")
    present = [i for i in IMPLEMENTATIONS if any(value(w, i) for w in WORKLOADS)]

    def best_pytorch(workload):
        values = [value(workload, i) for i in ("pytorch", "pytorch_skx") if value(workload, i)]
        return max(values) if values else None

    lines = ["## Samples per second (higher is better)", ""]
    header = ["workload", *present, "ctnn % of peak", "ctnn / eigen", "ctnn / naive"]
    if "pytorch" in present or "pytorch_skx" in present:
        header.append("ctnn / pytorch")
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for w in WORKLOADS:
        ctnn = value(w, "ctnn")
        flops = value(w, "ctnn", "FLOP/s")
        cells = [w, *(si(value(w, i)) for i in present)]
        cells.append(f"{100 * flops / peak:.1f} %" if flops and peak else "–")
        cells.append(ratio(ctnn, value(w, "eigen")))
        cells.append(ratio(ctnn, value(w, "naive")))
        if "pytorch" in present or "pytorch_skx" in present:
            cells.append(ratio(ctnn, best_pytorch(w)))
        lines.append("| " + " | ".join(cells) + " |")

    lines += ["", "## GFLOP/s (products only; see bench/workloads.cpp)", ""]
    lines.append("| workload | " + " | ".join(present) + " |")
    lines.append("|" + "---|" * (len(present) + 1))
    for w in WORKLOADS:
        cells = [w]
        for i in present:
            flops = value(w, i, "FLOP/s")
            cells.append(f"{flops / 1e9:.2f}" if flops else "–")
        lines.append("| " + " | ".join(cells) + " |")

    lines.append("")
    if peak:
        lines.append(f"- peak_fma: {peak / 1e9:.1f} GFLOP/s (one core, same run).")
    if bandwidth:
        lines.append(f"- memory_triad: {bandwidth / 1e9:.1f} GB/s (one core; STREAM's count, 12 bytes per float "
                     "element; same run).")
    cores = sorted({r["blas_core"] for n, r in results.items() if "/pytorch" in n and r.get("blas_core")})
    if cores:
        lines.append(f"- PyTorch's OpenBLAS kernels: {', '.join(cores)}; ctnn / pytorch is against the faster "
                     "PyTorch column.")
    if busy > 1.05:
        lines.append(f"- The machine was busy: a benchmark's wall time exceeded its CPU time by up to "
                     f"{100 * (busy - 1):.0f} %. bench_workloads reports per CPU second, "
                     "pytorch_compare.py per wall-clock second; they agree only on a quiet machine.")
    if context:
        load = ", ".join(f"{x:.2f}" for x in context.get("load_avg", []))
        lines.append(f"- Machine: {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
                     f"load average {load} at the start; {context.get('date', '')}.")
    table = "\n".join(lines) + "\n"
    sys.stdout.write(table)
    with open(args.table_md, "w", encoding="utf-8") as f:
        f.write(table)

    if args.chart_data:
        with open(args.chart_data, "w", encoding="utf-8") as f:
            f.write("workload " + " ".join(present) + "\n")
            for w in WORKLOADS:
                cells = [f"{value(w, i):.6g}" if value(w, i) else "-" for i in present]
                f.write(w + " " + " ".join(cells) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
