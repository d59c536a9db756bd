"""PyTorch models as ctnn networks and back, through safetensors files.

ctnn (a C++ library in which a neural network is a C++ type) reads and writes the weights of
a network as safetensors, named as the ``state_dict()`` of the ``nn.Sequential`` that mirrors
the network: each dense layer an ``nn.Linear`` (weight outputs x inputs, then bias), followed
by its activation module unless the activation is the identity. This module is the PyTorch
side of that exchange; it needs only the standard library and PyTorch (no ``safetensors``
package)::

    import ctnn_torch
    ctnn_torch.save(model, "digits.safetensors", sample=x_test[0])  # for ctnn::load_safetensors
    print(ctnn_torch.cpp_type(model))      # ctnn::network<ctnn::input<784>, ...>
    model = ctnn_torch.load("for_pytorch.safetensors")   # written by ctnn::save_safetensors

Modules and ctnn activations:

    nn.Linear(in, out)              ctnn::dense<out, ...>   (bias=False: ctnn::no_bias)
    (no activation module)          ctnn::identity
    nn.Sigmoid                      ctnn::sigmoid
    nn.Hardsigmoid                  ctnn::hard_sigmoid   (clamp(x/6 + 1/2, 0, 1) in both)
    nn.ReLU                         ctnn::relu
    nn.LeakyReLU(0.01)              ctnn::leaky_relu     (that slope only)
    nn.Tanh                         ctnn::tanh
    nn.Softmax(dim=-1 or 1)         ctnn::softmax        (after the last Linear only)

The file's ``__metadata__`` holds the C++ type (``ctnn.type``) and, when ``save`` is given a
sample, a self-check: the sample (``ctnn.check.input``), the model's output on it
(``ctnn.check.output``) and a tolerance (``ctnn.check.tolerance``). ctnn's loader, and
``load`` here, refuse the file when the loaded network does not reproduce that output, so an
import that loads but computes something else is an error.

Everything that ctnn cannot express is refused with a ``ValueError`` that names the
module's index and class.
"""

import json
import math
import os
import re
import secrets
import struct
from collections import namedtuple
from functools import cmp_to_key

import torch
from torch import nn

__all__ = ["save", "load", "cpp_type", "read_safetensors", "write_safetensors"]

# safetensors dtype -> (torch dtype, integer dtype of the same width, struct code, bytes)
DTYPES = {
    "F32": (torch.float32, torch.int32, "i", 4),
    "F64": (torch.float64, torch.int64, "q", 8),
    "F16": (torch.float16, torch.int16, "h", 2),
    "BF16": (torch.bfloat16, torch.int16, "h", 2),
}
_DTYPE_NAMES = {torch_dtype: name for name, (torch_dtype, _, _, _) in DTYPES.items()}

# ctnn activation -> a function making its PyTorch module (identity has none)
_MODULES = {
    "sigmoid": nn.Sigmoid,
    "hard_sigmoid": nn.Hardsigmoid,
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "tanh": nn.Tanh,
    "softmax": lambda: nn.Softmax(dim=-1),
}
_ACTIVATIONS = {
    nn.Sigmoid: "sigmoid",
    nn.Hardsigmoid: "hard_sigmoid",
    nn.ReLU: "relu",
    nn.LeakyReLU: "leaky_relu",
    nn.Tanh: "tanh",
    nn.Softmax: "softmax",
}
_SUPPORTED = ("nn.Linear followed by at most one of nn.Sigmoid, nn.Hardsigmoid, nn.ReLU, "
              "nn.LeakyReLU(0.01), nn.Tanh, nn.Softmax(dim=-1)")

DEFAULT_TOLERANCE = 1e-5

# One dense layer: sizes, ctnn activation name, whether it has a bias, and the position of its
# nn.Linear in the Sequential (which names its tensors: "<index>.weight").
Layer = namedtuple("Layer", "inputs outputs activation bias index")


# ---------------------------------------------------------------------------------------------
# The model as ctnn layers


