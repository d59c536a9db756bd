#pragma once
/// @file
/// The SIMD vocabulary of ctnn: the pack type of the build's instruction set, the padding
/// rule every tensor follows, aligned loads and stores, and the prefetch hint. This folder is
/// the only place in ctnn that names xsimd; everything else speaks of `simd::pack<T>` and the
/// functions here.

// g++ before 13 warns that the deliberately undefined source operand of its own AVX-512
// intrinsics (`_mm512_undefined_ps()`) is uninitialised wherever they are inlined (GCC PR
// 105593). The pragmas hold for code inlined from the headers included between them, so a
// program that includes ctnn first builds without those false warnings and needs no flag.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop
#else
#include <xsimd/xsimd.hpp>
#endif

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctnn::simd {

/// The scalar types ctnn computes with.
template <class T>
concept scalar = std::same_as<T, float> || std::same_as<T, double>;

namespace detail {
/// xsimd 8.1's AVX-512BW `select` on integers casts its operands to vector types with
/// intrinsics that g++ defines as macros when it does not optimise, and that cast does not
/// compile. AVX-512DQ has every instruction ctnn uses on float, double and int32 (AVX-512BW
/// adds only 8- and 16-bit lanes), so an unoptimised g++ build uses it instead: a Debug build
/// keeps 512-bit registers and needs no flag from the user.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__OPTIMIZE__)
using chosen_arch = std::conditional_t<std::is_same_v<xsimd::default_arch, xsimd::avx512bw>,
                                       xsimd::avx512dq, xsimd::default_arch>;
#else
using chosen_arch = xsimd::default_arch;
#endif
}  // namespace detail

/// The instruction set chosen at compile time: the best one the compiler flags enable
/// (AVX-512 with `-march=native` on a machine that has it, SSE2 on a generic x86-64 build).
using default_arch = detail::chosen_arch;

/// A SIMD register of `T` for instruction set `Arch`: `pack<float>` holds 16 floats under
/// AVX-512 and 4 under SSE2. Arithmetic operators work lane by lane.
template <scalar T, class Arch = default_arch>
using pack = xsimd::batch<T, Arch>;

/// Number of lanes of `pack<T, Arch>`.
template <scalar T, class Arch = default_arch>
inline constexpr std::size_t width = pack<T, Arch>::size;

/// Alignment of every tensor and buffer, in bytes: the widest register ctnn targets
/// (AVX-512) and one cache line. It does not depend on the instruction set, so a tensor's
/// layout is the same in translation units compiled for different architectures.
inline constexpr std::size_t alignment = 64;

/// Number of `T` in one aligned block (16 floats, 8 doubles).
template <scalar T>
inline constexpr std::size_t block = alignment / sizeof(T);

/// `N` rounded up to a whole number of aligned blocks: the stored length of a row of `N`
/// elements. Every pack width divides it, so loops over a padded row need no scalar tail.
/// The padding lanes hold zeros (each tensor keeps them so).
template <scalar T, std::size_t N>
inline constexpr std::size_t padded_size = (N + block<T> - 1) / block<T> * block<T>;

/// Runtime form of `padded_size`.
template <scalar T>
constexpr std::size_t padded(std::size_t n) noexcept {
  return (n + block<T> - 1) / block<T> * block<T>;
}

/// Number of architectural vector registers of `Arch` (32 with AVX-512, 16 before): the
/// budget that register-tiled kernels size their accumulator tiles against.
template <class Arch = default_arch>
inline constexpr std::size_t register_count = std::is_base_of_v<xsimd::avx512f, Arch> ? 32 : 16;

/// True for `pack<T, Arch>` types, false for scalars. Element-wise code is written once for
/// both: a scalar is a pack of one lane.
template <class V>
inline constexpr bool is_pack = xsimd::is_batch<V>::value;

namespace detail {
template <class V, bool = is_pack<V>>
struct lane_type {
  using type = V;
};
template <class V>
struct lane_type<V, true> {
  using type = typename V::value_type;
};
}  // namespace detail

/// The scalar type of one lane of `V` (`V` itself for a scalar).
template <class V>
using lane_t = typename detail::lane_type<V>::type;

/// Number of lanes of `V` (1 for a scalar).
template <class V>
inline constexpr std::size_t lanes = [] {
  if constexpr (is_pack<V>)
    return V::size;
  else
    return std::size_t{1};
}();

/// Loads `lanes<V>` values from `p`, which must be aligned to the width of `V`.
template <class V>
[[nodiscard]] inline V load(const lane_t<V>* p) noexcept {
  if constexpr (is_pack<V>)
    return V::load_aligned(p);
  else
    return *p;
}

/// Loads `lanes<V>` values from `p`, which may have any alignment.
template <class V>
[[nodiscard]] inline V load_unaligned(const lane_t<V>* p) noexcept {
  if constexpr (is_pack<V>)
    return V::load_unaligned(p);
  else
    return *p;
}

/// Stores `v` to `p`, which must be aligned to the width of `V`.
template <class V>
inline void store(lane_t<V>* p, const V& v) noexcept {
  if constexpr (is_pack<V>)
    v.store_aligned(p);
  else
    *p = v;
}

/// Stores `v` to `p`, which may have any alignment.
template <class V>
inline void store_unaligned(lane_t<V>* p, const V& v) noexcept {
  if constexpr (is_pack<V>)
    v.store_unaligned(p);
  else
    *p = v;
}

/// Asks the cache to fetch, for reading soon, the line `bytes_ahead` bytes after `base`. It
/// changes no result, and does nothing where the compiler has no prefetch builtin. The
/// address may lie past the end of `base`'s array (it is computed as an integer, and a
/// prefetch of any address is harmless). For streams that the hardware prefetcher follows
/// too late on its own, such as a weight matrix read a short run per row.
inline void prefetch([[maybe_unused]] const void* base,
                     [[maybe_unused]] std::size_t bytes_ahead) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  const std::uintptr_t address = reinterpret_cast<std::uintptr_t>(base) + bytes_ahead;
  __builtin_prefetch(reinterpret_cast<const void*>(address));
#endif
}

/// `V` with every lane equal to `value`.
template <class V, class S>
[[nodiscard]] inline V broadcast(S value) noexcept {
  return V(static_cast<lane_t<V>>(value));
}

}  // namespace ctnn::simd
