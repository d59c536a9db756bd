// safetensors: ctnn's own files load back exactly, files written by other tools load when
// their tensors are the network's, and every broken or foreign file is refused with a message
// that says what was wrong, the network unchanged.
#include "support.hpp"

#include <ctnn/ctnn.hpp>
#include <ctnn/io/safetensors.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace {

using Catch::Matchers::Contains;
using ctnn_test::read_bytes, ctnn_test::write_bytes;
namespace fs = std::filesystem;

using model = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::relu>, ctnn::dense<2, ctnn::softmax>>;
using model_64 = ctnn::basic_network<double, ctnn::input<3>, ctnn::dense<4, ctnn::relu>, ctnn::dense<2, ctnn::softmax>>;
using course = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::identity, ctnn::no_bias>, ctnn::dense<1, ctnn::tanh>>;

/// The scratch folder of these tests.
struct scratch : ctnn_test::scratch_folder {
  scratch() : scratch_folder("safetensors") {}
};

/// A safetensors file made by hand: a header (any JSON text) and a data buffer.
std::vector<unsigned char> file_of(const std::string& header, const std::vector<unsigned char>& data) {
  std::vector<unsigned char> bytes;
  for (int b = 0; b < 8; ++b) bytes.push_back(static_cast<unsigned char>(std::uint64_t(header.size()) >> (8 * b)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

/// Tensors of float values, named and laid out in the given order.
struct tensors {
  nlohmann::json header = nlohmann::json::object();
  std::vector<unsigned char> data;
  tensors& add(const std::string& name, std::vector<std::size_t> shape, const std::vector<float>& values) {
    header[name] = {{"dtype", "F32"}, {"shape", shape}, {"data_offsets", {data.size(), data.size() + 4 * values.size()}}};
    for (const float v : values)
      for (int b = 0; b < 4; ++b) data.push_back(static_cast<unsigned char>(std::bit_cast<std::uint32_t>(v) >> (8 * b)));
    return *this;
  }
  [[nodiscard]] std::vector<unsigned char> bytes() const { return file_of(header.dump(), data); }
};

std::vector<float> counting(std::size_t n, float start) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = start + 0.125f * float(i);
  return v;
}

/// The valid tensors of `model`, as an nn.Sequential of Linear, ReLU, Linear, Softmax names them.
tensors model_tensors() {
  tensors t;
  t.add("0.weight", {4, 3}, counting(12, -0.75f)).add("0.bias", {4}, counting(4, 0.5f));
  t.add("2.weight", {2, 4}, counting(8, -0.5f)).add("2.bias", {2}, counting(2, 0.25f));
  return t;
}

template <class Network>
Network initialised(std::uint64_t seed) {
  Network net;
  ctnn::initialize(net, seed);
  return net;
}

template <class Network>
void require_refused(const Network& net, const std::string& path, std::initializer_list<const char*> words) {
  ctnn_test::require_refused(net, path, words,
                             [](auto& target, const std::string& p) { ctnn::load_safetensors(target, p); });
}

}  // namespace

TEST_CASE("save_safetensors writes the nn.Sequential names, and the file loads back exactly", "[io][safetensors]") {
  scratch s;
  const auto net = initialised<model>(1);
  ctnn::save_safetensors(net, s.file("a.safetensors"));
  const auto bytes = read_bytes(s.file("a.safetensors"));
  std::uint64_t n = 0;
  for (int b = 0; b < 8; ++b) n |= std::uint64_t(bytes[std::size_t(b)]) << (8 * b);
  CHECK(n % 8 == 0);  // the data starts aligned
  const auto header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + std::ptrdiff_t(n));
  CHECK(header["0.weight"]["shape"] == nlohmann::json({4, 3}));
  CHECK(header["0.bias"]["shape"] == nlohmann::json({4}));
  CHECK(header["2.weight"]["shape"] == nlohmann::json({2, 4}));  // 1 is the ReLU module
  CHECK(header["2.bias"]["dtype"] == "F32");
  CHECK(header["__metadata__"]["ctnn.type"] ==
        "ctnn::basic_network<float, ctnn::input<3>, ctnn::dense<4, ctnn::relu>, ctnn::dense<2, ctnn::softmax>>");
  // W(1, 2) of the first layer is element 1·3 + 2 of 0.weight (outputs × inputs, row-major).
  const std::size_t at = 8 + n + header["0.weight"]["data_offsets"][0].get<std::size_t>() + 4 * 5;
  std::uint32_t u = 0;
  for (int b = 0; b < 4; ++b) u |= std::uint32_t(bytes[at + std::size_t(b)]) << (8 * b);
  CHECK(std::bit_cast<float>(u) == net.weight<0>(1, 2));

  model loaded;
  ctnn::load_safetensors(loaded, s.file("a.safetensors"));
  CHECK(loaded == net);
  const auto net64 = initialised<model_64>(2);
  ctnn::save_safetensors(net64, s.file("b.safetensors"));
  model_64 loaded64;
  ctnn::load_safetensors(loaded64, s.file("b.safetensors"));
  CHECK(loaded64 == net64);

  // Identity layers have no activation module: the indices follow.
  ctnn::save_safetensors(initialised<course>(3), s.file("c.safetensors"));
  const auto c = read_bytes(s.file("c.safetensors"));
  std::uint64_t cn = 0;
  for (int b = 0; b < 8; ++b) cn |= std::uint64_t(c[std::size_t(b)]) << (8 * b);
  const auto ch = nlohmann::json::parse(c.begin() + 8, c.begin() + 8 + std::ptrdiff_t(cn));
  CHECK(ch.contains("0.weight"));
  CHECK_FALSE(ch.contains("0.bias"));
  CHECK(ch.contains("1.weight"));
  CHECK(ch.contains("1.bias"));
}

