#pragma once
/// @file
/// Matrix product C = op(A) · op(B) with a fused epilogue: `kernels::gemm`, which chooses
/// how a product runs, and `reserve_workspace`. The ways live in `gemm/`, split as Eigen
/// splits its product:
/// - `gemm/blocking.hpp`: the register tile's and the cache blocks' sizes, the workspace;
/// - `gemm/pack.hpp`: blocks of A and B copied into the order the register tile reads;
/// - `gemm/tile.hpp`: the register tile (an MR × NR tile of C in registers, one element of A
///   broadcast against NR/W packs of B by FMA), shared by packed and in-place operands, and
///   the hooks that hand its sums to the epilogue;
/// - `gemm/small.hpp`: unblocked tiles over operands in place, depth 1, one column;
/// - `gemm/blocked.hpp`: the cache-blocked loops (Goto and van de Geijn, the BLIS layout).
///
/// The epilogue is what makes the kernel "fused": it receives each finished pack of C and
/// stores what it wants, for example f(C + b), or both C + b and f(C + b), or an optimizer
/// step on the weights, or the incoming gradient times f′(Z) in backpropagation.
///
/// The loops and tiles are compiled once per scalar type and shared by every product; each
/// product compiles only its epilogue loop (`tile_hooks`), which receives a finished tile
/// from an L1 buffer. Products of depth 1 or of one column compile a short loop of their
/// own instead.

#include <ctnn/kernels/gemm/blocked.hpp>
#include <ctnn/kernels/gemm/blocking.hpp>
#include <ctnn/kernels/gemm/pack.hpp>
#include <ctnn/kernels/gemm/small.hpp>
#include <ctnn/kernels/gemm/tile.hpp>
#include <ctnn/kernels/operand.hpp>
#include <ctnn/simd/pack.hpp>

#include <algorithm>
#include <cstddef>

namespace ctnn::kernels {

/// Computes C = op(A) · op(B) for an m × k operand `a` and a k × n operand `b`, and hands
/// each finished pack of C to `epilogue(row, col, sum, valid)`, where `sum` (a
/// `simd::pack<T, Arch>`) holds C(row, col) .. C(row, col + W − 1) and, when `valid` < W,
/// lanes `valid` and above belong to no column (they must end up zero wherever the epilogue
/// stores them: `store_row_part` does that). The default epilogue stores into `c`.
///
/// - With `accumulate`, the sum starts from the values in `c` (C += A·B).
/// - When k exceeds the block depth, partial sums are kept in `c` between blocks, so `c`
///   must be writable even if the epilogue stores elsewhere; for k ≤ `kc` it is read only
///   with `accumulate`.
///
/// The product runs one of four ways, all with the same epilogue: a matrix-vector product
/// when n = 1; an outer product when k = 1; unblocked register tiles over A and B in place
/// when B is small (`direct_b_size`); otherwise the blocked, packed kernel.
/// `n` and `k` may be fixed sizes (`kernels::fixed<N>`, as a network passes its layers'
/// sizes): then only the ways those sizes can take are compiled.
///
/// Preconditions: the rows of A, B and C are aligned and padded as in ctnn tensors, with
/// strides that are multiples of `simd::block<T>`; C does not overlap A or B.
///
/// @code
/// // Z = X · W + b for a batch X (rows = samples) and weights W stored input-major, b padded
/// // and aligned as a row of Z:
/// kernels::gemm_workspace<float> workspace;
/// auto epilogue = [&](std::size_t row, std::size_t col, const auto& sum, std::size_t valid) {
///   using V = std::remove_cvref_t<decltype(sum)>;
///   kernels::store_row_part(z + row * z_stride + col, sum + simd::load<V>(bias + col), valid);
/// };
/// kernels::gemm<float>(batch, outputs, inputs, {x, x_stride}, {w, w_stride}, {z, z_stride},
///                      workspace, epilogue);
/// @endcode
template <simd::scalar T, class Arch = simd::default_arch, class Blocking = gemm_blocking<T, Arch>,
          class Epilogue = store_result<T>, dimension N = std::size_t, dimension K = std::size_t>
void gemm(std::size_t m, N n_, K k_, const operand<T>& a, const operand<T>& b, const output<T>& c,
          gemm_workspace<T>& workspace, const Epilogue& epilogue, bool accumulate = false) {
  using V = simd::pack<T, Arch>;
  using detail::always, detail::may_be;
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
        detail::gemm_one_column<V, detail::a_layout::columns>(m, k, a, b, c, epilogue, accumulate,
                                                              workspace);
      else
        detail::gemm_one_column<V, detail::a_layout::rows>(m, k, a, b, c, epilogue, accumulate,
                                                           workspace);
      return;
    }
  }
  if constexpr (may_be<K>(1) && !always<N>(1)) {
    if (k == 1) {
      detail::outer_product<V>(m, n, a, b, c, epilogue, accumulate, workspace);
      return;
    }
  }
  if constexpr (!always<N>(1) && !always<K>(0) && !always<K>(1)) {
    const detail::finish_through<V, Epilogue> finish{&epilogue, n};
    const detail::tile_hooks<T> hooks{&finish.finish, &finish};
    if (k <= Blocking::kc && k * n <= Blocking::direct_b_size) {
      detail::direct_tiles<V, Blocking>(m, n, k, a, b, c, accumulate, workspace, hooks);
      return;
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
