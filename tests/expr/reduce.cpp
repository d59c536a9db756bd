// Tests of ctnn/expr/reduce.hpp: sum and mean of tensors and expressions over their logical
// elements only (padding lanes excluded even where f(0) != 0), against scalar loops.

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "support.hpp"

using ctnn_test::fill;

namespace {

/// Bound on the error of a sum of n terms computed in T, relative to Σ|terms| (each addition
/// rounds once, in whatever order the lanes are added), plus the rounding of each term.
template <class T>
double sum_tolerance(std::size_t n) {
  return static_cast<double>(n + 8) * std::numeric_limits<T>::epsilon();
}

}  // namespace

#define CTNN_REDUCE_SIZES                                                                  \
  ((typename T, std::size_t N), T, N), (float, 1), (float, 3), (float, 17), (float, 37),   \
      (float, 100), (float, 129), (double, 1), (double, 17), (double, 129)

TEMPLATE_TEST_CASE_SIG("sum and mean of a vector expression", "[expr][reduce]",
                       CTNN_REDUCE_SIZES) {
  ctnn::vector<T, N> v, y;
  fill(v, -2.0, 2.0, 1);
  fill(y, -2.0, 2.0, 2);
  STATIC_REQUIRE(std::is_same_v<decltype(ctnn::sum(v)), T>);

  double plain = 0, magnitude = 0, squares = 0, exps = 0, exp_magnitude = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const double a = v[i], b = y[i];
    plain += a;
    magnitude += std::abs(a);
    squares += (2 * a + 1 - b) * (2 * a + 1 - b);
    exps += std::exp(a) + 1;
    exp_magnitude += std::exp(a) + 1;
  }
  CHECK(std::abs(ctnn::sum(v) - plain) <= sum_tolerance<T>(N) * magnitude);
  CHECK(std::abs(ctnn::mean(v) - plain / N) <= sum_tolerance<T>(N) * magnitude / N);
  // A squared error, formed in the loop without a vector of errors.
  const auto error = v * T(2) + T(1) - y;
  CHECK(std::abs(ctnn::sum(error * error) - squares) <= 4 * sum_tolerance<T>(N) * squares + 1e-30);
  // f(0) != 0: the padding lanes would add exp(0) + 1 = 2 each if they were summed.
  CHECK(std::abs(ctnn::sum(ctnn::exp(v) + T(1)) - exps) <= 2 * sum_tolerance<T>(N) * exp_magnitude);
  CHECK(std::abs(ctnn::mean(ctnn::exp(v) + T(1)) - exps / N) <=
        2 * sum_tolerance<T>(N) * exp_magnitude / N);
}

TEMPLATE_TEST_CASE("sum and mean of matrices exclude every row's padding", "[expr][reduce]",
                   float, double) {
  using T = TestType;
  ctnn::matrix<T, 7, 19> m;
  fill(m, -1.0, 1.0, 3);
  double plain = 0, magnitude = 0;
  for (std::size_t r = 0; r < 7; ++r)
    for (std::size_t c = 0; c < 19; ++c) {
      plain += m(r, c);
      magnitude += std::abs(m(r, c));
    }
  CHECK(std::abs(ctnn::sum(m) - plain) <= sum_tolerance<T>(133) * magnitude);
  // + 1 on every element: 133 more, not 7 * 32 (float) or 7 * 24 (double).
  CHECK(std::abs(ctnn::sum(m + T(1)) - (plain + 133)) <= sum_tolerance<T>(133) * (magnitude + 133));
  CHECK(std::abs(ctnn::mean(m + T(1)) - (plain + 133) / 133) <=
        sum_tolerance<T>(133) * (magnitude + 133) / 133);
}

TEMPLATE_TEST_CASE("sum and mean of batches", "[expr][reduce]", float, double) {
  using T = TestType;
  const auto rows = GENERATE(std::size_t{1}, std::size_t{5}, std::size_t{64});
  ctnn::batch_matrix<T, 13> b(rows);
  double plain = 0, magnitude = 0;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < 13; ++c) {
      b(r, c) = static_cast<T>(ctnn_test::spread(r * 13 + c, -1.0, 1.0));
      plain += b(r, c);
      magnitude += std::abs(b(r, c));
    }
  const std::size_t n = rows * 13;
  CHECK(std::abs(ctnn::sum(b) - plain) <= sum_tolerance<T>(n) * magnitude);
  CHECK(std::abs(ctnn::sum(b * T(0) + T(1)) - static_cast<double>(n)) <= sum_tolerance<T>(n) * n);
  CHECK(std::abs(ctnn::mean(b) - plain / n) <= sum_tolerance<T>(n) * magnitude / n);
  CHECK(std::abs(ctnn::mean(b.view(0, 1) * T(0) + T(3)) - 3) <= sum_tolerance<T>(13) * 3);
}

TEST_CASE("the mean of an empty batch is NaN", "[expr][reduce]") {
  const ctnn::batch_matrix<float, 4> empty;
  CHECK(ctnn::sum(empty) == 0.0f);
  CHECK(std::isnan(ctnn::mean(empty)));
}

TEMPLATE_TEST_CASE_SIG("sum and mean of a matrix-vector product", "[expr][reduce][product]",
                       ((typename T, std::size_t R, std::size_t C), T, R, C), (float, 1, 3),
                       (float, 10, 37), (float, 129, 5), (double, 10, 37)) {
  // The product is a vector of R elements (one row): the reduction must visit R elements,
  // not R rows.
  ctnn::matrix<T, R, C> W;
  ctnn::vector<T, C> a;
  ctnn::vector<T, R> bias;
  fill(W, -1.0, 1.0, 4);
  fill(a, -1.0, 1.0, 5);
  fill(bias, -1.0, 1.0, 6);
  double plain = 0, magnitude = 0;
  for (std::size_t r = 0; r < R; ++r) {
    plain += static_cast<double>(bias[r]);
    magnitude += std::abs(static_cast<double>(bias[r]));
    for (std::size_t c = 0; c < C; ++c) {
      const double term = static_cast<double>(W(r, c)) * static_cast<double>(a[c]);
      plain += term;
      magnitude += std::abs(term);
    }
  }
  const double bound = sum_tolerance<T>(R * C + R) * (magnitude + 1);
  CHECK(std::abs(ctnn::sum(W * a + bias) - plain) <= bound);
  CHECK(std::abs(ctnn::mean(W * a + bias) - plain / R) <= bound / R);
}

TEMPLATE_TEST_CASE("a softmax sums to one", "[expr][reduce][softmax]", float, double) {
  ctnn::vector<TestType, 37> z;
  fill(z, -5.0, 5.0, 7);
  CHECK(ctnn::sum(ctnn::softmax(z)) == Approx(1.0).epsilon(1e-5));
}