TEST_CASE("tensors pair by name, in natural order, whatever their order in the file", "[io][safetensors]") {
  scratch s;
  // A module with named layers, the data in another order than the names.
  tensors t;
  t.add("fc10.bias", {2}, counting(2, 0.25f)).add("fc2.weight", {4, 3}, counting(12, -0.75f));
  t.add("fc10.weight", {2, 4}, counting(8, -0.5f)).add("fc2.bias", {4}, counting(4, 0.5f));
  model named;
  ctnn::load_safetensors(named, write_bytes(s.file("named.safetensors"), t.bytes()));
  model sequential;
  ctnn::load_safetensors(sequential, write_bytes(s.file("sequential.safetensors"), model_tensors().bytes()));
  CHECK(named == sequential);
  CHECK(named.weight<0>(1, 2) == -0.75f + 0.125f * 5);
  CHECK(named.bias<1>(1) == 0.375f);
  CHECK(ctnn::detail::safetensors::natural_less("fc2", "fc10"));
  CHECK_FALSE(ctnn::detail::safetensors::natural_less("fc10", "fc2"));
  CHECK(ctnn::detail::safetensors::natural_less("layer.2", "layer.10.x"));
  CHECK(ctnn::detail::safetensors::natural_less("a07", "a8"));
}

TEST_CASE("F16, BF16 and F64 weights are converted; other dtypes are refused", "[io][safetensors]") {
  scratch s;
  auto t = model_tensors();
  // 0.bias as F16: 1.5, -2, 2^-24 (the smallest subnormal), 65504 (the largest F16).
  t.header["0.bias"] = {{"dtype", "F16"}, {"shape", {4}}, {"data_offsets", {48, 56}}};
  std::vector<unsigned char> data(t.data.begin(), t.data.begin() + 48);
  for (const std::uint16_t h : {0x3e00, 0xc000, 0x0001, 0x7bff}) data.insert(data.end(), {std::uint8_t(h), std::uint8_t(h >> 8)});
  // 2.weight as BF16 (8 values), 2.bias as F64.
  t.header["2.weight"] = {{"dtype", "BF16"}, {"shape", {2, 4}}, {"data_offsets", {56, 72}}};
  for (int i = 0; i < 8; ++i) {
    const auto u = std::bit_cast<std::uint32_t>(float(i) - 3.5f) >> 16;
    data.insert(data.end(), {std::uint8_t(u), std::uint8_t(u >> 8)});
  }
  t.header["2.bias"] = {{"dtype", "F64"}, {"shape", {2}}, {"data_offsets", {72, 88}}};
  for (const double d : {0.1, -1e-3})
    for (int b = 0; b < 8; ++b) data.push_back(std::uint8_t(std::bit_cast<std::uint64_t>(d) >> (8 * b)));
  model net;
  ctnn::load_safetensors(net, write_bytes(s.file("mixed.safetensors"), file_of(t.header.dump(), data)));
  CHECK(net.bias<0>(0) == 1.5f);
  CHECK(net.bias<0>(1) == -2.0f);
  CHECK(net.bias<0>(2) == 0x1p-24f);
  CHECK(net.bias<0>(3) == 65504.0f);
  CHECK(net.weight<1>(1, 3) == 7 - 3.5f);
  CHECK(net.bias<1>(0) == 0.1f);  // F64 into a float network: rounded to the nearest float
  model_64 wide;
  ctnn::load_safetensors(wide, s.file("mixed.safetensors"));
  CHECK(wide.bias<1>(0) == 0.1);

  auto integer = model_tensors();
  integer.header["0.bias"]["dtype"] = "I32";
  require_refused(model{}, write_bytes(s.file("int.safetensors"), integer.bytes()), {"dtype I32", "F32, F64, F16 or BF16"});
}

