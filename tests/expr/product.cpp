// Tests of ctnn/expr/product.hpp: matrix-vector and matrix-matrix products, alone and with a
// fused epilogue (bias, activation), at odd sizes, compared with scalar loops in double;
// products that read their own destination; operands that are expressions.

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "support.hpp"

using ctnn_test::fill;
using ctnn_test::padding_is_zero;

namespace {

/// Bound on the rounding error of a dot product of length k computed in T, relative to
/// Σ|terms|: each of the k additions (and the multiplication) rounds once (Higham, the
/// classic γ_k bound), whatever order the kernel adds in; a few more operations for the
/// epilogue.
template <class T>
double dot_tolerance(std::size_t k) {
  return static_cast<double>(k + 4) * std::numeric_limits<T>::epsilon();
}

/// (W a)_r and Σ_c |W_rc a_c| in double.
template <class T, std::size_t R, std::size_t C>
void reference_product(const ctnn::matrix<T, R, C>& W, const ctnn::vector<T, C>& a,
                       double (&value)[R], double (&magnitude)[R]) {
  for (std::size_t r = 0; r < R; ++r) {
    value[r] = magnitude[r] = 0;
    for (std::size_t c = 0; c < C; ++c) {
      const double term = static_cast<double>(W(r, c)) * static_cast<double>(a[c]);
      value[r] += term;
      magnitude[r] += std::abs(term);
    }
  }
}

/// Checks z_r = f(ref_r) with the error bound of a dot product of length C (f has slope ≤
/// `slope`, so it does not amplify the error more than that).
template <class T, std::size_t R, std::size_t C, class F>
void check_rows(const ctnn::vector<T, R>& z, const double (&value)[R],
                const double (&magnitude)[R], F f, double slope = 1.0) {
  for (std::size_t r = 0; r < R; ++r) {
    const double expected = f(r, value[r]);
    const double bound = slope * dot_tolerance<T>(C) * (magnitude[r] + 1.0 + std::abs(expected));
    INFO("row " << r << ": got " << z[r] << ", expected " << expected);
    REQUIRE(std::abs(static_cast<double>(z[r]) - expected) <= bound);
  }
  CHECK(padding_is_zero(z));
}

}  // namespace

#define CTNN_GEMV_SIZES                                                                         \
  ((typename T, std::size_t R, std::size_t C), T, R, C), (float, 1, 1), (float, 3, 5),          \
      (float, 16, 16), (float, 17, 37), (float, 10, 129), (float, 129, 3), (float, 64, 64),     \
      (float, 37, 300), (double, 1, 1), (double, 3, 5), (double, 8, 8), (double, 17, 37),       \
      (double, 10, 129), (double, 129, 3), (double, 37, 300)

