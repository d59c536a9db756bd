#pragma once
/// @file
/// The measurements of a training step's overflow guard (docs/design.md, "A step that
/// cannot overflow"): bounds on the magnitudes of deltas, inputs and gradients, each one
/// pass over packs.

#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <cmath>
#include <cstddef>
#include <limits>

namespace ctnn::detail {

/// The largest magnitude among `rows` rows of `cols` values `stride` apart; +∞ when one of
/// them is not finite.
template <class T>
double largest_magnitude(const T* x, std::size_t rows, std::size_t cols, std::size_t stride) noexcept {
  using V = simd::pack<T>;
  constexpr std::size_t w = simd::lanes<V>;
  V largest(T(0)), poison(T(0));  // poison stays 0 unless a value is ±∞ or NaN (∞·0 = NaN)
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; c += w) {
      const V v = simd::keep_first_lanes(simd::load<V>(x + r * stride + c), cols - c);
      largest = simd::max(largest, simd::abs(v));
      poison += v * V(T(0));
    }
  return simd::all_finite(poison) ? double(simd::largest(largest)) : std::numeric_limits<double>::infinity();
}

/// Σ |x| over `rows` rows of `Cols` values `Stride` apart, summed in `T`: ∞ or NaN when
/// one of them is not finite, and ∞ when the sum itself overflows. It bounds every sum of
/// products of these values with values of magnitude at most 1, and costs one pass with no
/// dependency between consecutive packs (four running sums), where the largest magnitude
/// needs a NaN check of its own.
template <class T, std::size_t Cols, std::size_t Stride>
double magnitude_sum(const T* x, std::size_t rows) noexcept {
  using V = simd::pack<T>;
  constexpr std::size_t w = simd::lanes<V>, row_packs = (Cols + w - 1) / w;
  const auto pack = [x](std::size_t i) {  // the i-th pack, row by row
    const std::size_t c = i % row_packs * w;
    return simd::abs(simd::keep_first_lanes(simd::load<V>(x + i / row_packs * Stride + c), Cols - c));
  };
  const std::size_t n = rows * row_packs;
  V s0(T(0)), s1(T(0)), s2(T(0)), s3(T(0));
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += pack(i);
    s1 += pack(i + 1);
    s2 += pack(i + 2);
    s3 += pack(i + 3);
  }
  for (; i < n; ++i) s0 += pack(i);
  return double(simd::sum((s0 + s1) + (s2 + s3)));
}

}  // namespace ctnn::detail
