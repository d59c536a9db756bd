// Tests of ctnn/expr/derivative.hpp: the symbolic derivative of every built-in activation and
// of composite activations, evaluated in double through the SIMD path (packs, and a tensor
// assignment of the derivative expression) and the scalar path, against central differences
// of the forward function; and the 0/1 folding that happens on the types.

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>

namespace {

// ---------------------------------------------------------------------------------------------
// The points: -6..6 in steps of 0.05 (i / 20, so 0 and ±3 are exact), plus large magnitudes
// where functions saturate or grow fast.

constexpr std::size_t grid_count = 241;
constexpr std::array<double, 10> far_points{-40, -25, -15.5, -10, -7.25, 7.25, 10, 15.5, 25, 40};
constexpr std::size_t point_count = grid_count + far_points.size();

constexpr std::array<double, point_count> points = [] {
  std::array<double, point_count> p{};
  for (std::size_t i = 0; i < grid_count; ++i) p[i] = (static_cast<double>(i) - 120.0) / 20.0;
  for (std::size_t i = 0; i < far_points.size(); ++i) p[grid_count + i] = far_points[i];
  return p;
}();

/// Step of the central difference: its truncation error is h²/6 · |f‴| ≈ 2e-11 · |f‴|, its
/// rounding error about 1e-16 · |f| / h ≈ 1e-11 · |f|; both far below the tolerance.
constexpr double h = 1e-5;
/// Required agreement: relative 1e-6, with an absolute floor of 1e-9 for derivatives that
/// are (nearly) zero, where a relative comparison means nothing.
constexpr double relative_tolerance = 1e-6;
constexpr double absolute_floor = 1e-9;

/// The points a function is checked at: `skip(x)` is true within 1e-3 of a kink (where the
/// derivative jumps and the central difference averages the two sides) or outside the domain.
struct domain {
  std::array<double, 3> kinks{};
  std::size_t kink_count = 0;
  bool positive_only = false;

