// Networks spelled as text: the C++ type that export_header writes must name the network's
// own type (checked by compiling it: tests/embedding/export_consumer.cpp), and the shape
// signature of model files must say the sizes, activations and biases.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace {
constexpr auto scaled_swish = ctnn::x * ctnn::sigmoid(ctnn::x) + 0.25f * ctnn::x;
constexpr auto shifted = ctnn::max(ctnn::x - 2u, -ctnn::tanh(ctnn::x) / 3.0);
}  // namespace

TEST_CASE("cpp_type_name spells each layer argument as written, with its integer type", "[nn][spelling]") {
  using model = ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::activation<scaled_swish>>,
                              ctnn::dense<std::size_t{8}, 3, ctnn::relu>, ctnn::dense<2, ctnn::identity, ctnn::no_bias>>;
  CHECK(ctnn::detail::cpp_type_name<model>() ==
        "ctnn::basic_network<float, ctnn::input<4>, "
        "ctnn::dense<8, ctnn::activation<((ctnn::x * ctnn::sigmoid(ctnn::x)) + ((0x1p-2f) * ctnn::x))>>, "
        "ctnn::dense<8ul, 3, ctnn::relu>, ctnn::dense<2, ctnn::identity, ctnn::no_bias>>");
  using wide = ctnn::basic_network<double, ctnn::input<2>, ctnn::dense<3u, ctnn::activation<shifted>>,
                                   ctnn::dense<1, ctnn::hard_sigmoid>>;
  CHECK(ctnn::detail::cpp_type_name<wide>() ==
        "ctnn::basic_network<double, ctnn::input<2>, "
        "ctnn::dense<3u, ctnn::activation<ctnn::max((ctnn::x - (2u)), ((-ctnn::tanh(ctnn::x)) / (0x1.8p+1)))>>, "
        "ctnn::dense<1, ctnn::hard_sigmoid>>");
}

TEST_CASE("shape_signature names sizes, activations and missing biases", "[nn][spelling]") {
  using digits = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                               ctnn::dense<10, ctnn::softmax>>;
  CHECK(ctnn::detail::shape_signature<digits>() == "784 -> 128 relu -> 64 relu -> 10 softmax");
  // The stated input count is checked, not recorded: both forms are one shape.
  using stated = ctnn::network<ctnn::input<784>, ctnn::dense<784, 128, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                               ctnn::dense<10, ctnn::softmax>>;
  CHECK(ctnn::detail::shape_signature<stated>() == ctnn::detail::shape_signature<digits>());
  using course = ctnn::basic_network<double, ctnn::input<1>, ctnn::dense<1, ctnn::identity, ctnn::no_bias>,
                                     ctnn::dense<1, ctnn::identity, ctnn::no_bias>>;
  CHECK(ctnn::detail::shape_signature<course>() == "1 -> 1 identity no_bias -> 1 identity no_bias");
  using every = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::sigmoid>, ctnn::dense<3, ctnn::hard_sigmoid>,
                              ctnn::dense<3, ctnn::leaky_relu>, ctnn::dense<3, ctnn::tanh>,
                              ctnn::dense<3, ctnn::activation<scaled_swish>>, ctnn::dense<1, ctnn::identity>>;
  CHECK(ctnn::detail::shape_signature<every>() ==
        "2 -> 3 sigmoid -> 3 hard_sigmoid -> 3 leaky_relu -> 3 tanh -> "
        "3 activation<((x * sigmoid(x)) + ((0x1p-2f) * x))> -> 1 identity");
}

TEST_CASE("exact_literal reads back as the same bits", "[nn][spelling]") {
  for (const float v : {0.0f, -0.0f, 1.0f, -1.5f, 0.1f, 3.4028235e38f, 1.4e-45f, -1.17549435e-38f}) {
    const std::string text = ctnn::detail::exact_literal(v);
    INFO(text);
    REQUIRE(text.back() == 'f');
    const float back = std::strtof(text.c_str(), nullptr);
    CHECK(std::memcmp(&back, &v, sizeof v) == 0);
  }
  for (const double v : {0.1, -2.0 / 3.0, 4.9e-324, 1.7976931348623157e308}) {
    const std::string text = ctnn::detail::exact_literal(v);
    INFO(text);
    const double back = std::strtod(text.c_str(), nullptr);
    CHECK(std::memcmp(&back, &v, sizeof v) == 0);
  }
  CHECK(ctnn::detail::exact_literal(-0.0f) == "-0x0p+0f");
  CHECK(ctnn::detail::exact_literal(1.5) == "0x1.8p+0");
}

TEST_CASE("describe_parameter names θ[k] by layer, neuron and input", "[nn][spelling]") {
  using model = ctnn::network<ctnn::input<3>, ctnn::dense<2, ctnn::relu, ctnn::no_bias>, ctnn::dense<2, ctnn::relu>>;
  CHECK(ctnn::detail::describe_parameter<model>(0) == "layer 1 weight (0, 0)");
  CHECK(ctnn::detail::describe_parameter<model>(5) == "layer 1 weight (1, 2)");
  CHECK(ctnn::detail::describe_parameter<model>(6) == "layer 2 weight (0, 0)");
  CHECK(ctnn::detail::describe_parameter<model>(9) == "layer 2 weight (1, 1)");
  CHECK(ctnn::detail::describe_parameter<model>(10) == "layer 2 bias 0");
  CHECK(ctnn::detail::describe_parameter<model>(11) == "layer 2 bias 1");
}
