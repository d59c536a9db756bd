// Tests of ctnn/expr/elementwise.hpp (and the evaluator behind it): + - * / with tensors and
// scalars on either side, unary minus, min and max, evaluated in one assignment and compared
// with scalar loops in double; padding lanes; aliasing; laziness; the compatibility trait.

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "support.hpp"

using ctnn_test::close;
using ctnn_test::fill;
using ctnn_test::padding_is_zero;
using ctnn_test::tolerance;

#define CTNN_ELEMENTWISE_SIZES                                                              \
  ((typename T, std::size_t N), T, N), (float, 1), (float, 3), (float, 17), (float, 37),    \
      (float, 129), (double, 1), (double, 3), (double, 17), (double, 129)

namespace {

/// Checks `c[i]` against `f(double(a[i]), double(b[i]))` for every element.
template <class T, std::size_t N, class F>
void check_against(const ctnn::vector<T, N>& c, const ctnn::vector<T, N>& a,
                   const ctnn::vector<T, N>& b, F f) {
  for (std::size_t i = 0; i < N; ++i) {
    const double expected = f(static_cast<double>(a[i]), static_cast<double>(b[i]));
    INFO("i = " << i << ", a = " << a[i] << ", b = " << b[i] << ", expected " << expected);
    REQUIRE(close(c[i], expected, tolerance<T>));
  }
  CHECK(padding_is_zero(c));
}

}  // namespace

TEMPLATE_TEST_CASE_SIG("arithmetic operators match a scalar loop", "[expr][elementwise]",
                       CTNN_ELEMENTWISE_SIZES) {
  using vec = ctnn::vector<T, N>;
  vec a, b, c;
  fill(a, -2.0, 2.0, 1);
  fill(b, 0.5, 3.0, 2);  // positive: a divisor

  c = a + b;
  check_against(c, a, b, [](double x, double y) { return x + y; });
  c = a - b;
  check_against(c, a, b, [](double x, double y) { return x - y; });
  c = a * b;  // element-wise for two vectors
  check_against(c, a, b, [](double x, double y) { return x * y; });
  c = a / b;
  check_against(c, a, b, [](double x, double y) { return x / y; });
  c = -a;
  check_against(c, a, b, [](double x, double) { return -x; });
  c = -(a - b);
  check_against(c, a, b, [](double x, double y) { return y - x; });

  // A scalar on either side; scalars of any arithmetic type convert to T.
  c = a + T(2);
  check_against(c, a, b, [](double x, double) { return x + 2; });
  c = T(2) + a;
  check_against(c, a, b, [](double x, double) { return 2 + x; });
  c = a - 3;  // int
  check_against(c, a, b, [](double x, double) { return x - 3; });
  c = 3 - a;  // not commutative: the order of the operands matters
  check_against(c, a, b, [](double x, double) { return 3 - x; });
  c = a * 0.5;  // double, also for a float tensor
  check_against(c, a, b, [](double x, double) { return x * 0.5; });
  c = T(1.5) * a;
  check_against(c, a, b, [](double x, double) { return 1.5 * x; });
  c = a / T(4);
  check_against(c, a, b, [](double x, double) { return x / 4; });
  c = T(4) / b;
  check_against(c, a, b, [](double, double y) { return 4 / y; });

  // Everything in one assignment: one loop, the same values.
  c = (a + b) * (a - b) / (b + 1) - a * T(0.5) + T(3) / b - -a;
  check_against(c, a, b, [](double x, double y) {
    return (x + y) * (x - y) / (y + 1) - x * 0.5 + 3 / y + x;
  });
}

