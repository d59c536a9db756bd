#pragma once
/// @file
/// The register tile of `kernels::gemm`, which both the blocked and the unblocked products
/// run, and the hooks through which a finished tile reaches a product's epilogue.

#include <ctnn/kernels/operand.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <cstddef>

namespace ctnn::kernels::detail {

/// acc[i][j] += Σ_{kk < k} A(i, kk) · B(kk, pack j) for R rows and P packs of C: per step of
/// depth, P loads of B, and per row one broadcast of A and P FMAs, all accumulators in
/// registers. A(i, kk) is at `a[i * a_row + kk * a_step]` and row kk of B at `b + kk * b_row`,
/// so one kernel reads packed panels (strides that are fixed sizes, which the compiler
/// folds into the addresses) and operands in place (strides of their storage, transposed
/// or not). Plain loops over constant bounds, unrolled by the compiler: cheaper to compile
/// than an index-sequence unroll, for every tile shape there is. Addresses are formed from
/// `kk` rather than by advancing pointers: in the in-place tiles, whose 14 rows at a run-time
/// stride take most general registers, g++ 12 then needs no separate loop counter (two
/// instructions fewer per step of depth, one of them a reload from the stack).
template <class V, std::size_t R, std::size_t P, dimension ARow, dimension AStep, dimension BRow>
inline void register_tile(std::size_t k, const simd::lane_t<V>* a, ARow a_row, AStep a_step,
                          const simd::lane_t<V>* b, BRow b_row, V (&acc)[R][P]) noexcept {
  constexpr std::size_t w = simd::lanes<V>;
  const std::size_t row = a_row, step = a_step, b_step = b_row;
  for (std::size_t kk = 0; kk < k; ++kk) {
    V bk[P];
#pragma GCC unroll 4
    for (std::size_t j = 0; j < P; ++j) bk[j] = simd::load<V>(b + kk * b_step + j * w);
#pragma GCC unroll 16
    for (std::size_t i = 0; i < R; ++i) {
      const V ai(a[i * row + kk * step]);
#pragma GCC unroll 4
      for (std::size_t j = 0; j < P; ++j) acc[i][j] = simd::fma(ai, bk[j], acc[i][j]);
    }
  }
}

/// What a product compiles of its own. The loops, packing and register tiles are compiled
/// once per scalar type and blocking and shared by every product of a program; they reach
/// the caller's epilogue only through `finish`, called once per tile, so a product adds a
/// loop into its epilogue to the program instead of a copy of the whole kernel.
template <class T>
struct tile_hooks {
  /// Receives the final sums of one tile (C's values already added where the product
  /// accumulates or kept partial sums in C): `rows` rows from `row0` and `packs` packs from
  /// column `col0`, pack (i, j) at `sums + (i * packs + j) * W`.
  void (*finish)(const void* state, std::size_t row0, std::size_t rows, std::size_t col0,
                 std::size_t packs, const T* sums);
  const void* state;
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

}  // namespace ctnn::kernels::detail