def _describe(model):
    """The scalar type ("float" or "double") and the ctnn layers of ``model``.

    Raises ValueError for anything that ctnn cannot express, naming the module's index and
    class.
    """
    if not isinstance(model, nn.Sequential):
        raise ValueError(f"the model is a {type(model).__name__}, not an nn.Sequential: ctnn_torch "
                         f"reads an nn.Sequential of {_SUPPORTED}")
    modules = list(model)
    if not modules:
        raise ValueError("the nn.Sequential is empty: a ctnn network needs at least one nn.Linear")

    layers, dtype, dtype_index = [], None, None
    for index, module in enumerate(modules):
        where = f"module {index} ({type(module).__name__})"
        if type(module) is nn.Linear:
            if dtype is None:
                dtype, dtype_index = module.weight.dtype, index
                if dtype not in (torch.float32, torch.float64):
                    raise ValueError(f"{where}: dtype {dtype}; ctnn networks are float32 or float64 "
                                     f"(convert the model with model.float() or model.double())")
            for tensor in (module.weight, module.bias):
                if tensor is not None and tensor.dtype != dtype:
                    raise ValueError(f"{where}: dtype {tensor.dtype}, but module {dtype_index} "
                                     f"is {dtype}: a ctnn network has one scalar type")
            if layers and module.in_features != layers[-1].outputs:
                raise ValueError(f"{where}: in_features {module.in_features}, but the layer before "
                                 f"it has {layers[-1].outputs} outputs")
            layers.append(Layer(module.in_features, module.out_features, "identity",
                                module.bias is not None, index))
            continue

        activation = _ACTIVATIONS.get(type(module))
        if activation is None:
            reason = ("ctnn has no dropout; delete it from the nn.Sequential before exporting "
                      "(in eval mode it does nothing)" if isinstance(module, nn.Dropout) else
                      f"ctnn cannot express it; a ctnn network is a sequence of {_SUPPORTED}")
            raise ValueError(f"{where}: {reason}")
        if not layers:
            raise ValueError(f"{where}: an activation must follow an nn.Linear (ctnn applies "
                             f"each activation to a dense layer's sums)")
        if layers[-1].activation != "identity":
            raise ValueError(f"{where}: two activations in a row (after "
                             f"{type(modules[index - 1]).__name__}); a ctnn layer has one activation")
        if activation == "leaky_relu" and module.negative_slope != 0.01:
            raise ValueError(f"{where}: negative_slope {module.negative_slope!r}; ctnn's leaky_relu "
                             f"has slope 0.01 (nn.LeakyReLU(0.01))")
        if activation == "softmax":
            if module.dim not in (-1, 1):
                raise ValueError(f"{where}: dim={module.dim!r}; ctnn's softmax runs over a layer's "
                                 f"outputs, nn.Softmax(dim=-1) (or dim=1)")
            if index != len(modules) - 1:
                raise ValueError(f"{where}: a softmax before the last module; ctnn's softmax is "
                                 f"the output layer's only")
        layers[-1] = layers[-1]._replace(activation=activation)

    return ("double" if dtype == torch.float64 else "float"), layers


def _spell(scalar, layers):
    """The C++ type of a network with these layers."""
    parts = [f"ctnn::input<{layers[0].inputs}>"]
    for layer in layers:
        no_bias = "" if layer.bias else ", ctnn::no_bias"
        parts.append(f"ctnn::dense<{layer.outputs}, ctnn::{layer.activation}{no_bias}>")
    head = "ctnn::network<" if scalar == "float" else "ctnn::basic_network<double, "
    return head + ", ".join(parts) + ">"


def cpp_type(model):
    """The C++ type of the ctnn network that mirrors ``model``, an nn.Sequential.

    >>> cpp_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.Softmax(-1)))
    'ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<10, ctnn::softmax>>'

    A float64 model is a ``ctnn::basic_network<double, ...>``; a Linear without bias is a
    layer with ``ctnn::no_bias``. Raises ValueError for a model that ctnn cannot express.
    """
    return _spell(*_describe(model))


