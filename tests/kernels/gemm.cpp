// Tests of kernels::gemm against a scalar reference in double: every transposition of A and
// B (the three products of training are A·B, A·Bᵀ and Aᵀ·B), overwrite and accumulate, the
// fused epilogue, several cache blocks in every loop, and workspace reuse.
// Each product runs for every instruction set the build can execute (see for_each_arch).
#include "support.hpp"

#include <ctnn/kernels/gemm.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace ctnn_test;
namespace kernels = ctnn::kernels;
namespace simd = ctnn::simd;

/// Small blocks, so that products of a few dozen rows and columns run every loop of the
/// blocked kernel several times (the default blocking runs most of them unblocked, through
/// `direct_tiles`): depth blocks of one aligned block (16 floats, 8 doubles),
/// two register tiles of rows per row block and two micro-panels per column block. `Mr` and
/// `Packs` change the register tile (0: the default one).
template <class T, class Arch, std::size_t Mr = 0, std::size_t Packs = 0>
struct small_blocking {
  using base = kernels::gemm_blocking<T, Arch>;
  static constexpr std::size_t registers = base::registers;
  static constexpr std::size_t packs = Packs == 0 ? base::packs : Packs;
  static constexpr std::size_t mr = Mr == 0 ? base::mr : Mr;
  static constexpr std::size_t nr = packs * simd::width<T, Arch>;
  static constexpr std::size_t kc = simd::block<T>;
  static constexpr std::size_t mc = 2 * mr;
  static constexpr std::size_t nc = 2 * nr;
  static constexpr std::size_t direct_b_size = 0;  // every product blocked: these test the loops
};

/// Blockings chosen per instruction set (a register tile is only valid for its pack width).
struct default_blocks {
  template <class T, class Arch>
  using type = kernels::gemm_blocking<T, Arch>;
};
template <std::size_t Mr = 0, std::size_t Packs = 0>
struct small_blocks {
  template <class T, class Arch>
  using type = small_blocking<T, Arch, Mr, Packs>;
};

struct logs {
  failure_log values, padding, outside, calls, reuse;
};

const char* product_name(bool ta, bool tb) {
  return ta ? (tb ? "C = Aᵀ·Bᵀ" : "C = Aᵀ·B (weights: dW = Xᵀ·dZ)")
            : (tb ? "C = A·Bᵀ (backward: dX = dZ·Wᵀ)" : "C = A·B (forward: Z = X·W)");
}

template <class T, class Arch, class Blocking>
std::string describe(const char* what, bool ta, bool tb, std::size_t m, std::size_t n,
                     std::size_t k) {
  std::ostringstream s;
  s << '[' << Arch::name() << ' ' << type_name<T> << ", mr " << Blocking::mr << " nr "
    << Blocking::nr << " kc " << Blocking::kc << " mc " << Blocking::mc << " nc " << Blocking::nc
    << "] " << what << ' ' << product_name(ta, tb) << ", m = " << m << ", n = " << n
    << ", k = " << k;
  return s.str();
}

/// The operands of one product, logical and stored in each orientation.
template <class T>
struct operands {
  dense a, b;
  matrix<T> a_rows, a_cols, b_rows, b_cols;  // stored as is, and transposed
  product_reference ref;

  operands(dense a_, dense b_)
      : a(std::move(a_)), b(std::move(b_)), a_rows(store<T>(a, false)),
        a_cols(store<T>(a, true)), b_rows(store<T>(b, false)), b_cols(store<T>(b, true)),
        ref(reference_product(a, b)) {}

  const matrix<T>& stored_a(bool transposed) const { return transposed ? a_cols : a_rows; }
  const matrix<T>& stored_b(bool transposed) const { return transposed ? b_cols : b_rows; }
};

template <class T>
operands<T> random_operands(std::size_t m, std::size_t n, std::size_t k, uniform& u) {
  dense a = random_dense<T>(m, k, u);
  dense b = random_dense<T>(k, n, u);
  return operands<T>(std::move(a), std::move(b));
}

