#pragma once
/// @file
/// Transposing copies of small blocks, for packing an operand that a kernel reads across
/// its rows (the weights in backpropagation's dX = dZ · Wᵀ).

#include <ctnn/simd/pack.hpp>

#include <cstddef>
#include <cstring>

namespace ctnn::simd {

/// Rows per block of `transpose_block`: as many `T` as fill 16 bytes (4 floats, 2
/// doubles), the unit that every x86 instruction set interleaves within a register.
template <scalar T>
inline constexpr std::size_t transpose_rows = 16 / sizeof(T);

/// Copies `transpose_rows<T>` rows × `width<T, Arch>` columns from `src` (rows `src_stride`
/// elements apart, each 64-byte aligned) to `dst` transposed: column `c` of the block, its
/// `transpose_rows<T>` values contiguous, goes to `dst + c * dst_stride`.
///
/// Interleaving pairs of rows twice (zip at the element and at the pair level) transposes
/// every 16-byte lane in registers; each lane is then one 16-byte copy. That is 4× fewer
/// memory operations than moving one element at a time.
template <scalar T, class Arch = default_arch>
inline void transpose_block(const T* src, std::size_t src_stride, T* dst,
                            std::size_t dst_stride) noexcept {
  using V = pack<T, Arch>;
  constexpr std::size_t w = V::size, g = transpose_rows<T>;
  alignas(alignment) T lanes[g][w];
  if constexpr (XSIMD_VERSION_MAJOR >= 10 && w > g) {
    // xsimd 10 made zip_lo/zip_hi interleave across the whole register instead of within
    // each 16-byte lane, which the register path below relies on: copy element by element.
    for (std::size_t c = 0; c < w; ++c)
      for (std::size_t r = 0; r < g; ++r) dst[c * dst_stride + r] = src[r * src_stride + c];
    return;
  } else if constexpr (g == 4) {
    using D = xsimd::batch<double, Arch>;
    const V r0 = V::load_aligned(src), r1 = V::load_aligned(src + src_stride),
            r2 = V::load_aligned(src + 2 * src_stride), r3 = V::load_aligned(src + 3 * src_stride);
    const D t0 = xsimd::bitwise_cast<D>(xsimd::zip_lo(r0, r1)),
            t1 = xsimd::bitwise_cast<D>(xsimd::zip_hi(r0, r1)),
            t2 = xsimd::bitwise_cast<D>(xsimd::zip_lo(r2, r3)),
            t3 = xsimd::bitwise_cast<D>(xsimd::zip_hi(r2, r3));
    // Lane L of column register q holds the four rows at column 4L + q.
    xsimd::bitwise_cast<V>(xsimd::zip_lo(t0, t2)).store_aligned(lanes[0]);
    xsimd::bitwise_cast<V>(xsimd::zip_hi(t0, t2)).store_aligned(lanes[1]);
    xsimd::bitwise_cast<V>(xsimd::zip_lo(t1, t3)).store_aligned(lanes[2]);
    xsimd::bitwise_cast<V>(xsimd::zip_hi(t1, t3)).store_aligned(lanes[3]);
  } else {
    static_assert(g == 2);
    const V r0 = V::load_aligned(src), r1 = V::load_aligned(src + src_stride);
    // Lane L of column register q holds the two rows at column 2L + q.
    xsimd::zip_lo(r0, r1).store_aligned(lanes[0]);
    xsimd::zip_hi(r0, r1).store_aligned(lanes[1]);
  }
  for (std::size_t lane = 0; lane < w / g; ++lane)
    for (std::size_t q = 0; q < g; ++q)
      std::memcpy(dst + (g * lane + q) * dst_stride, &lanes[q][g * lane], 16);
}

}  // namespace ctnn::simd
