// Gradients against central differences: leaky_relu, tanh, swish, and a wide layer.
#include "gradient_check.hpp"

using namespace ctnn_test;

TEST_CASE("gradients match central differences: leaky_relu", "[nn][gradient]") { check_every_loss<ctnn::dense<6, ctnn::leaky_relu>>(); }
TEST_CASE("gradients match central differences: tanh", "[nn][gradient]") { check_every_loss<ctnn::dense<6, ctnn::tanh>>(); }
TEST_CASE("gradients match central differences: swish", "[nn][gradient]") {
  check_every_loss<ctnn::dense<6, ctnn::activation<swish>>>();
}
TEST_CASE("gradients match central differences: wide layers and batches beyond one GEMM block", "[nn][gradient]") {
  // 300 samples: the weight-gradient GEMM's depth exceeds one block (partial sums in scratch).
  using model = ctnn::basic_network<double, ctnn::input<20>, ctnn::dense<33, ctnn::sigmoid>,
                                    ctnn::dense<3, ctnn::softmax>>;
  model net;
  ctnn::initialize(net, 5);
  const auto data = sample_data<20, 3>(300, 6, true, true);
  std::string where;
  const double worst = worst_gradient_error<ctnn::fused>(net, ctnn::cross_entropy{}, data, where);
  INFO("worst at " << where);
  CHECK(worst <= 1e-6);
}