/// C = op(A)·op(B), or C = C0 + op(A)·op(B) when `c0` is given, through the default
/// epilogue. C's valid lanes start as NaN when overwritten (they must not be read), and two
/// sentinel rows follow C (they must not be written). Returns C.
template <class T, class Arch, class Blocking = kernels::gemm_blocking<T, Arch>>
matrix<T> check_gemm(const operands<T>& p, bool ta, bool tb, const dense* c0,
                     kernels::gemm_workspace<T>& workspace, logs& log) {
  const std::size_t m = p.a.rows, n = p.b.cols, k = p.a.cols;
  matrix<T> c(m, n, 2);
  c.fill_extra_rows(sentinel<T>);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) c(i, j) = c0 != nullptr ? T((*c0)(i, j)) : poison<T>;

  kernels::gemm<T, Arch, Blocking>(m, n, k, p.stored_a(ta).operand(ta), p.stored_b(tb).operand(tb),
                                   c.output(), workspace, kernels::store_result<T>{c.output()},
                                   c0 != nullptr);

  const std::string where =
      describe<T, Arch, Blocking>(c0 != nullptr ? "accumulate" : "overwrite", ta, tb, m, n, k);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const double want = p.ref.value(i, j) + (c0 != nullptr ? (*c0)(i, j) : 0.0);
      const double magnitude =
          p.ref.magnitude(i, j) + (c0 != nullptr ? std::abs((*c0)(i, j)) : 0.0);
      const double bound = sum_bound<T>(k + 1, magnitude);
      if (!close(c(i, j), want, bound))
        log.values.add(where, ": C(", i, ", ", j, ") = ", c(i, j), ", expected ", want, " ± ",
                       bound);
    }
  check_padding(c, log.padding, where);
  check_extra_rows(c, sentinel<T>, log.outside, where);
  return c;
}

/// One call of a product: the orientation of A and B, and overwrite or accumulate.
struct run {
  bool ta, tb, accumulate;
};

/// The calls to make for the `index`-th product of a test: all eight (four transpositions,
/// overwrite and accumulate), or in quick builds three that rotate with `index`: transposed B
/// (the SIMD-transposing pack) and plain B overwritten, with A in each orientation in turn,
/// and one accumulating call in each of the four transpositions in turn.
std::vector<run> runs_for(std::size_t index) {
  if (!quick_build) {
    std::vector<run> all;
    for (const bool ta : {false, true})
      for (const bool tb : {false, true})
        for (const bool accumulate : {false, true}) all.push_back({ta, tb, accumulate});
    return all;
  }
  const bool p = index % 2 == 1;
  return {{p, true, false}, {!p, false, false}, {index % 4 >= 2, index / 4 % 2 == 1, true}};
}

/// The calls of `runs_for(index)` for each instruction set, with `Blocks` chosen per set.
template <class T, class Blocks = default_blocks>
void check_all(const operands<T>& p, const dense& c0, std::size_t index,
               kernels::gemm_workspace<T>& workspace, logs& log) {
  for (const run& r : runs_for(index))
    for_each_arch([&]<class Arch>() {
      using B = typename Blocks::template type<T, Arch>;
      (void)check_gemm<T, Arch, B>(p, r.ta, r.tb, r.accumulate ? &c0 : nullptr, workspace, log);
    });
}

template <class V>
V sigmoid(const V& z) {
  const V one = simd::broadcast<V>(1);
  return one / (one + simd::exp(-z));
}

double sigmoid_ref(double z) { return 1.0 / (1.0 + std::exp(-z)); }

