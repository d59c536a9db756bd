#pragma once
/// @file
/// Static shapes. A shape is a type, so two tensors of different shapes are different types
/// and every size check happens at compile time, except the row count of a batch.

#include <cstddef>
#include <type_traits>

namespace ctnn {

/// The shape of a static tensor: `shape<N>` for a vector of `N` elements, `shape<R, C>` for
/// a matrix of `R` rows and `C` columns. The names of these types appear in compile errors
/// about mismatched operands ("left operand has ctnn::shape<10>").
template <std::size_t... Dims>
struct shape {};

/// The shape of a batch: a runtime number of rows, each of `Cols` elements. Element-wise
/// operations on two batches check their row counts at run time.
template <std::size_t Cols>
struct batch_shape {};

/// The shape of an expression that adapts to any other: a scalar, or an expression of the
/// placeholder `ctnn::x` before it is applied.
struct any_shape {};

namespace detail {

/// Row-major layout of a shape: `rows` stored rows (0 for a batch: known at run time) of
/// `cols` logical elements each. A vector is one row.
template <class Shape>
struct layout;
template <std::size_t N>
struct layout<shape<N>> {
  static constexpr std::size_t rows = 1, cols = N;
};
template <std::size_t R, std::size_t C>
struct layout<shape<R, C>> {
  static constexpr std::size_t rows = R, cols = C;
};
template <std::size_t C>
struct layout<batch_shape<C>> {
  static constexpr std::size_t rows = 0, cols = C;
};

template <class Shape>
inline constexpr bool is_batch_shape = false;
template <std::size_t C>
inline constexpr bool is_batch_shape<batch_shape<C>> = true;

/// The shape of an element-wise combination of two shapes, or `void` when they differ.
template <class A, class B>
struct common_shape {
  using type = std::conditional_t<std::is_same_v<A, B>, A, void>;
};
template <class B>
struct common_shape<any_shape, B> {
  using type = B;
};
template <class A>
struct common_shape<A, any_shape> {
  using type = A;
};
template <>
struct common_shape<any_shape, any_shape> {
  using type = any_shape;
};

}  // namespace detail
}  // namespace ctnn
