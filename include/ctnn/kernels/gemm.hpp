#pragma once
/// @file
/// Matrix product C = op(A) · op(B) with a fused prologue and epilogue: a cache-blocked,
/// register-tiled kernel in the layout of Goto and van de Geijn (BLIS). The three loops
/// around the micro-kernel block for the caches; packing copies each block into the order
/// the micro-kernel reads; the micro-kernel keeps an MR × NR tile of C in registers,
/// broadcasting one element of A and multiplying it with NR/W packs of B by FMA.
///
/// The hooks are what makes the kernel "fused":
/// - the prologue transforms A while it is packed (each value is read once anyway), for
///   example dZ = dA ⊙ f′(Z) in backpropagation;
/// - the epilogue receives each finished pack of C and stores what it wants, for example
///   f(C + b), or both C + b and f(C + b), or an optimizer step on the weights.
///
/// The loops and tiles are compiled once per scalar type and shared by every product; each
/// product compiles only its hooks (`tile_hooks`), which receive a finished tile from an L1
/// buffer. Products of depth 1 or of one column compile a short loop of their own instead.

#include <ctnn/kernels/operand.hpp>
#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/simd/transpose.hpp>

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn::kernels {

/// Blocking of the product for one scalar type and instruction set.
/// - `mr` × `nr` is the register tile (`nr` = `packs` × the pack width): `mr * packs`
///   accumulators plus `packs` loads and one broadcast fill the vector registers;
/// - `kc` is the depth of a block: a kc × nr micro-panel of B stays in the L1 cache;
/// - `mc` rows of A (an mc × kc block, in L2) are packed at a time;
/// - `nc` columns of B (a kc × nc block, in L3) are packed at a time.
template <simd::scalar T, class Arch = simd::default_arch>
struct gemm_blocking {
  static constexpr std::size_t registers = simd::register_count<Arch>;
  static constexpr std::size_t packs = 2;
  static constexpr std::size_t mr = registers == 32 ? 14 : 6;
  static constexpr std::size_t nr = packs * simd::width<T, Arch>;
  static constexpr std::size_t kc = 256;
  static constexpr std::size_t mc = mr * 12;
  static constexpr std::size_t nc = 4096;
  /// Products whose B has at most this many elements (64 KB of float: it stays in the L2
  /// cache while the tiles of A pass over it) and whose depth is between 2 and `kc` skip
  /// blocking and packing (`direct_tiles`). Measured on the training steps of a 784-128-64-10
  /// network (batch 64) and of a 1-64-1 network (batch 32): 3 % and 9 % faster per step. A
  /// depth of 1 (an outer product) has a loop of its own (`outer_product`).
  static constexpr std::size_t direct_b_size = 16384;
};

/// Reusable memory for the packed blocks of `gemm`. It grows on first use to the largest
/// product it has served and never shrinks, so a training loop that keeps one workspace
/// allocates only in its first step.
template <simd::scalar T>
class gemm_workspace {
 public:
  gemm_workspace() = default;

  /// Buffers of at least `a_size` and `b_size` elements (allocating only to grow).
  std::pair<T*, T*> reserve(std::size_t a_size, std::size_t b_size) {
    if (a_.size() < a_size) a_ = simd::aligned_buffer<T>(a_size);
    if (b_.size() < b_size) b_ = simd::aligned_buffer<T>(b_size);
    return {a_.data(), b_.data()};
  }

 private:
  simd::aligned_buffer<T> a_, b_;
};

namespace detail {

/// Calls `f(std::integral_constant<std::size_t, I>{})` for I = 0..N-1, unrolled.
template <std::size_t N, class F>
inline void unroll(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<N>{});
}

/// Layout of a packed micro-panel of A (mr rows × kc columns).
/// - rows: row `i` at `i * stride` (A was row-major: a contiguous copy per row). The stride
///   is kc plus one block, so the mr rows do not all fall in one set of the L1 cache.
/// - columns: column `k` at `k * mr` (A was transposed: a contiguous copy per column).
enum class a_layout { rows, columns };

template <simd::scalar T, class Blocking>
inline constexpr std::size_t a_row_stride = Blocking::kc + simd::block<T>;

template <simd::scalar T, class Blocking>
inline constexpr std::size_t a_panel_size = Blocking::mr * a_row_stride<T, Blocking>;

/// The register tile: acc[i][j] += A(i, k) * B(k, j-th pack) for k < kc.
template <class V, class Blocking, a_layout Layout>
inline void micro_kernel(std::size_t kc, const simd::lane_t<V>* a, const simd::lane_t<V>* b,
                         V (&acc)[Blocking::mr][Blocking::packs]) noexcept {
  using T = simd::lane_t<V>;
  constexpr std::size_t mr = Blocking::mr, packs = Blocking::packs, w = simd::lanes<V>;
  constexpr std::size_t a_row = Layout == a_layout::rows ? a_row_stride<T, Blocking> : 1;
  constexpr std::size_t a_col = Layout == a_layout::rows ? 1 : mr;
  for (std::size_t k = 0; k < kc; ++k) {
    V bk[packs];
    unroll<packs>([&](auto j) { bk[j] = simd::load<V>(b + j * w); });
    unroll<mr>([&](auto i) {
      const V ai(a[i * a_row]);
      unroll<packs>([&](auto j) { acc[i][j] = simd::fma(ai, bk[j], acc[i][j]); });
    });
    a += a_col;
    b += Blocking::nr;
  }
}

/// Packs rows [i0, i0 + mr) × columns [k0, k0 + kc) of A into one micro-panel, applying the
/// prologue; rows at or beyond `m` are zero.
template <class V, class Blocking, a_layout Layout, class Prologue>
inline void pack_a_panel(const operand<simd::lane_t<V>>& a, std::size_t m, std::size_t i0,
                         std::size_t k0, std::size_t kc, simd::lane_t<V>* panel,
                         const Prologue& prologue) noexcept {
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
      const std::size_t base = (i0 + i) * a.stride + k0;
      for (std::size_t k = 0; k < kc; k += w) {
        const V v = prologue(simd::load<V>(a.data + base + k), base + k);
        simd::store(dst + k, simd::keep_first_lanes(v, kc - k));
      }
    }
  } else {
    // A is stored transposed: column k of the panel is contiguous in memory at row k0 + k.
    for (std::size_t k = 0; k < kc; ++k) {
      const std::size_t base = (k0 + k) * a.stride + i0;
      T* dst = panel + k * mr;
      std::size_t i = 0;
      // Full packs while they stay within the stored row (the padding is readable). A pack
      // may reach past the panel's mr rows into the next column, which is written after it
      // (the last column spills into the workspace's slack).
      for (; i < mr && i0 + i + w <= a.stride; i += w) {
        const V v = prologue(simd::load_unaligned<V>(a.data + base + i), base + i);
        simd::store_unaligned(dst + i, simd::keep_first_lanes(v, m > i0 + i ? m - i0 - i : 0));
      }
      for (; i < mr; ++i)
        dst[i] = i0 + i < m ? prologue(a.data[base + i], base + i) : T(0);
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

/// What a product compiles of its own. The loops, packing and register tiles are compiled
/// once per scalar type and blocking and shared by every product of a program; they reach
/// the caller's epilogue and prologue only through these two functions, called once per
/// tile and once per packed panel, so a product adds a loop into its epilogue (and, with a
/// prologue, a packing loop) to the program instead of a copy of the whole kernel.
template <class T>
struct tile_hooks {
  /// Receives the final sums of one tile (C's values already added where the product
  /// accumulates or kept partial sums in C): `rows` rows from `row0` and `packs` packs from
  /// column `col0`, pack (i, j) at `sums + (i * packs + j) * W`.
  void (*finish)(const void* state, std::size_t row0, std::size_t rows, std::size_t col0,
                 std::size_t packs, const T* sums);
  const void* finish_state;
  /// Packs rows [i0, i0 + mr) × columns [k0, k0 + kc) of A into one micro-panel through the
  /// prologue (`pack_a_panel`).
  void (*pack_a)(const void* prologue, const operand<T>& a, std::size_t m, std::size_t i0,
                 std::size_t k0, std::size_t kc, T* panel);
  const void* prologue;
};

/// Hands a tile's sums to the epilogue. The epilogue is copied into the call: the copy (a
/// few pointers) stays in registers, where members read through a reference would be read
/// again after every store, since a SIMD store may alias anything. Adding C is left to the
/// shared loops, so that this, the one loop each product compiles, has no branch a
/// compiler would unswitch into two copies of the epilogue.
template <class V, class Epilogue>
struct finish_through {
  using T = simd::lane_t<V>;
  const Epilogue* epilogue;
  std::size_t n;

  static void finish(const void* state, std::size_t row0, std::size_t rows, std::size_t col0,
                     std::size_t packs, const T* sums) {
    const auto& self = *static_cast<const finish_through*>(state);
    const Epilogue epilogue = *self.epilogue;
    // Not unrolled: a tile is at most mr × packs calls, and unrolled copies of the epilogue
    // only cost compile time (clang's optimisation of the five workload models' epilogue
    // loops: 1.2 s unrolled, 0.2 s not; their steps ran no slower).
#pragma GCC unroll 1
    for (std::size_t i = 0; i < rows; ++i)
#pragma GCC unroll 1
      for (std::size_t j = 0; j < packs; ++j) {
        const std::size_t col = col0 + j * simd::lanes<V>;
        epilogue(row0 + i, col, simd::load<V>(sums + (i * packs + j) * simd::lanes<V>), self.n - col);
      }
  }
};

/// Packs a micro-panel of A through the prologue at `prologue` (copied, as the epilogue
/// is). A product without a prologue shares the instantiation for `unchanged`.
template <class V, class Blocking, class Prologue>
void pack_a_through(const void* prologue, const operand<simd::lane_t<V>>& a, std::size_t m,
                    std::size_t i0, std::size_t k0, std::size_t kc, simd::lane_t<V>* panel) {
  const Prologue copy = *static_cast<const Prologue*>(prologue);
  if (a.transposed)
    pack_a_panel<V, Blocking, a_layout::columns>(a, m, i0, k0, kc, panel, copy);
  else
    pack_a_panel<V, Blocking, a_layout::rows>(a, m, i0, k0, kc, panel, copy);
}

/// The cache-blocked, packed product: the loops around the micro-kernel. Partial sums of
/// every depth block but the last go to C; the last block's sums go to the caller's
/// `finish`, through a tile-sized buffer that stays in the L1 cache.
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
  const std::size_t nc_max = std::min(Blocking::nc, (n + nr - 1) / nr * nr);
  const std::size_t mc_max = std::min(Blocking::mc, (m + mr - 1) / mr * mr);
  auto [a_packed, b_packed] =
      workspace.reserve(mc_max / mr * a_panel_size<T, Blocking> + simd::block<T>,
                        Blocking::kc * nc_max);
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
          hooks.pack_a(hooks.prologue, a, m, ic + ir, pc, kc,
                       a_packed + ir / mr * a_panel_size<T, Blocking>);
        for (std::size_t jr = 0; jr < nc; jr += nr) {
          const std::size_t col0 = jc + jr;
          const std::size_t valid_packs = std::min(packs, (n - col0 + w - 1) / w);
          for (std::size_t ir = 0; ir < mc; ir += mr) {
            V acc[mr][packs];
            unroll<mr>([&](auto i) { unroll<packs>([&](auto j) { acc[i][j] = V(T(0)); }); });
            micro_kernel<V, Blocking, Layout>(kc, a_packed + ir / mr * a_panel_size<T, Blocking>,
                                              b_packed + jr * kc, acc);
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
            if (last) hooks.finish(hooks.finish_state, row0, rows, col0, valid_packs, sums);
          }
        }
      }
    }
  }
}

