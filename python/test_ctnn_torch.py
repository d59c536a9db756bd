"""Tests of ctnn_torch: /usr/bin/python3 -m unittest discover -s python -v

What it refuses and with what message, the C++ types it spells, and that save and load
give back the same model in every dtype.
"""

import json
import os
import struct
import sys
import tempfile
import unittest
from functools import cmp_to_key

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctnn_torch  # noqa: E402

L = nn.Linear


class Refusals(unittest.TestCase):
    """Every model that ctnn cannot express is a ValueError naming the module and its index."""

    cases = [
        (nn.Sequential(nn.Conv2d(1, 4, 3), L(4, 2)), "module 0 (Conv2d): ctnn cannot express it"),
        (nn.Sequential(L(4, 8), nn.ReLU(), nn.Dropout(0.5), L(8, 2)), "module 2 (Dropout): ctnn has no dropout"),
        (nn.Sequential(L(4, 8), nn.Softmax(dim=-1), L(8, 2)), "module 1 (Softmax): a softmax before the last"),
        (nn.Sequential(nn.ReLU(), L(4, 2)), "module 0 (ReLU): an activation must follow an nn.Linear"),
        (nn.Sequential(L(4, 8), nn.ReLU(), nn.Tanh(), L(8, 2)), "module 2 (Tanh): two activations in a row"),
        (nn.Sequential(L(4, 8), nn.LeakyReLU(0.2), L(8, 2)), "module 1 (LeakyReLU): negative_slope 0.2"),
        (nn.Sequential(L(4, 8), nn.ReLU(), L(8, 2), nn.Softmax(dim=0)), "module 3 (Softmax): dim=0"),
        (nn.Sequential(L(4, 8), nn.ReLU(), L(8, 2), nn.Softmax()), "module 3 (Softmax): dim=None"),
        (nn.Sequential(L(4, 8), nn.GELU(), L(8, 2)), "module 1 (GELU): ctnn cannot express it"),
        (nn.Sequential(L(4, 8), L(6, 2)), "module 1 (Linear): in_features 6, but the layer before it has 8"),
        (nn.Sequential(L(4, 8).half()), "module 0 (Linear): dtype torch.float16"),
        (nn.Sequential(L(4, 8), L(8, 2).double()), "module 1 (Linear): dtype torch.float64, but module 0"),
        (nn.Sequential(), "the nn.Sequential is empty"),
        (L(4, 2), "the model is a Linear, not an nn.Sequential"),
    ]

    def test_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            for model, message in self.cases:
                with self.subTest(message=message):
                    with self.assertRaises(ValueError) as caught:
                        ctnn_torch.cpp_type(model)
                    self.assertIn(message, str(caught.exception))
                    with self.assertRaises(ValueError):
                        ctnn_torch.save(model, os.path.join(folder, "refused.safetensors"))
            self.assertEqual(os.listdir(folder), [])

    def test_wrong_sample(self):
        model = nn.Sequential(L(3, 2))
        with tempfile.TemporaryDirectory() as folder, self.assertRaises(ValueError) as caught:
            ctnn_torch.save(model, os.path.join(folder, "m.safetensors"), sample=torch.zeros(4))
        self.assertIn("the sample has shape (4,), expected (3,)", str(caught.exception))


class Types(unittest.TestCase):
    def test_cpp_type(self):
        model = nn.Sequential(L(784, 128), nn.ReLU(), L(128, 64), nn.ReLU(), L(64, 10), nn.Softmax(dim=-1))
        self.assertEqual(ctnn_torch.cpp_type(model),
                         "ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, "
                         "ctnn::dense<64, ctnn::relu>, ctnn::dense<10, ctnn::softmax>>")
        model = nn.Sequential(L(2, 3), nn.Hardsigmoid(), L(3, 1, bias=False), nn.Sigmoid()).double()
        self.assertEqual(ctnn_torch.cpp_type(model),
                         "ctnn::basic_network<double, ctnn::input<2>, ctnn::dense<3, ctnn::hard_sigmoid>, "
                         "ctnn::dense<1, ctnn::sigmoid, ctnn::no_bias>>")

    def test_parse_both_spellings(self):
        spelled = ctnn_torch._parse_type("ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::tanh>, "
                                         "ctnn::dense<8, 2ul, ctnn::identity, ctnn::no_bias>>")
        written = ctnn_torch._parse_type("ctnn::basic_network<float, ctnn::input<4>, ctnn::dense<8, ctnn::tanh>, "
                                         "ctnn::dense<2, ctnn::identity, ctnn::no_bias>>")
        self.assertEqual(spelled, written)
        self.assertEqual([layer.index for layer in written[1]], [0, 2])
        for text, message in [
            ("ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::activation<(x * sigmoid(x))>>>",
             "layer 1 has the activation ctnn::activation<(x * sigmoid(x))>"),
            ("ctnn::network<ctnn::input<4>, ctnn::dense<5, 8, ctnn::relu>>", "layer 1 states 5 inputs"),
            ("ctnn::basic_network<long double, ctnn::input<4>, ctnn::dense<2, ctnn::relu>>", "scalar type"),
        ]:
            with self.subTest(text=text), self.assertRaises(ValueError) as caught:
                ctnn_torch._parse_type(text)
            self.assertIn(message, str(caught.exception))

    def test_natural_order(self):
        names = ["fc10", "fc2", "fc1", "0", "10", "2", "layer.9", "layer.10"]
        ordered = sorted(names, key=cmp_to_key(ctnn_torch._natural_compare))
        self.assertEqual(ordered, ["0", "2", "10", "fc1", "fc2", "fc10", "layer.9", "layer.10"])


