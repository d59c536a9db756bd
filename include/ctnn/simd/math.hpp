#pragma once
/// @file
/// Element-wise math on packs and scalars alike, through xsimd. Every function takes a `V`
/// that is either `simd::pack<T>` or `T` itself, so an expression is written once and then
/// evaluated in SIMD loops, in scalar reference code, or at compile time for one value.

#include <ctnn/simd/pack.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctnn::simd {

/// `a * b + c`, with one rounding where the instruction set has FMA.
template <class V>
[[nodiscard]] inline V fma(const V& a, const V& b, const V& c) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::fma(a, b, c);
  else
    return std::fma(a, b, c);
}

/// Lane-wise `cond ? a : b`; `cond` is the result of a comparison of two `V`.
template <class C, class V>
[[nodiscard]] inline V select(const C& cond, const V& a, const V& b) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::select(cond, a, b);
  else
    return cond ? a : b;
}

/// Lane-wise minimum. If a lane of either operand is NaN, the result lane is unspecified
/// between the two (as for the hardware instruction).
template <class V>
[[nodiscard]] inline V min(const V& a, const V& b) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::min(a, b);
  else
    return b < a ? b : a;
}

/// Lane-wise maximum (NaN as for `min`).
template <class V>
[[nodiscard]] inline V max(const V& a, const V& b) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::max(a, b);
  else
    return a < b ? b : a;
}

/// Lane-wise absolute value.
template <class V>
[[nodiscard]] inline V abs(const V& a) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::abs(a);
  else
    return std::abs(a);
}

/// Lane-wise e^a.
template <class V>
[[nodiscard]] inline V exp(const V& a) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::exp(a);
  else
    return std::exp(a);
}

/// Lane-wise logistic function 1 / (1 + e^−a): exactly 0 below −88 and 1 above 88 (where
/// e^∓a leaves float's range), NaN for NaN.
///
/// For float packs e^−a is computed here rather than by `exp`: the activation of a sigmoid
/// layer is most of its training step, and here one clamp and one select replace the range
/// checks at both ends that `exp` makes. e^−a = 2^n · e^r with n = round(−a / ln 2) and
/// |r| ≤ ln 2 / 2 (ln 2 split in two so that r is exact), e^r by its Taylor polynomial of
/// degree 7 (truncation below 10⁻⁸), 2^n assembled in the exponent bits. Measured against
/// double on [−100, 100]: relative error below 1.4·10⁻⁷, as with xsimd's `exp`.
template <class V>
[[nodiscard]] inline V sigmoid(const V& a) noexcept {
  if constexpr (is_pack<V> && std::is_same_v<lane_t<V>, float>) {
    using I = xsimd::batch<std::int32_t, typename V::arch_type>;
    const V x = xsimd::min(V(88.0f), a);  // NaN stays NaN (min returns its second operand)
    const V n = xsimd::nearbyint(x * V(-1.44269504088896341f));
    const V r = xsimd::fma(n, V(-1.428606765330187045e-06f), xsimd::fma(n, V(-0.693145751953125f), -x));
    V p(1.0f / 5040);
    for (const float c : {1.0f / 720, 1.0f / 120, 1.0f / 24, 1.0f / 6, 0.5f, 1.0f, 1.0f}) p = xsimd::fma(p, r, V(c));
    const V two_to_n = xsimd::bitwise_cast<V>((xsimd::to_int(n) + I(127)) << 23);
    return xsimd::select(x < V(-88.0f), V(0.0f), V(1.0f) / xsimd::fma(p, two_to_n, V(1.0f)));
  } else {
    return V(1) / (V(1) + exp(-a));
  }
}

/// Lane-wise natural logarithm.
template <class V>
[[nodiscard]] inline V log(const V& a) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::log(a);
  else
    return std::log(a);
}

/// Lane-wise hyperbolic tangent.
template <class V>
[[nodiscard]] inline V tanh(const V& a) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::tanh(a);
  else
    return std::tanh(a);
}

/// Lane-wise square root.
template <class V>
[[nodiscard]] inline V sqrt(const V& a) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::sqrt(a);
  else
    return std::sqrt(a);
}

/// Sum of the lanes of `a`.
template <class V>
[[nodiscard]] inline lane_t<V> sum(const V& a) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::hadd(a);
  else
    return a;
}

/// Largest lane of `a`.
template <class V>
[[nodiscard]] inline lane_t<V> largest(const V& a) noexcept {
  if constexpr (is_pack<V>) {
    alignas(alignment) lane_t<V> lanes_of_a[V::size];
    a.store_aligned(lanes_of_a);
    lane_t<V> m = lanes_of_a[0];
    for (std::size_t i = 1; i < V::size; ++i) m = lanes_of_a[i] > m ? lanes_of_a[i] : m;
    return m;
  } else {
    return a;
  }
}

/// Pack whose lane `i` is the sum of the lanes of `rows[i]`, for `i < width`: the
/// horizontal sums of `width` packs at once, cheaper than `width` calls of `sum`.
template <class V>
[[nodiscard]] inline V transpose_sum(const V* rows) noexcept {
  if constexpr (is_pack<V> && std::is_same_v<lane_t<V>, float> && V::size == 16) {
    // xsimd's AVX-512 haddp for float (8.1, and the same code upstream) returns the sums of
    // rows 2, 3, 10, 11 in lanes 4, 5, 12, 13 and the other way round. The swap is its own
    // inverse, so handing it the rows in swapped order puts each sum in its own lane.
    // tests/simd/math.cpp checks the lane order.
    const V swapped[16] = {rows[0], rows[1], rows[4],  rows[5],  rows[2],  rows[3],
                           rows[6], rows[7], rows[8],  rows[9],  rows[12], rows[13],
                           rows[10], rows[11], rows[14], rows[15]};
    return xsimd::haddp(swapped);
  } else if constexpr (is_pack<V>) {
    return xsimd::haddp(rows);
  } else {
    return rows[0];
  }
}

/// True when every lane of `a` is finite (neither infinite nor NaN).
template <class V>
[[nodiscard]] inline bool all_finite(const V& a) noexcept {
  if constexpr (is_pack<V>)
    return xsimd::all(xsimd::isfinite(a));
  else
    return std::isfinite(a);
}

namespace detail {
template <scalar T>
struct lane_indices {
  alignas(alignment) static constexpr std::array<T, block<T>> values = [] {
    std::array<T, block<T>> v{};
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<T>(i);
    return v;
  }();
};
}  // namespace detail

/// Lanes below `n` from `a`, the others from `otherwise` (`n` may exceed the width).
template <class V>
[[nodiscard]] inline V first_lanes_or(const V& a, std::size_t n, const V& otherwise) noexcept {
  if constexpr (is_pack<V>) {
    using T = lane_t<V>;
    if (n >= V::size) return a;
    const V index = V::load_aligned(detail::lane_indices<T>::values.data());
    return xsimd::select(index < V(static_cast<T>(n)), a, otherwise);  // n < 16: exact in T
  } else {
    return n > 0 ? a : otherwise;
  }
}

/// `a` with lanes `n` and above set to zero (`n` may exceed the width: then `a` unchanged).
/// Keeps the padding lanes of a row zero after an operation with f(0) != 0.
template <class V>
[[nodiscard]] inline V keep_first_lanes(const V& a, std::size_t n) noexcept {
  return first_lanes_or(a, n, V(lane_t<V>(0)));
}

}  // namespace ctnn::simd
