// Optimizers: the first steps of sgd, momentum and adam, taken by a trainer in both policies,
// against the updates their doc comments promise, computed here in double from the formulas
// (for Adam, Algorithm 1 of Kingma and Ba: bias-corrected m̂ and v̂, ε added to √v̂).
//
// The network is one identity layer trained with mse, so the gradient has a closed form and
// the reference needs nothing from the library but the hyper-parameters.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <vector>

namespace {

constexpr std::size_t in = 3, out = 2, rows = 4;
// Three inputs and two outputs: neither fills a SIMD pack, so the parameter block has padding
// and the optimizer's state is indexed by offsets with gaps in them.
using model = ctnn::basic_network<double, ctnn::input<in>, ctnn::dense<out, ctnn::identity>>;
constexpr std::size_t parameters = out * in + out;
static_assert(model::parameter_count == parameters);

/// A fixed batch and starting parameters θ₀ (in flatten's order: W row-major, then b).
struct problem {
  std::vector<double> x, y, theta;
};

/// Inputs of unit size, or (`input_scale` 1e-8) so small that every weight's gradient is
/// comparable to Adam's ε while the biases' gradients are not.
problem make_problem(double input_scale) {
  problem p;
  for (std::size_t k = 0; k < rows * in; ++k) p.x.push_back(input_scale * std::sin(1.0 + 0.7 * double(k)));
  for (std::size_t k = 0; k < rows * out; ++k) p.y.push_back(std::cos(2.0 + 1.3 * double(k)));
  for (std::size_t k = 0; k < parameters; ++k) p.theta.push_back(0.5 * std::sin(3.0 + 1.1 * double(k)));
  return p;
}

/// ∂L/∂θ for L = 1/(rows·out) Σ_r Σ_o (z_ro − y_ro)², z_r = W x_r + b: the closed form
/// ∂L/∂W_oi = 2/(rows·out) Σ_r (z_ro − y_ro) x_ri, ∂L/∂b_o = 2/(rows·out) Σ_r (z_ro − y_ro).
std::vector<double> mse_gradient(const problem& p, const std::vector<double>& theta) {
  std::vector<double> g(parameters, 0.0);
  const double scale = 2.0 / double(rows * out);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t o = 0; o < out; ++o) {
      double z = theta[out * in + o];
      for (std::size_t i = 0; i < in; ++i) z += theta[o * in + i] * p.x[r * in + i];
      const double d = scale * (z - p.y[r * out + o]);
      for (std::size_t i = 0; i < in; ++i) g[o * in + i] += d * p.x[r * in + i];
      g[out * in + o] += d;
    }
  return g;
}

/// One update of θ by the reference optimizer, given the gradient at θ; it keeps its own state.
using reference_update = std::function<void(std::vector<double>& theta, const std::vector<double>& g)>;

/// Runs `steps` trainer steps of `Optimizer` from θ₀ on the batch, each followed by one step
/// of the reference from the reference's own θ, and compares flatten(net) with it.
template <class Policy, class Optimizer>
void check_steps(const problem& p, const Optimizer& optimizer, reference_update reference, int steps = 5) {
  model net;
  ctnn::unflatten(net, p.theta);
  const ctnn::dataset<double, in, out> data(p.x, p.y);
  ctnn::trainer<model, ctnn::mse, Optimizer, Policy> step(net, ctnn::mse{}, optimizer, rows);
  std::vector<double> theta = p.theta;
  for (int t = 1; t <= steps; ++t) {
    const std::vector<double> g = mse_gradient(p, theta);
    reference(theta, g);
    step(data);
    const std::vector<double> got = ctnn::flatten(net);
    for (std::size_t i = 0; i < parameters; ++i) {
      // Relative to the distance the parameter has travelled (a wrong step size or ε shows
      // there, not in θ's leading digits), plus a few ulps of θ itself for the rounding of
      // each θ + Δθ.
      const double tolerance = 1e-12 * std::abs(theta[i] - p.theta[i]) +
                               4 * std::numeric_limits<double>::epsilon() * std::abs(theta[i]);
      INFO("step " << t << ", parameter " << i << ": trainer " << got[i] << ", reference " << theta[i]
                   << ", travelled " << theta[i] - p.theta[i]);
      CHECK(std::abs(got[i] - theta[i]) <= tolerance);
    }
  }
}