/// One register tile of the unblocked product: R rows × P packs of C = Σ_k A(i, k) · B(k, ·)
/// over the whole depth, A read in place (a broadcast per element), B's row kk at
/// `b + kk * b_row`; the sums go to `out` (R rows of P packs). A tile knows nothing of the
/// epilogue, so each (R, P, layout) is compiled once per program, not once per product.
template <class V, std::size_t R, std::size_t P, a_layout Layout>
[[gnu::noinline]] void direct_tile(std::size_t k, const simd::lane_t<V>* a, std::size_t a_stride,
                                   const simd::lane_t<V>* b, std::size_t b_row,
                                   simd::lane_t<V>* out) noexcept {
  using T = simd::lane_t<V>;
  constexpr std::size_t w = simd::lanes<V>;
  // Plain loops over constant bounds, unrolled by the compiler: cheaper to compile than
  // `unroll`, and these are instantiated for every tile shape.
  V acc[R][P];
#pragma GCC unroll 16
  for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (std::size_t j = 0; j < P; ++j) acc[i][j] = V(T(0));
  for (std::size_t kk = 0; kk < k; ++kk) {
    V bk[P];
#pragma GCC unroll 4
    for (std::size_t j = 0; j < P; ++j) bk[j] = simd::load<V>(b + kk * b_row + j * w);
#pragma GCC unroll 16
    for (std::size_t i = 0; i < R; ++i) {
      const V ai(Layout == a_layout::rows ? a[i * a_stride + kk] : a[kk * a_stride + i]);
#pragma GCC unroll 4
      for (std::size_t j = 0; j < P; ++j) acc[i][j] = simd::fma(ai, bk[j], acc[i][j]);
    }
  }
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
/// one row, not `mr`. Each tile's sums go to the caller's `finish`; there is no prologue.
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
        hooks.finish(hooks.finish_state, i0, rows, q * w, tile_packs, sums);
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
/// gathered once; each row of a row-major A is then one dot product, and a transposed A is
/// summed row by row (an axpy per element of the column).
template <class V, a_layout Layout, class Epilogue, class Prologue>
void gemm_one_column(std::size_t m, std::size_t k, const operand<simd::lane_t<V>>& a,
                     const operand<simd::lane_t<V>>& b, const output<simd::lane_t<V>>& c,
                     Epilogue epilogue, Prologue prologue, bool accumulate,
                     gemm_workspace<simd::lane_t<V>>& workspace) {
  using T = simd::lane_t<V>;
  constexpr std::size_t w = simd::lanes<V>;
  auto [column, sums] = workspace.reserve(simd::padded<T>(k), simd::padded<T>(m));
  gather_padded(b.data, k, b.transposed ? 1 : b.stride, column);
  if constexpr (Layout == a_layout::rows) {
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t base = i * a.stride;
      V acc(T(0));
      for (std::size_t j = 0; j < k; j += w)
        acc = simd::fma(simd::keep_first_lanes(prologue(simd::load<V>(a.data + base + j), base + j), k - j),
                        simd::load<V>(column + j), acc);
      sums[i] = simd::sum(acc);
    }
  } else {
    for (std::size_t i = 0; i < m; i += w) simd::store(sums + i, V(T(0)));
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t base = j * a.stride;
      const V factor(column[j]);
      for (std::size_t i = 0; i < m; i += w)
        simd::store(sums + i, simd::fma(prologue(simd::load<V>(a.data + base + i), base + i), factor,
                                        simd::load<V>(sums + i)));
    }
  }
  for (std::size_t i = 0; i < m; ++i) {
    const T sum = accumulate ? sums[i] + c.data[i * c.stride] : sums[i];
    epilogue(i, std::size_t{0}, simd::keep_first_lanes(V(sum), 1), std::size_t{1});
  }
}

}  // namespace detail