/// The forward pass of a dense layer in one product: Z = op(A)·op(B) + bias and
/// Act = σ(Z), both stored by the epilogue (Z is what backward needs). C is Z itself, as in
/// a layer, so for deep products Z also holds the partial sums between depth blocks.
template <class T, class Arch, class Blocking = kernels::gemm_blocking<T, Arch>>
void check_forward(const operands<T>& p, bool ta, bool tb, const dense& bias_values,
                   kernels::gemm_workspace<T>& workspace, logs& log) {
  const std::size_t m = p.a.rows, n = p.b.cols, k = p.a.cols;
  const std::string where = describe<T, Arch, Blocking>("epilogue σ(C + bias)", ta, tb, m, n, k);
  const matrix<T> bias = store<T>(bias_values, false);
  matrix<T> z(m, n, 2), act(m, n, 2);
  for (matrix<T>* out : {&z, &act}) {
    out->fill_extra_rows(sentinel<T>);
    out->fill([] { return poison<T>; });
  }
  epilogue_calls calls(m, n, simd::width<T, Arch>);

  kernels::gemm<T, Arch, Blocking>(
      m, n, k, p.stored_a(ta).operand(ta), p.stored_b(tb).operand(tb), z.output(), workspace,
      [&](std::size_t row, std::size_t col, auto sum, std::size_t valid) {
        using V = decltype(sum);
        if (!calls.record(row, col, valid, log.calls, where)) return;
        const V pre = sum + simd::load<V>(bias.data() + col);
        kernels::store_row_part(z.data() + row * z.stride + col, pre, valid);
        kernels::store_row_part(act.data() + row * act.stride + col, sigmoid(pre), valid);
      });

  calls.check(log.calls, where);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const double want = p.ref.value(i, j) + bias_values(0, j);
      const double bound = sum_bound<T>(k + 1, p.ref.magnitude(i, j) + std::abs(bias_values(0, j)));
      if (!close(z(i, j), want, bound))
        log.values.add(where, ": Z(", i, ", ", j, ") = ", z(i, j), ", expected ", want, " ± ",
                       bound);
      const double want_act = sigmoid_ref(want), bound_act = 0.25 * bound + 8 * eps<T>;
      if (!close(act(i, j), want_act, bound_act))
        log.values.add(where, ": σ(Z)(", i, ", ", j, ") = ", act(i, j), ", expected ", want_act,
                       " ± ", bound_act);
    }
  for (const matrix<T>* out : {&z, &act}) {
    check_padding(*out, log.padding, where, out == &z ? " in Z" : " in σ(Z)");
    check_extra_rows(*out, sentinel<T>, log.outside, where, out == &z ? " in Z" : " in σ(Z)");
  }
}

template <class T>
std::size_t tall_rows() {
  // Several row blocks (mc) of the default blocking, the last one partial.
  return 2 * kernels::gemm_blocking<T>::mc + 37;
}

void report(const logs& log) {
  CTNN_CHECK_LOG(log.values);
  CTNN_CHECK_LOG(log.padding);
  CTNN_CHECK_LOG(log.outside);
}

}  // namespace

TEMPLATE_TEST_CASE("gemm: C = op(A)·op(B) and C += op(A)·op(B) for every transposition, "
                   "sizes 1..129 in m, n and k",
                   "[kernels][gemm]", float, double) {
  using T = TestType;
  uniform u(11, -1, 1);
  kernels::gemm_workspace<T> workspace;  // one for all: reused across sizes throughout
  logs log;
  std::size_t index = 0;
  for (const size3& s : quick_build ? pairwise_sizes() : all_sizes3()) {
    const auto p = random_operands<T>(s.m, s.n, s.k, u);
    check_all<T>(p, random_dense<T>(s.m, s.n, u), index++, workspace, log);
  }
  report(log);
}

