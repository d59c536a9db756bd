// Tests of ctnn/expr/softmax.hpp (and the kernel behind it): rows become distributions that
// match a scalar reference, stay finite for large or very negative inputs, keep their padding
// zero, and work in place, inside larger expressions and on expressions.

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "support.hpp"

using ctnn_test::fill;
using ctnn_test::padding_is_zero;

namespace {

/// Softmax of z in double, the textbook way with the maximum subtracted.
std::vector<double> reference_softmax(const std::vector<double>& z) {
  const double top = *std::max_element(z.begin(), z.end());
  std::vector<double> p(z.size());
  double total = 0;
  for (std::size_t i = 0; i < z.size(); ++i) total += p[i] = std::exp(z[i] - top);
  for (double& v : p) v /= total;
  return p;
}

/// Relative tolerance of one probability: a few roundings of exp (a few ulp in float), the
/// sum and the division.
template <class T>
constexpr double softmax_tolerance = sizeof(T) == 4 ? 1e-5 : 1e-13;

/// Checks row `p` (n values at `p`) against the softmax of the n values at `z`.
template <class T>
void check_row(const T* p, const T* z, std::size_t n) {
  const std::vector<double> expected = reference_softmax(std::vector<double>(z, z + n));
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    INFO("element " << i << " of " << n << ": z = " << z[i] << ", p = " << p[i]
                    << ", expected " << expected[i]);
    REQUIRE(std::isfinite(p[i]));
    REQUIRE(std::abs(p[i] - expected[i]) <= softmax_tolerance<T> * expected[i] + 1e-30);
    total += p[i];
  }
  // A distribution: the sum is 1 up to n roundings of the values.
  CHECK(std::abs(total - 1) <= static_cast<double>(n + 2) * softmax_tolerance<T>);
}

}  // namespace

#define CTNN_SOFTMAX_SIZES                                                                 \
  ((typename T, std::size_t N), T, N), (float, 1), (float, 3), (float, 17), (float, 37),   \
      (float, 129), (double, 1), (double, 3), (double, 17), (double, 129)

TEMPLATE_TEST_CASE_SIG("softmax of a vector is the scalar softmax", "[expr][softmax]",
                       CTNN_SOFTMAX_SIZES) {
  using vec = ctnn::vector<T, N>;
  vec z, p;

  SECTION("moderate values") {
    fill(z, -5.0, 5.0, 1);
    p = ctnn::softmax(z);
    check_row(p.data(), z.data(), N);
    CHECK(padding_is_zero(p));
  }
  SECTION("large values do not overflow") {
    fill(z, 1000.0, 1010.0, 2);  // e^1000 is infinite in both types
    p = ctnn::softmax(z);
    check_row(p.data(), z.data(), N);
  }
  SECTION("very negative values: the padding zeros are not the maximum") {
    // Were the zero padding lanes taken for the maximum, every e^(z - 0) would underflow to 0
    // and the row would be 0/0.
    fill(z, -1000.0, -990.0, 3);
    p = ctnn::softmax(z);
    check_row(p.data(), z.data(), N);
    CHECK(padding_is_zero(p));
  }
  SECTION("in place") {
    fill(z, -3.0, 3.0, 4);
    const vec z0 = z;
    z = ctnn::softmax(z);
    check_row(z.data(), z0.data(), N);
    CHECK(padding_is_zero(z));
  }
  SECTION("inside a larger expression, whose padding is masked") {
    fill(z, -3.0, 3.0, 5);
    vec q = ctnn::softmax(z);
    p = ctnn::softmax(z) * T(2) + T(1);
    for (std::size_t i = 0; i < N; ++i) REQUIRE(p[i] == Approx(2 * q[i] + 1).epsilon(1e-6));
    CHECK(padding_is_zero(p));
  }
  SECTION("of an expression") {
    fill(z, -3.0, 3.0, 6);
    p = ctnn::softmax(z * T(2) - T(1));
    const vec argument = z * T(2) - T(1);  // exact in T: the same values the softmax sees
    check_row(p.data(), argument.data(), N);
  }
}

TEMPLATE_TEST_CASE("softmax of one element is 1", "[expr][softmax]", float, double) {
  for (const double v : {-1e4, -3.0, 0.0, 42.0, 1e4}) {
    ctnn::vector<TestType, 1> z{v}, p;
    p = ctnn::softmax(z);
    CHECK(p[0] == TestType(1));
  }
}

TEMPLATE_TEST_CASE_SIG("softmax of a matrix normalises each row", "[expr][softmax]",
                       ((typename T, std::size_t R, std::size_t C), T, R, C), (float, 1, 5),
                       (float, 7, 3), (float, 4, 37), (double, 7, 3), (double, 3, 129)) {
  ctnn::matrix<T, R, C> z, p;
  fill(z, -4.0, 4.0, 7);
  // Rows on very different scales: each is normalised on its own.
  for (std::size_t c = 0; c < C; ++c) z(0, c) += T(500);
  p = ctnn::softmax(z);
  for (std::size_t r = 0; r < R; ++r) {
    INFO("row " << r);
    check_row(&p(r, 0), &z(r, 0), C);
  }
  CHECK(padding_is_zero(p));
}

TEST_CASE("softmax of W * a + b, the output layer", "[expr][softmax]") {
  ctnn::matrix<double, 10, 37> W;
  ctnn::vector<double, 37> a;
  ctnn::vector<double, 10> b, z, p;
  fill(W, -1.0, 1.0, 8);
  fill(a, -1.0, 1.0, 9);
  fill(b, -1.0, 1.0, 10);
  z = W * a + b;
  p = ctnn::softmax(W * a + b);
  check_row(p.data(), z.data(), 10);
  CHECK(padding_is_zero(p));
}
