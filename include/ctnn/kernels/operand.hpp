#pragma once
/// @file
/// How kernels see matrices: a pointer, a row stride and an orientation. Kernels know
/// nothing of ctnn's tensor types, so they serve static tensors, batches and network
/// parameters alike.

#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <concepts>
#include <cstddef>
#include <type_traits>

namespace ctnn::kernels {

/// A read-only matrix operand of a product. Element `(i, k)` is `data[i * stride + k]`, or,
/// when `transposed`, `data[k * stride + i]` (the operand is the transpose of the row-major
/// matrix stored at `data`). `data` is aligned to `simd::alignment` and `stride` is a
/// multiple of `simd::block<T>`, as in every ctnn tensor.
template <class T>
struct operand {
  const T* data;
  std::size_t stride;
  bool transposed = false;

  [[nodiscard]] constexpr std::size_t offset(std::size_t i, std::size_t k) const noexcept {
    return transposed ? k * stride + i : i * stride + k;
  }
};

/// A size known when the program is compiled, as in `kernels::fixed<784>`. The kernels take
/// each size of a product as a `std::size_t` or as a fixed size; a fixed size lets them
/// compile only the ways of computing the product that it can take (a layer of 784 inputs
/// never runs the product of depth 1), which is most of what a product costs to compile.
template <std::size_t N>
inline constexpr std::integral_constant<std::size_t, N> fixed{};

/// A size of a product: a `std::size_t` (or another integer) known at run time, or `fixed<N>`.
template <class D>
concept dimension = std::convertible_to<D, std::size_t>;

namespace detail {

template <class D>
struct fixed_size {
  static constexpr bool known = false;
  static constexpr std::size_t value = 0;
};

template <std::size_t N>
struct fixed_size<std::integral_constant<std::size_t, N>> {
  static constexpr bool known = true;
  static constexpr std::size_t value = N;
};

/// Whether a size of type D can be `v` when the program runs.
template <class D>
inline constexpr bool may_be(std::size_t v) noexcept {
  return !fixed_size<D>::known || fixed_size<D>::value == v;
}

/// Whether a size of type D is `v` in every run (it is fixed to `v`).
template <class D>
inline constexpr bool always(std::size_t v) noexcept {
  return fixed_size<D>::known && fixed_size<D>::value == v;
}

}  // namespace detail

/// A writable row-major matrix: element `(i, j)` is `data[i * stride + j]`.
template <class T>
struct output {
  T* data;
  std::size_t stride;
};

/// Stores `value` at `p`, keeping lanes `valid` and above at zero: the padding of a row
/// stays zero even after an operation with f(0) != 0.
template <class V>
inline void store_row_part(simd::lane_t<V>* p, const V& value, std::size_t valid) noexcept {
  if (valid >= simd::lanes<V>)
    simd::store(p, value);
  else
    simd::store(p, simd::keep_first_lanes(value, valid));
}

/// The default epilogue: stores the result in the output matrix.
template <class T>
struct store_result {
  output<T> c;
  template <class V>
  void operator()(std::size_t row, std::size_t col, const V& sum, std::size_t valid) const noexcept {
    store_row_part(c.data + row * c.stride + col, sum, valid);
  }
};

}  // namespace ctnn::kernels