TEMPLATE_TEST_CASE("gemm: several depth blocks (k > kc) and row blocks (m > mc)",
                   "[kernels][gemm]", float, double) {
  using T = TestType;
  uniform u(12, -1, 1);
  kernels::gemm_workspace<T> workspace;
  logs log;
  // Every size as m and as n, with k = 300 and 600 (two and three depth blocks), and a tall
  // m of several row blocks.
  std::vector<size3> sizes;
  constexpr std::size_t count = std::size(odd_sizes);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t m = odd_sizes[i], n = odd_sizes[(i + 4) % count];
    if (quick_build) {
      sizes.push_back({m, n, deep_sizes[i % 2]});
    } else {
      for (const std::size_t k : deep_sizes) {
        sizes.push_back({m, n, k});
        sizes.push_back({m, odd_sizes[(i + 3) % count], k});
      }
    }
  }
  sizes.push_back({tall_rows<T>(), 3, 300});
  if (!quick_build) {
    sizes.push_back({tall_rows<T>(), 17, 600});
    sizes.push_back({tall_rows<T>(), 129, 300});
  }
  std::size_t index = 0;
  for (const size3& s : sizes) {
    const auto p = random_operands<T>(s.m, s.n, s.k, u);
    check_all<T>(p, random_dense<T>(s.m, s.n, u), index++, workspace, log);
  }
  report(log);
}

TEMPLATE_TEST_CASE("gemm: small blocks run every loop several times (all sizes, odd tiles)",
                   "[kernels][gemm]", float, double) {
  using T = TestType;
  uniform u(13, -1, 1);
  kernels::gemm_workspace<T> workspace;
  logs log;
  std::size_t index = 0;
  for (const size3& s : quick_build ? diagonal_sizes() : pairwise_sizes()) {
    const auto p = random_operands<T>(s.m, s.n, s.k, u);
    const dense c0 = random_dense<T>(s.m, s.n, u);
    check_all<T, small_blocks<>>(p, c0, index, workspace, log);
    check_all<T, small_blocks<3, 1>>(p, c0, index + 1, workspace, log);
    check_all<T, small_blocks<1, 3>>(p, c0, index + 2, workspace, log);
    ++index;
  }
  report(log);
}

TEMPLATE_TEST_CASE("gemm: more columns than one column block (n > nc)", "[kernels][gemm]",
                   float, double) {
  using T = TestType;
  uniform u(14, -1, 1);
  kernels::gemm_workspace<T> workspace;
  logs log;
  const std::size_t n = kernels::gemm_blocking<T>::nc + 37;
  std::size_t index = 0;
  // One product of several depth blocks too (k = 37 has three with the small blocking's kc).
  const std::size_t deep = quick_build ? 37 : 300;
  for (const size3& s : {size3{3, n, 17}, size3{1, n, deep}}) {
    const auto p = random_operands<T>(s.m, s.n, s.k, u);
    check_all<T>(p, random_dense<T>(s.m, s.n, u), index++, workspace, log);
  }
  report(log);
}

TEMPLATE_TEST_CASE("gemm: fused epilogue stores C + bias and σ(C + bias) once per pack",
                   "[kernels][gemm][epilogue]", float, double) {
  using T = TestType;
  uniform u(15, -1, 1);
  kernels::gemm_workspace<T> workspace;
  logs log;
  std::vector<size3> sizes = quick_build ? diagonal_sizes() : pairwise_sizes();
  sizes.push_back({tall_rows<T>(), 3, 300});
  if (!quick_build) {
    constexpr std::size_t count = std::size(odd_sizes);
    for (std::size_t i = 0; i < count; ++i)
      sizes.push_back({odd_sizes[i], odd_sizes[(i + 2) % count], 300});
    sizes.push_back({tall_rows<T>(), 37, 600});
  }
  for (const size3& s : sizes) {
    const auto p = random_operands<T>(s.m, s.n, s.k, u);
    const dense bias = random_dense<T>(1, s.n, u);
    for (const bool ta : {false, true})
      for (const bool tb : {false, true})
        for_each_arch([&]<class Arch>() {
          check_forward<T, Arch>(p, ta, tb, bias, workspace, log);
          check_forward<T, Arch, small_blocking<T, Arch>>(p, ta, tb, bias, workspace, log);
        });
  }
  report(log);
  CTNN_CHECK_LOG(log.calls);
}

