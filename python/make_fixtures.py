#!/usr/bin/python3
"""The PyTorch fixtures of tests/io/safetensors_pytorch.cpp, and the check of a round trip.

    /usr/bin/python3 python/make_fixtures.py [--out DIR]
    /usr/bin/python3 python/make_fixtures.py --check-roundtrip FILE EXPECTED [FILE EXPECTED ...]
    /usr/bin/python3 python/make_fixtures.py --check-roundtrip FOLDER

The first form makes small models with PyTorch (fixed seeds) and writes, into DIR
(default tests/io/safetensors_fixtures/), for each model ``<name>.safetensors`` and
``<name>.expected.txt``: a few inputs and PyTorch's outputs on them. It then reads every file
back with ``ctnn_torch.load`` and checks that the outputs are the same. The fixtures are
committed, so the C++ tests need no PyTorch.

The second form checks the way back: each FILE (written by ``ctnn::save_safetensors``) is
loaded with ``ctnn_torch.load``: its tensors must have the names of the mirroring
``nn.Sequential``'s ``state_dict()``, and its outputs on the inputs of EXPECTED must be the outputs
written there (within 1e-5 * max(1, |y|) for a float network, 1e-12 for a double one); a
FOLDER stands for each ``<name>.safetensors`` in it with its ``<name>.expected.txt``. The C++
test writes such pairs (ctnn's networks and ctnn's outputs) when the environment variable
CTNN_ROUNDTRIP_DIR names a folder:

    CTNN_ROUNDTRIP_DIR=/tmp/roundtrip ./ctnn_tests "[roundtrip]"
    /usr/bin/python3 python/make_fixtures.py --check-roundtrip /tmp/roundtrip

Format of ``<name>.expected.txt`` (plain text, one sample a line):

    # <name>: <description>            lines starting with '#' are comments
    # type: <the ctnn C++ type>
    # file dtype: F32
    <inputs> <outputs> <samples>        three integers
    x_1 ... x_inputs y_1 ... y_outputs  <samples> lines: one input, then the model's output

Numbers are Python's ``repr`` of a double (``-0.4817766547203064``, ``1e-05``), which reads back
as the same double; a float model's values are floats written exactly. The first sample is
all zeros; the others are normal samples at scales 0.5, 1, 1, 2 and 4.

The fixtures (the name, then the network):

    identity_output      4 -> 8 relu -> 2 identity                  (regression)
    tanh_hidden          5 -> 7 tanh -> 3 identity
    relu_hidden          6 -> 12 relu -> 10 relu -> 3 identity
    sigmoid_output       4 -> 8 relu -> 1 sigmoid                   (binary classifier)
    softmax_output       8 -> 16 relu -> 12 relu -> 5 softmax        (classifier)
    leaky_hard_sigmoid   4 -> 6 leaky_relu -> 5 hard_sigmoid -> 2 identity
    no_bias              3 -> 6 relu no_bias -> 4 tanh -> 1 identity no_bias
    f16_weights          4 -> 8 tanh -> 3 softmax, written as F16    (a float network)
    bf16_weights         4 -> 8 sigmoid -> 2 identity, written as BF16
    f64_double           3 -> 8 tanh -> 4 sigmoid -> 2 identity, float64 (a double network)
    named_attributes     ten layers fc1 ... fc10 of an nn.Module, no metadata, tensors in the
                         file in the order of their names as text (fc1, fc10, fc2, ...)
    self_check           6 -> 6 relu -> 6 relu -> 6 relu -> 2 identity, with the self-check
    wrong_order          self_check's file with layers 2 and 3 swapped (shapes still fit) and
                         the self-check of the correct model: must be refused
    transposed           self_check's file with layer 2's square weight transposed: refused
"""

import argparse
import math
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctnn_torch  # noqa: E402

FIXTURES = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "io",
                                         "safetensors_fixtures"))
SCALES = (0.5, 1.0, 1.0, 2.0, 4.0)


def seeded(seed, build):
    """``build()`` right after seeding PyTorch, so the initial weights depend only on ``seed``."""
    torch.manual_seed(seed)
    return build()


def samples(seed, inputs, dtype=torch.float32):
    """One zero input, then normal inputs at each of SCALES."""
    generator = torch.Generator().manual_seed(seed)
    rows = [torch.zeros(inputs, dtype=torch.float64)]
    rows += [scale * torch.randn(inputs, generator=generator, dtype=torch.float64) for scale in SCALES]
    return torch.stack(rows).to(dtype)