TEMPLATE_TEST_CASE_SIG("min and max take tensors and scalars", "[expr][elementwise]",
                       CTNN_ELEMENTWISE_SIZES) {
  using vec = ctnn::vector<T, N>;
  vec a, b, c;
  fill(a, -2.0, 2.0, 3);
  fill(b, -2.0, 2.0, 4);

  c = ctnn::min(a, b);
  check_against(c, a, b, [](double x, double y) { return std::min(x, y); });
  c = ctnn::max(a, b);
  check_against(c, a, b, [](double x, double y) { return std::max(x, y); });
  c = ctnn::max(a, T(0));
  check_against(c, a, b, [](double x, double) { return std::max(x, 0.0); });
  c = ctnn::min(T(0.5), a);
  check_against(c, a, b, [](double x, double) { return std::min(0.5, x); });
  c = ctnn::max(a * T(0.1), a);  // a leaky ReLU with slope 0.1
  check_against(c, a, b, [](double x, double) { return std::max(0.1 * x, x); });
  c = ctnn::min(ctnn::max(a, T(-1)), T(1)) + ctnn::max(b, a) * T(2);  // clamp, and more
  check_against(c, a, b, [](double x, double y) {
    return std::min(std::max(x, -1.0), 1.0) + std::max(y, x) * 2;
  });
}

TEMPLATE_TEST_CASE_SIG("element-wise functions evaluate in one assignment",
                       "[expr][elementwise]", CTNN_ELEMENTWISE_SIZES) {
  using vec = ctnn::vector<T, N>;
  vec a, b, c;
  fill(a, -3.0, 3.0, 5);
  fill(b, 0.25, 4.0, 6);  // positive: an argument of log

  c = ctnn::exp(a) + ctnn::log(b) - ctnn::tanh(a) * ctnn::sigmoid(b) + ctnn::relu(a) -
      ctnn::abs(a) / T(2) + ctnn::min(a, b) * ctnn::max(a, T(0.25));
  check_against(c, a, b, [](double x, double y) {
    return std::exp(x) + std::log(y) - std::tanh(x) / (1 + std::exp(-y)) + std::max(x, 0.0) -
           std::abs(x) / 2 + std::min(x, y) * std::max(x, 0.25);
  });

  // Functions of expressions, nested.
  c = ctnn::sigmoid(a * b + T(1)) * ctnn::exp(-ctnn::abs(a - b));
  check_against(c, a, b, [](double x, double y) {
    return 1 / (1 + std::exp(-(x * y + 1))) * std::exp(-std::abs(x - y));
  });
}

TEMPLATE_TEST_CASE_SIG("padding lanes stay zero for functions with f(0) != 0",
                       "[expr][elementwise][padding]", ((typename T, std::size_t N), T, N),
                       (float, 1), (float, 17), (float, 129), (double, 1), (double, 17),
                       (double, 129)) {
  using vec = ctnn::vector<T, N>;
  vec a, c;
  fill(a, -1.0, 1.0);
  c = a + T(1);
  CHECK(padding_is_zero(c));
  c = T(1) - a;
  CHECK(padding_is_zero(c));
  c = ctnn::exp(a);
  CHECK(padding_is_zero(c));
  c = ctnn::sigmoid(a);
  CHECK(padding_is_zero(c));
  c = ctnn::hard_sigmoid(a);
  CHECK(padding_is_zero(c));
  c = T(1) / (ctnn::abs(a) + T(1));
  CHECK(padding_is_zero(c));
  c = ctnn::max(a, T(2));
  CHECK(padding_is_zero(c));
  c = ctnn::min(a, T(-2));
  CHECK(padding_is_zero(c));
  // Padding of an operand is zero, so log(0) = -inf and 0/0 = NaN are computed there; they
  // must not reach the stored padding (the mask selects, it does not multiply).
  c = ctnn::log(a + T(2));
  CHECK(padding_is_zero(c));
  c = a / a;
  CHECK(padding_is_zero(c));
  const vec d = ctnn::exp(a) * T(3);  // the constructor from an expression
  CHECK(padding_is_zero(d));
}

