#pragma once
/// @file
/// Row-wise softmax, in place and numerically stable.

#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <cstddef>
#include <limits>

namespace ctnn::kernels {

/// The largest of `cols` values z (stored padded to whole packs of `V`; the padding lanes
/// are excluded, since a zero there could exceed a row of negative values): the shift that
/// keeps every exponent of a softmax or a log-sum-exp at most 0.
template <class V>
[[nodiscard]] simd::lane_t<V> row_maximum(const simd::lane_t<V>* z, std::size_t cols) noexcept {
  using T = simd::lane_t<V>;
  constexpr std::size_t w = simd::lanes<V>;
  const V lowest(-std::numeric_limits<T>::infinity());
  V top = lowest;
  for (std::size_t c = 0; c < cols; c += w)
    top = simd::max(top, simd::first_lanes_or(simd::load<V>(z + c), cols - c, lowest));
  return simd::largest(top);
}

/// Replaces each of `rows` rows of `cols` values z (stored `stride` apart) by
/// p_j = exp(z_j − max z) / Σ_i exp(z_i − max z). Subtracting the maximum keeps every
/// exponent ≤ 0, so nothing overflows and the largest term is exactly 1 (the sum is ≥ 1).
/// Padding lanes stay zero.
template <simd::scalar T, class Arch = simd::default_arch>
void softmax_rows(std::size_t rows, std::size_t cols, T* data, std::size_t stride) noexcept {
  using V = simd::pack<T, Arch>;
  constexpr std::size_t w = simd::lanes<V>;
  for (std::size_t r = 0; r < rows; ++r) {
    T* z = data + r * stride;
    const V shift(row_maximum<V>(z, cols));
    V total(T(0));
    for (std::size_t c = 0; c < cols; c += w) {
      const V e = simd::keep_first_lanes(simd::exp(simd::load<V>(z + c) - shift), cols - c);
      simd::store(z + c, e);
      total += e;
    }
    const V scale(T(1) / simd::sum(total));
    for (std::size_t c = 0; c < cols; c += w) simd::store(z + c, simd::load<V>(z + c) * scale);
  }
}

}  // namespace ctnn::kernels