/// Computes C = op(A) · op(B) for an m × k operand `a` and a k × n operand `b`, and hands
/// each finished pack of C to `epilogue(row, col, sum, valid)`, where `sum` holds
/// C(row, col .. col + W) and lanes `valid` and above belong to no column (they must end
/// up zero wherever the epilogue stores them: `store_row_part` does that). The default
/// epilogue stores into `c`.
///
/// - `prologue(value, offset)` transforms each value of A as it is packed; `offset` is the
///   value's position in `a.data` (a pack of values for a pack), so the prologue can read a
///   second matrix of the same layout, as dA ⊙ f′(Z) reads Z.
/// - With `accumulate`, the sum starts from the values in `c` (C += A·B).
/// - When k exceeds the block depth, partial sums are kept in `c` between blocks, so `c`
///   must be writable even if the epilogue stores elsewhere; for k ≤ `kc` it is read only
///   with `accumulate`.
///
/// The product runs one of four ways, all with the same hooks: a matrix-vector product when
/// n = 1; an outer product when k = 1 (without a prologue); unblocked register tiles over A
/// and B in place when B is small (`direct_b_size`); otherwise the blocked, packed kernel.
/// `n` and `k` may be fixed sizes (`kernels::fixed<N>`, as a network passes its layers'
/// sizes): then only the ways those sizes can take are compiled.
///
/// Preconditions: the rows of A, B and C are aligned and padded as in ctnn tensors, with
/// strides that are multiples of `simd::block<T>`; C does not overlap A or B.
///
/// @code
/// // Z = X · W + b for a batch X (rows = samples) and weights W stored input-major:
/// kernels::gemm<float>(batch, outputs, inputs, {x, x_stride}, {w, w_stride}, {z, z_stride},
///                      workspace, [&](auto row, auto col, auto sum, auto valid) {
///                        kernels::store_row_part(z + row * z_stride + col,
///                                                sum + load(bias + col), valid);
///                      });
/// @endcode
template <simd::scalar T, class Arch = simd::default_arch, class Blocking = gemm_blocking<T, Arch>,
          class Epilogue = store_result<T>, class Prologue = unchanged, dimension N = std::size_t,
          dimension K = std::size_t>