template <class Optimizer>
void check_both_policies(const problem& p, const Optimizer& optimizer,
                         const std::function<reference_update()>& make_reference) {
  SECTION("fused") { check_steps<ctnn::fused>(p, optimizer, make_reference()); }
  SECTION("naive") { check_steps<ctnn::naive>(p, optimizer, make_reference()); }
}

/// Adam as Algorithm 1 of the paper writes it: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), θ ← θ − η m̂/(√v̂ + ε).
reference_update adam_reference(const ctnn::adam& o) {
  // The hyper-parameters are floats; the reference uses their values exactly, in double.
  const double eta = o.learning_rate, b1 = o.beta1, b2 = o.beta2, eps = o.epsilon;
  return [=, m = std::vector<double>(parameters, 0.0), v = std::vector<double>(parameters, 0.0),
          t = 0](std::vector<double>& theta, const std::vector<double>& g) mutable {
    ++t;
    for (std::size_t i = 0; i < parameters; ++i) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const double m_hat = m[i] / (1 - std::pow(b1, t)), v_hat = v[i] / (1 - std::pow(b2, t));
      theta[i] -= eta * m_hat / (std::sqrt(v_hat) + eps);
    }
  };
}

}  // namespace

TEST_CASE("sgd's first steps are θ ← θ − η g", "[nn][optimizer]") {
  const ctnn::sgd o{.learning_rate = 0.3f};
  check_both_policies(make_problem(1), o, [&]() -> reference_update {
    const double eta = o.learning_rate;
    return [=](std::vector<double>& theta, const std::vector<double>& g) {
      for (std::size_t i = 0; i < parameters; ++i) theta[i] -= eta * g[i];
    };
  });
}

TEST_CASE("momentum's first steps are v ← β v − η g, θ ← θ + v", "[nn][optimizer]") {
  const ctnn::momentum o{.learning_rate = 0.2f, .beta = 0.7f};
  check_both_policies(make_problem(1), o, [&]() -> reference_update {
    const double eta = o.learning_rate, beta = o.beta;
    return [=, v = std::vector<double>(parameters, 0.0)](std::vector<double>& theta,
                                                         const std::vector<double>& g) mutable {
      for (std::size_t i = 0; i < parameters; ++i) {
        v[i] = beta * v[i] - eta * g[i];
        theta[i] += v[i];
      }
    };
  });
}

TEST_CASE("adam's first steps follow the paper's update with bias-corrected moments", "[nn][optimizer]") {
  SECTION("the paper's defaults") {
    const ctnn::adam o{};
    check_both_policies(make_problem(1), o, [&] { return adam_reference(o); });
  }
  SECTION("other hyper-parameters, β₁ and β₂ far apart") {
    const ctnn::adam o{.learning_rate = 0.05f, .beta1 = 0.5f, .beta2 = 0.99f, .epsilon = 1e-6f};
    check_both_policies(make_problem(1), o, [&] { return adam_reference(o); });
  }
}

TEST_CASE("adam adds ε to the bias-corrected √v̂, not to √v", "[nn][optimizer]") {
  // With inputs of 1e-8 every weight's gradient is about ε, where it matters whether ε is
  // added to √v̂ (the paper's Algorithm 1, and its efficient form with ε̂ = ε √(1−β₂ᵗ)) or to
  // the uncorrected √v (the efficient form with ε̂ = ε): at t = 1 the latter's steps are
  // smaller by a factor of up to 1/√(1−β₂) ≈ 32. The biases' gradients are not small, and
  // move as usual.
  const problem p = make_problem(1e-8);
  const ctnn::adam o{};
  {
    // The test can tell the two apart: after one step every weight differs between them by
    // more than half the documented step, far beyond the tolerance of check_steps.
    std::vector<double> documented = p.theta, other = p.theta;
    const std::vector<double> g = mse_gradient(p, p.theta);
    adam_reference(o)(documented, g);
    const double eta = o.learning_rate, b1 = o.beta1, b2 = o.beta2, eps = o.epsilon;
    const double rate = eta * std::sqrt(1 - b2) / (1 - b1);
    for (std::size_t i = 0; i < out * in; ++i) {
      other[i] -= rate * ((1 - b1) * g[i]) / (std::sqrt((1 - b2) * g[i] * g[i]) + eps);
      REQUIRE(std::abs(other[i] - documented[i]) > 0.5 * std::abs(documented[i] - p.theta[i]));
    }
  }
  check_both_policies(p, o, [&] { return adam_reference(o); });
}
