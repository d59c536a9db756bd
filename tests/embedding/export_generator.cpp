// Writes, into the folder given as its argument, one header per network through
// ctnn::export_header (every activation, a user-defined one with constants, a layer without
// bias, float and double), and expected_outputs.hpp: inputs and the outputs these networks
// computed here, as exact literals. export_consumer.cpp, compiled afterwards with only those
// headers, must compute the same outputs bit for bit (tests/cmake/export.cmake).
#include <ctnn/ctnn.hpp>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

constexpr auto bent = ctnn::x * ctnn::sigmoid(1.5f * ctnn::x) - ctnn::min(ctnn::x, 0.25f) / 3;

using model_a = ctnn::network<ctnn::input<5>, ctnn::dense<7, ctnn::sigmoid>, ctnn::dense<6, ctnn::tanh>,
                              ctnn::dense<std::size_t{6}, 4, ctnn::hard_sigmoid>, ctnn::dense<3, ctnn::softmax>>;
using model_b = ctnn::network<ctnn::input<3>, ctnn::dense<20, ctnn::relu>, ctnn::dense<9, ctnn::leaky_relu>,
                              ctnn::dense<4, ctnn::activation<bent>, ctnn::no_bias>, ctnn::dense<2, ctnn::identity>>;
using model_c = ctnn::basic_network<double, ctnn::input<4>, ctnn::dense<8, ctnn::activation<bent>>,
                                    ctnn::dense<1, ctnn::sigmoid>>;
using model_d = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                              ctnn::dense<10, ctnn::softmax>>;

template <class Network>
void export_case(const std::string& folder, const std::string& name, std::uint64_t seed, std::ofstream& expected) {
  using T = typename Network::value_type;
  Network net;
  ctnn::initialize(net, seed);
  ctnn::export_header(net, folder + "/" + name + ".hpp", name);
  ctnn::detail::random_bits random(seed + 100);
  const char* scalar = std::is_same_v<T, float> ? "float" : "double";
  expected << "inline constexpr " << scalar << " " << name << "_inputs[][" << Network::input_size << "] = {\n";
  std::vector<ctnn::vector<T, Network::input_size>> inputs(3);
  for (auto& x : inputs) {
    expected << "  {";
    for (auto& v : x) {
      v = static_cast<T>(4 * random.uniform() - 2);
      expected << ctnn::detail::exact_literal(v) << ", ";
    }
    expected << "},\n";
  }
  expected << "};\ninline constexpr " << scalar << " " << name << "_outputs[][" << Network::output_size << "] = {\n";
  for (const auto& x : inputs) {
    expected << "  {";
    for (const T y : net(x)) expected << ctnn::detail::exact_literal(y) << ", ";
    expected << "},\n";
  }
  expected << "};\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output folder>\n", argv[0]);
    return 2;
  }
  const std::string folder = argv[1];
  std::ofstream expected(folder + "/expected_outputs.hpp");
  expected << "#pragma once\n";
  export_case<model_a>(folder, "model_a", 1, expected);
  export_case<model_b>(folder, "model_b", 2, expected);
  export_case<model_c>(folder, "model_c", 3, expected);
  export_case<model_d>(folder, "model_d", 4, expected);
  return expected ? 0 : 1;
}
