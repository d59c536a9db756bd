#pragma once
// Helpers shared by the expression tests: reproducible test values, the tolerance of a
// comparison with a scalar reference, and checks of the padding lanes.

#include <ctnn/ctnn.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace ctnn_test {

/// A reproducible value in [lo, hi) for index i (a multiplicative hash: no library RNG, so
/// every standard library gives the same values).
inline double spread(std::size_t i, double lo, double hi) {
  const std::uint64_t h = (static_cast<std::uint64_t>(i) + 1) * 2654435761u % 1000003u;
  return lo + (hi - lo) * static_cast<double>(h) / 1000003.0;
}

/// Relative tolerance of a SIMD result against a scalar reference computed in double:
/// float results carry their own rounding (2^-24 ≈ 6e-8 per operation) plus xsimd's
/// few-ulp transcendental functions, through a handful of operations; double results agree
/// to within a few ulp (2.2e-16 each) of every operation.
template <class T>
constexpr double tolerance = sizeof(T) == 4 ? 2e-5 : 1e-12;

/// |actual - expected| ≤ rel · max(|expected|, scale): relative, with an absolute floor of
/// rel · scale where the value crosses zero (`scale` is the magnitude of the inputs).
inline bool close(double actual, double expected, double rel, double scale = 1.0) {
  return std::abs(actual - expected) <= rel * std::max(std::abs(expected), scale);
}

/// Fills the N logical elements of a static vector with spread values in [lo, hi).
template <class T, std::size_t N>
void fill(ctnn::vector<T, N>& v, double lo, double hi, std::size_t seed = 0) {
  for (std::size_t i = 0; i < N; ++i) v[i] = static_cast<T>(spread(i + 1000 * seed, lo, hi));
}

template <class T, std::size_t R, std::size_t C>
void fill(ctnn::matrix<T, R, C>& m, double lo, double hi, std::size_t seed = 0) {
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      m(r, c) = static_cast<T>(spread(r * C + c + 1000 * seed, lo, hi));
}

/// True when every padding lane of `v` is zero.
template <class T, std::size_t N>
bool padding_is_zero(const ctnn::vector<T, N>& v) {
  for (std::size_t i = N; i < ctnn::simd::padded_size<T, N>; ++i)
    if (v.data()[i] != T(0)) return false;
  return true;
}

template <class T, std::size_t R, std::size_t C>
bool padding_is_zero(const ctnn::matrix<T, R, C>& m) {
  constexpr std::size_t stride = ctnn::simd::padded_size<T, C>;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = C; c < stride; ++c)
      if (m.data()[r * stride + c] != T(0)) return false;
  return true;
}

}  // namespace ctnn_test
