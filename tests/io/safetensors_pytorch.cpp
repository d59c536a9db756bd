// safetensors files written by PyTorch (python/make_fixtures.py makes them): ctnn loads each
// into the network of the same shape and reproduces PyTorch's outputs; a file whose layers
// load but compute something else is refused by its self-check; and ctnn's own files are
// written for python/ctnn_torch.py to read back (set CTNN_ROUNDTRIP_DIR, see the last test).
#include <ctnn/ctnn.hpp>
#include <ctnn/io/safetensors.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

const std::string fixtures = CTNN_DATA_DIR "/../tests/io/safetensors_fixtures/";

// The fixtures' networks (python/make_fixtures.py describes the PyTorch models).
using identity_output = ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::relu>, ctnn::dense<2, ctnn::identity>>;
using tanh_hidden = ctnn::network<ctnn::input<5>, ctnn::dense<7, ctnn::tanh>, ctnn::dense<3, ctnn::identity>>;
using relu_hidden = ctnn::network<ctnn::input<6>, ctnn::dense<12, ctnn::relu>, ctnn::dense<10, ctnn::relu>,
                                  ctnn::dense<3, ctnn::identity>>;
using sigmoid_output = ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::relu>, ctnn::dense<1, ctnn::sigmoid>>;
using softmax_output = ctnn::network<ctnn::input<8>, ctnn::dense<16, ctnn::relu>, ctnn::dense<12, ctnn::relu>,
                                     ctnn::dense<5, ctnn::softmax>>;
using leaky_hard_sigmoid = ctnn::network<ctnn::input<4>, ctnn::dense<6, ctnn::leaky_relu>,
                                         ctnn::dense<5, ctnn::hard_sigmoid>, ctnn::dense<2, ctnn::identity>>;
using no_bias_model = ctnn::network<ctnn::input<3>, ctnn::dense<6, ctnn::relu, ctnn::no_bias>, ctnn::dense<4, ctnn::tanh>,
                                    ctnn::dense<1, ctnn::identity, ctnn::no_bias>>;
using f16_weights = ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::tanh>, ctnn::dense<3, ctnn::softmax>>;
using bf16_weights = ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::sigmoid>, ctnn::dense<2, ctnn::identity>>;
using f64_double = ctnn::basic_network<double, ctnn::input<3>, ctnn::dense<8, ctnn::tanh>, ctnn::dense<4, ctnn::sigmoid>,
                                       ctnn::dense<2, ctnn::identity>>;
using named_attributes =  // fc1 ... fc10
    ctnn::network<ctnn::input<3>, ctnn::dense<5, ctnn::relu>, ctnn::dense<4, ctnn::tanh>, ctnn::dense<6, ctnn::relu>,
                  ctnn::dense<5, ctnn::tanh>, ctnn::dense<4, ctnn::relu>, ctnn::dense<6, ctnn::tanh>,
                  ctnn::dense<5, ctnn::relu>, ctnn::dense<4, ctnn::tanh>, ctnn::dense<3, ctnn::relu>,
                  ctnn::dense<2, ctnn::identity>>;
using self_check = ctnn::network<ctnn::input<6>, ctnn::dense<6, ctnn::relu>, ctnn::dense<6, ctnn::relu>,
                                 ctnn::dense<6, ctnn::relu>, ctnn::dense<2, ctnn::identity>>;

/// The samples of a `<name>.expected.txt`: inputs and PyTorch's outputs (format in
/// python/make_fixtures.py).
struct samples {
  std::size_t inputs = 0, outputs = 0;
  std::vector<std::vector<double>> x, y;
};

samples read_expected(const std::string& path) {
  std::ifstream in(path);
  INFO(path);
  REQUIRE(in);
  samples s;
  std::size_t count = 0;
  bool sized = false;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    if (!sized) {
      REQUIRE(fields >> s.inputs >> s.outputs >> count);
      sized = true;
      continue;
    }
    std::vector<double> values;
    for (double v; fields >> v;) values.push_back(v);
    REQUIRE(values.size() == s.inputs + s.outputs);
    s.x.emplace_back(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(s.inputs));
    s.y.emplace_back(values.begin() + static_cast<std::ptrdiff_t>(s.inputs), values.end());
  }
  REQUIRE(sized);
  REQUIRE(s.x.size() == count);
  return s;
}