TEST_CASE("files whose tensors are not the network's are refused, naming the tensor", "[io][safetensors]") {
  scratch s;
  const auto net = initialised<model>(4);
  auto missing_bias = model_tensors();
  missing_bias.header.erase("2.bias");
  // The data of the erased tensor would be a gap: give it to no one by rebuilding.
  tensors no_bias;
  no_bias.add("0.weight", {4, 3}, counting(12, 0)).add("0.bias", {4}, counting(4, 0)).add("2.weight", {2, 4}, counting(8, 0));
  require_refused(net, write_bytes(s.file("missing_bias.safetensors"), no_bias.bytes()), {"layer 2 ('2')", "no '2.bias'"});

  auto extra = model_tensors();
  extra.add("running_mean", {2}, {0, 0});
  require_refused(net, write_bytes(s.file("extra.safetensors"), extra.bytes()), {"'running_mean'", "neither"});
  auto third = model_tensors();
  third.add("4.weight", {2, 2}, counting(4, 0));
  require_refused(net, write_bytes(s.file("third.safetensors"), third.bytes()), {"holds 3 layers, expected 2"});

  tensors transposed;
  transposed.add("0.weight", {3, 4}, counting(12, 0)).add("0.bias", {4}, counting(4, 0));
  transposed.add("2.weight", {2, 4}, counting(8, 0)).add("2.bias", {2}, counting(2, 0));
  require_refused(net, write_bytes(s.file("transposed.safetensors"), transposed.bytes()),
                  {"layer 1 ('0')", "shape [3, 4], expected [4, 3]"});

  tensors orphan = model_tensors();
  orphan.add("5.bias", {2}, counting(2, 0));
  require_refused(net, write_bytes(s.file("orphan.safetensors"), orphan.bytes()), {"'5.bias' has no '5.weight'"});

  tensors with_bias;
  with_bias.add("0.weight", {3, 2}, counting(6, 0)).add("0.bias", {3}, counting(3, 0));
  with_bias.add("1.weight", {1, 3}, counting(3, 0)).add("1.bias", {1}, counting(1, 0));
  require_refused(initialised<course>(5), write_bytes(s.file("with_bias.safetensors"), with_bias.bytes()),
                  {"layer 1 ('0')", "has a bias", "has none"});

  auto nan = model_tensors();
  const float q = std::numeric_limits<float>::quiet_NaN();
  for (int b = 0; b < 4; ++b) nan.data[4 * 5 + std::size_t(b)] = std::uint8_t(std::bit_cast<std::uint32_t>(q) >> (8 * b));
  require_refused(net, write_bytes(s.file("nan.safetensors"), nan.bytes()), {"'0.weight' element 5 is NaN"});
}

