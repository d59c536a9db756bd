// Pass expressions (expr/pass.hpp) evaluated by both policies (expr/policy.hpp), each
// checked against a loop written here in double: the layer formulas of nn/passes.hpp are
// only as right as the evaluators that run them. Depth 600 is deeper than one GEMM block
// (`kc`), so the fused products go through their partial sums; 19 columns leave padding
// lanes, which start as garbage and must end as zeros.
#include "support.hpp"

#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include <cmath>
#include <cstddef>
#include <string>

namespace {

using ctnn_test::close;
using ctnn_test::spread;
using ctnn_test::tolerance;

constexpr std::size_t rows = 7, in = 600, out = 19;

template <class T>
struct operands {
  static constexpr std::size_t in_stride = ctnn::simd::padded_size<T, in>;
  static constexpr std::size_t out_stride = ctnn::simd::padded_size<T, out>;
  ctnn::simd::aligned_buffer<T> x{rows * in_stride}, w{in * out_stride}, b{out_stride}, d{rows * out_stride};

  operands() {
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t i = 0; i < in; ++i) x[r * in_stride + i] = T(spread(r * in + i, -1, 1));
    for (std::size_t i = 0; i < in; ++i)
      for (std::size_t o = 0; o < out; ++o) w[i * out_stride + o] = T(spread(50000 + i * out + o, -0.1, 0.1));
    for (std::size_t o = 0; o < out; ++o) b[o] = T(spread(90000 + o, -0.5, 0.5));
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t o = 0; o < out; ++o) d[r * out_stride + o] = T(spread(95000 + r * out + o, -1, 1));
  }
  // Σ_i x(r, i) w(i, o) + b(o), in double.
  [[nodiscard]] double sum(std::size_t r, std::size_t o) const {
    double s = b[o];
    for (std::size_t i = 0; i < in; ++i) s += double(x[r * in_stride + i]) * double(w[i * out_stride + o]);
    return s;
  }
};

/// Rows of `n` values `stride` apart, the padding lanes set to garbage.
template <class T>
ctnn::simd::aligned_buffer<T> garbage(std::size_t n, std::size_t cols, std::size_t stride) {
  ctnn::simd::aligned_buffer<T> out(n * stride);
  for (std::size_t i = 0; i < n * stride; ++i) out[i] = i % stride < cols ? T(0) : T(7);
  return out;
}

template <class T>
bool padding_is_zero(const ctnn::simd::aligned_buffer<T>& v, std::size_t n, std::size_t cols, std::size_t stride) {
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = cols; c < stride; ++c)
      if (v[r * stride + c] != T(0)) return false;
  return true;
}

template <class Policy, class T>
void check_forward() {
  using namespace ctnn::detail;
  const operands<T> op;
  constexpr std::size_t os = operands<T>::out_stride;
  auto z = garbage<T>(rows, out, os), a = garbage<T>(rows, out, os), partial = garbage<T>(rows, out, os);
  const rows_of<T, run_time, in, operands<T>::in_stride> x{{}, op.x.data(), rows};
  const rows_of<T, in, out, os> w{{}, op.w.data(), in};
  const row_of<T, out> b{{}, op.b.data()};
  // σ(X·W + b), keeping X·W + b; σ(0) = 0.5 must not reach the padding.
  const auto pass =
      make_node(forward_op<ctnn::activations::sigmoid>{}, store_also<os>(z.data(), sum(matrix_product(x, w), b)));
  pass_workspace<Policy, T> workspace;
  run_pass(Policy{}, pass, store_rows<T, out, os>{a.data()}, {partial.data(), os}, workspace);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t o = 0; o < out; ++o) {
      const double s = op.sum(r, o);
      INFO("row " << r << ", column " << o);
      CHECK(close(z[r * os + o], s, tolerance<T>));
      CHECK(close(a[r * os + o], 1 / (1 + std::exp(-s)), tolerance<T>));
    }
  CHECK(padding_is_zero(z, rows, out, os));
  CHECK(padding_is_zero(a, rows, out, os));

  // One sample (a fixed row count of 1): the fused policy's GEMV, row 2 of the batch.
  auto one = garbage<T>(1, out, os);
  const rows_of<T, 1, in, operands<T>::in_stride> x2{{}, op.x.data() + 2 * operands<T>::in_stride, 1};
  no_workspace none;
  pass_workspace<Policy, T> scratch;
  const auto one_pass = make_node(forward_op<ctnn::activations::sigmoid>{}, sum(matrix_product(x2, w), b));
  if constexpr (std::is_same_v<Policy, ctnn::fused>)
    run_pass(Policy{}, one_pass, store_rows<T, out, os>{one.data()}, {one.data(), os}, none);
  else
    run_pass(Policy{}, one_pass, store_rows<T, out, os>{one.data()}, {one.data(), os}, scratch);
  for (std::size_t o = 0; o < out; ++o) CHECK(close(one[o], 1 / (1 + std::exp(-op.sum(2, o))), tolerance<T>));
  CHECK(padding_is_zero(one, 1, out, os));
}