/// `net`'s output on one sample, as doubles.
template <class Network>
std::vector<double> run(const Network& net, const std::vector<double>& x) {
  using T = typename Network::value_type;
  ctnn::vector<T, Network::input_size> v;
  for (std::size_t i = 0; i < Network::input_size; ++i) v[i] = static_cast<T>(x[i]);
  const auto y = net(v);
  std::vector<double> result(Network::output_size);
  for (std::size_t o = 0; o < Network::output_size; ++o) result[o] = static_cast<double>(y[o]);
  return result;
}

/// Loads fixture `name` into a `Network` and checks every output against PyTorch's, within
/// `tolerance` · max(1, |y|); reports the largest difference.
template <class Network>
void matches_pytorch(const std::string& name) {
  constexpr double tolerance = std::is_same_v<typename Network::value_type, double> ? 1e-12 : 1e-5;
  Network net;
  ctnn::load_safetensors(net, fixtures + name + ".safetensors");
  const samples s = read_expected(fixtures + name + ".expected.txt");
  REQUIRE(s.inputs == Network::input_size);
  REQUIRE(s.outputs == Network::output_size);
  double largest = 0;
  for (std::size_t k = 0; k < s.x.size(); ++k) {
    const std::vector<double> y = run(net, s.x[k]);
    for (std::size_t o = 0; o < s.outputs; ++o) {
      const double difference = std::abs(y[o] - s.y[k][o]) / std::max(1.0, std::abs(s.y[k][o]));
      largest = std::max(largest, difference);
      INFO(name << ": sample " << k << ", output " << o << ": ctnn " << y[o] << ", PyTorch " << s.y[k][o]);
      CHECK(difference <= tolerance);
    }
  }
  WARN(name << ": largest difference from PyTorch " << largest << " (tolerance " << tolerance << ", "
            << s.x.size() << " samples)");
}

}  // namespace

TEST_CASE("safetensors from PyTorch: regression, identity output", "[safetensors][pytorch]") {
  matches_pytorch<identity_output>("identity_output");
}
TEST_CASE("safetensors from PyTorch: tanh hidden layer", "[safetensors][pytorch]") {
  matches_pytorch<tanh_hidden>("tanh_hidden");
}
TEST_CASE("safetensors from PyTorch: relu hidden layers", "[safetensors][pytorch]") {
  matches_pytorch<relu_hidden>("relu_hidden");
}
TEST_CASE("safetensors from PyTorch: sigmoid output", "[safetensors][pytorch]") {
  matches_pytorch<sigmoid_output>("sigmoid_output");
}
TEST_CASE("safetensors from PyTorch: softmax output", "[safetensors][pytorch]") {
  matches_pytorch<softmax_output>("softmax_output");
}
TEST_CASE("safetensors from PyTorch: leaky_relu and hard_sigmoid (nn.LeakyReLU(0.01), nn.Hardsigmoid)",
          "[safetensors][pytorch]") {
  matches_pytorch<leaky_hard_sigmoid>("leaky_hard_sigmoid");
}
TEST_CASE("safetensors from PyTorch: layers without bias (nn.Linear(bias=False))", "[safetensors][pytorch]") {
  matches_pytorch<no_bias_model>("no_bias");
}
TEST_CASE("safetensors from PyTorch: F16 weights into a float network", "[safetensors][pytorch]") {
  matches_pytorch<f16_weights>("f16_weights");
}
TEST_CASE("safetensors from PyTorch: BF16 weights into a float network", "[safetensors][pytorch]") {
  matches_pytorch<bf16_weights>("bf16_weights");
}
TEST_CASE("safetensors from PyTorch: F64 weights into a double network", "[safetensors][pytorch]") {
  matches_pytorch<f64_double>("f64_double");
}
TEST_CASE("safetensors from PyTorch: named attributes fc1 ... fc10, taken in natural order",
          "[safetensors][pytorch]") {
  // The file has no metadata and holds its tensors in the order fc1, fc10, fc2, ...
  matches_pytorch<named_attributes>("named_attributes");
}
TEST_CASE("safetensors from PyTorch: a file with its self-check loads", "[safetensors][pytorch]") {
  matches_pytorch<self_check>("self_check");
}