TEST_CASE("broken files are refused before anything is read", "[io][safetensors]") {
  scratch s;
  const auto net = initialised<model>(6);
  const auto good = model_tensors().bytes();
  for (std::size_t n = 0; n < good.size(); ++n) {
    INFO(n << " of " << good.size() << " bytes");
    require_refused(net, write_bytes(s.file("cut.safetensors"), std::vector<unsigned char>(good.begin(), good.begin() + std::ptrdiff_t(n))), {});
  }
  auto long_header = good;
  long_header[6] = 1;  // a header length of 2^48 + ...
  require_refused(net, write_bytes(s.file("long.safetensors"), long_header), {"header length", "after it"});
  require_refused(net, write_bytes(s.file("text.safetensors"), file_of("not json at all", {})), {"not a JSON object"});
  require_refused(net, write_bytes(s.file("array.safetensors"), file_of("[1, 2]", {})), {"not a JSON object"});

  auto beyond = model_tensors();
  beyond.header["2.bias"]["data_offsets"] = {100, 108};  // the data is 104 bytes
  require_refused(net, write_bytes(s.file("beyond.safetensors"), beyond.bytes()), {"'2.bias'", "outside the 104 bytes"});
  auto overlap = model_tensors();
  overlap.header["2.bias"]["data_offsets"] = {88, 96};  // inside 2.weight's [64, 96]
  overlap.data.resize(overlap.data.size() - 8);
  require_refused(net, write_bytes(s.file("overlap.safetensors"), overlap.bytes()), {"overlapping"});
  auto gap = model_tensors();
  gap.data.insert(gap.data.end(), 8, 0);
  require_refused(net, write_bytes(s.file("gap.safetensors"), gap.bytes()), {"8 bytes of data belong to no tensor"});
  auto short_data = model_tensors();
  short_data.header["0.bias"]["data_offsets"] = {48, 60};
  require_refused(net, write_bytes(s.file("short.safetensors"), short_data.bytes()), {"12 bytes of data for 4 elements"});
  auto huge_shape = model_tensors();
  huge_shape.header["0.weight"]["shape"] = {std::uint64_t(1) << 62, std::uint64_t(1) << 62};
  require_refused(net, write_bytes(s.file("huge.safetensors"), huge_shape.bytes()), {"more elements than the file has bytes"});
  auto bad_entry = model_tensors();
  bad_entry.header["0.weight"]["shape"] = "4x3";
  require_refused(net, write_bytes(s.file("entry.safetensors"), bad_entry.bytes()), {"'0.weight'", "\"shape\""});
  require_refused(net, s.file("missing.safetensors"), {"no such file"});
}

TEST_CASE("the self-check refuses an import that loads but computes something else", "[io][safetensors]") {
  scratch s;
  model reference;
  ctnn::load_safetensors(reference, write_bytes(s.file("good.safetensors"), model_tensors().bytes()));
  const ctnn::vector<float, 3> x{0.5f, -1.0f, 2.0f};
  const auto y = reference(x);
  const ctnn::import_check check{{0.5, -1.0, 2.0}, {double(y[0]), double(y[1])}};
  model loaded;
  ctnn::load_safetensors(loaded, s.file("good.safetensors"), check);
  CHECK(loaded == reference);

  // The same tensors with the first layer's rows swapped: shapes fit, outputs do not.
  auto swapped = model_tensors();
  std::swap_ranges(swapped.data.begin(), swapped.data.begin() + 12, swapped.data.begin() + 12);
  const auto path = write_bytes(s.file("swapped.safetensors"), swapped.bytes());
  const auto before = initialised<model>(7);
  auto target = before;
  REQUIRE_THROWS_WITH(ctnn::load_safetensors(target, path, check), Contains("self-check failed") && Contains(path));
  CHECK(target == before);

  // The check stored in the file's metadata runs without being asked for.
  swapped.header["__metadata__"] = {{"ctnn.check.input", "[0.5, -1.0, 2.0]"},
                                    {"ctnn.check.output", nlohmann::json({double(y[0]), double(y[1])}).dump()}};
  require_refused(before, write_bytes(s.file("stored.safetensors"), swapped.bytes()), {"self-check failed"});
  auto good = model_tensors();
  good.header["__metadata__"] = swapped.header["__metadata__"];
  ctnn::load_safetensors(target, write_bytes(s.file("stored_good.safetensors"), good.bytes()));
  CHECK(target == reference);
  good.header["__metadata__"]["ctnn.check.input"] = "[0.5, -1.0]";
  require_refused(before, write_bytes(s.file("short_check.safetensors"), good.bytes()), {"2 inputs", "expected 3"});
}
