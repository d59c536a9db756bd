#!/usr/bin/env python3
"""The five standard workloads of bench/workloads.cpp in PyTorch, for comparison.

One thread, float32, the same models, batch sizes and learning rates; PyTorch's own
initialisation (the cost of a step does not depend on the values). Training is the usual
loop: ``opt.zero_grad(); loss = loss_fn(model(x), target); loss.backward(); opt.step()``
with ``torch.optim.SGD``; inference is ``model(x)`` (plus the softmax for mlp_infer, whose
ctnn and Eigen versions return probabilities) under ``torch.inference_mode()``.

Prints one JSON object per line:
    {"name": "mlp_train/pytorch", "samples_per_second": ..., "flops": ..., ...}
where ``flops`` is FLOP per second, counted as bench/workloads.cpp counts it (the products
only; see the comment at the top of that file).

Environment. Debian's torch does its matrix products in the system BLAS (libblas.so.3):
  * install OpenBLAS (``apt-get install libopenblas0-pthread``); with only libblas3 the
    products run in the unoptimised reference BLAS, and the figures mean nothing (the
    ``blas`` field of every row names the library that was loaded);
  * run with ``OPENBLAS_NUM_THREADS=1`` (and ``OMP_NUM_THREADS=1``) in the environment:
    OpenBLAS sizes its thread pool when the library is loaded, before any Python code
    could call ``torch.set_num_threads``. This script sets both when they are unset, before
    importing torch, but an explicit environment is the documented way;
  * ``OPENBLAS_CORETYPE=SkylakeX`` forces OpenBLAS's AVX-512 kernels on CPUs its version
    does not recognise (bench/run_all.sh runs the script both ways; name the second run
    with ``--name pytorch_skx``);
  * with glibc's default malloc, the tensors of each step may be mapped afresh and
    zero-filled page by page, or reused, depending on the history of the process: wide_train
    then runs at one of two speeds, a factor 2 apart. bench/run_all.sh sets
    ``GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824``
    so that they are always reused (the faster of the two).
"""

import argparse
import ctypes
import gzip
import json
import os
import statistics
import struct
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402  (after the environment above)
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

# name, layer sizes, activations of the hidden layers and of the output, loss, batch,
# learning rate (None: inference).
WORKLOADS = [
    ("lee_train", [1, 64, 1], nn.Sigmoid, None, "mse", 32, 0.05),
    ("mlp_train", [784, 128, 64, 10], nn.ReLU, "softmax", "cross_entropy", 64, 0.01),
    ("small_infer", [16, 32, 32, 1], nn.ReLU, None, None, 1, None),
    ("mlp_infer", [784, 128, 64, 10], nn.ReLU, "softmax", None, 1, None),
    ("wide_train", [1024, 1024, 1024, 10], nn.ReLU, "softmax", "cross_entropy", 256, 0.01),
]


def flops_per_iteration(sizes, batch, training):
    """2·MACs forward (+ 2·MACs weight gradients + 2·MACs input gradients of every layer
    but the first, when training)."""
    layers = list(zip(sizes[:-1], sizes[1:]))
    macs = sum(i * o for i, o in layers) * batch
    if not training:
        return 2 * macs
    input_gradients = sum(i * o for i, o in layers[1:]) * batch
    return 2 * macs + 2 * macs + 2 * input_gradients


def make_model(sizes, hidden):
    layers = []
    for k, (i, o) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(i, o))
        if k + 2 < len(sizes):
            layers.append(hidden())
    # The softmax of a classifier is in the loss (cross_entropy takes logits) when training,
    # and applied explicitly when inferring.
    return nn.Sequential(*layers)


def make_step(sizes, hidden, output, loss, batch, learning_rate, generator):
    model = make_model(sizes, hidden)
    x = torch.rand(batch, sizes[0], generator=generator) * 2 - 1
    if learning_rate is None:
        model.eval()
        if output == "softmax":
            def infer():
                with torch.inference_mode():
                    return torch.softmax(model(x), dim=1)
        else:
            def infer():
                with torch.inference_mode():
                    return model(x)
        return infer

    opt = torch.optim.SGD(model.parameters(), lr=learning_rate)
    if loss == "cross_entropy":
        loss_function = F.cross_entropy
        target = torch.randint(0, sizes[-1], (batch,), generator=generator)
    else:
        loss_function = F.mse_loss
        target = torch.sin(3 * x[:, :1])

    def train():
        opt.zero_grad()
        value = loss_function(model(x), target)
        value.backward()
        opt.step()
        return value
    return train


def measure(step, min_time, repetitions):
    """Seconds per call, wall clock and CPU: the medians over `repetitions` runs of at least
    `min_time` / `repetitions` seconds each, after a warm-up; and the calls of the last run."""
    deadline = time.perf_counter() + max(0.1, min_time / 10)
    calls = 0
    while time.perf_counter() < deadline or calls < 3:
        step()
        calls += 1
    per_run = min_time / repetitions
    wall, cpu = [], []
    for _ in range(repetitions):
        iterations, elapsed = 0, 0.0
        chunk = 1
        start, start_cpu = time.perf_counter(), time.process_time()
        while elapsed < per_run:
            for _ in range(chunk):
                step()
            iterations += chunk
            elapsed = time.perf_counter() - start
            chunk = min(chunk * 2, 1 << 16)
        wall.append(elapsed / iterations)
        cpu.append((time.process_time() - start_cpu) / iterations)
    return statistics.median(wall), statistics.median(cpu), iterations


