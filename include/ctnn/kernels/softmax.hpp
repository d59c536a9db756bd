#pragma once
/// @file
/// Row-wise softmax, in place and numerically stable.

#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <cstddef>
#include <limits>

namespace ctnn::kernels {

/// Replaces each of `rows` rows of `cols` values z (stored `stride` apart) by
/// p_j = exp(z_j − max z) / Σ_i exp(z_i − max z). Subtracting the maximum keeps every
/// exponent ≤ 0, so nothing overflows and the largest term is exactly 1 (the sum is ≥ 1).
/// Padding lanes stay zero.
template <simd::scalar T, class Arch = simd::default_arch>
void softmax_rows(std::size_t rows, std::size_t cols, T* data, std::size_t stride) noexcept {
  using V = simd::pack<T, Arch>;
  constexpr std::size_t w = simd::lanes<V>;
  const V lowest(-std::numeric_limits<T>::infinity());
  for (std::size_t r = 0; r < rows; ++r) {
    T* z = data + r * stride;
    V top = lowest;
    for (std::size_t c = 0; c < cols; c += w) {
      // Padding lanes are zero, which could exceed a row of negative values: exclude them.
      top = simd::max(top, simd::first_lanes_or(simd::load<V>(z + c), cols - c, lowest));
    }
    const V shift(simd::largest(top));
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
