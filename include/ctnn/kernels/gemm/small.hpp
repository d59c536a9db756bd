#pragma once
/// @file
/// The products of `kernels::gemm` too small to pay for blocking: unblocked register tiles
/// over operands in place (a small B), the outer product (depth 1) and the matrix-vector
/// product (one column of B).

#include <ctnn/kernels/gemm/blocking.hpp>
#include <ctnn/kernels/gemm/pack.hpp>
#include <ctnn/kernels/gemm/tile.hpp>
#include <ctnn/kernels/operand.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <algorithm>
#include <cstddef>

namespace ctnn::kernels::detail {

/// One register tile of the unblocked product: R rows × P packs of C over the whole depth,
/// A read in place (`a_stride` apart, in its layout), B's row kk at `b + kk * b_row`; the
/// sums go to `out` (R rows of P packs). A tile knows nothing of the epilogue, so each
/// (R, P, layout) is compiled once per program, not once per product.
template <class V, std::size_t R, std::size_t P, a_layout Layout>
[[gnu::noinline]] void direct_tile(std::size_t k, const simd::lane_t<V>* a, std::size_t a_stride,
                                   const simd::lane_t<V>* b, std::size_t b_row,
                                   simd::lane_t<V>* out) noexcept {
  using T = simd::lane_t<V>;
  constexpr std::size_t w = simd::lanes<V>;
  V acc[R][P];
#pragma GCC unroll 16
  for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (std::size_t j = 0; j < P; ++j) acc[i][j] = V(T(0));
  if constexpr (Layout == a_layout::rows)
    register_tile(k, a, a_stride, fixed<1>, b, b_row, acc);
  else
    register_tile(k, a, fixed<1>, a_stride, b, b_row, acc);
#pragma GCC unroll 16
  for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (std::size_t j = 0; j < P; ++j) simd::store(out + (i * P + j) * w, acc[i][j]);
}

/// Runs the tile of `rows` (`MaxRows` or 1) rows and `packs` (`MaxPacks` or 1) packs: four
/// shapes per layout, so that few are compiled.
template <class V, std::size_t MaxRows, std::size_t MaxPacks, a_layout Layout>
void run_direct_tile(std::size_t rows, std::size_t packs, std::size_t k, const simd::lane_t<V>* a,
                     std::size_t a_stride, const simd::lane_t<V>* b, std::size_t b_row,
                     simd::lane_t<V>* out) noexcept {
  const auto with_rows = [&]<std::size_t R>() {
    if (packs == MaxPacks)
      direct_tile<V, R, MaxPacks, Layout>(k, a, a_stride, b, b_row, out);
    else
      direct_tile<V, R, 1, Layout>(k, a, a_stride, b, b_row, out);
  };
  if (rows == MaxRows)
    with_rows.template operator()<MaxRows>();
  else
    with_rows.template operator()<1>();
}

/// The unblocked product, for products small enough to stay in the L1 and L2 caches:
/// register tiles over the whole depth read A in place and B in place when it is row-major;
/// only a transposed B is copied first, into panels of `Blocking::nr` columns. Packing
/// would cost as much as the product itself here (a layer of 64 units on a batch of 32),
/// and the tiles fit the product: `mr` rows at a time, then 1, so a product of one row runs
/// one row, not `mr`. Each tile's sums go to the caller's `finish`.
template <class V, class Blocking>
[[gnu::noinline]] void direct_tiles(std::size_t m, std::size_t n, std::size_t k,
                                    const operand<simd::lane_t<V>>& a, const operand<simd::lane_t<V>>& b,
                                    const output<simd::lane_t<V>>& c, bool accumulate,
                                    gemm_workspace<simd::lane_t<V>>& workspace,
                                    const tile_hooks<simd::lane_t<V>>& hooks) {
  using T = simd::lane_t<V>;
  constexpr std::size_t w = simd::lanes<V>, nr = Blocking::nr, mr = Blocking::mr;
  constexpr std::size_t max_packs = Blocking::packs;
  const T* b_data = b.data;
  std::size_t b_row = b.stride;
  if (b.transposed) {
    const std::size_t n_panels = (n + nr - 1) / nr * nr;
    T* packed = workspace.reserve(0, k * n_panels).second;
    pack_b<V, Blocking>(b, n, 0, k, 0, n_panels, packed);
    b_data = packed;
    b_row = nr;
  }
  alignas(simd::alignment) T sums[mr * max_packs * w];
  const std::size_t n_packs = (n + w - 1) / w;
  for (std::size_t p0 = 0; p0 < n_packs; p0 += max_packs) {
    // A full tile of max_packs packs, or single packs at the end of the row.
    const std::size_t packs = std::min(max_packs, n_packs - p0);
    const std::size_t tile_packs = packs == max_packs ? max_packs : 1;
    for (std::size_t i0 = 0; i0 < m;) {
      const std::size_t rows = m - i0 >= mr ? mr : 1;
      const T* a0 = a.data + a.offset(i0, 0);
      for (std::size_t q = p0; q < p0 + packs; q += tile_packs) {
        // Column q·w of B: in place, or in its panel (a tile never straddles two panels).
        const T* bt = b.transposed ? b_data + q * w / nr * nr * k + q * w % nr : b_data + q * w;
        if (a.transposed)
          run_direct_tile<V, mr, max_packs, a_layout::columns>(rows, tile_packs, k, a0, a.stride, bt,
                                                               b_row, sums);
        else
          run_direct_tile<V, mr, max_packs, a_layout::rows>(rows, tile_packs, k, a0, a.stride, bt,
                                                            b_row, sums);
        if (accumulate)
          for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < tile_packs; ++j) {
              T* sum = sums + (i * tile_packs + j) * w;
              simd::store(sum, simd::load<V>(sum) + simd::load<V>(c.data + (i0 + i) * c.stride + (q + j) * w));
            }
        hooks.finish(hooks.state, i0, rows, q * w, tile_packs, sums);
      }
      i0 += rows;
    }
  }
}

