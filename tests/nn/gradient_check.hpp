#pragma once
// Shared by the gradient tests: every activation × every loss that fits, in double, against
// central differences of the mean loss, for both execution policies. The cases are split
// over two files so that the two cores compile them in parallel.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace ctnn_test {

inline constexpr auto swish = ctnn::x * ctnn::sigmoid(ctnn::x);

template <std::size_t In, std::size_t Out>
ctnn::dataset<double, In, Out> sample_data(std::size_t rows, std::uint64_t seed, bool one_hot,
                                           bool unit_interval) {
  ctnn::detail::random_bits random(seed);
  std::vector<double> x(rows * In), y(rows * Out, 0.0);
  for (auto& v : x) v = 2 * random.uniform() - 1;
  for (std::size_t r = 0; r < rows; ++r)
    if (one_hot)
      y[r * Out + random.below(Out)] = 1;
    else
      for (std::size_t o = 0; o < Out; ++o)
        y[r * Out + o] = unit_interval ? random.uniform() : 2 * random.uniform() - 1;
  return {x, y};
}

/// Worst relative error of `ctnn::gradient<Policy>` against central differences, over the
/// parameters away from kinks (where the one-sided differences disagree).
template <class Policy, class Network, class Loss, class Data>
double worst_gradient_error(Network& net, Loss loss, const Data& data, std::string& where) {
  const std::vector<double> g = ctnn::gradient<Policy>(net, data, loss);
  std::vector<double> theta = ctnn::flatten(net);
  const auto loss_at = [&](std::size_t i, double value) {
    const double kept = theta[i];
    theta[i] = value;
    ctnn::unflatten(net, theta);
    const double l = ctnn::evaluate(net, data, loss).loss;
    theta[i] = kept;
    return l;
  };
  const double h = 1e-5;
  double worst = 0;
  std::size_t checked = 0;
  for (std::size_t i = 0; i < theta.size(); ++i) {
    const double l0 = loss_at(i, theta[i]);
    const double up = loss_at(i, theta[i] + h), down = loss_at(i, theta[i] - h);
    const double forward = (up - l0) / h, backward = (l0 - down) / h;
    if (std::abs(forward - backward) > 1e-4 * (std::abs(forward) + std::abs(backward)) + 1e-7)
      continue;  // a kink of relu, hard_sigmoid or |·| lies within h
    ++checked;
    const double central = (up - down) / (2 * h);
    const double error = std::abs(g[i] - central) / std::max({std::abs(g[i]), std::abs(central), 1e-3});
    if (error > worst) {
      worst = error;
      std::ostringstream s;
      s << "parameter " << i << ": gradient " << g[i] << ", central difference " << central;
      where = s.str();
    }
  }
  ctnn::unflatten(net, theta);
  CHECK(checked >= theta.size() * 3 / 4);  // the kink rule must not skip most of the test
  return worst;
}

template <class Hidden, class OutputLayer, class Loss>
void check_gradients(bool one_hot, bool unit_interval, std::uint64_t seed) {
  using model = ctnn::basic_network<double, ctnn::input<3>, Hidden, ctnn::dense<5, ctnn::tanh>, OutputLayer>;
  model net;
  ctnn::initialize(net, seed);
  // Non-zero biases, so that every bias gradient is exercised away from symmetric points.
  std::vector<double> theta = ctnn::flatten(net);
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] += 0.05 * std::sin(double(i));
  ctnn::unflatten(net, theta);
  const auto data = sample_data<3, model::output_size>(7, seed + 1, one_hot, unit_interval);
  for (std::string policy : {"fused", "naive"}) {
    std::string where;
    const double worst = policy == "fused" ? worst_gradient_error<ctnn::fused>(net, Loss{}, data, where)
                                           : worst_gradient_error<ctnn::naive>(net, Loss{}, data, where);
    INFO(policy << " policy, worst at " << where);
    CHECK(worst <= 1e-6);
  }
}

template <class Hidden>
void check_every_loss() {
  SECTION("mse, identity output") { check_gradients<Hidden, ctnn::dense<2, ctnn::identity>, ctnn::mse>(false, false, 11); }
  SECTION("mse, sigmoid output") { check_gradients<Hidden, ctnn::dense<2, ctnn::sigmoid>, ctnn::mse>(false, true, 12); }
  SECTION("mae, identity output") { check_gradients<Hidden, ctnn::dense<2, ctnn::identity>, ctnn::mae>(false, false, 13); }
  SECTION("binary cross-entropy, sigmoid output") {
    check_gradients<Hidden, ctnn::dense<2, ctnn::sigmoid>, ctnn::binary_cross_entropy>(false, true, 14);
  }
  SECTION("cross-entropy, softmax output") {
    check_gradients<Hidden, ctnn::dense<4, ctnn::softmax>, ctnn::cross_entropy>(true, true, 15);
  }
  SECTION("mse, output without bias") {
    check_gradients<Hidden, ctnn::dense<1, ctnn::identity, ctnn::no_bias>, ctnn::mse>(false, false, 16);
  }
}

}  // namespace ctnn_test

