// Optimizer state that decays towards zero (Adam's moments, momentum's velocity, where a
// gradient has become zero) never passes through subnormal values: a trainer step computes
// with them flushed to zero, with either policy, in float and in double.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <string>

namespace {

/// Samples whose first two features are `active` or zero: once they are zero, the weights
/// from those inputs get a gradient of exactly zero, and what the optimizer remembers of
/// them decays geometrically, as for the border pixels of an image.
template <class T>
ctnn::dataset<T, 4, 1> samples(bool active) {
  ctnn::dataset<T, 4, 1> data;
  for (int i = 0; i < 8; ++i) {
    const T a = active ? T(0.5) + T(i) / 8 : T(0);
    data.add(ctnn::vector<T, 4>{a, -a, T(i) / 4 - 1, T(1)}, ctnn::vector<T, 1>{T(i % 3) / 2});
  }
  return data;
}

template <class T>
std::size_t subnormal_count(const ctnn::simd::aligned_buffer<T>& values) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < values.size(); ++i) n += std::fpclassify(values[i]) == FP_SUBNORMAL;
  return n;
}

/// Steps on active data, then `steps` steps on data that zeroes some gradients; counts the
/// steps after which the optimizer's state or the parameters held a subnormal value.
template <class T, class Policy, class Optimizer, class State>
std::size_t steps_with_subnormals(Optimizer optimizer, std::size_t steps, State state_of) {
  using model = ctnn::basic_network<T, ctnn::input<4>, ctnn::dense<3, ctnn::tanh>, ctnn::dense<1, ctnn::identity>>;
  model net;
  ctnn::initialize(net, 5);
  ctnn::trainer<model, ctnn::mse, Optimizer, Policy> step(net, ctnn::mse{}, optimizer, 8);
  const auto active = samples<T>(true), silent = samples<T>(false);
  for (int k = 0; k < 20; ++k) step(active);
  std::size_t flagged = 0;
  for (std::size_t k = 0; k < steps; ++k) {
    step(silent);
    std::size_t n = state_of(step.optimizer_state());
    for (const T theta : ctnn::flatten(net)) n += std::fpclassify(theta) == FP_SUBNORMAL;
    flagged += n > 0;
  }
  return flagged;
}

}  // namespace

TEMPLATE_PRODUCT_TEST_CASE("decaying optimizer state never holds a subnormal value", "[train][subnormal]",
                           std::pair, ((float, ctnn::fused), (float, ctnn::naive), (double, ctnn::fused),
                                       (double, ctnn::naive))) {
  using T = typename TestType::first_type;
  using policy = typename TestType::second_type;
  // Fast decays, so that the state crosses the subnormal range (below 2⁻¹²⁶ in float, 2⁻¹⁰²²
  // in double) within a few thousand steps.
  const std::size_t steps = std::is_same_v<T, float> ? 400 : 2500;
  const auto moments = [](const auto& state) {
    return subnormal_count(state.first_moment()) + subnormal_count(state.second_moment());
  };
  CHECK(steps_with_subnormals<T, policy>(ctnn::adam{.learning_rate = 1e-3f, .beta1 = 0.5f, .beta2 = 0.6f}, steps,
                                         moments) == 0);
  const auto velocity = [](const auto& state) { return subnormal_count(state.velocity()); };
  CHECK(steps_with_subnormals<T, policy>(ctnn::momentum{.learning_rate = 1e-2f, .beta = 0.5f}, steps, velocity) == 0);
}
