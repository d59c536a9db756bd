#pragma once
/// @file
/// Matrix-vector product y = op(A) · x and column sums, with the same fused epilogue as
/// `gemm`: the kernels of inference (one sample) and of bias gradients.

#include <ctnn/kernels/operand.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <algorithm>
#include <cstddef>
#include <utility>

namespace ctnn::kernels {

namespace detail {

/// Bytes of data the first-level cache holds on the processors ctnn targets (32 to 48 KiB).
inline constexpr std::size_t l1_bytes = 32 * 1024;

/// Runs `f.template operator()<P>(first_pack)` over `packs` packs in chunks of at most
/// `Max` packs (then Max/2, ..., 1), so each chunk's accumulators are a fixed-size array
/// that stays in registers. A fixed count compiles only the chunk sizes it needs.
template <std::size_t Max, class Count, class F>
inline void for_pack_chunks(Count packs, F&& f) {
  if constexpr (fixed_size<Count>::known) {
    constexpr std::size_t total = fixed_size<Count>::value, whole = total / Max * Max;
    if constexpr (whole > 0)
      for (std::size_t p = 0; p < whole; p += Max) f.template operator()<Max>(p);
    if constexpr (Max > 1 && whole < total)
      for_pack_chunks<Max / 2>(fixed<total - whole>, [&]<std::size_t P>(std::size_t q) {
        f.template operator()<P>(whole + q);
      });
  } else {
    std::size_t p = 0;
    for (; p + Max <= packs; p += Max) f.template operator()<Max>(p);
    if constexpr (Max > 1) {
      if (p < packs) for_pack_chunks<Max / 2>(packs - p, [&]<std::size_t P>(std::size_t q) {
          f.template operator()<P>(p + q);
        });
    }
  }
}

/// The number of packs of `size` values: fixed when `size` is.
template <class V, class D>
inline constexpr auto pack_count(D size) noexcept {
  constexpr std::size_t w = simd::lanes<V>;
  if constexpr (fixed_size<D>::known)
    return fixed<(fixed_size<D>::value + w - 1) / w>;
  else
    return (static_cast<std::size_t>(size) + w - 1) / w;
}

}  // namespace detail

/// y = op(A) · x for an m × k operand `a` and a vector `x` of k elements (padded, with zero
/// padding), handing each pack of y to `epilogue(0, i, sum, valid)` as `gemm` does. `m` may
/// be a fixed size (`kernels::fixed<M>`): then only the loops for that size are compiled.
/// - A row-major (`a.transposed == false`): each y(i) is a dot product of a row with x;
///   one pack of rows is reduced at a time by a transposed horizontal sum.
/// - A transposed (A(i, k) stored at `data[k * stride + i]`): y is accumulated as
///   Σ_k x(k) · (row k of the storage), with no horizontal sum at all.
///
/// @code
/// // z = W · a + b, one fused pass (W is m × k, row-major):
/// kernels::gemv<float>(m, k, {W, W_stride}, a, [&](auto, auto i, auto sum, auto valid) {
///   kernels::store_row_part(z + i, sum + simd::load<decltype(sum)>(b + i), valid);
/// });
/// @endcode
template <simd::scalar T, class Arch = simd::default_arch, class Epilogue, dimension M = std::size_t>
void gemv(M m_, std::size_t k, const operand<T>& a, const T* x, const Epilogue& epilogue) {
  using V = simd::pack<T, Arch>;
  constexpr std::size_t w = simd::lanes<V>;
  const std::size_t m = m_;
  if (!a.transposed) {
    const std::size_t k_padded = simd::padded<T>(k);
    for (std::size_t i0 = 0; i0 < m; i0 += w) {
      // w rows at once; rows past m repeat the last row and are masked by `valid`.
      const T* rows[w];
      for (std::size_t i = 0; i < w; ++i) rows[i] = a.data + std::min(i0 + i, m - 1) * a.stride;
      V acc[w];
      for (auto& s : acc) s = V(T(0));
      for (std::size_t kk = 0; kk < k_padded; kk += w) {
        const V xv = simd::load<V>(x + kk);
        for (std::size_t i = 0; i < w; ++i) acc[i] = simd::fma(simd::load<V>(rows[i] + kk), xv, acc[i]);
      }
      epilogue(std::size_t{0}, i0, simd::transpose_sum(acc), m - i0);
    }
  } else {
    const auto packs = detail::pack_count<V>(m_);
    // A matrix beyond the L1 cache is read a short run per storage row (P packs of a long
    // row), which the hardware prefetcher follows too late: the run `ahead` rows below is
    // requested in advance (mlp_infer's first layer, 400 KiB from L2, 15 % faster).
    constexpr std::size_t chunk = 8, ahead = 8, line = simd::alignment;  // alignment: a line
    const bool streams = k * a.stride * sizeof(T) > detail::l1_bytes;
    detail::for_pack_chunks<chunk>(packs, [&]<std::size_t P>(std::size_t first) {
      // Each accumulator is a chain of dependent FMAs; with few packs of y, U chains per
      // pack over interleaved k keep about eight FMAs in flight (latency 4 × 2 ports),
      // which is what bounds a small layer.
      constexpr std::size_t U = P >= 8 ? 1 : P >= 4 ? 2 : 4;
      V acc[U][P];
      for (auto& chain : acc)
        for (auto& s : chain) s = V(T(0));
      const std::size_t full = k / U * U;
      for (std::size_t kk = 0; kk < full; kk += U)
        for (std::size_t u = 0; u < U; ++u) {
          // Formed inside the loop: with k = 0, `a.data` may be null (an empty matrix).
          const T* column = a.data + (kk + u) * a.stride + first * w;
          const V xk(x[kk + u]);
          if (P == chunk && streams)
            for (std::size_t byte = 0; byte < P * w * sizeof(T); byte += line)
              simd::prefetch(column, ahead * a.stride * sizeof(T) + byte);
          for (std::size_t p = 0; p < P; ++p) acc[u][p] = simd::fma(xk, simd::load<V>(column + p * w), acc[u][p]);
        }
      for (std::size_t kk = full; kk < k; ++kk) {
        const T* column = a.data + kk * a.stride + first * w;
        const V xk(x[kk]);
        for (std::size_t p = 0; p < P; ++p) acc[0][p] = simd::fma(xk, simd::load<V>(column + p * w), acc[0][p]);
      }
      for (std::size_t p = 0; p < P; ++p) {
        for (std::size_t u = 1; u < U; ++u) acc[0][p] += acc[u][p];
        epilogue(std::size_t{0}, (first + p) * w, acc[0][p], m - (first + p) * w);
      }
    });
  }
}

/// Column sums of an m × n row-major matrix `a` (not transposed): s(j) = Σ_i A(i, j),
/// handed to `epilogue(0, j, sum, valid)` one pack at a time. With m = 0 every sum is 0.
/// `n` may be a fixed size, as in `gemv`.
///
/// @code
/// // db = Σ over the batch of dZ:
/// kernels::sum_rows<float>(batch, n, {dz, stride}, kernels::store_result<float>{{db, 0}});
/// @endcode
template <simd::scalar T, class Arch = simd::default_arch, class Epilogue, dimension N = std::size_t>
void sum_rows(std::size_t m, N n_, const operand<T>& a, const Epilogue& epilogue) {
  using V = simd::pack<T, Arch>;
  constexpr std::size_t w = simd::lanes<V>;
  const std::size_t n = n_;
  detail::for_pack_chunks<8>(detail::pack_count<V>(n_), [&]<std::size_t P>(std::size_t first) {
    V acc[P];
    for (auto& s : acc) s = V(T(0));
    for (std::size_t i = 0; i < m; ++i) {
      // Formed inside the loop: with m = 0, `a.data` may be null (an empty matrix).
      const T* row = a.data + i * a.stride + first * w;
      for (std::size_t p = 0; p < P; ++p) acc[p] += simd::load<V>(row + p * w);
    }
    for (std::size_t p = 0; p < P; ++p)
      epilogue(std::size_t{0}, (first + p) * w, acc[p], n - (first + p) * w);
  });
}

}  // namespace ctnn::kernels