TEMPLATE_TEST_CASE("gemm: a workspace reused across sizes and blockings gives the results of a "
                   "fresh one",
                   "[kernels][gemm][workspace]", float, double) {
  using T = TestType;
  using arch = simd::default_arch;
  uniform u(18, -1, 1);
  kernels::gemm_workspace<T> reused;
  logs log;
  // Large first (the workspace then only shrinks in use), then growing again in m, n, k.
  const size3 sizes[] = {{64, 129, 300}, {1, 1, 1},  {37, 100, 17},         {3, 129, 64},
                         {100, 37, 129}, {1, 3, 600}, {tall_rows<T>(), 3, 37}, {129, 64, 17},
                         {17, 1, 3},     {37, 64, 600}};
  std::size_t round = 0;
  for (const size3& s : sizes) {
    const auto p = random_operands<T>(s.m, s.n, s.k, u);
    const dense c0 = random_dense<T>(s.m, s.n, u);
    const bool ta = round % 2 == 1, tb = round / 2 % 2 == 1, accumulate = round % 3 == 0;
    ++round;
    const auto compare = [&]<class Blocking>(const matrix<T>& got) {
      kernels::gemm_workspace<T> fresh;
      logs fresh_log;
      const matrix<T> want =
          check_gemm<T, arch, Blocking>(p, ta, tb, accumulate ? &c0 : nullptr, fresh, fresh_log);
      for (std::size_t i = 0; i < s.m; ++i)
        for (std::size_t j = 0; j < s.n; ++j)
          if (!(got(i, j) == want(i, j)))
            log.reuse.add(describe<T, arch, Blocking>("reused workspace", ta, tb, s.m, s.n, s.k),
                          ": C(", i, ", ", j, ") = ", got(i, j), ", with a fresh workspace ",
                          want(i, j));
    };
    using dflt = kernels::gemm_blocking<T, arch>;
    using small = small_blocking<T, arch>;
    const dense* c = accumulate ? &c0 : nullptr;
    compare.template operator()<dflt>(check_gemm<T, arch, dflt>(p, ta, tb, c, reused, log));
    compare.template operator()<small>(check_gemm<T, arch, small>(p, ta, tb, c, reused, log));
    compare.template operator()<dflt>(check_gemm<T, arch, dflt>(p, ta, tb, c, reused, log));
  }
  report(log);
  CTNN_CHECK_LOG(log.reuse);
}

TEMPLATE_TEST_CASE("gemm: empty products (k = 0, m = 0, n = 0)", "[kernels][gemm]", float,
                   double) {
  using T = TestType;
  uniform u(19, -1, 1);
  kernels::gemm_workspace<T> workspace;
  logs log;
  for_each_arch([&]<class Arch>() {
    for (const std::size_t m : odd_sizes)
      for (const std::size_t n : odd_sizes)
        for (const bool accumulate : {false, true}) {
          // k = 0: C becomes zero, or keeps its values with accumulate, through the epilogue.
          const std::string where = describe<T, Arch, kernels::gemm_blocking<T, Arch>>(
              accumulate ? "accumulate" : "overwrite", false, false, m, n, 0);
          const matrix<T> a(m, 1), b(1, n);
          matrix<T> c(m, n, 2);
          c.fill_extra_rows(sentinel<T>);
          const dense c0 = random_dense<T>(m, n, u);
          for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) c(i, j) = accumulate ? T(c0(i, j)) : poison<T>;
          epilogue_calls calls(m, n, simd::width<T, Arch>);
          kernels::gemm<T, Arch>(m, n, 0, a.operand(), b.operand(), c.output(), workspace,
                                 [&](std::size_t row, std::size_t col, auto sum, std::size_t valid) {
                                   if (calls.record(row, col, valid, log.calls, where))
                                     kernels::store_row_part(c.data() + row * c.stride + col,
                                                             sum, valid);
                                 },
                                 accumulate);
          calls.check(log.calls, where);
          for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j)
              if (!(c(i, j) == (accumulate ? T(c0(i, j)) : T(0))))
                log.values.add(where, ": C(", i, ", ", j, ") = ", c(i, j));
          check_padding(c, log.padding, where);
          check_extra_rows(c, sentinel<T>, log.outside, where);
        }
    // m = 0 or n = 0: nothing is written and the epilogue is not called.
    for (const std::size_t n : odd_sizes) {
      const matrix<T> a(1, 17), b(17, n);
      // No valid rows: every row of C is an extra row, all sentinels.
      matrix<T> c(0, n, n + 2), ct(0, 1, n + 2);
      c.fill_extra_rows(sentinel<T>);
      ct.fill_extra_rows(sentinel<T>);
      const auto no_call = [&](std::size_t row, std::size_t col, auto, std::size_t valid) {
        log.calls.add("[", Arch::name(), "] empty product: epilogue called at (", row, ", ", col,
                      "), valid ", valid);
      };
      kernels::gemm<T, Arch>(0, n, 17, a.operand(), b.operand(), c.output(), workspace, no_call);
      kernels::gemm<T, Arch>(n, 0, 17, b.operand(true), a.operand(true),
                             {ct.data(), simd::block<T>}, workspace, no_call);
      check_extra_rows(c, sentinel<T>, log.outside, "m = 0");
      check_extra_rows(ct, sentinel<T>, log.outside, "n = 0");
    }
  });
  report(log);
  CTNN_CHECK_LOG(log.calls);
}