def _split_arguments(text):
    """Template arguments at the top level: "a<b, c>, d" -> ["a<b, c>", "d"]."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "<(":
            depth += 1
        elif c in ">)":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def _parse_type(text):
    """The scalar type and the layers of a ctnn network's C++ type, as ``_describe`` gives them.

    Reads both ``ctnn::network<...>`` and ``ctnn::basic_network<float|double, ...>``, layers
    ``dense<N, f>``, ``dense<In, N, f>`` and either with ``ctnn::no_bias``.
    """
    def refuse(reason):
        raise ValueError(f"ctnn type {text!r}: {reason}")

    def size(argument):
        match = re.fullmatch(r"(\d+)[uUlL]*", argument)
        return int(match.group(1)) if match else None

    def name(argument):
        return argument[6:] if argument.startswith("ctnn::") else argument

    match = re.fullmatch(r"\s*(?:ctnn::)?(network|basic_network)\s*<(.*)>\s*", text, re.S)
    if not match:
        refuse("expected ctnn::network<...> or ctnn::basic_network<...>")
    arguments = _split_arguments(match.group(2))
    scalar = "float"
    if match.group(1) == "basic_network":
        scalar = arguments.pop(0)
        if scalar not in ("float", "double"):
            refuse(f"scalar type {scalar!r}, expected float or double")
    first = re.fullmatch(r"input\s*<(.*)>", name(arguments[0]) if arguments else "")
    if not first or size(first.group(1).strip()) is None:
        refuse("the first layer is not ctnn::input<N>")
    previous = size(first.group(1).strip())

    layers, index = [], 0
    for number, argument in enumerate(arguments[1:], start=1):
        dense = re.fullmatch(r"dense\s*<(.*)>", name(argument), re.S)
        if not dense:
            refuse(f"layer {number} is {argument!r}, not a ctnn::dense<...>")
        values = _split_arguments(dense.group(1))
        bias = not (values and name(values[-1]) == "no_bias")
        if not bias:
            values.pop()
        sizes = [size(v) for v in values[:-1]]
        if len(values) not in (2, 3) or None in sizes:
            refuse(f"layer {number} is {argument!r}, expected dense<N, f> or dense<In, N, f>")
        activation = name(values[-1])
        if activation != "identity" and activation not in _MODULES:
            refuse(f"layer {number} has the activation {values[-1]}, which no PyTorch module "
                   f"computes as ctnn does")
        if len(sizes) == 2 and sizes[0] != previous:
            refuse(f"layer {number} states {sizes[0]} inputs, but the layer before it has {previous}")
        if activation == "softmax" and number != len(arguments) - 1:
            refuse(f"layer {number} has a softmax but is not the output layer")
        layers.append(Layer(previous, sizes[-1], activation, bias, index))
        previous = sizes[-1]
        index += 1 if activation == "identity" else 2
    if not layers:
        refuse("no dense layer")
    return scalar, layers


# ---------------------------------------------------------------------------------------------
# The safetensors format


def read_safetensors(path):
    """The tensors (name -> tensor, in the file's dtype) and the metadata of a safetensors file.

    The file is checked whole: the header's length against the file, its JSON, every dtype
    (F32, F64, F16, BF16), shape and data offset, and that the tensors cover the data exactly.
    Raises ValueError naming the file and what is wrong.
    """
    with open(path, "rb") as file:
        data = file.read()
    if len(data) < 8:
        raise ValueError(f"{path}: {len(data)} bytes, too short for a safetensors file")
    (length,) = struct.unpack_from("<Q", data, 0)
    if length > len(data) - 8:
        raise ValueError(f"{path}: the header length is {length} bytes, but the file holds "
                         f"{len(data) - 8} after it")
    try:
        header = json.loads(data[8:8 + length].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        header = None
    if not isinstance(header, dict):
        raise ValueError(f"{path}: the header is not a JSON object (not a safetensors file)")

    start, size = 8 + length, len(data) - 8 - length
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError(f"{path}: __metadata__ is not an object of strings")
    tensors, ranges = {}, []
    for name, entry in header.items():
        where = f"{path}: tensor {name!r}"
        try:
            dtype, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
        except (TypeError, KeyError, ValueError):
            raise ValueError(f"{where}: expected dtype, shape and data_offsets [begin, end]") from None
        if dtype not in DTYPES:
            raise ValueError(f"{where}: dtype {dtype}, expected one of {', '.join(DTYPES)}")
        numbers = list(shape) + [begin, end] if isinstance(shape, list) else None
        if numbers is None or not all(type(n) is int and n >= 0 for n in numbers):
            raise ValueError(f"{where}: the shape and data_offsets must be non-negative integers")
        torch_dtype, int_dtype, code, width = DTYPES[dtype]
        count = math.prod(shape)
        if not begin <= end <= size or end - begin != count * width:
            raise ValueError(f"{where}: data_offsets [{begin}, {end}] do not hold {count} elements "
                             f"of {dtype} within the {size} bytes of data")
        values = struct.unpack_from(f"<{count}{code}", data, start + begin)
        tensors[name] = torch.tensor(values, dtype=int_dtype).view(torch_dtype).reshape(shape)
        ranges.append((begin, end, name))
    covered = 0
    for begin, end, name in sorted(ranges):
        if begin != covered:
            raise ValueError(f"{path}: tensor {name!r} starts at byte {begin} of the data, expected "
                             f"{covered} (overlapping data or a gap)")
        covered = end
    if covered != size:
        raise ValueError(f"{path}: {size - covered} bytes of data belong to no tensor")
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None, dtype=None):
    """Writes ``tensors`` (a dict name -> tensor, in that order) to ``path`` as safetensors.

    ``dtype`` ("F32", "F64", "F16" or "BF16") converts every tensor to it (rounding to
    nearest); without it each tensor keeps its own dtype, which must be one of those.
    ``metadata`` is a dict of strings. The file is written under a temporary name and renamed
    over ``path``, so it is complete or not there.
    """
    metadata = dict(metadata or {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError("safetensors metadata maps strings to strings")
    header = {"__metadata__": metadata} if metadata else {}
    chunks, offset = [], 0
    for name, tensor in tensors.items():
        tensor = tensor.detach().cpu().contiguous()
        name_of_dtype = dtype or _DTYPE_NAMES.get(tensor.dtype)
        if name_of_dtype not in DTYPES:
            raise ValueError(f"tensor {name!r}: dtype {dtype or tensor.dtype}, expected one of "
                             f"{', '.join(DTYPES)}")
        torch_dtype, int_dtype, code, width = DTYPES[name_of_dtype]
        bits = tensor.to(torch_dtype).view(int_dtype).reshape(-1).tolist()
        chunks.append(struct.pack(f"<{len(bits)}{code}", *bits))
        header[name] = {"dtype": name_of_dtype, "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(chunks[-1])]}
        offset += len(chunks[-1])
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    temporary = f"{path}.tmp-{secrets.token_hex(4)}"
    file = open(temporary, "xb")
    try:
        with file:
            file.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


# ---------------------------------------------------------------------------------------------
# save, load and the self-check


def _numbers(tensor):
    """A 1-D tensor as a JSON array whose numbers read back exactly (Python's repr)."""
    return "[" + ", ".join(repr(float(v)) for v in tensor.tolist()) + "]"


def _output(model, x):
    """The model's output on one sample, in eval mode and without gradients."""
    training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model(x.unsqueeze(0))[0]
    finally:
        model.train(training)


def save(model, path, sample=None, tolerance=DEFAULT_TOLERANCE):
    """Writes ``model`` (an nn.Sequential of Linear and supported activations) to ``path``.

    The tensors are named ``<i>.weight`` and ``<i>.bias``, ``i`` the position of the Linear
    in the Sequential, in the model's dtype (F32 for float32, F64 for float64), and
    ``__metadata__`` holds the C++ type (``ctnn.type``). With ``sample`` (a 1-D tensor of
    ``in_features`` values) it also holds the self-check: the sample, the model's output on it
    (eval mode, no gradients; after the final Softmax or Sigmoid) and ``tolerance``, so that
    ``ctnn::load_safetensors`` refuses the file unless the loaded network gives that output
    within ``tolerance * max(1, |expected|)``.

    Raises ValueError, naming the module's index and class, for a model that ctnn cannot
    express.
    """
    scalar, layers = _describe(model)
    modules = list(model)
    tensors = {}
    for layer in layers:
        linear = modules[layer.index]
        tensors[f"{layer.index}.weight"] = linear.weight
        if layer.bias:
            tensors[f"{layer.index}.bias"] = linear.bias
    metadata = {"ctnn.type": _spell(scalar, layers)}
    if sample is not None:
        weight = modules[layers[0].index].weight
        x = torch.as_tensor(sample).detach().to(device=weight.device, dtype=weight.dtype)
        if x.shape != (layers[0].inputs,):
            raise ValueError(f"the sample has shape {tuple(x.shape)}, expected ({layers[0].inputs},)")
        y = _output(model, x)
        if not (torch.isfinite(x).all() and torch.isfinite(y).all()):
            raise ValueError("the sample or the model's output on it is not finite")
        metadata["ctnn.check.input"] = _numbers(x)
        metadata["ctnn.check.output"] = _numbers(y)
        metadata["ctnn.check.tolerance"] = repr(float(tolerance))
    write_safetensors(path, tensors, metadata, "F64" if scalar == "double" else "F32")


def _natural_compare(a, b):
    """-1, 0 or 1 as ``a`` sorts before, with or after ``b``, runs of digits compared as numbers
    (``fc2`` before ``fc10``): the order in which ctnn's loader takes the layers."""
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i].isdigit() and b[j].isdigit():
            i_end, j_end = i, j
            while i_end < len(a) and a[i_end].isdigit():
                i_end += 1
            while j_end < len(b) and b[j_end].isdigit():
                j_end += 1
            x, y = int(a[i:i_end]), int(b[j:j_end])
            if x != y:
                return -1 if x < y else 1
            i, j = i_end, j_end
        else:
            if a[i] != b[j]:
                return -1 if a[i] < b[j] else 1
            i, j = i + 1, j + 1
    rest_a, rest_b = len(a) - i, len(b) - j
    return (rest_a > rest_b) - (rest_a < rest_b)


def _pair(tensors, path):
    """The file's layers as (prefix, weight, bias or None), in ctnn's order."""
    pairs = {}
    for name, tensor in tensors.items():
        prefix, dot, kind = name.rpartition(".")
        if not dot or not prefix or kind not in ("weight", "bias"):
            raise ValueError(f"{path}: tensor {name!r} is neither a layer's weight nor its bias")
        pairs.setdefault(prefix, {})[kind] = tensor
    for prefix, pair in pairs.items():
        if "weight" not in pair:
            raise ValueError(f"{path}: tensor '{prefix}.bias' has no '{prefix}.weight'")
    order = sorted(pairs, key=cmp_to_key(_natural_compare))
    return [(prefix, pairs[prefix]["weight"], pairs[prefix].get("bias")) for prefix in order]


def load(path, ctnn_type=None, check=True):
    """The nn.Sequential that a safetensors file of ctnn holds, with its weights.

    The layers come from the C++ type: ``ctnn_type`` if given, else the file's ``ctnn.type``
    metadata (written by ``ctnn::save_safetensors`` and by ``save``). The tensors are paired
    and ordered as ctnn's loader does it (``X.weight`` with ``X.bias``, ``X`` in natural
    order), so a file whose names are attributes (``fc1.weight``, ...) loads too; each must
    have the layer's shape. F32, F64, F16 and BF16 tensors are converted to the network's
    scalar type (float32 for ``ctnn::network``, float64 for ``basic_network<double, ...>``).
    With ``check`` (the default) and a self-check in the file's metadata, the model must
    reproduce the stored output. Raises ValueError naming the file and what is wrong.
    """
    tensors, metadata = read_safetensors(path)
    if ctnn_type is None:
        ctnn_type = metadata.get("ctnn.type")
        if ctnn_type is None:
            raise ValueError(f"{path}: no ctnn.type in the metadata, so the activations are "
                             f"unknown; pass the C++ type as load(path, ctnn_type=...)")
    scalar, layers = _parse_type(ctnn_type)
    dtype = torch.float64 if scalar == "double" else torch.float32

    pairs = _pair(tensors, path)
    if len(pairs) != len(layers):
        raise ValueError(f"{path}: holds {len(pairs)} layers, expected {len(layers)} for {ctnn_type}")
    modules = []
    for number, (layer, (prefix, weight, bias)) in enumerate(zip(layers, pairs), start=1):
        where = f"{path}: layer {number} ('{prefix}')"
        if tuple(weight.shape) != (layer.outputs, layer.inputs):
            raise ValueError(f"{where}: weight of shape {list(weight.shape)}, expected "
                             f"[{layer.outputs}, {layer.inputs}] (outputs x inputs)")
        if layer.bias and bias is None:
            raise ValueError(f"{where}: no '{prefix}.bias', expected one")
        if not layer.bias and bias is not None:
            raise ValueError(f"{where}: has a bias '{prefix}.bias', but the layer has none")
        if bias is not None and tuple(bias.shape) != (layer.outputs,):
            raise ValueError(f"{where}: bias of shape {list(bias.shape)}, expected [{layer.outputs}]")
        linear = nn.Linear(layer.inputs, layer.outputs, bias=layer.bias, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(weight.to(dtype))
            if bias is not None:
                linear.bias.copy_(bias.to(dtype))
        modules.append(linear)
        if layer.activation != "identity":
            modules.append(_MODULES[layer.activation]())
    model = nn.Sequential(*modules)

    if check and ("ctnn.check.input" in metadata or "ctnn.check.output" in metadata):
        _self_check(model, metadata, path)
    return model


def _self_check(model, metadata, path):
    """Raises ValueError unless ``model`` gives the file's ``ctnn.check.output``."""
    try:
        x = json.loads(metadata["ctnn.check.input"])
        expected = json.loads(metadata["ctnn.check.output"])
        tolerance = float(metadata.get("ctnn.check.tolerance", repr(DEFAULT_TOLERANCE)))
    except (KeyError, ValueError):
        raise ValueError(f"{path}: the self-check metadata is incomplete or not JSON numbers") from None
    dtype = next(model.parameters()).dtype
    y = _output(model, torch.tensor(x, dtype=dtype)).tolist()
    if len(y) != len(expected):
        raise ValueError(f"{path}: the self-check has {len(expected)} outputs, the model {len(y)}")
    for o, (found, wanted) in enumerate(zip(y, expected)):
        if not abs(found - wanted) <= tolerance * max(1.0, abs(wanted)):
            raise ValueError(f"{path}: self-check failed: output {o} is {found!r} where the exporting "
                             f"model gave {wanted!r} (tolerance {tolerance!r})")