TEST_CASE("safetensors from PyTorch: layers that load but compute something else fail the self-check",
          "[safetensors][pytorch]") {
  // Both files have the shapes of self_check.safetensors and the self-check of its model.
  for (const char* name : {"wrong_order", "transposed"}) {
    INFO(name);
    self_check net;
    ctnn::initialize(net, 3);
    const std::vector<float> before = ctnn::flatten(net);
    REQUIRE_THROWS_AS(ctnn::load_safetensors(net, fixtures + name + ".safetensors"), ctnn::error);
    REQUIRE_THROWS_WITH(ctnn::load_safetensors(net, fixtures + name + ".safetensors"), Contains("self-check"));
    CHECK(ctnn::flatten(net) == before);
  }
}

TEST_CASE("safetensors from PyTorch: a check passed to load_safetensors", "[safetensors][pytorch]") {
  // named_attributes.safetensors has no self-check of its own; PyTorch's output is given here.
  const samples s = read_expected(fixtures + "named_attributes.expected.txt");
  named_attributes net;
  ctnn::load_safetensors(net, fixtures + "named_attributes.safetensors", ctnn::import_check{s.x[2], s.y[2]});
  CHECK(run(net, s.x[2]) == run(net, s.x[2]));

  named_attributes other;
  ctnn::initialize(other, 5);
  const std::vector<float> before = ctnn::flatten(other);
  std::vector<double> wrong = s.y[2];
  wrong[1] += 1e-3;
  REQUIRE_THROWS_WITH(ctnn::load_safetensors(other, fixtures + "named_attributes.safetensors",
                                             ctnn::import_check{s.x[2], wrong}),
                      Contains("self-check"));
  CHECK(ctnn::flatten(other) == before);
}

namespace {

/// A double as text that reads back as the same double.
std::string exact(double value) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return {text, end};
}

/// Saves `net` with save_safetensors into `folder` as `<name>.safetensors`, with ctnn's
/// outputs on `inputs` in `<name>.expected.txt`, and checks that ctnn reads the file back
/// to the same outputs, bit for bit.
template <class Network>
void write_roundtrip(const Network& net, const std::string& name, const fs::path& folder,
                     const std::vector<std::vector<double>>& inputs) {
  const std::string file = (folder / (name + ".safetensors")).string();
  ctnn::save_safetensors(net, file);
  Network back;
  ctnn::load_safetensors(back, file);
  std::ofstream out(folder / (name + ".expected.txt"));
  out << "# " << name << ": written by ctnn::save_safetensors (tests/io/safetensors_pytorch.cpp)\n"
      << Network::input_size << ' ' << Network::output_size << ' ' << inputs.size() << '\n';
  for (const auto& x : inputs) {
    const std::vector<double> y = run(net, x);
    CHECK(run(back, x) == y);
    const char* separator = "";
    for (const double v : x) out << std::exchange(separator, " ") << exact(v);
    for (const double v : y) out << ' ' << exact(v);
    out << '\n';
  }
  REQUIRE(out.good());
}

template <class Network>
void roundtrip_fixture(const std::string& name, const fs::path& folder) {
  Network net;
  ctnn::load_safetensors(net, fixtures + name + ".safetensors");
  write_roundtrip(net, name, folder, read_expected(fixtures + name + ".expected.txt").x);
}

