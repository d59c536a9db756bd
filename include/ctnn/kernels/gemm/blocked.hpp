#pragma once
/// @file
/// The blocked `kernels::gemm` (Goto and van de Geijn, the BLIS layout): three loops block
/// the operands for the L3, L2 and L1 caches, pack each block (`gemm/pack.hpp`) and run the
/// register tile (`gemm/tile.hpp`) over the packed micro-panels. Compiled once per scalar
/// type, blocking and orientation of A, and shared by every product of a program.

#include <ctnn/kernels/gemm/blocking.hpp>
#include <ctnn/kernels/gemm/pack.hpp>
#include <ctnn/kernels/gemm/tile.hpp>
#include <ctnn/kernels/operand.hpp>
#include <ctnn/simd/pack.hpp>

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn::kernels::detail {

/// Calls `f(std::integral_constant<std::size_t, I>{})` for I = 0..N-1, unrolled.
template <std::size_t N, class F>
inline void unroll(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<N>{});
}

/// The cache-blocked, packed product. Partial sums of every depth block but the last go to
/// C; the last block's sums go to the caller's `finish`, through a tile-sized buffer that
/// stays in the L1 cache.
template <class V, class Blocking, a_layout Layout>
[[gnu::noinline]] void blocked_tiles(std::size_t m, std::size_t n, std::size_t k,
                                     const operand<simd::lane_t<V>>& a,
                                     const operand<simd::lane_t<V>>& b,
                                     const output<simd::lane_t<V>>& c, bool accumulate,
                                     gemm_workspace<simd::lane_t<V>>& workspace,
                                     const tile_hooks<simd::lane_t<V>>& hooks) {
  using T = simd::lane_t<V>;
  constexpr std::size_t mr = Blocking::mr, nr = Blocking::nr, packs = Blocking::packs;
  constexpr std::size_t w = simd::lanes<V>;
  constexpr std::size_t panel_size = a_panel_size<T, Blocking>;
  // The panel's strides (gemm/pack.hpp) as fixed sizes, folded into the tile's addresses.
  constexpr auto a_row = fixed<Layout == a_layout::rows ? a_row_stride<T, Blocking> : 1>;
  constexpr auto a_step = fixed<Layout == a_layout::rows ? 1 : mr>;
  const std::size_t nc_max = std::min(Blocking::nc, (n + nr - 1) / nr * nr);
  const std::size_t mc_max = std::min(Blocking::mc, (m + mr - 1) / mr * mr);
  auto [a_packed, b_packed] =
      workspace.reserve(mc_max / mr * panel_size + simd::block<T>, Blocking::kc * nc_max);
  alignas(simd::alignment) T sums[mr * packs * w];

  for (std::size_t jc = 0; jc < n; jc += Blocking::nc) {
    const std::size_t nc = std::min(Blocking::nc, n - jc);
    for (std::size_t pc = 0; pc < k; pc += Blocking::kc) {
      const std::size_t kc = std::min(Blocking::kc, k - pc);
      const bool add_c = pc > 0 || accumulate, last = pc + kc >= k;
      pack_b<V, Blocking>(b, n, pc, kc, jc, nc, b_packed);
      for (std::size_t ic = 0; ic < m; ic += Blocking::mc) {
        const std::size_t mc = std::min(Blocking::mc, m - ic);
        for (std::size_t ir = 0; ir < mc; ir += mr)
          pack_a_panel<V, Blocking, Layout>(a, m, ic + ir, pc, kc, a_packed + ir / mr * panel_size);
        for (std::size_t jr = 0; jr < nc; jr += nr) {
          const std::size_t col0 = jc + jr;
          const std::size_t valid_packs = std::min(packs, (n - col0 + w - 1) / w);
          for (std::size_t ir = 0; ir < mc; ir += mr) {
            V acc[mr][packs];
            unroll<mr>([&](auto i) { unroll<packs>([&](auto j) { acc[i][j] = V(T(0)); }); });
            register_tile(kc, a_packed + ir / mr * panel_size, a_row, a_step, b_packed + jr * kc,
                          fixed<nr>, acc);
            const std::size_t row0 = ic + ir, rows = std::min(mr, mc - ir);
            unroll<mr>([&](auto i) {
              unroll<packs>([&](auto j) {
                if (i >= rows || j >= valid_packs) return;
                T* cp = c.data + (row0 + i) * c.stride + col0 + j * w;
                V v = acc[i][j];
                if (add_c) v += simd::load<V>(cp);
                if (last)
                  simd::store(sums + (i * valid_packs + j) * w, v);
                else
                  store_row_part(cp, v, n - col0 - j * w);
              });
            });
            if (last) hooks.finish(hooks.state, row0, rows, col0, valid_packs, sums);
          }
        }
      }
    }
  }
}

}  // namespace ctnn::kernels::detail
