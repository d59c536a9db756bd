// Tests of ctnn/expr/activation.hpp: the built-in element-wise functions on tensors (SIMD) and
// on numbers (scalar), against formulas written here with the standard library; activations
// defined by expressions of ctnn::x; saturation without NaN.

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "support.hpp"

using ctnn_test::close;
using ctnn_test::fill;
using ctnn_test::padding_is_zero;
using ctnn_test::tolerance;

namespace {

// Independent definitions of the built-ins (the course's formulas).
double ref_sigmoid(double z) { return 1 / (1 + std::exp(-z)); }
double ref_hard_sigmoid(double z) { return (std::max(z + 3, 0.0) - std::max(z - 3, 0.0)) / 6; }
double ref_relu(double z) { return z > 0 ? z : 0; }
double ref_leaky_relu(double z) { return z > 0 ? z : 0.01 * z; }

/// Applies `f` to a tensor (the SIMD path) and checks every element against `ref`, with a
/// floor `scale` for values near zero.
template <class T, std::size_t N, class F, class Ref>
void check_function(F f, Ref ref, double lo, double hi, double scale = 1.0) {
  ctnn::vector<T, N> z;
  fill(z, lo, hi);
  const ctnn::vector<T, N> y = f(z);
  for (std::size_t i = 0; i < N; ++i) {
    const double expected = ref(static_cast<double>(z[i]));
    INFO("z = " << z[i] << ": got " << y[i] << ", expected " << expected);
    REQUIRE(close(y[i], expected, tolerance<T>, scale));
  }
  CHECK(padding_is_zero(y));
}

}  // namespace

TEMPLATE_TEST_CASE_SIG("built-in activations on tensors match their formulas",
                       "[expr][activation]", ((typename T, std::size_t N), T, N), (float, 1),
                       (float, 17), (float, 129), (double, 1), (double, 17), (double, 129)) {
  // The ranges cover both sides of every kink (0 for relu and abs, ±3 for hard_sigmoid).
  check_function<T, N>(ctnn::identity, [](double z) { return z; }, -5, 5);
  check_function<T, N>(ctnn::sigmoid, ref_sigmoid, -10, 10);
  check_function<T, N>(ctnn::hard_sigmoid, ref_hard_sigmoid, -5, 5);
  check_function<T, N>(ctnn::relu, ref_relu, -5, 5);
  check_function<T, N>(ctnn::leaky_relu, ref_leaky_relu, -5, 5);
  check_function<T, N>(ctnn::tanh, [](double z) { return std::tanh(z); }, -5, 5);
  check_function<T, N>(ctnn::exp, [](double z) { return std::exp(z); }, -10, 10);
  check_function<T, N>(ctnn::log, [](double z) { return std::log(z); }, 0.01, 100);
  check_function<T, N>(ctnn::abs, [](double z) { return std::abs(z); }, -5, 5);
}

TEMPLATE_TEST_CASE("built-in activations on numbers compute directly", "[expr][activation]",
                   float, double) {
  using T = TestType;
  // The scalar path returns a number of the argument's type (double for an integer).
  STATIC_REQUIRE(std::is_same_v<decltype(ctnn::sigmoid(T(0))), T>);
  STATIC_REQUIRE(std::is_same_v<decltype(ctnn::relu(1)), double>);
  CHECK(ctnn::sigmoid(T(0)) == T(0.5));
  CHECK(ctnn::relu(T(-2)) == T(0));
  CHECK(ctnn::relu(T(2)) == T(2));
  CHECK(ctnn::identity(T(-7)) == T(-7));
  CHECK(ctnn::abs(T(-3)) == T(3));
  CHECK(ctnn::hard_sigmoid(T(0)) == T(0.5));
  // At the kinks, within one rounding of 1/2: the ramp is computed as fma(z, 1/6, 1/2), and
  // 1/6 is not exact (in double, hard_sigmoid(-3) is 2.8e-17).
  CHECK(ctnn::hard_sigmoid(T(-3)) == Approx(0).margin(1e-15));
  CHECK(ctnn::hard_sigmoid(T(3)) == Approx(1).margin(1e-15));
  CHECK(ctnn::hard_sigmoid(T(-4)) == T(0));
  CHECK(ctnn::hard_sigmoid(T(10)) == T(1));
  for (const double z : {-4.5, -1.25, -0.1, 0.3, 2.0, 7.5}) {
    INFO("z = " << z);
    const T t = static_cast<T>(z);
    CHECK(close(ctnn::sigmoid(t), ref_sigmoid(t), tolerance<T>));
    CHECK(close(ctnn::hard_sigmoid(t), ref_hard_sigmoid(t), tolerance<T>));
    CHECK(close(ctnn::leaky_relu(t), ref_leaky_relu(t), tolerance<T>));
    CHECK(close(ctnn::tanh(t), std::tanh(static_cast<double>(t)), tolerance<T>));
    CHECK(close(ctnn::exp(t), std::exp(static_cast<double>(t)), tolerance<T>));
    CHECK(close(ctnn::log(std::abs(t)), std::log(std::abs(static_cast<double>(t))), tolerance<T>));
  }
}