def blas_library():
    """The BLAS library mapped into this process (Linux) and, for OpenBLAS, the core type
    whose kernels it runs (its own detection, or OPENBLAS_CORETYPE)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = [line.split()[-1] for line in maps if "blas" in os.path.basename(line.split()[-1])]
    except OSError:
        return "unknown", ""
    if not paths:
        return "unknown", ""
    core = ""
    try:
        library = ctypes.CDLL(paths[0])
        library.openblas_get_corename.restype = ctypes.c_char_p
        core = library.openblas_get_corename().decode()
    except (OSError, AttributeError):
        pass  # not OpenBLAS
    return os.path.basename(paths[0]), core


FASHION = "/usr/share/datasets/fashion-mnist/"


def read_idx(images_path, labels_path):
    """Images (scaled to [0, 1], one row of 784 per image) and labels of an IDX pair, as
    ctnn::io::load_idx reads them."""
    with gzip.open(images_path, "rb") as f:
        _, count, rows, cols = struct.unpack(">IIII", f.read(16))
        pixels = torch.frombuffer(bytearray(f.read(count * rows * cols)), dtype=torch.uint8)
    with gzip.open(labels_path, "rb") as f:
        _, n = struct.unpack(">II", f.read(8))
        labels = torch.frombuffer(bytearray(f.read(n)), dtype=torch.uint8)
    return pixels.reshape(count, rows * cols).float() / 255, labels.long()


def fashion(args, blas, core):
    """The reference recipe of bench/fashion.cpp: 784 → 128 relu → 64 relu → 10, cross-entropy,
    Adam 1e-3, batch 64, shuffled each epoch; samples/s of the whole run, the first and the
    last block of 200 steps, and the test accuracy."""
    x, y = read_idx(FASHION + "train-images-idx3-ubyte.gz", FASHION + "train-labels-idx1-ubyte.gz")
    test_x, test_y = read_idx(FASHION + "t10k-images-idx3-ubyte.gz", FASHION + "t10k-labels-idx1-ubyte.gz")
    torch.manual_seed(42)
    model = make_model([784, 128, 64, 10], nn.ReLU)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(7)
    blocks, block, steps = [], 0.0, 0
    start = time.perf_counter()
    for _ in range(args.fashion):
        order = torch.randperm(x.shape[0], generator=generator)
        for first in range(0, x.shape[0], 64):
            step_start = time.perf_counter()
            rows = order[first:first + 64]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[rows]), y[rows])
            loss.backward()
            opt.step()
            block += time.perf_counter() - step_start
            steps += 1
            if steps % 200 == 0:
                blocks.append(block)
                block = 0.0
    seconds = time.perf_counter() - start
    with torch.inference_mode():
        accuracy = (model(test_x).argmax(dim=1) == test_y).float().mean().item()
    print(json.dumps({
        "name": f"fashion_train/{args.name}",
        "epochs": args.fashion,
        "samples_per_second": args.fashion * x.shape[0] / seconds,
        "early_ms": 1e3 * blocks[0],
        "late_ms": 1e3 * blocks[-1],
        "test_accuracy": accuracy,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "blas": blas,
        "blas_core": core,
    }), flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fashion", type=int, default=0, metavar="EPOCHS",
                        help="instead of the workloads, train the Fashion-MNIST recipe this many epochs")
    parser.add_argument("--name", default="pytorch", help="implementation name in the output rows")
    parser.add_argument("--min-time", type=float, default=2.0, help="seconds measured per workload")
    parser.add_argument("--repetitions", type=int, default=5, help="timed runs per workload (median)")
    parser.add_argument("--filter", default="", help="only workloads whose name contains this")
    args = parser.parse_args()

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # only possible before any parallel work, which is harmless here
    generator = torch.Generator().manual_seed(7)
    torch.ones(2, 2) @ torch.ones(2, 2)  # loads the BLAS library, so that it can be named
    blas, core = blas_library()
    torch.manual_seed(42)
    if args.fashion:
        return fashion(args, blas, core)

    for name, sizes, hidden, output, loss, batch, learning_rate in WORKLOADS:
        if args.filter not in name:
            continue
        step = make_step(sizes, hidden, output, loss, batch, learning_rate, generator)
        seconds, cpu_seconds, iterations = measure(step, args.min_time, args.repetitions)
        flops = flops_per_iteration(sizes, batch, learning_rate is not None)
        row = {
            "name": f"{name}/{args.name}",
            "samples_per_second": batch / seconds,
            "flops": flops / seconds,
            "seconds_per_iteration": seconds,
            "cpu_seconds_per_iteration": cpu_seconds,
            "iterations": iterations,
            "threads": torch.get_num_threads(),
            "torch": torch.__version__,
            "blas": blas,
            "blas_core": core,
            "glibc_tunables": os.environ.get("GLIBC_TUNABLES", ""),
        }
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