  [[nodiscard]] bool skip(double x) const {
    if (positive_only && x <= 1e-3) return true;
    for (std::size_t k = 0; k < kink_count; ++k)
      if (std::abs(x - kinks[k]) < 1e-3) return true;
    return false;
  }
};
constexpr domain smooth{};
constexpr domain kink_at_zero{{0, 0, 0}, 1};
constexpr domain kinks_at_three{{-3, 3, 0}, 2};
constexpr domain positive{{}, 0, true};

/// Compares the derivative of activation `F` with central differences of its forward
/// function, at every point of the grid that `where` does not skip, by three paths:
/// - packs: `F::derivative` on `simd::pack<double>`, as the layer kernels call it;
/// - a tensor: the derivative expression applied to a `ctnn::vector<double>` and assigned
///   (the evaluator's loop), when the derivative depends on x at all;
/// - scalars: `F::derivative(double)`.
template <class F>
void check_derivative(const domain& where) {
  using V = ctnn::simd::pack<double>;
  constexpr std::size_t w = ctnn::simd::lanes<V>;
  using vec = ctnn::vector<double, point_count>;
  const vec z{std::span<const double, point_count>(points)};

  vec by_packs;
  for (std::size_t i = 0; i < ctnn::simd::padded_size<double, point_count>; i += w)
    ctnn::simd::store(by_packs.data() + i, F::derivative(ctnn::simd::load<V>(z.data() + i)));

  vec by_tensor;
  constexpr bool depends_on_x = std::remove_cvref_t<decltype(F::derivative_expression)>::symbolic;
  if constexpr (depends_on_x) {
    by_tensor = ctnn::activation<F::derivative_expression>(z);
  } else {
    // A constant derivative: evaluate it on the zero vector plus the constant.
    by_tensor = z * 0.0 + F::derivative(0.0);
  }

  std::size_t checked = 0;
  for (std::size_t i = 0; i < point_count; ++i) {
    const double x = points[i];
    if (where.skip(x)) continue;
    const double up = x + h, down = x - h;
    // Divide by the distance actually represented, not 2h, so that rounding of x ± h does
    // not count as an error of the derivative.
    const double difference = (F::forward(up) - F::forward(down)) / (up - down);
    const auto bound = [&](double d) {
      return relative_tolerance * std::max(std::abs(d), std::abs(difference)) + absolute_floor;
    };
    INFO("x = " << x << ": central difference " << difference << ", packs " << by_packs[i]
                << ", tensor " << by_tensor[i] << ", scalar " << F::derivative(x));
    REQUIRE(std::abs(by_packs[i] - difference) <= bound(by_packs[i]));
    REQUIRE(std::abs(by_tensor[i] - difference) <= bound(by_tensor[i]));
    REQUIRE(std::abs(F::derivative(x) - difference) <= bound(F::derivative(x)));
    ++checked;
  }
  CHECK(checked > 100);  // the skips removed only a few points (log: x > 0 only)
}

// Composite activations: expressions of ctnn::x.
constexpr auto swish = ctnn::x * ctnn::sigmoid(ctnn::x);
constexpr auto square = ctnn::x * ctnn::x;
constexpr auto gaussian = ctnn::exp(-ctnn::x * ctnn::x);
constexpr auto softsign = ctnn::x / (1 + ctnn::abs(ctnn::x));  // quotient rule, v' ≠ 0
constexpr auto softplus = ctnn::log(1 + ctnn::exp(ctnn::x));
constexpr auto chained = ctnn::tanh(ctnn::sigmoid(ctnn::x));
constexpr auto hard_swish = ctnn::x * ctnn::hard_sigmoid(ctnn::x);
constexpr auto relu6 = ctnn::min(ctnn::relu(ctnn::x), 6);     // min of a function and a constant
constexpr auto leaky_max = ctnn::max(ctnn::x, ctnn::x / 10);  // max of two functions
constexpr auto scaled_shifted = 3 * ctnn::tanh(ctnn::x / 2 - 1) + ctnn::x;

template <auto E>
using composite = ctnn::activations::elementwise<E>;

}  // namespace

// Every built-in element-wise activation of ctnn::activations (softmax has no element-wise
// derivative: its gradient is fused with the loss).
TEST_CASE("derivative of identity", "[expr][derivative]") {
  check_derivative<ctnn::activations::identity>(smooth);
}
TEST_CASE("derivative of sigmoid", "[expr][derivative]") {
  check_derivative<ctnn::activations::sigmoid>(smooth);
}
TEST_CASE("derivative of hard_sigmoid", "[expr][derivative]") {
  check_derivative<ctnn::activations::hard_sigmoid>(kinks_at_three);
}
TEST_CASE("derivative of relu", "[expr][derivative]") {
  check_derivative<ctnn::activations::relu>(kink_at_zero);
}
TEST_CASE("derivative of leaky_relu", "[expr][derivative]") {
  check_derivative<ctnn::activations::leaky_relu>(kink_at_zero);
}
TEST_CASE("derivative of tanh", "[expr][derivative]") {
  check_derivative<ctnn::activations::tanh>(smooth);
}
TEST_CASE("derivative of exp", "[expr][derivative]") {
  check_derivative<ctnn::activations::exp>(smooth);
}
TEST_CASE("derivative of log", "[expr][derivative]") {
  check_derivative<ctnn::activations::log>(positive);
}
TEST_CASE("derivative of abs", "[expr][derivative]") {
  check_derivative<ctnn::activations::abs>(kink_at_zero);
}