TEMPLATE_TEST_CASE_SIG("W * a + bias matches a scalar loop", "[expr][product]", CTNN_GEMV_SIZES) {
  ctnn::matrix<T, R, C> W;
  ctnn::vector<T, C> a;
  ctnn::vector<T, R> bias, z;
  fill(W, -1.0, 1.0, 1);
  fill(a, -1.0, 1.0, 2);
  fill(bias, -0.5, 0.5, 3);
  double value[R], magnitude[R];
  reference_product(W, a, value, magnitude);
  const auto b = [&](std::size_t r) { return static_cast<double>(bias[r]); };

  SECTION("the product alone") {
    z = W * a;
    check_rows<T, R, C>(z, value, magnitude, [](std::size_t, double v) { return v; });
  }
  SECTION("plus a bias, fused into the product's loop") {
    z = W * a + bias;
    check_rows<T, R, C>(z, value, magnitude, [&](std::size_t r, double v) { return v + b(r); });
    const ctnn::vector<T, R> constructed = bias + W * a;  // bias on the left, in a constructor
    check_rows<T, R, C>(constructed, value, magnitude,
                        [&](std::size_t r, double v) { return b(r) + v; });
  }
  SECTION("with an activation whose value at 0 is not 0") {
    z = ctnn::sigmoid(W * a + bias);
    check_rows<T, R, C>(z, value, magnitude, [&](std::size_t r, double v) {
      return 1 / (1 + std::exp(-(v + b(r))));
    });
    z = ctnn::relu(W * a - bias) * T(2) + T(1);
    check_rows<T, R, C>(
        z, value, magnitude,
        [&](std::size_t r, double v) { return std::max(v - b(r), 0.0) * 2 + 1; }, 2.0);
  }
  SECTION("operands that are expressions are evaluated first") {
    ctnn::vector<T, C> a2;
    fill(a2, -1.0, 1.0, 4);
    z = W * (a + a2) + bias;
    ctnn::vector<T, C> sum = a + a2;  // exact in T: the same operand the kernel sees
    double v2[R], m2[R];
    reference_product(W, sum, v2, m2);
    check_rows<T, R, C>(z, v2, m2, [&](std::size_t r, double v) { return v + b(r); });

    z = (W * T(2)) * a;  // an element-wise matrix expression on the left (exact scaling)
    check_rows<T, R, C>(z, value, magnitude, [](std::size_t, double v) { return 2 * v; }, 2.0);
  }
  SECTION("two products in one expression") {
    ctnn::matrix<T, R, C> W2;
    fill(W2, -1.0, 1.0, 5);
    z = W * a - W2 * a + bias;
    double v2[R], m2[R];
    reference_product(W2, a, v2, m2);
    double diff[R], mag[R];
    for (std::size_t r = 0; r < R; ++r) {
      diff[r] = value[r] - v2[r];
      mag[r] = magnitude[r] + m2[r];
    }
    check_rows<T, R, C>(z, diff, mag, [&](std::size_t r, double v) { return v + b(r); });
  }
}

TEMPLATE_TEST_CASE_SIG("a = W * a reads a before writing it", "[expr][product][alias]",
                       ((typename T, std::size_t N), T, N), (float, 1), (float, 5), (float, 16),
                       (float, 17), (float, 129), (double, 1), (double, 5), (double, 17),
                       (double, 129)) {
  ctnn::matrix<T, N, N> W;
  ctnn::vector<T, N> a, bias;
  fill(W, -1.0, 1.0, 6);
  fill(a, -1.0, 1.0, 7);
  fill(bias, -1.0, 1.0, 8);
  double value[N], magnitude[N];
  reference_product(W, a, value, magnitude);
  const ctnn::vector<T, N> a0 = a;

  SECTION("a = W * a") {
    a = W * a;
    check_rows<T, N, N>(a, value, magnitude, [](std::size_t, double v) { return v; });
  }
  SECTION("a = tanh(W * a + bias) + a") {
    a = ctnn::tanh(W * a + bias) + a;
    check_rows<T, N, N>(a, value, magnitude, [&](std::size_t r, double v) {
      return std::tanh(v + static_cast<double>(bias[r])) + static_cast<double>(a0[r]);
    });
  }
  SECTION("bias = W * a + bias: the target is read only by the epilogue") {
    const ctnn::vector<T, N> b0 = bias;
    bias = W * a + bias;
    check_rows<T, N, N>(bias, value, magnitude,
                        [&](std::size_t r, double v) { return v + static_cast<double>(b0[r]); });
  }
}

namespace {

/// Checks C = f(A B) element by element against a double reference, with the dot-product
/// error bound of length K.
template <class T, std::size_t M, std::size_t K, std::size_t N, class F>
void check_matrix_product(const ctnn::matrix<T, M, N>& out, const ctnn::matrix<T, M, K>& A,
                          const ctnn::matrix<T, K, N>& B, F f) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double value = 0, magnitude = 0;
      for (std::size_t k = 0; k < K; ++k) {
        const double term = static_cast<double>(A(i, k)) * static_cast<double>(B(k, j));
        value += term;
        magnitude += std::abs(term);
      }
      const double expected = f(i, j, value);
      INFO("C(" << i << ", " << j << "): got " << out(i, j) << ", expected " << expected);
      REQUIRE(std::abs(static_cast<double>(out(i, j)) - expected) <=
              dot_tolerance<T>(K) * (magnitude + 1.0 + std::abs(expected)));
    }
  CHECK(padding_is_zero(out));
}

}  // namespace