void gemm(std::size_t m, N n_, K k_, const operand<T>& a, const operand<T>& b, const output<T>& c,
          gemm_workspace<T>& workspace, const Epilogue& epilogue, const Prologue& prologue = {},
          bool accumulate = false) {
  using V = simd::pack<T, Arch>;
  using detail::always, detail::may_be;
  constexpr bool plain_a = std::is_same_v<Prologue, unchanged>;
  const std::size_t n = n_, k = k_;
  if (m == 0 || n == 0) return;
  if constexpr (may_be<K>(0)) {
    if (k == 0) {
      // An empty sum: C keeps its values with `accumulate`, else becomes zero.
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; j += simd::lanes<V>) {
          const V v = accumulate ? simd::load<V>(c.data + i * c.stride + j) : V(T(0));
          epilogue(i, j, v, n - j);
        }
      return;
    }
  }
  if constexpr (may_be<N>(1)) {
    if (n == 1) {
      if (a.transposed)
        detail::gemm_one_column<V, detail::a_layout::columns>(m, k, a, b, c, epilogue, prologue,
                                                              accumulate, workspace);
      else
        detail::gemm_one_column<V, detail::a_layout::rows>(m, k, a, b, c, epilogue, prologue,
                                                           accumulate, workspace);
      return;
    }
  }
  if constexpr (plain_a && may_be<K>(1) && !always<N>(1)) {
    if (k == 1) {
      detail::outer_product<V>(m, n, a, b, c, epilogue, accumulate, workspace);
      return;
    }
  }
  if constexpr (!always<N>(1) && !always<K>(0) && !(plain_a && always<K>(1))) {
    const detail::finish_through<V, Epilogue> finish{&epilogue, n};
    const detail::tile_hooks<T> hooks{&finish.finish, &finish,
                                      &detail::pack_a_through<V, Blocking, Prologue>, &prologue};
    if constexpr (plain_a) {
      if (k <= Blocking::kc && k * n <= Blocking::direct_b_size) {
        detail::direct_tiles<V, Blocking>(m, n, k, a, b, c, accumulate, workspace, hooks);
        return;
      }
    }
    if (a.transposed)
      detail::blocked_tiles<V, Blocking, detail::a_layout::columns>(m, n, k, a, b, c, accumulate,
                                                                    workspace, hooks);
    else
      detail::blocked_tiles<V, Blocking, detail::a_layout::rows>(m, n, k, a, b, c, accumulate,
                                                                 workspace, hooks);
  }
}