/// Copies `count` values `step` apart from `data` into `out`, zero-padded to whole packs:
/// B's one row or one column, made contiguous for the depth-1 and one-column products.
template <class T>
inline void gather_padded(const T* data, std::size_t count, std::size_t step, T* out) noexcept {
  for (std::size_t i = 0; i < simd::padded<T>(count); ++i) out[i] = i < count ? data[i * step] : T(0);
}

/// The product of depth 1, an outer product: C(i, ·) = A(i, 0) · B(0, ·). B's one row is
/// read in place (gathered first when B is transposed). A register tile of this product is
/// a few multiplications, less than the call that would hand it to a shared epilogue loop,
/// so each product compiles this short loop with its epilogue inlined, as for one column.
template <class V, class Epilogue>
void outer_product(std::size_t m, std::size_t n, const operand<simd::lane_t<V>>& a,
                   const operand<simd::lane_t<V>>& b, const output<simd::lane_t<V>>& c,
                   Epilogue epilogue, bool accumulate, gemm_workspace<simd::lane_t<V>>& workspace) {
  using T = simd::lane_t<V>;
  constexpr std::size_t w = simd::lanes<V>;
  const T* row = b.data;
  if (b.transposed) {
    T* gathered = workspace.reserve(0, simd::padded<T>(n)).second;
    gather_padded(b.data, n, b.stride, gathered);
    row = gathered;
  }
  for (std::size_t i = 0; i < m; ++i) {
    const V ai(a.data[a.offset(i, 0)]);
    for (std::size_t j = 0; j < n; j += w) {
      V v = ai * simd::load<V>(row + j);
      if (accumulate) v += simd::load<V>(c.data + i * c.stride + j);
      epilogue(i, j, v, n - j);
    }
  }
}

/// C = op(A) · B for a B of one column (a layer with one output): a matrix-vector product,
/// on which the register tile would waste all but one of its columns. B's column is
/// gathered once, zero-padded; each row of a row-major A is then one dot product (A's
/// padding lanes meet the column's zeros), and a transposed A is summed row by row (an
/// axpy per element of the column).
template <class V, a_layout Layout, class Epilogue>
void gemm_one_column(std::size_t m, std::size_t k, const operand<simd::lane_t<V>>& a,
                     const operand<simd::lane_t<V>>& b, const output<simd::lane_t<V>>& c,
                     Epilogue epilogue, bool accumulate, gemm_workspace<simd::lane_t<V>>& workspace) {
  using T = simd::lane_t<V>;
  constexpr std::size_t w = simd::lanes<V>;
  auto [column, sums] = workspace.reserve(simd::padded<T>(k), simd::padded<T>(m));
  gather_padded(b.data, k, b.transposed ? 1 : b.stride, column);
  if constexpr (Layout == a_layout::rows) {
    for (std::size_t i = 0; i < m; ++i) {
      const T* row = a.data + i * a.stride;
      V acc(T(0));
      for (std::size_t j = 0; j < k; j += w)
        acc = simd::fma(simd::load<V>(row + j), simd::load<V>(column + j), acc);
      sums[i] = simd::sum(acc);
    }
  } else {
    for (std::size_t i = 0; i < m; i += w) simd::store(sums + i, V(T(0)));
    for (std::size_t j = 0; j < k; ++j) {
      const T* row = a.data + j * a.stride;
      const V factor(column[j]);
      for (std::size_t i = 0; i < m; i += w)
        simd::store(sums + i, simd::fma(simd::load<V>(row + i), factor, simd::load<V>(sums + i)));
    }
  }
  for (std::size_t i = 0; i < m; ++i) {
    const T sum = accumulate ? sums[i] + c.data[i * c.stride] : sums[i];
    epilogue(i, std::size_t{0}, simd::keep_first_lanes(V(sum), 1), std::size_t{1});
  }
}

}  // namespace ctnn::kernels::detail