class RoundTrip(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.folder.name, "model.safetensors")
        torch.manual_seed(0)

    def tearDown(self):
        self.folder.cleanup()

    def test_every_activation(self):
        model = nn.Sequential(L(5, 7), nn.LeakyReLU(), L(7, 6, bias=False), nn.Hardsigmoid(), L(6, 6), nn.Tanh(),
                              L(6, 4), nn.Sigmoid(), L(4, 4), nn.ReLU(), L(4, 3), nn.Softmax(dim=1))
        for dtype in (torch.float32, torch.float64):
            model = model.to(dtype)
            ctnn_torch.save(model, self.path, sample=torch.randn(5))
            back = ctnn_torch.load(self.path)
            self.assertEqual(list(back.state_dict()), list(model.state_dict()))
            self.assertEqual([type(m) for m in back], [type(m) for m in model])
            x = torch.randn(9, 5, dtype=dtype)
            self.assertTrue(torch.equal(back(x), model(x)))

    def test_file_layout(self):
        model = nn.Sequential(L(3, 2), nn.Tanh(), L(2, 1))
        ctnn_torch.save(model, self.path, sample=torch.tensor([0.5, -1.25, 3.0]))
        with open(self.path, "rb") as file:
            data = file.read()
        (length,) = struct.unpack_from("<Q", data)
        self.assertEqual((8 + length) % 8, 0)
        header = json.loads(data[8:8 + length])
        self.assertEqual(header["0.weight"], {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]})
        self.assertEqual(header["2.bias"]["data_offsets"][1], len(data) - 8 - length)
        metadata = header["__metadata__"]
        self.assertEqual(metadata["ctnn.check.input"], "[0.5, -1.25, 3.0]")
        with torch.no_grad():
            output = model(torch.tensor([[0.5, -1.25, 3.0]]))[0].tolist()
        self.assertEqual(json.loads(metadata["ctnn.check.output"]), output)
        self.assertEqual(metadata["ctnn.check.tolerance"], "1e-05")

    def test_narrow_dtypes(self):
        model = nn.Sequential(L(4, 3), nn.ReLU(), L(3, 2))
        for dtype in ("F16", "BF16"):
            ctnn_torch.write_safetensors(self.path, model.state_dict(), {"ctnn.type": ctnn_torch.cpp_type(model)},
                                         dtype)
            back = ctnn_torch.load(self.path)
            for name, tensor in model.state_dict().items():
                rounded = tensor.to(ctnn_torch.DTYPES[dtype][0]).float()
                self.assertTrue(torch.equal(back.state_dict()[name], rounded), name)

    def test_failed_self_check(self):
        model = nn.Sequential(L(3, 3), nn.ReLU(), L(3, 3), nn.ReLU(), L(3, 1))
        ctnn_torch.save(model, self.path, sample=torch.randn(3))
        tensors, metadata = ctnn_torch.read_safetensors(self.path)
        tensors["2.weight"] = tensors["2.weight"].t()
        ctnn_torch.write_safetensors(self.path, tensors, metadata)
        with self.assertRaises(ValueError) as caught:
            ctnn_torch.load(self.path)
        self.assertIn("self-check failed: output 0", str(caught.exception))
        ctnn_torch.load(self.path, check=False)

    def test_damaged_files(self):
        model = nn.Sequential(L(3, 2))
        ctnn_torch.save(model, self.path)
        with open(self.path, "rb") as file:
            data = file.read()
        for damaged, message in [(data[:5], "too short"), (data[:-1], "do not hold 2 elements"),
                                 (struct.pack("<Q", 10 ** 6) + data[8:], "the header length is 1000000"),
                                 (data[:8] + b"[" + data[9:], "not a JSON object"),
                                 (data + b"\0\0\0\0", "4 bytes of data belong to no tensor"),
                                 (data.replace(b'"F32"', b'"I32"'), "dtype I32")]:
            with self.subTest(message=message):
                with open(self.path, "wb") as file:
                    file.write(damaged)
                with self.assertRaises(ValueError) as caught:
                    ctnn_torch.load(self.path)
                self.assertIn(message, str(caught.exception))


if __name__ == "__main__":
    unittest.main()
