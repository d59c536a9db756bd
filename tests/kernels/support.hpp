#pragma once
/// @file
/// Helpers shared by the kernel tests: matrices laid out as ctnn tensors (64-byte aligned,
/// rows padded to whole blocks, padding lanes zero), random fills, a scalar reference in
/// double, the instruction sets to test, and a log of failures that keeps the number of
/// Catch2 assertions small (one per checked property, not one per element).

#include <ctnn/kernels/operand.hpp>
#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/pack.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace ctnn_test {

/// The sizes every kernel is tested at: odd sizes that leave padding in every pack width,
/// one that fills whole AVX-512 blocks (64), and sizes either side of the register tiles.
inline constexpr std::size_t odd_sizes[] = {1, 3, 17, 37, 64, 100, 129};

/// Depths beyond gemm's default block depth (256): two and three depth blocks, the last one
/// partial and not a multiple of any pack width.
inline constexpr std::size_t deep_sizes[] = {300, 600};

/// True in builds where the kernels run tens of times slower than in a release build:
/// unoptimised (Debug) or instrumented by AddressSanitizer. The tests then run a subset of
/// their products that still has every size in every dimension (see `pairwise_sizes`), so
/// the kernel tests stay within seconds there; optimised builds run every combination.
#if defined(__SANITIZE_ADDRESS__)
#define CTNN_TEST_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CTNN_TEST_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(CTNN_TEST_ADDRESS_SANITIZER) || !defined(__OPTIMIZE__)
inline constexpr bool quick_build = true;
#else
inline constexpr bool quick_build = false;
#endif

/// The sizes of one product: C is m × n, the depth is k.
struct size3 {
  std::size_t m, n, k;
};

/// Every (m, n, k) of `odd_sizes`: 343 products.
inline std::vector<size3> all_sizes3() {
  std::vector<size3> sizes;
  for (const std::size_t m : odd_sizes)
    for (const std::size_t n : odd_sizes)
      for (const std::size_t k : odd_sizes) sizes.push_back({m, n, k});
  return sizes;
}

/// A Latin square of `odd_sizes`: m = s[i], n = s[j], k = s[(i + j) % 7] for all i, j.
/// Any two of m, n and k take every pair of sizes exactly once (an orthogonal array of
/// strength 2), in 49 products instead of 343.
inline std::vector<size3> pairwise_sizes() {
  constexpr std::size_t count = std::size(odd_sizes);
  std::vector<size3> sizes;
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t j = 0; j < count; ++j)
      sizes.push_back({odd_sizes[i], odd_sizes[j], odd_sizes[(i + j) % count]});
  return sizes;
}

/// Seven products in which every size appears once as m, once as n and once as k
/// (m = s[i], n = s[i + 2], k = s[i + 4], indices mod 7: the cheapest such diagonal).
inline std::vector<size3> diagonal_sizes() {
  constexpr std::size_t count = std::size(odd_sizes);
  std::vector<size3> sizes;
  for (std::size_t i = 0; i < count; ++i)
    sizes.push_back({odd_sizes[i], odd_sizes[(i + 2) % count], odd_sizes[(i + 4) % count]});
  return sizes;
}

/// A `rows × cols` row-major matrix stored as a ctnn tensor: the buffer is aligned to
/// `simd::alignment`, each row takes `simd::padded<T>(cols)` elements and the padding lanes
/// are zero. `extra_rows` more rows are allocated after the last one, for sentinels. The
/// buffer has no slack beyond that, so AddressSanitizer sees any read past the last row.
template <ctnn::simd::scalar T>
struct matrix {
  std::size_t rows, cols, stride;
  ctnn::simd::aligned_buffer<T> buffer;

  matrix(std::size_t r, std::size_t c, std::size_t extra_rows = 0)
      : rows(r), cols(c), stride(ctnn::simd::padded<T>(c)), buffer((r + extra_rows) * stride) {}

  [[nodiscard]] T* data() noexcept { return buffer.data(); }
  [[nodiscard]] const T* data() const noexcept { return buffer.data(); }
  [[nodiscard]] T& operator()(std::size_t i, std::size_t j) noexcept { return buffer[i * stride + j]; }
  [[nodiscard]] const T& operator()(std::size_t i, std::size_t j) const noexcept {
    return buffer[i * stride + j];
  }

  /// The matrix as a kernel operand (read as its transpose when `transposed`).
  [[nodiscard]] ctnn::kernels::operand<T> operand(bool transposed = false) const noexcept {
    return {data(), stride, transposed};
  }
  /// The matrix as a kernel output.
  [[nodiscard]] ctnn::kernels::output<T> output() noexcept { return {data(), stride}; }