TEST_CASE("derivative of swish x·σ(x)", "[expr][derivative]") {
  check_derivative<composite<swish>>(smooth);
}
TEST_CASE("derivative of x·x", "[expr][derivative]") {
  check_derivative<composite<square>>(smooth);
}
TEST_CASE("derivative of exp(-x·x)", "[expr][derivative]") {
  check_derivative<composite<gaussian>>(smooth);
}
TEST_CASE("derivative of softsign x / (1 + |x|)", "[expr][derivative]") {
  // |x| makes the second derivative jump at 0, so the central difference is only O(h) there.
  check_derivative<composite<softsign>>(kink_at_zero);
}
TEST_CASE("derivative of softplus log(1 + e^x)", "[expr][derivative]") {
  check_derivative<composite<softplus>>(smooth);
}
TEST_CASE("derivative of tanh(σ(x))", "[expr][derivative]") {
  check_derivative<composite<chained>>(smooth);
}
TEST_CASE("derivative of hard swish x·hard_sigmoid(x)", "[expr][derivative]") {
  check_derivative<composite<hard_swish>>(kinks_at_three);
}
TEST_CASE("derivative of min(relu(x), 6)", "[expr][derivative]") {
  check_derivative<composite<relu6>>(domain{{0, 6, 0}, 2});
}
TEST_CASE("derivative of max(x, x / 10)", "[expr][derivative]") {
  check_derivative<composite<leaky_max>>(kink_at_zero);
}
TEST_CASE("derivative of 3·tanh(x/2 − 1) + x", "[expr][derivative]") {
  check_derivative<composite<scaled_shifted>>(smooth);
}

// Second derivatives: the derivative expressions are expressions of ctnn::x too, so they can
// be differentiated again. This exercises the rules for the nodes that only derivatives
// produce (σ′ as one node, the square in tanh′, the quotient's v²).
template <class F>
using second = composite<F::derivative_expression>;

TEST_CASE("second derivative of sigmoid", "[expr][derivative]") {
  check_derivative<second<ctnn::activations::sigmoid>>(smooth);
}
TEST_CASE("second derivative of tanh", "[expr][derivative]") {
  check_derivative<second<ctnn::activations::tanh>>(smooth);
}
TEST_CASE("second derivative of swish", "[expr][derivative]") {
  check_derivative<second<composite<swish>>>(smooth);
}
TEST_CASE("second derivative of exp(-x·x)", "[expr][derivative]") {
  check_derivative<second<composite<gaussian>>>(smooth);
}
TEST_CASE("second derivative of softplus", "[expr][derivative]") {
  check_derivative<second<composite<softplus>>>(smooth);
}
TEST_CASE("second derivative of softsign", "[expr][derivative]") {
  check_derivative<second<composite<softsign>>>(kink_at_zero);
}
TEST_CASE("second derivative of log", "[expr][derivative]") {
  check_derivative<second<ctnn::activations::log>>(positive);
}

