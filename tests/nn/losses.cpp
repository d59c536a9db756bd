// Losses: each loss's value on a batch against a loop written here from its formula, with
// PyTorch's reductions (mae, mse and binary_cross_entropy: the mean over samples and
// outputs; cross_entropy: the mean over samples of the sum over classes), as `evaluate` and
// a trainer step report it in both policies; and the gradient a step applies against central
// differences of that loop.
//
// The network is one layer with set weights, so its outputs are computed here by hand too.
// Four outputs and five samples: a sum where a mean belongs, or a mean over the wrong axis,
// is off by a factor of 4, 5 or 20.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace {

constexpr std::size_t in = 3, out = 4;

enum class output { identity, sigmoid, softmax };
enum class targets { real, unit_interval, distribution };

template <auto Activation>
using model = ctnn::basic_network<double, ctnn::input<in>, ctnn::dense<out, Activation>>;
constexpr std::size_t parameters = out * in + out;

/// The layer's parameters θ in flatten's order (W row-major, then b): outputs between about
/// −3 and 3, where every activation is far from saturating.
std::vector<double> layer_parameters() {
  std::vector<double> theta;
  for (std::size_t k = 0; k < out * in; ++k) theta.push_back(0.8 * std::sin(1.0 + 1.7 * double(k)));
  for (std::size_t o = 0; o < out; ++o) theta.push_back(0.3 * std::cos(2.0 + double(o)));
  return theta;
}

struct batch {
  std::vector<double> x, y;
  std::size_t rows;
};

batch make_batch(std::size_t rows, targets kind) {
  batch b{{}, {}, rows};
  for (std::size_t k = 0; k < rows * in; ++k) b.x.push_back(1.5 * std::sin(0.5 + 0.9 * double(k)));
  for (std::size_t r = 0; r < rows; ++r) {
    double total = 0;
    for (std::size_t o = 0; o < out; ++o) {
      const double s = std::sin(3.0 + 1.3 * double(r * out + o));
      switch (kind) {
        case targets::real: b.y.push_back(1.2 * s); break;
        case targets::unit_interval: b.y.push_back(0.5 + 0.5 * s); break;
        case targets::distribution:  // one-hot rows and rows of probabilities, in turn
          b.y.push_back(r % 2 == 0 ? (o == r % out ? 1.0 : 0.0) : 1.1 + s);
          total += b.y.back();
      }
    }
    if (kind == targets::distribution)
      for (std::size_t o = 0; o < out; ++o) b.y[r * out + o] /= total;
  }
  return b;
}

/// The network's outputs, row by row: p = f(W x + b).
std::vector<double> outputs(output f, const std::vector<double>& theta, const batch& b) {
  std::vector<double> p(b.rows * out);
  for (std::size_t r = 0; r < b.rows; ++r) {
    double* pr = p.data() + r * out;
    for (std::size_t o = 0; o < out; ++o) {
      pr[o] = theta[out * in + o];
      for (std::size_t i = 0; i < in; ++i) pr[o] += theta[o * in + i] * b.x[r * in + i];
    }
    if (f == output::sigmoid)
      for (std::size_t o = 0; o < out; ++o) pr[o] = 1 / (1 + std::exp(-pr[o]));
    if (f == output::softmax) {
      const double largest = *std::max_element(pr, pr + out);
      double total = 0;
      for (std::size_t o = 0; o < out; ++o) total += pr[o] = std::exp(pr[o] - largest);
      for (std::size_t o = 0; o < out; ++o) pr[o] /= total;
    }
  }
  return p;
}

// The losses as torch.nn.functional computes them with its default reduction="mean".
double reference_loss(ctnn::mae, const std::vector<double>& p, const batch& b) {
  double total = 0;  // l1_loss: mean over every element
  for (std::size_t k = 0; k < p.size(); ++k) total += std::abs(p[k] - b.y[k]);
  return total / double(b.rows * out);
}
double reference_loss(ctnn::mse, const std::vector<double>& p, const batch& b) {
  double total = 0;  // mse_loss: mean over every element
  for (std::size_t k = 0; k < p.size(); ++k) total += (p[k] - b.y[k]) * (p[k] - b.y[k]);
  return total / double(b.rows * out);
}
double reference_loss(ctnn::binary_cross_entropy, const std::vector<double>& p, const batch& b) {
  double total = 0;  // binary_cross_entropy: mean over every element
  for (std::size_t k = 0; k < p.size(); ++k) total -= b.y[k] * std::log(p[k]) + (1 - b.y[k]) * std::log(1 - p[k]);
  return total / double(b.rows * out);
}
double reference_loss(ctnn::cross_entropy, const std::vector<double>& p, const batch& b) {
  double total = 0;  // cross_entropy with class probabilities: sum over classes, mean over samples
  for (std::size_t r = 0; r < b.rows; ++r)
    for (std::size_t o = 0; o < out; ++o) total -= b.y[r * out + o] * std::log(p[r * out + o]);
  return total / double(b.rows);
}

template <auto Activation>
model<Activation> make_network(const std::vector<double>& theta) {
  model<Activation> net;
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t i = 0; i < in; ++i) net.template weight<0>(o, i) = theta[o * in + i];
    net.template bias<0>(o) = theta[out * in + o];
  }
  return net;
}