TEMPLATE_TEST_CASE("sigmoid and tanh saturate without NaN", "[expr][activation]", float, double) {
  using T = TestType;
  // e^1000 overflows in both types: 1 / (1 + inf) must give 0, not NaN.
  ctnn::vector<T, 6> z{-1000, -100, -50, 50, 100, 1000}, s, t;
  s = ctnn::sigmoid(z);
  t = ctnn::tanh(z);
  for (std::size_t i = 0; i < 6; ++i) {
    INFO("z = " << z[i]);
    REQUIRE(std::isfinite(s[i]));
    REQUIRE(std::isfinite(t[i]));
    REQUIRE(close(s[i], ref_sigmoid(z[i]), tolerance<T>, 1e-30));
    REQUIRE(t[i] == (z[i] > 0 ? T(1) : T(-1)));
  }
  CHECK(s[0] == T(0));
  CHECK(s[5] == T(1));
}

namespace {
// At namespace scope: clang 14 does not accept a local constexpr variable as a template
// argument inside a template (the test case).
constexpr auto swish = ctnn::x * ctnn::sigmoid(ctnn::x);
constexpr auto softsign = ctnn::x / (1 + ctnn::abs(ctnn::x));
}  // namespace

TEMPLATE_TEST_CASE("activations defined by expressions of ctnn::x", "[expr][activation]", float,
                   double) {
  using T = TestType;
  ctnn::vector<T, 37> z, y;
  fill(z, -6.0, 6.0);

  y = ctnn::activation<swish>(z);
  for (std::size_t i = 0; i < 37; ++i) {
    const double v = z[i];
    REQUIRE(close(y[i], v * ref_sigmoid(v), tolerance<T>));
  }
  CHECK(padding_is_zero(y));

  // Applied to an expression, and on a number.
  y = ctnn::activation<softsign>(z * T(2) + T(1));
  for (std::size_t i = 0; i < 37; ++i) {
    const double u = 2 * static_cast<double>(z[i]) + 1;
    REQUIRE(close(y[i], u / (1 + std::abs(u)), tolerance<T>));
  }
  CHECK(close(ctnn::activation<swish>(T(1.5)), 1.5 * ref_sigmoid(1.5), tolerance<T>));
  CHECK(ctnn::activation<softsign>(T(-3)) == T(-0.75));

  // The forward of an activation object is the same function on packs and scalars.
  using swish_t = ctnn::activations::elementwise<swish>;
  CHECK(close(swish_t::forward(T(-2)), -2 * ref_sigmoid(-2), tolerance<T>));
  STATIC_REQUIRE(ctnn::activations::identity::unit_derivative);
  STATIC_REQUIRE_FALSE(swish_t::unit_derivative);
  STATIC_REQUIRE_FALSE(ctnn::activations::relu::unit_derivative);
}

TEST_CASE("leaky_relu leaks 1% below zero", "[expr][activation]") {
  ctnn::vector<double, 4> z{-100, -1, 0, 2}, y;
  y = ctnn::leaky_relu(z);
  CHECK(y[0] == Approx(-1.0).epsilon(1e-15));  // 0.01 * -100
  CHECK(y[1] == Approx(-0.01).epsilon(1e-15));
  CHECK(y[2] == 0.0);
  CHECK(y[3] == 2.0);
}

namespace {
template <class A>
void check_derivative_from_output() {
  static_assert(ctnn::detail::derivative_from_output<A>);
  for (double z = -6; z <= 6; z += 0.0625) {
    if (std::abs(z) == 0 || std::abs(z) == 3) continue;  // kinks of the ReLUs and the hard sigmoid
    const double a = A::forward(z);
    CHECK(A::derivative_from_output(a) == Approx(A::derivative(z)).epsilon(1e-12).margin(1e-15));
    using V = ctnn::simd::pack<double>;
    const V packed = A::derivative_from_output(V(a));
    // The pack and the scalar may round differently (a compiler may contract a·(1 − a)
    // into an FMA in one and not the other): equal within a few ulps of 1.
    CHECK(ctnn::simd::largest(packed) == Approx(A::derivative_from_output(a)).epsilon(1e-12).margin(1e-14));
  }
}
}  // namespace

TEST_CASE("f' from f's value equals the symbolic derivative (sigmoid, tanh, the ReLUs)",
          "[expr][activation]") {
  check_derivative_from_output<ctnn::activations::sigmoid>();
  check_derivative_from_output<ctnn::activations::tanh>();
  check_derivative_from_output<ctnn::activations::relu>();
  check_derivative_from_output<ctnn::activations::leaky_relu>();
  check_derivative_from_output<ctnn::activations::hard_sigmoid>();
  STATIC_REQUIRE_FALSE(ctnn::detail::derivative_from_output<ctnn::activations::identity>);
  STATIC_REQUIRE(ctnn::detail::needs_sums<ctnn::activations::elementwise<ctnn::x * ctnn::sigmoid(ctnn::x)>>);
}