  /// Sets the valid lanes of rows [0, rows) to `f()`; the padding lanes stay zero.
  template <class F>
  void fill(F&& f) {
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) (*this)(i, j) = static_cast<T>(f());
  }

  /// Sets every lane (padding included) of the extra rows to `value`.
  void fill_extra_rows(T value) {
    for (std::size_t p = rows * stride; p < buffer.size(); ++p) buffer[p] = value;
  }
};

/// Uniform values in [lo, hi), reproducible from `seed`.
class uniform {
 public:
  uniform(std::uint32_t seed, double lo, double hi) : engine_(seed), dist_(lo, hi) {}
  double operator()() { return dist_(engine_); }

 private:
  std::mt19937 engine_;
  std::uniform_real_distribution<double> dist_;
};

/// Counts failed element checks and keeps the first few descriptions, so that a test makes
/// one assertion per property (`CTNN_CHECK_LOG(log)`) and still shows where it failed.
class failure_log {
 public:
  template <class... Args>
  void add(const Args&... what) {
    if (count_++ < shown) {
      out_.precision(std::numeric_limits<long double>::max_digits10);
      ((out_ << what), ...);
      out_ << '\n';
    }
  }
  [[nodiscard]] std::size_t count() const noexcept { return count_; }
  [[nodiscard]] std::string report() const {
    return out_.str() + (count_ > shown ? "... and " + std::to_string(count_ - shown) + " more\n" : "");
  }

 private:
  static constexpr std::size_t shown = 8;
  std::size_t count_ = 0;
  std::ostringstream out_;
};