template <auto Activation, class Loss>
void check_value(output f, targets kind, std::size_t rows) {
  const std::vector<double> theta = layer_parameters();
  const batch b = make_batch(rows, kind);
  const double expected = reference_loss(Loss{}, outputs(f, theta, b), b);
  const ctnn::dataset<double, in, out> data(b.x, b.y);
  auto net = make_network<Activation>(theta);
  // Rounding only: the library sums in another order and computes the logit losses from z.
  const double eps = 1e-12;
  CHECK(ctnn::evaluate<ctnn::fused>(net, data, Loss{}).loss == Approx(expected).epsilon(eps));
  CHECK(ctnn::evaluate<ctnn::naive>(net, data, Loss{}).loss == Approx(expected).epsilon(eps));
  // A step returns the loss at the parameters before its update.
  ctnn::trainer<model<Activation>, Loss, ctnn::sgd, ctnn::fused> fused_step(net, Loss{}, ctnn::sgd{}, rows);
  CHECK(fused_step(data) == Approx(expected).epsilon(eps));
  auto naive_net = make_network<Activation>(theta);
  ctnn::trainer<model<Activation>, Loss, ctnn::sgd, ctnn::naive> naive_step(naive_net, Loss{}, ctnn::sgd{}, rows);
  CHECK(naive_step(data) == Approx(expected).epsilon(eps));
}

/// The gradient an sgd step with η = 1 applies (θ before minus θ after), against central
/// differences of the reference loss, with the design's step h = 1e-6·max(1, |θᵢ|).
template <class Policy, auto Activation, class Loss>
void check_step_gradient(output f, targets kind) {
  const std::vector<double> theta = layer_parameters();
  const batch b = make_batch(5, kind);
  const ctnn::dataset<double, in, out> data(b.x, b.y);
  auto net = make_network<Activation>(theta);
  ctnn::trainer<model<Activation>, Loss, ctnn::sgd, Policy> step(net, Loss{}, ctnn::sgd{.learning_rate = 1}, b.rows);
  step(data);
  const std::vector<double> after = ctnn::flatten(net);
  if constexpr (std::is_same_v<Loss, ctnn::mae>) {
    // |p − y| has a kink at 0; no output is within reach of it by a step of h.
    const std::vector<double> p = outputs(f, theta, b);
    for (std::size_t k = 0; k < p.size(); ++k) REQUIRE(std::abs(p[k] - b.y[k]) > 1e-3);
  }
  for (std::size_t i = 0; i < parameters; ++i) {
    const double h = 1e-6 * std::max(1.0, std::abs(theta[i]));
    std::vector<double> up = theta, down = theta;
    up[i] += h;
    down[i] -= h;
    const double central = (reference_loss(Loss{}, outputs(f, up, b), b) -
                            reference_loss(Loss{}, outputs(f, down, b), b)) / (2 * h);
    const double applied = theta[i] - after[i];
    // Central differences in double are good to about 1e-10 here (rounding of the loss
    // over 2h); relative to gradients of 1e-3 and more that is well within 1e-6.
    INFO("parameter " << i << ": applied " << applied << ", central difference " << central);
    CHECK(std::abs(applied - central) <= 1e-6 * std::max({std::abs(applied), std::abs(central), 1e-3}));
  }
}

template <auto Activation, class Loss>
void check_step_gradients(output f, targets kind) {
  SECTION("fused") { check_step_gradient<ctnn::fused, Activation, Loss>(f, kind); }
  SECTION("naive") { check_step_gradient<ctnn::naive, Activation, Loss>(f, kind); }
}

}  // namespace

TEST_CASE("loss values are PyTorch's: mean over samples and outputs, cross-entropy summed over classes",
          "[nn][loss]") {
  // 300 samples: evaluate works through chunks of 256 and must weight their means by size.
  const std::size_t rows = GENERATE(5, 300);
  INFO(rows << " samples");
  SECTION("mae, identity output") { check_value<ctnn::identity, ctnn::mae>(output::identity, targets::real, rows); }
  SECTION("mse, identity output") { check_value<ctnn::identity, ctnn::mse>(output::identity, targets::real, rows); }
  SECTION("mse, sigmoid output") { check_value<ctnn::sigmoid, ctnn::mse>(output::sigmoid, targets::unit_interval, rows); }
  SECTION("binary cross-entropy, sigmoid output") {
    check_value<ctnn::sigmoid, ctnn::binary_cross_entropy>(output::sigmoid, targets::unit_interval, rows);
  }
  SECTION("cross-entropy, softmax output, one-hot and probability targets") {
    check_value<ctnn::softmax, ctnn::cross_entropy>(output::softmax, targets::distribution, rows);
  }
}

TEST_CASE("a step applies the gradient of the loss as PyTorch defines it", "[nn][loss]") {
  SECTION("mae, identity output") { check_step_gradients<ctnn::identity, ctnn::mae>(output::identity, targets::real); }
  SECTION("mse, identity output") { check_step_gradients<ctnn::identity, ctnn::mse>(output::identity, targets::real); }
  SECTION("mse, sigmoid output") {
    check_step_gradients<ctnn::sigmoid, ctnn::mse>(output::sigmoid, targets::unit_interval);
  }
  SECTION("binary cross-entropy, sigmoid output (P − Y)") {
    check_step_gradients<ctnn::sigmoid, ctnn::binary_cross_entropy>(output::sigmoid, targets::unit_interval);
  }
  SECTION("cross-entropy, softmax output (P − Y)") {
    check_step_gradients<ctnn::softmax, ctnn::cross_entropy>(output::softmax, targets::distribution);
  }
}