template <class Policy, class T>
void check_backward() {
  using namespace ctnn::detail;
  const operands<T> op;
  constexpr std::size_t is = operands<T>::in_stride, os = operands<T>::out_stride;
  const rows_of<T, run_time, in, is> x{{}, op.x.data(), rows};
  const rows_of<T, in, out, os> w{{}, op.w.data(), in};
  const rows_of<T, run_time, out, os> d{{}, op.d.data(), rows};
  pass_workspace<Policy, T> workspace;

  // (D·Wᵀ) ⊙ σ′, σ′ from the output a = X (as if X were a sigmoid layer's output).
  auto below = garbage<T>(rows, in, is);
  const auto backward =
      times(matrix_product(d, transposed(w)), make_node(derivative_from_output_op<ctnn::activations::sigmoid>{}, x));
  run_pass(Policy{}, backward, store_rows<T, in, is>{below.data()}, {below.data(), is}, workspace);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t i = 0; i < in; ++i) {
      double s = 0;
      for (std::size_t o = 0; o < out; ++o) s += double(op.d[r * os + o]) * double(op.w[i * os + o]);
      const double a = op.x[r * is + i];
      INFO("row " << r << ", input " << i);
      CHECK(close(below[r * is + i], s * a * (1 - a), tolerance<T>));
    }
  CHECK(padding_is_zero(below, rows, in, is));

  // Xᵀ·D (depth: the run-time row count) and Σ over rows of D, into consumers that see
  // each value with its position.
  auto dw = garbage<T>(in, out, os), db = garbage<T>(1, out, os), partial = garbage<T>(in, out, os);
  run_pass(Policy{}, matrix_product(transposed(x), d), store_rows<T, out, os>{dw.data()}, {partial.data(), os},
           workspace);
  run_pass(Policy{}, sum_over_rows(d), store_rows<T, out, os>{db.data()}, {db.data(), os}, workspace);
  for (std::size_t o = 0; o < out; ++o) {
    double column = 0;
    for (std::size_t r = 0; r < rows; ++r) column += double(op.d[r * os + o]);
    CHECK(close(db[o], column, tolerance<T>));
    for (std::size_t i = 0; i < in; ++i) {
      double s = 0;
      for (std::size_t r = 0; r < rows; ++r) s += double(op.x[r * is + i]) * double(op.d[r * os + o]);
      INFO("input " << i << ", output " << o);
      CHECK(close(dw[i * os + o], s, tolerance<T>));
    }
  }
  CHECK(padding_is_zero(dw, in, out, os));
  CHECK(padding_is_zero(db, 1, out, os));
}

}  // namespace

TEMPLATE_TEST_CASE("a forward pass f(X·W + b) keeps Z and stores f(Z), in a batch and for one sample",
                   "[expr][pass]", ctnn::fused, ctnn::naive) {
  check_forward<TestType, float>();
  check_forward<TestType, double>();
}

TEMPLATE_TEST_CASE("backpropagation (D·Wᵀ) ⊙ f′, the weight gradient Xᵀ·D and the bias gradient Σ D",
                   "[expr][pass]", ctnn::fused, ctnn::naive) {
  check_backward<TestType, float>();
  check_backward<TestType, double>();
}