TEST_CASE("derivatives fold 0 and 1 on the types", "[expr][derivative]") {
  // The folding is visible only through ctnn::detail types: a derivative that is a constant 0
  // or 1 must be the type `zero` or `one`, so that no loop computes it.
  namespace d = ctnn::detail;
  using std::is_same_v;
  using one = d::one;
  using zero = d::zero;
  using x_t = d::placeholder;
  constexpr auto x = ctnn::x;

  // d/dx x = 1, d/dx c = 0.
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(x)), one>);
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(d::constant<float>{{}, 2.5f})), zero>);
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(one{})), zero>);
  STATIC_REQUIRE(is_same_v<std::remove_cvref_t<decltype(ctnn::activations::identity::derivative_expression)>, one>);
  STATIC_REQUIRE(ctnn::activations::identity::unit_derivative);

  // x + 1 → 1 + 0 → 1; x - 2 → 1.
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(x + 1)), one>);
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(x - 2)), one>);

  // x·x → 1·x + x·1 → x + x: no multiplication by one is left.
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(x * x)), d::node<d::ops::add, x_t, x_t>>);

  // 3·x → 0·x + 3·1 → 3, a number (not a node).
  constexpr auto three_x = d::derivative(3 * x);
  STATIC_REQUIRE(d::is_number<std::remove_cvref_t<decltype(three_x)>>);
  STATIC_REQUIRE(d::number_value(three_x) == 3.0);
  // x + x → 1 + 1 → 2, a number.
  constexpr auto two = d::derivative(x + x);
  STATIC_REQUIRE(d::is_number<std::remove_cvref_t<decltype(two)>>);
  STATIC_REQUIRE(d::number_value(two) == 2.0);
  // −x → −1, a number.
  constexpr auto minus_x = d::derivative(-x);
  STATIC_REQUIRE(d::is_number<std::remove_cvref_t<decltype(minus_x)>>);
  STATIC_REQUIRE(d::number_value(minus_x) == -1.0);
  // x / 4 → 1 / 4 (quotient by a constant, without the quotient rule's v′ term).
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(x / 4)),
                           d::node<d::ops::divide, one, d::constant<int>>>);

  // exp′ = exp: the chain rule's · 1 is folded away, leaving the same node type.
  constexpr auto e = ctnn::exp(x);
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(e)), std::remove_const_t<decltype(e)>>);
  // relu′ = step(x), and step′ = 0, so relu″ is the zero type.
  constexpr auto r = ctnn::relu(x);
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(r)), d::node<d::ops::step, x_t>>);
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(d::derivative(r))), zero>);
  // σ′ = σ(1 − σ) as one node, evaluated once.
  STATIC_REQUIRE(is_same_v<std::remove_cvref_t<decltype(ctnn::activations::sigmoid::derivative_expression)>,
                           d::node<d::ops::sigmoid_slope, x_t>>);
  // abs′ = sign(x), hard_sigmoid′ = its slope; second derivatives are zero.
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(d::derivative(ctnn::abs(x)))), zero>);
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(d::derivative(ctnn::hard_sigmoid(x)))), zero>);
  // max(x, 2)′ selects between 1 and 0 at run time; max(relu′, 1)′ = max(step(x), 1)′ has two
  // zero branches and folds to zero.
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(ctnn::max(x, 2))),
                           d::node<d::ops::select_greater_equal, x_t, d::constant<int>, one, zero>>);
  STATIC_REQUIRE(is_same_v<decltype(d::derivative(ctnn::max(d::derivative(r), 1))), zero>);
}

TEST_CASE("derivative values at a few points match closed forms", "[expr][derivative]") {
  // Spot checks against the textbook formulas (independent of the central differences).
  const double s = 1 / (1 + std::exp(-1.0));
  CHECK(ctnn::activations::sigmoid::derivative(1.0) == Approx(s * (1 - s)).epsilon(1e-14));
  CHECK(ctnn::activations::tanh::derivative(0.5) ==
        Approx(1 - std::tanh(0.5) * std::tanh(0.5)).epsilon(1e-14));
  CHECK(ctnn::activations::relu::derivative(2.0) == 1.0);
  CHECK(ctnn::activations::relu::derivative(-2.0) == 0.0);
  CHECK(ctnn::activations::relu::derivative(0.0) == 0.0);  // documented: 0 at the kink
  CHECK(ctnn::activations::leaky_relu::derivative(-2.0) == Approx(0.01).epsilon(1e-14));
  CHECK(ctnn::activations::hard_sigmoid::derivative(1.0) == Approx(1.0 / 6).epsilon(1e-14));
  CHECK(ctnn::activations::hard_sigmoid::derivative(4.0) == 0.0);
  CHECK(ctnn::activations::abs::derivative(-0.5) == -1.0);
  CHECK(ctnn::activations::abs::derivative(0.0) == 0.0);  // documented: sign(0) = 0
  CHECK(composite<swish>::derivative(1.0) == Approx(s + s * (1 - s)).epsilon(1e-14));
  // Float as well: the same derivative on float packs and scalars.
  CHECK(composite<swish>::derivative(1.0f) == Approx(s + s * (1 - s)).epsilon(1e-6));
}