TEMPLATE_TEST_CASE_SIG("element-wise assignment may read its target",
                       "[expr][elementwise][alias]", CTNN_ELEMENTWISE_SIZES) {
  using vec = ctnn::vector<T, N>;
  vec a, b;
  fill(a, -2.0, 2.0, 7);
  fill(b, 0.5, 2.0, 8);
  const vec a0 = a;

  a = a * b + a;
  check_against(a, a0, b, [](double x, double y) { return x * y + x; });
  const vec a1 = a;
  a = b - ctnn::exp(a) * a;
  check_against(a, a1, b, [](double x, double y) { return y - std::exp(x) * x; });
  const vec b0 = b;
  b = a / b;  // the target on the right of a division
  check_against(b, a, b0, [](double x, double y) { return x / y; });
}

TEST_CASE("expressions are lazy and read tensors when assigned", "[expr][elementwise]") {
  ctnn::vector<float, 3> a{1, 2, 3}, b{10, 20, 30};
  const auto sum = a + b;  // nothing is computed yet
  a[0] = 100;
  const ctnn::vector<float, 3> c = sum;
  CHECK(c == ctnn::vector<float, 3>{110, 22, 33});
}

TEMPLATE_TEST_CASE("matrices and batches combine element-wise", "[expr][elementwise]", float,
                   double) {
  using T = TestType;
  SECTION("matrices") {
    ctnn::matrix<T, 5, 19> m, n, out;
    fill(m, -1.0, 1.0, 1);
    fill(n, 1.0, 2.0, 2);
    out = (m - n) / n + T(1);
    for (std::size_t r = 0; r < 5; ++r)
      for (std::size_t c = 0; c < 19; ++c) {
        const double x = m(r, c), y = n(r, c);
        REQUIRE(close(out(r, c), (x - y) / y + 1, tolerance<T>));
      }
    CHECK(padding_is_zero(out));
  }
  SECTION("batches, with scalars on both sides") {
    ctnn::batch_matrix<T, 11> x(7), y;
    for (std::size_t r = 0; r < 7; ++r)
      for (std::size_t c = 0; c < 11; ++c)
        x(r, c) = static_cast<T>(ctnn_test::spread(r * 11 + c, -2.0, 2.0));
    y = T(2) * x - x / T(4) + T(1);
    REQUIRE(y.rows() == 7);
    for (std::size_t r = 0; r < 7; ++r) {
      for (std::size_t c = 0; c < 11; ++c) {
        const double v = x(r, c);
        REQUIRE(close(y(r, c), 2 * v - v / 4 + 1, tolerance<T>));
      }
      for (std::size_t c = 11; c < y.row_stride; ++c) REQUIRE(y.data()[r * y.row_stride + c] == T(0));
    }
  }
}

TEST_CASE("elementwise_compatible_v tells which operands combine", "[expr][elementwise]") {
  using v3 = ctnn::vector<float, 3>;
  using v4 = ctnn::vector<float, 4>;
  using d3 = ctnn::vector<double, 3>;
  using m23 = ctnn::matrix<float, 2, 3>;
  STATIC_REQUIRE(ctnn::elementwise_compatible_v<v3, v3>);
  STATIC_REQUIRE(ctnn::elementwise_compatible_v<v3, float>);
  STATIC_REQUIRE(ctnn::elementwise_compatible_v<int, v3>);
  STATIC_REQUIRE(ctnn::elementwise_compatible_v<m23, m23>);
  STATIC_REQUIRE(ctnn::elementwise_compatible_v<ctnn::batch_matrix<float, 3>,
                                                ctnn::batch_matrix<float, 3>>);
  STATIC_REQUIRE_FALSE(ctnn::elementwise_compatible_v<v3, v4>);
  STATIC_REQUIRE_FALSE(ctnn::elementwise_compatible_v<v3, d3>);  // no silent float/double mix
  STATIC_REQUIRE_FALSE(ctnn::elementwise_compatible_v<v3, m23>);
  STATIC_REQUIRE_FALSE(ctnn::elementwise_compatible_v<v3, ctnn::batch_matrix<float, 3>>);
  STATIC_REQUIRE_FALSE(ctnn::elementwise_compatible_v<float, double>);  // no tensor at all
}
