#pragma once
/// @file
/// Packing for the blocked `kernels::gemm`: blocks of A and B copied into the order the
/// register tile reads them. A transposed operand is handled here, so the tile is the same
/// for every orientation.

#include <ctnn/kernels/operand.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/simd/transpose.hpp>

#include <algorithm>
#include <cstddef>

namespace ctnn::kernels::detail {

/// How the values of A lie in memory, in place and in a packed micro-panel (mr rows × kc
/// columns).
/// - rows: A is row-major; in a panel, row `i` at `i * stride` (a contiguous copy per row).
///   The stride is kc plus one block, so the mr rows do not all fall in one set of the L1
///   cache.
/// - columns: A is stored transposed; in a panel, column `k` at `k * mr` (a contiguous copy
///   per column).
enum class a_layout { rows, columns };

template <simd::scalar T, class Blocking>
inline constexpr std::size_t a_row_stride = Blocking::kc + simd::block<T>;

template <simd::scalar T, class Blocking>
inline constexpr std::size_t a_panel_size = Blocking::mr * a_row_stride<T, Blocking>;

/// Packs rows [i0, i0 + mr) × columns [k0, k0 + kc) of A into one micro-panel; rows at or
/// beyond `m` are zero.
template <class V, class Blocking, a_layout Layout>
inline void pack_a_panel(const operand<simd::lane_t<V>>& a, std::size_t m, std::size_t i0,
                         std::size_t k0, std::size_t kc, simd::lane_t<V>* panel) noexcept {
  using T = simd::lane_t<V>;
  constexpr std::size_t mr = Blocking::mr, w = simd::lanes<V>;
  if constexpr (Layout == a_layout::rows) {
    // A is row-major: copy each row's kc elements with full packs. The row stride is a
    // multiple of the block, so a pack that starts before column k0 + kc ends within the
    // padded row; lanes at or beyond kc are zeroed.
    constexpr std::size_t stride = a_row_stride<T, Blocking>;
    for (std::size_t i = 0; i < mr; ++i) {
      T* dst = panel + i * stride;
      if (i0 + i >= m) {
        std::fill_n(dst, kc, T(0));
        continue;
      }
      const T* src = a.data + (i0 + i) * a.stride + k0;
      for (std::size_t k = 0; k < kc; k += w)
        simd::store(dst + k, simd::keep_first_lanes(simd::load<V>(src + k), kc - k));
    }
  } else {
    // A is stored transposed: column k of the panel is contiguous in memory at row k0 + k.
    for (std::size_t k = 0; k < kc; ++k) {
      const T* src = a.data + (k0 + k) * a.stride + i0;
      T* dst = panel + k * mr;
      std::size_t i = 0;
      // Full packs while they stay within the stored row (the padding is readable). A pack
      // may reach past the panel's mr rows into the next column, which is written after it
      // (the last column spills into the workspace's slack).
      for (; i < mr && i0 + i + w <= a.stride; i += w)
        simd::store_unaligned(dst + i, simd::keep_first_lanes(simd::load_unaligned<V>(src + i),
                                                              m > i0 + i ? m - i0 - i : 0));
      for (; i < mr; ++i) dst[i] = i0 + i < m ? src[i] : T(0);
    }
  }
}

/// Packs rows [k0, k0 + kc) × columns [j0, j0 + nc) of B into nr-wide micro-panels, each
/// kc × nr and contiguous; columns at or beyond `n` are zero.
template <class V, class Blocking>
inline void pack_b(const operand<simd::lane_t<V>>& b, std::size_t n, std::size_t k0,
                   std::size_t kc, std::size_t j0, std::size_t nc,
                   simd::lane_t<V>* packed) noexcept {
  using T = simd::lane_t<V>;
  constexpr std::size_t nr = Blocking::nr, w = simd::lanes<V>;
  for (std::size_t jr = 0; jr < nc; jr += nr) {
    T* panel = packed + jr * kc;
    const std::size_t col0 = j0 + jr;
    if (!b.transposed) {
      // B(k, j) = data[k * stride + j]: each row of the panel is a contiguous copy.
      for (std::size_t k = 0; k < kc; ++k) {
        const T* src = b.data + (k0 + k) * b.stride + col0;
        for (std::size_t j = 0; j < nr; j += w) {
          const V v = col0 + j < n ? simd::keep_first_lanes(simd::load<V>(src + j), n - col0 - j)
                                   : V(T(0));
          simd::store(panel + k * nr + j, v);
        }
      }
    } else {
      // B(k, j) = data[j * stride + k]: a transposing copy, a block of rows at a time.
      constexpr std::size_t g = simd::transpose_rows<T>;
      const std::size_t k_blocks = kc / w * w;
      for (std::size_t j = 0; j < nr; j += g) {
        const std::size_t row = (col0 + j) * b.stride + k0;  // of B's storage
        if (col0 + j + g <= n) {
          for (std::size_t k = 0; k < k_blocks; k += w)
            simd::transpose_block<T, typename V::arch_type>(b.data + row + k, b.stride,
                                                            panel + k * nr + j, nr);
          for (std::size_t jj = 0; jj < g; ++jj)
            for (std::size_t k = k_blocks; k < kc; ++k)
              panel[k * nr + j + jj] = b.data[row + jj * b.stride + k];
        } else {
          // The last rows of B's storage: columns of B at or beyond n are zero.
          for (std::size_t jj = 0; jj < g; ++jj)
            for (std::size_t k = 0; k < kc; ++k)
              panel[k * nr + j + jj] = col0 + j + jj < n ? b.data[row + jj * b.stride + k] : T(0);
        }
      }
    }
  }
}

}  // namespace ctnn::kernels::detail