def outputs(model, x):
    """The model's outputs on a batch, in eval mode and without gradients."""
    model.eval()
    with torch.no_grad():
        return model(x)


def write_expected(path, name, description, ctnn_type, dtype, x, y):
    """Writes ``<name>.expected.txt`` (format in this script's docstring)."""
    lines = [f"# {name}: {description}", f"# type: {ctnn_type}", f"# file dtype: {dtype}",
             f"{x.shape[1]} {y.shape[1]} {x.shape[0]}"]
    for xs, ys in zip(x.tolist(), y.tolist()):
        lines.append(" ".join(repr(float(v)) for v in xs + ys))
    with open(path, "w") as file:
        file.write("\n".join(lines) + "\n")


def read_expected(path):
    """(inputs, outputs) of an expected.txt, as lists of rows of floats."""
    with open(path) as file:
        rows = [line.split() for line in file if line.strip() and not line.startswith("#")]
    n_in, n_out, count = (int(v) for v in rows[0])
    values = [[float(v) for v in row] for row in rows[1:]]
    if len(values) != count or any(len(row) != n_in + n_out for row in values):
        raise ValueError(f"{path}: expected {count} lines of {n_in} + {n_out} numbers")
    return [row[:n_in] for row in values], [row[n_in:] for row in values]


def largest_difference(found, expected):
    """max |found - expected| / max(1, |expected|) over all outputs."""
    return max((abs(f - e) / max(1.0, abs(e)) for fs, es in zip(found, expected) for f, e in zip(fs, es)),
               default=0.0)


class Named(nn.Module):
    """Ten dense layers held as attributes fc1 ... fc10, relu and tanh in turn, as a model
    written by hand names them (its state_dict: fc1.weight, fc1.bias, ..., fc10.bias)."""

    widths = (3, 5, 4, 6, 5, 4, 6, 5, 4, 3, 2)

    def __init__(self):
        super().__init__()
        for k in range(1, 11):
            setattr(self, f"fc{k}", nn.Linear(self.widths[k - 1], self.widths[k]))

    def forward(self, x):
        for k in range(1, 11):
            x = getattr(self, f"fc{k}")(x)
            if k < 10:
                x = torch.relu(x) if k % 2 else torch.tanh(x)
        return x

    @classmethod
    def ctnn_type(cls):
        layers = [f"ctnn::dense<{n}, ctnn::{'relu' if k % 2 else 'tanh'}>"
                  for k, n in enumerate(cls.widths[1:-1], start=1)]
        return ("ctnn::network<ctnn::input<3>, " + ", ".join(layers) +
                f", ctnn::dense<{cls.widths[-1]}, ctnn::identity>>")


def sequential_fixtures():
    """(name, description, model, seed) of the models written with ctnn_torch.save."""
    L = nn.Linear
    yield "identity_output", "4 -> 8 relu -> 2 identity (regression)", \
        seeded(1, lambda: nn.Sequential(L(4, 8), nn.ReLU(), L(8, 2))), 101
    yield "tanh_hidden", "5 -> 7 tanh -> 3 identity", \
        seeded(2, lambda: nn.Sequential(L(5, 7), nn.Tanh(), L(7, 3))), 102
    yield "relu_hidden", "6 -> 12 relu -> 10 relu -> 3 identity", \
        seeded(3, lambda: nn.Sequential(L(6, 12), nn.ReLU(), L(12, 10), nn.ReLU(), L(10, 3))), 103
    yield "sigmoid_output", "4 -> 8 relu -> 1 sigmoid (binary classifier)", \
        seeded(4, lambda: nn.Sequential(L(4, 8), nn.ReLU(), L(8, 1), nn.Sigmoid())), 104
    softmax = seeded(5, lambda: nn.Sequential(L(8, 16), nn.ReLU(), L(16, 12), nn.ReLU(), L(12, 5),
                                              nn.Softmax(dim=-1)))
    with torch.no_grad():
        softmax[4].weight.mul_(3)  # logits spread well apart, not a near-uniform softmax
    yield "softmax_output", "8 -> 16 relu -> 12 relu -> 5 softmax (classifier)", softmax, 105
    leaky = seeded(6, lambda: nn.Sequential(L(4, 6), nn.LeakyReLU(0.01), L(6, 5), nn.Hardsigmoid(),
                                            L(5, 2)))
    with torch.no_grad():  # the hard sigmoid's sums reach both flat parts, beyond -3 and 3
        leaky[2].weight.mul_(3)
        leaky[2].bias[:2] += torch.tensor([-3.5, 3.5])
    yield "leaky_hard_sigmoid", "4 -> 6 leaky_relu -> 5 hard_sigmoid -> 2 identity", leaky, 106
    yield "no_bias", "3 -> 6 relu no_bias -> 4 tanh -> 1 identity no_bias", \
        seeded(7, lambda: nn.Sequential(L(3, 6, bias=False), nn.ReLU(), L(6, 4), nn.Tanh(),
                                        L(4, 1, bias=False))), 107
    yield "f64_double", "3 -> 8 tanh -> 4 sigmoid -> 2 identity in float64 (a double network)", \
        seeded(10, lambda: nn.Sequential(L(3, 8), nn.Tanh(), L(8, 4), nn.Sigmoid(), L(4, 2)).double()), 110