// K = 300 exceeds one depth block of the matrix kernel (kc = 256), so partial sums are kept
// in the destination between blocks.
#define CTNN_GEMM_SIZES                                                                         \
  ((typename T, std::size_t M, std::size_t K, std::size_t N), T, M, K, N), (float, 1, 1, 1),    \
      (float, 3, 5, 7), (float, 17, 37, 19), (float, 20, 300, 33), (float, 15, 16, 64),         \
      (double, 1, 1, 1), (double, 3, 5, 7), (double, 17, 37, 19), (double, 20, 300, 33)

TEMPLATE_TEST_CASE_SIG("A * B matches a scalar triple loop", "[expr][product]", CTNN_GEMM_SIZES) {
  ctnn::matrix<T, M, K> A;
  ctnn::matrix<T, K, N> B;
  ctnn::matrix<T, M, N> C, bias;
  fill(A, -1.0, 1.0, 9);
  fill(B, -1.0, 1.0, 10);
  fill(bias, -1.0, 1.0, 11);

  C = A * B;
  check_matrix_product(C, A, B, [](std::size_t, std::size_t, double v) { return v; });
  C = ctnn::relu(A * B + bias) + T(1);
  check_matrix_product(C, A, B, [&](std::size_t i, std::size_t j, double v) {
    return std::max(v + static_cast<double>(bias(i, j)), 0.0) + 1;
  });
  const ctnn::matrix<T, M, N> constructed = A * B;
  check_matrix_product(constructed, A, B, [](std::size_t, std::size_t, double v) { return v; });
}

TEMPLATE_TEST_CASE_SIG("A = A * B and B = A * B read their operands before writing",
                       "[expr][product][alias]", ((typename T, std::size_t M, std::size_t K), T, M, K),
                       (float, 3, 3), (float, 17, 17), (float, 5, 300), (double, 3, 3),
                       (double, 17, 17), (double, 5, 300)) {
  ctnn::matrix<T, M, K> A;
  ctnn::matrix<T, K, K> B;
  fill(A, -1.0, 1.0, 12);
  fill(B, -1.0, 1.0, 13);
  const auto A0 = A;
  const auto B0 = B;
  SECTION("the left operand is the target") {
    A = A * B;
    check_matrix_product(A, A0, B0, [](std::size_t, std::size_t, double v) { return v; });
  }
  SECTION("the right operand is the target (square A)") {
    if constexpr (M == K) {
      B = A * B;
      check_matrix_product(B, A0, B0, [](std::size_t, std::size_t, double v) { return v; });
    }
  }
}

TEST_CASE("product_compatible_v checks inner dimensions", "[expr][product]") {
  using W = ctnn::matrix<float, 3, 5>;
  STATIC_REQUIRE(ctnn::product_compatible_v<W, ctnn::vector<float, 5>>);
  STATIC_REQUIRE(ctnn::product_compatible_v<W, ctnn::matrix<float, 5, 2>>);
  STATIC_REQUIRE_FALSE(ctnn::product_compatible_v<W, ctnn::vector<float, 3>>);
  STATIC_REQUIRE_FALSE(ctnn::product_compatible_v<W, ctnn::matrix<float, 3, 5>>);
  STATIC_REQUIRE_FALSE(ctnn::product_compatible_v<W, ctnn::vector<double, 5>>);
  // Two vectors multiply element-wise, which is not a matrix product.
  STATIC_REQUIRE_FALSE(ctnn::product_compatible_v<ctnn::vector<float, 5>, ctnn::vector<float, 5>>);
}

TEST_CASE("W * a on small integers is exact", "[expr][product]") {
  // The example of the header, where every sum is an exact integer.
  const ctnn::matrix<float, 2, 3> W{1, 2, 3,  //
                                    4, 5, 6};
  const ctnn::vector<float, 3> a{1, 1, 1};
  const ctnn::vector<float, 2> z = W * a;
  CHECK(z == ctnn::vector<float, 2>{6, 15});
  const ctnn::vector<float, 2> shifted = W * a + ctnn::vector<float, 2>{-6, -15};
  CHECK(shifted == ctnn::vector<float, 2>{});
}
