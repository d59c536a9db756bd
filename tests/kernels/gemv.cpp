// Tests of kernels::gemv (y = A·x and y = Aᵀ·x) and kernels::sum_rows (column sums over the
// rows of a matrix: the bias gradient) against scalar references in double, for every
// instruction set the build can execute.
#include "support.hpp"

#include <ctnn/kernels/gemv.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace ctnn_test;
namespace kernels = ctnn::kernels;
namespace simd = ctnn::simd;

template <class T, class Arch>
std::string describe(const char* what, std::size_t rows, std::size_t cols) {
  std::ostringstream s;
  s << '[' << Arch::name() << ' ' << type_name<T> << "] " << what << ", " << rows << " x " << cols;
  return s.str();
}

/// Every size of the tests, and depths beyond gemm's blocks (gemv has none, but long rows
/// run its inner loops many times).
std::vector<std::size_t> all_sizes() {
  std::vector<std::size_t> sizes(std::begin(odd_sizes), std::end(odd_sizes));
  sizes.insert(sizes.end(), std::begin(deep_sizes), std::end(deep_sizes));
  return sizes;
}

}  // namespace

TEMPLATE_TEST_CASE("gemv: y = A·x + bias and y = Aᵀ·x + bias through the epilogue",
                   "[kernels][gemv]", float, double) {
  using T = TestType;
  uniform u(21, -1, 1);
  failure_log values, padding, outside, calls_log;
  std::vector<std::size_t> sizes = all_sizes();
  sizes.insert(sizes.begin(), 0);  // no rows: no call; no columns: y = bias
  for (const std::size_t m : sizes)
    for (const std::size_t k : sizes) {
      const dense a = random_dense<T>(m, k, u), x = random_dense<T>(1, k, u),
                  bias = random_dense<T>(1, m, u);
      const matrix<T> xs = store<T>(x, false), bs = store<T>(bias, false);
      // y = A·x in double, and Σ |terms|.
      std::vector<double> want(m, 0.0), magnitude(m, 0.0);
      for (std::size_t i = 0; i < m; ++i) {
        want[i] = bias(0, i);
        magnitude[i] = std::abs(bias(0, i));
        for (std::size_t q = 0; q < k; ++q) {
          want[i] += a(i, q) * x(0, q);
          magnitude[i] += std::abs(a(i, q) * x(0, q));
        }
      }
      for (const bool transposed : {false, true}) {
        const matrix<T> as = store<T>(a, transposed);
        for_each_arch([&]<class Arch>() {
          const std::string where =
              describe<T, Arch>(transposed ? "y = Aᵀ·x + b, A stored" : "y = A·x + b, A", m, k);
          matrix<T> y(1, m, 2);
          y.fill_extra_rows(sentinel<T>);
          y.fill([] { return poison<T>; });
          epilogue_calls calls(1, m, simd::width<T, Arch>);
          kernels::gemv<T, Arch>(m, k, as.operand(transposed), xs.data(),
                                 [&](std::size_t row, std::size_t col, auto sum, std::size_t valid) {
                                   using V = decltype(sum);
                                   if (!calls.record(row, col, valid, calls_log, where)) return;
                                   kernels::store_row_part(y.data() + col,
                                                           sum + simd::load<V>(bs.data() + col),
                                                           valid);
                                 });
          calls.check(calls_log, where);
          for (std::size_t i = 0; i < m; ++i) {
            const double bound = sum_bound<T>(k + 1, magnitude[i]);
            if (!close(y(0, i), want[i], bound))
              values.add(where, ": y(", i, ") = ", y(0, i), ", expected ", want[i], " ± ", bound);
          }
          check_padding(y, padding, where);
          check_extra_rows(y, sentinel<T>, outside, where);
        });
      }
    }
  CTNN_CHECK_LOG(values);
  CTNN_CHECK_LOG(padding);
  CTNN_CHECK_LOG(outside);
  CTNN_CHECK_LOG(calls_log);
}