/// One Catch2 assertion for a whole log: passes when nothing was logged, else prints the
/// number of failures and the first few of them.
#define CTNN_CHECK_LOG(log)                                                                   \
  do {                                                                                        \
    INFO(#log << ": " << (log).count() << " failure(s)\n" << (log).report());                 \
    CHECK((log).count() == 0);                                                                \
  } while (false)

/// Logs every padding lane (columns `cols` .. `stride`) of rows [0, rows) that is not zero.
template <class T, class... Context>
void check_padding(const matrix<T>& a, failure_log& log, const Context&... context) {
  for (std::size_t i = 0; i < a.rows; ++i)
    for (std::size_t j = a.cols; j < a.stride; ++j)
      if (a(i, j) != T(0)) log.add(context..., ": padding (", i, ", ", j, ") = ", a(i, j));
}

/// Logs every lane of the extra rows that no longer holds `value`.
template <class T, class... Context>
void check_extra_rows(const matrix<T>& a, T value, failure_log& log, const Context&... context) {
  for (std::size_t p = a.rows * a.stride; p < a.buffer.size(); ++p)
    if (!(a.buffer[p] == value))
      log.add(context..., ": row ", p / a.stride, " (beyond the last), lane ", p % a.stride,
              " = ", a.buffer[p]);
}

/// A value the kernels must never produce nor read: marks lanes that must be overwritten
/// (a NaN read into a sum would poison it) or left alone.
template <class T>
inline constexpr T poison = std::numeric_limits<T>::quiet_NaN();

/// Marks lanes that must stay untouched.
template <class T>
inline constexpr T sentinel = T(12345.5);

/// Machine epsilon of `T`, as a double.
template <class T>
inline constexpr double eps = std::numeric_limits<T>::epsilon();

template <class T>
inline constexpr const char* type_name = std::is_same_v<T, float> ? "float" : "double";

/// A logical matrix in double whose values are exactly representable in the scalar type it
/// was made for, so that the kernel and the reference start from the same numbers.
struct dense {
  std::size_t rows = 0, cols = 0;
  std::vector<double> v;

  dense() = default;
  dense(std::size_t r, std::size_t c) : rows(r), cols(c), v(r * c, 0.0) {}
  [[nodiscard]] double& operator()(std::size_t i, std::size_t j) noexcept { return v[i * cols + j]; }
  [[nodiscard]] double operator()(std::size_t i, std::size_t j) const noexcept {
    return v[i * cols + j];
  }
};

/// `rows × cols` values from `u`, rounded to `T`.
template <class T>
dense random_dense(std::size_t rows, std::size_t cols, uniform& u) {
  dense d(rows, cols);
  for (double& x : d.v) x = static_cast<double>(static_cast<T>(u()));
  return d;
}

/// Stores a logical matrix as a ctnn tensor: as it is, or transposed (logical element (i, j)
/// at row j, column i of the storage, which the kernels read with `operand.transposed`).
template <class T>
matrix<T> store(const dense& a, bool transposed, std::size_t extra_rows = 0) {
  matrix<T> s(transposed ? a.cols : a.rows, transposed ? a.rows : a.cols, extra_rows);
  for (std::size_t i = 0; i < a.rows; ++i)
    for (std::size_t j = 0; j < a.cols; ++j)
      (transposed ? s(j, i) : s(i, j)) = static_cast<T>(a(i, j));
  return s;
}

/// The exact product of the reference and, element by element, Σ |terms|: the scale of the
/// rounding error that any order of summation may make.
struct product_reference {
  dense value, magnitude;
};

/// C0 + A·B in double (C0 optional: `nullptr` for zero), with the magnitude of every sum.
inline product_reference reference_product(const dense& a, const dense& b,
                                           const dense* c0 = nullptr) {
  const std::size_t m = a.rows, k = a.cols, n = b.cols;
  product_reference r{dense(m, n), dense(m, n)};
  for (std::size_t i = 0; i < m; ++i) {
    double* value = &r.value.v[i * n];
    double* magnitude = &r.magnitude.v[i * n];
    if (c0 != nullptr)
      for (std::size_t j = 0; j < n; ++j) {
        value[j] = (*c0)(i, j);
        magnitude[j] = std::abs((*c0)(i, j));
      }
    for (std::size_t p = 0; p < k; ++p) {
      const double aip = a(i, p);
      const double* bp = &b.v[p * n];
      for (std::size_t j = 0; j < n; ++j) {
        value[j] += aip * bp[j];
        magnitude[j] += std::abs(aip * bp[j]);
      }
    }
  }
  return r;
}

/// Error bound of a sum of `terms` products in `T` (any order, with or without FMA):
/// γ_terms · Σ|terms| ≤ terms · eps/2 · Σ|terms| (to first order), with a factor 4 of margin.
template <class T>
double sum_bound(std::size_t terms, double magnitude) {
  return 2.0 * double(terms + 2) * eps<T> * magnitude;
}

/// |got - want| <= bound, false for NaN.
inline bool close(double got, double want, double bound) { return std::abs(got - want) <= bound; }

/// Calls `f.template operator()<Arch>()` for each instruction set the kernels are tested
/// with: the build's default (`simd::default_arch`) and, when the compiler flags allow it,
/// the narrower AVX2+FMA and SSE2, so an AVX-512 machine also checks the code paths that
/// other machines run (pack widths 16, 8, 4 for float; register tiles 14 and 6 rows).
template <class F>
void for_each_arch(F&& f) {
  using default_arch = ctnn::simd::default_arch;
  f.template operator()<default_arch>();
#if XSIMD_WITH_FMA3_AVX2
  if constexpr (!std::is_same_v<default_arch, xsimd::fma3<xsimd::avx2>>)
    f.template operator()<xsimd::fma3<xsimd::avx2>>();
#endif
#if XSIMD_WITH_SSE2
  if constexpr (!std::is_same_v<default_arch, xsimd::sse2>) f.template operator()<xsimd::sse2>();
#endif
}

/// Records the calls of a kernel's epilogue `(row, col, sum, valid)` over an m × n result
/// with packs of `w` lanes: every (row, pack) must be handed over exactly once, at a column
/// that starts a pack, with `valid == n - col`.
class epilogue_calls {
 public:
  epilogue_calls(std::size_t m, std::size_t n, std::size_t w)
      : m_(m), n_(n), w_(w), packs_((n + w - 1) / w), count_(m * packs_, 0) {}

  /// Counts one call, or logs it and returns false if it is malformed (then the epilogue
  /// must not store anything).
  template <class... Context>
  bool record(std::size_t row, std::size_t col, std::size_t valid, failure_log& log,
              const Context&... context) {
    if (row >= m_ || col >= n_ || col % w_ != 0 || valid != n_ - col) {
      log.add(context..., ": epilogue called with row ", row, ", col ", col, ", valid ", valid,
              " (result ", m_, " x ", n_, ", pack width ", w_, ")");
      return false;
    }
    ++count_[row * packs_ + col / w_];
    return true;
  }

  /// Logs every (row, pack) not handed over exactly once.
  template <class... Context>
  void check(failure_log& log, const Context&... context) const {
    for (std::size_t i = 0; i < m_; ++i)
      for (std::size_t p = 0; p < packs_; ++p)
        if (count_[i * packs_ + p] != 1)
          log.add(context..., ": epilogue called ", count_[i * packs_ + p],
                  " times for row ", i, ", col ", p * w_);
  }

 private:
  std::size_t m_, n_, w_, packs_;
  std::vector<unsigned> count_;
};

}  // namespace ctnn_test