/// The folder `kept`, made if need be, or else a folder of its own under the temporary
/// folder, removed with everything in it.
struct roundtrip_folder {
  fs::path path;
  bool remove;
  explicit roundtrip_folder(const std::string& kept)
      : path(kept.empty() ? fs::temp_directory_path() / ("ctnn-test-roundtrip-" + std::to_string(std::random_device{}()))
                          : fs::path(kept)),
        remove(kept.empty()) {
    fs::create_directories(path);
  }
  roundtrip_folder(const roundtrip_folder&) = delete;
  roundtrip_folder& operator=(const roundtrip_folder&) = delete;
  ~roundtrip_folder() {
    std::error_code ec;
    if (remove) fs::remove_all(path, ec);
  }
};

/// Inputs of the networks made by ctnn, not by PyTorch.
std::vector<std::vector<double>> inputs_of(std::size_t size, std::size_t count, unsigned seed) {
  std::vector<std::vector<double>> rows(count, std::vector<double>(size));
  for (std::size_t k = 0; k < count; ++k)
    for (std::size_t i = 0; i < size; ++i)
      rows[k][i] = static_cast<float>(std::sin(0.7 * double(i + 1) * double(k + seed)) * double(k + 1));
  return rows;
}

}  // namespace

TEST_CASE("safetensors for PyTorch: networks saved by ctnn, for ctnn_torch.load to check",
          "[safetensors][roundtrip]") {
  // With CTNN_ROUNDTRIP_DIR set to a folder, the files stay there for
  //   /usr/bin/python3 python/make_fixtures.py --check-roundtrip <folder>
  // which loads each with ctnn_torch.load and compares PyTorch's outputs with ctnn's.
  const char* kept = std::getenv("CTNN_ROUNDTRIP_DIR");
  const roundtrip_folder scratch(kept && *kept ? kept : "");
  const fs::path& folder = scratch.path;

  roundtrip_fixture<softmax_output>("softmax_output", folder);
  roundtrip_fixture<leaky_hard_sigmoid>("leaky_hard_sigmoid", folder);
  roundtrip_fixture<no_bias_model>("no_bias", folder);
  roundtrip_fixture<f64_double>("f64_double", folder);
  roundtrip_fixture<named_attributes>("named_attributes", folder);

  // Networks that never were PyTorch's, initialised and trained by ctnn: every activation, and
  // a hidden identity layer (its Linear is followed by the next Linear: modules 0, 2, 4, 6, 8, 9, ...).
  using mixed = ctnn::network<ctnn::input<5>, ctnn::dense<7, ctnn::leaky_relu>,
                              ctnn::dense<6, ctnn::hard_sigmoid, ctnn::no_bias>, ctnn::dense<6, ctnn::tanh>,
                              ctnn::dense<5, ctnn::relu>, ctnn::dense<5, ctnn::identity>,
                              ctnn::dense<4, ctnn::sigmoid>, ctnn::dense<3, ctnn::softmax>>;
  mixed net;
  ctnn::initialize(net, 17);
  ctnn::dataset<float, 5, 3> data;
  for (const auto& x : inputs_of(5, 12, 2)) {
    ctnn::vector<float, 5> input;
    for (std::size_t i = 0; i < 5; ++i) input[i] = static_cast<float>(x[i]);
    ctnn::vector<float, 3> target;
    target[static_cast<std::size_t>(x[0] > 0) + static_cast<std::size_t>(x[1] > 0)] = 1;
    data.add(input, target);
  }
  ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::sgd{.learning_rate = 0.5f}, {.epochs = 5, .batch_size = 4});
  write_roundtrip(net, "ctnn_mixed", folder, inputs_of(5, 6, 3));

  using regression64 = ctnn::basic_network<double, ctnn::input<3>, ctnn::dense<5, ctnn::sigmoid>,
                                           ctnn::dense<2, ctnn::identity, ctnn::no_bias>>;
  regression64 net64;
  ctnn::initialize(net64, 23);
  write_roundtrip(net64, "ctnn_regression64", folder, inputs_of(3, 6, 4));
}