def rounded_fixtures():
    """(name, description, model, seed, dtype) of float models written in a narrower dtype;
    the model's weights are first rounded to it, so its outputs are those of the file."""
    L = nn.Linear
    yield "f16_weights", "4 -> 8 tanh -> 3 softmax, weights written as F16", \
        seeded(8, lambda: nn.Sequential(L(4, 8), nn.Tanh(), L(8, 3), nn.Softmax(dim=-1))), 108, "F16"
    yield "bf16_weights", "4 -> 8 sigmoid -> 2 identity, weights written as BF16", \
        seeded(9, lambda: nn.Sequential(L(4, 8), nn.Sigmoid(), L(8, 2))), 109, "BF16"


def make(folder):
    """Writes every fixture into ``folder`` and checks each by reading it back."""
    os.makedirs(folder, exist_ok=True)
    made = []  # (name, file, expected file, ctnn type for load, or None for the file's own)

    def finish(name, description, ctnn_type, dtype, model, x, own_type=True):
        expected = os.path.join(folder, name + ".expected.txt")
        write_expected(expected, name, description, ctnn_type, dtype, x, outputs(model, x))
        made.append((name, os.path.join(folder, name + ".safetensors"), expected,
                     None if own_type else ctnn_type))

    for name, description, model, seed in sequential_fixtures():
        x = samples(seed, model[0].in_features, next(model.parameters()).dtype)
        ctnn_torch.save(model, os.path.join(folder, name + ".safetensors"))
        finish(name, description, ctnn_torch.cpp_type(model), "F64" if x.dtype == torch.float64 else "F32",
               model, x)
        if name == "leaky_hard_sigmoid":
            sums = outputs(model[:3], x)
            print(f"  {name}: hard sigmoid sums below -3: {int((sums < -3).sum())}, "
                  f"on the ramp: {int((sums.abs() < 3).sum())}, above 3: {int((sums > 3).sum())}")

    for name, description, model, seed, dtype in rounded_fixtures():
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.copy_(parameter.to(ctnn_torch.DTYPES[dtype][0]).float())
        ctnn_type = ctnn_torch.cpp_type(model)
        ctnn_torch.write_safetensors(os.path.join(folder, name + ".safetensors"), model.state_dict(),
                                     {"ctnn.type": ctnn_type}, dtype)
        finish(name, description, ctnn_type, dtype, model, samples(seed, 4))

    named = seeded(11, Named)
    with torch.no_grad():  # a gain, so that the inputs still count after ten layers
        for parameter in named.parameters():
            if parameter.dim() == 2:
                parameter.mul_(2.5)
    state = named.state_dict()
    ctnn_torch.write_safetensors(os.path.join(folder, "named_attributes.safetensors"),
                                 {k: state[k] for k in sorted(state)})
    finish("named_attributes", "fc1 ... fc10 of an nn.Module (3 -> 5 relu -> 4 tanh -> ... -> 2 "
           "identity), no metadata, tensors in the order of their names as text",
           Named.ctnn_type(), "F32", named, samples(111, 3), own_type=False)

    L = nn.Linear
    checked = seeded(12, lambda: nn.Sequential(L(6, 6), nn.ReLU(), L(6, 6), nn.ReLU(), L(6, 6), nn.ReLU(),
                                               L(6, 2)))
    x = samples(112, 6)
    path = os.path.join(folder, "self_check.safetensors")
    ctnn_torch.save(checked, path, sample=x[3])
    finish("self_check", "6 -> 6 relu -> 6 relu -> 6 relu -> 2 identity, with the self-check "
           "(sample: the fourth input)", ctnn_torch.cpp_type(checked), "F32", checked, x)
    tensors, metadata = ctnn_torch.read_safetensors(path)
    swapped = dict(tensors)
    for kind in ("weight", "bias"):
        swapped[f"2.{kind}"], swapped[f"4.{kind}"] = tensors[f"4.{kind}"], tensors[f"2.{kind}"]
    ctnn_torch.write_safetensors(os.path.join(folder, "wrong_order.safetensors"), swapped, metadata)
    transposed = dict(tensors)
    transposed["2.weight"] = tensors["2.weight"].t()
    ctnn_torch.write_safetensors(os.path.join(folder, "transposed.safetensors"), transposed, metadata)

    verify(made, [os.path.join(folder, f"{name}.safetensors") for name in ("wrong_order", "transposed")])