TEMPLATE_TEST_CASE("gemm: fixed sizes give the results of run-time sizes, on every way a "
                   "product can run",
                   "[kernels][gemm][fixed]", float, double) {
  using T = TestType;
  using arch = simd::default_arch;
  uniform u(20, -1, 1);
  kernels::gemm_workspace<T> workspace;
  failure_log differences;
  // Each fixed size prunes the ways the other sizes cannot take: one column (n = 1), the
  // outer product (k = 1), the empty sum (k = 0), unblocked tiles and the blocked kernel.
  const auto check = [&]<std::size_t N, std::size_t K>(std::size_t m) {
    const auto p = random_operands<T>(m, N, K == 0 ? 1 : K, u);
    const dense c0 = random_dense<T>(m, N, u);
    for (const run& r : runs_for(N + K)) {
      // A of width K: with K = 0 the operands exist but no column of A is read.
      const kernels::operand<T> a = p.stored_a(r.ta).operand(r.ta), b = p.stored_b(r.tb).operand(r.tb);
      matrix<T> dynamic(m, N), fixed(m, N);
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < N; ++j) dynamic(i, j) = fixed(i, j) = r.accumulate ? T(c0(i, j)) : poison<T>;
      kernels::gemm<T, arch>(m, N, K, a, b, dynamic.output(), workspace,
                             kernels::store_result<T>{dynamic.output()}, r.accumulate);
      kernels::gemm<T, arch>(m, kernels::fixed<N>, kernels::fixed<K>, a, b, fixed.output(), workspace,
                             kernels::store_result<T>{fixed.output()}, r.accumulate);
      const std::string where = describe<T, arch, kernels::gemm_blocking<T, arch>>(
          r.accumulate ? "fixed sizes, accumulate" : "fixed sizes, overwrite", r.ta, r.tb, m, N, K);
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < N; ++j)
          if (!(fixed(i, j) == dynamic(i, j)))
            differences.add(where, ": C(", i, ", ", j, ") = ", fixed(i, j), ", with run-time sizes ",
                            dynamic(i, j));
    }
  };
  for (const std::size_t m : {1, 7, 37}) {
    check.template operator()<1, 17>(m);    // one column
    check.template operator()<1, 1>(m);     // one column of depth 1
    check.template operator()<37, 1>(m);    // outer product
    check.template operator()<9, 0>(m);     // empty sum
    check.template operator()<10, 64>(m);   // unblocked tiles
    check.template operator()<37, 300>(m);  // blocked, two depth blocks
  }
  CTNN_CHECK_LOG(differences);
}