TEMPLATE_TEST_CASE("sum_rows: s(j) = Σ_i A(i, j), the bias gradient", "[kernels][sum_rows]",
                   float, double) {
  using T = TestType;
  uniform u(22, -1, 1);
  failure_log values, padding, outside, calls_log;
  std::vector<std::size_t> rows = all_sizes();
  rows.insert(rows.begin(), 0);  // no rows: every sum is 0
  for (const std::size_t m : rows)
    for (const std::size_t n : odd_sizes) {
      const dense a = random_dense<T>(m, n, u);
      const matrix<T> as = store<T>(a, false);
      for_each_arch([&]<class Arch>() {
        const std::string where = describe<T, Arch>("column sums of", m, n);
        matrix<T> s(1, n, 2);
        s.fill_extra_rows(sentinel<T>);
        s.fill([] { return poison<T>; });
        epilogue_calls calls(1, n, simd::width<T, Arch>);
        const kernels::store_result<T> store_sums{{s.data(), 0}};
        kernels::sum_rows<T, Arch>(m, n, as.operand(),
                                   [&](std::size_t row, std::size_t col, auto sum, std::size_t valid) {
                                     if (calls.record(row, col, valid, calls_log, where))
                                       store_sums(row, col, sum, valid);
                                   });
        calls.check(calls_log, where);
        for (std::size_t j = 0; j < n; ++j) {
          double want = 0, magnitude = 0;
          for (std::size_t i = 0; i < m; ++i) {
            want += a(i, j);
            magnitude += std::abs(a(i, j));
          }
          const double bound = sum_bound<T>(m, magnitude);
          if (!close(s(0, j), want, bound))
            values.add(where, ": s(", j, ") = ", s(0, j), ", expected ", want, " ± ", bound);
        }
        check_padding(s, padding, where);
        check_extra_rows(s, sentinel<T>, outside, where);
      });
    }
  CTNN_CHECK_LOG(values);
  CTNN_CHECK_LOG(padding);
  CTNN_CHECK_LOG(outside);
  CTNN_CHECK_LOG(calls_log);
}

TEMPLATE_TEST_CASE("gemv and sum_rows: fixed sizes give the results of run-time sizes",
                   "[kernels][gemv][sum_rows][fixed]", float, double) {
  using T = TestType;
  using arch = simd::default_arch;
  constexpr std::size_t w = simd::width<T, arch>;
  uniform u(23, -1, 1);
  failure_log differences;
  // A fixed count of packs compiles only the chunks it needs: counts that use one chunk
  // size, and one that uses every size (8 + 4 + 2 + 1 packs, the last one partial).
  const auto check = [&]<std::size_t M>() {
    const auto compare = [&](const char* what, const matrix<T>& fixed, const matrix<T>& dynamic) {
      for (std::size_t i = 0; i < M; ++i)
        if (!(fixed(0, i) == dynamic(0, i)))
          differences.add(describe<T, arch>(what, M, 37), ": ", i, ": ", fixed(0, i),
                          ", with run-time sizes ", dynamic(0, i));
    };
    const dense a = random_dense<T>(M, 37, u), x = random_dense<T>(1, 37, u);
    const matrix<T> xs = store<T>(x, false);
    for (const bool transposed : {false, true}) {
      const matrix<T> as = store<T>(a, transposed);
      matrix<T> fixed(1, M), dynamic(1, M);
      kernels::gemv<T, arch>(M, 37, as.operand(transposed), xs.data(),
                             kernels::store_result<T>{dynamic.output()});
      kernels::gemv<T, arch>(kernels::fixed<M>, 37, as.operand(transposed), xs.data(),
                             kernels::store_result<T>{fixed.output()});
      compare(transposed ? "gemv, A stored transposed" : "gemv", fixed, dynamic);
    }
    const matrix<T> rows = store<T>(random_dense<T>(37, M, u), false);
    matrix<T> fixed(1, M), dynamic(1, M);
    kernels::sum_rows<T, arch>(37, M, rows.operand(), kernels::store_result<T>{{dynamic.data(), 0}});
    kernels::sum_rows<T, arch>(37, kernels::fixed<M>, rows.operand(),
                               kernels::store_result<T>{{fixed.data(), 0}});
    compare("sum_rows", fixed, dynamic);
  };
  check.template operator()<1>();
  check.template operator()<3 * w - 1>();
  check.template operator()<8 * w>();
  check.template operator()<15 * w - 3>();
  CTNN_CHECK_LOG(differences);
}