def verify(made, refused):
    """Reads every fixture back with ctnn_torch.load: the outputs must be the expected ones,
    and each file of ``refused`` must fail its self-check (and load without it)."""
    failures = 0
    for name, path, expected, ctnn_type in made:
        inputs, wanted = read_expected(expected)
        model = ctnn_torch.load(path, ctnn_type)
        dtype = next(model.parameters()).dtype
        found = outputs(model, torch.tensor(inputs, dtype=dtype)).tolist()
        difference = largest_difference(found, wanted)
        size = os.path.getsize(path) + os.path.getsize(expected)
        print(f"  {name:20} {size:5} bytes   read back by ctnn_torch.load: largest difference {difference:.3g}")
        failures += difference != 0
    for path in refused:
        try:
            ctnn_torch.load(path)
            print(f"  {os.path.basename(path)}: loaded, but its self-check should have failed")
            failures += 1
        except ValueError as e:
            print(f"  {os.path.basename(path)}: refused by ctnn_torch.load: {e}")
        ctnn_torch.load(path, check=False)  # the file itself is valid
    if failures:
        sys.exit(f"{failures} fixtures do not read back as written")


def check_roundtrip(pairs):
    """The --check-roundtrip mode: each (file, expected) pair, loaded with ctnn_torch.load."""
    failures = 0
    for path, expected in pairs:
        inputs, wanted = read_expected(expected)
        model = ctnn_torch.load(path)
        names, _ = ctnn_torch.read_safetensors(path)
        if sorted(names) != sorted(model.state_dict()):
            print(f"{path}: tensors {sorted(names)}, but the mirroring nn.Sequential's state_dict() "
                  f"names {sorted(model.state_dict())}: FAILED")
            failures += 1
        dtype = next(model.parameters()).dtype
        tolerance = 1e-12 if dtype == torch.float64 else 1e-5
        found = outputs(model, torch.tensor(inputs, dtype=dtype)).tolist()
        difference = largest_difference(found, wanted)
        verdict = "ok" if difference <= tolerance else "FAILED"
        print(f"{path}: {len(inputs)} samples, largest difference {difference:.3g} "
              f"(tolerance {tolerance:g}): {verdict}")
        failures += verdict != "ok"
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=FIXTURES, help="folder of the fixtures (default: %(default)s)")
    parser.add_argument("--check-roundtrip", nargs="+", metavar="PATH",
                        help="FILE EXPECTED pairs, or a folder of them: check safetensors files "
                             "written by ctnn against their expected outputs")
    args = parser.parse_args()
    if args.check_roundtrip:
        paths = args.check_roundtrip
        if len(paths) == 1 and os.path.isdir(paths[0]):
            files = sorted(f for f in os.listdir(paths[0]) if f.endswith(".safetensors"))
            paths = [os.path.join(paths[0], f) for name in files
                     for f in (name, name[:-len(".safetensors")] + ".expected.txt")]
        if not paths or len(paths) % 2:
            parser.error("--check-roundtrip takes a folder or pairs FILE EXPECTED [FILE EXPECTED ...]")
        return check_roundtrip(list(zip(paths[0::2], paths[1::2])))
    print(f"writing fixtures into {os.path.normpath(args.out)}")
    make(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