/// C = op(A) · op(B), stored into `c` (see the general overload).
template <simd::scalar T, class Arch = simd::default_arch>
void gemm(std::size_t m, std::size_t n, std::size_t k, const operand<T>& a, const operand<T>& b,
          const output<T>& c, gemm_workspace<T>& workspace) {
  gemm<T, Arch>(m, n, k, a, b, c, workspace, store_result<T>{c});
}

/// Grows `workspace` to what any `gemm` of at most `m` rows, `n` columns and depth `k` needs,
/// on every path, so that such products allocate nothing afterwards: a trainer reserves its
/// products' workspace in its constructor, and no step allocates.
template <simd::scalar T, class Arch = simd::default_arch, class Blocking = gemm_blocking<T, Arch>>
void reserve_workspace(gemm_workspace<T>& workspace, std::size_t m, std::size_t n, std::size_t k) {
  constexpr std::size_t mr = Blocking::mr, nr = Blocking::nr;
  const std::size_t n_panels = (n + nr - 1) / nr * nr;
  const std::size_t mc_max = std::min(Blocking::mc, (m + mr - 1) / mr * mr);
  // Packed A (blocked) or B's gathered column (one column); packed B (blocked, or direct
  // with a transposed B), B's gathered row (depth 1) or the column's sums (one column).
  const std::size_t a = std::max(mc_max / mr * detail::a_panel_size<T, Blocking> + simd::block<T>,
                                 simd::padded<T>(k));
  const std::size_t b = std::max({Blocking::kc * std::min(Blocking::nc, n_panels),
                                  std::min(k, Blocking::kc) * n_panels, simd::padded<T>(n), simd::padded<T>(m)});
  workspace.reserve(a, b);
}

}  // namespace ctnn::kernels
