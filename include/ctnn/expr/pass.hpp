#pragma once
/// @file
/// Pass expressions: the nodes in which a network's layer passes are written once
/// (nn/passes.hpp) and which both execution policies evaluate (expr/policy.hpp).
///
/// A pass computes one matrix, row by row: a layer's sums Z = X·W + b and activations
/// f(Z), the deltas of backpropagation (dZ·Wᵀ) ⊙ f′(Z), a weight gradient Xᵀ·dZ or a bias
/// gradient Σ dZ. Its operands are rows of values in place (a batch's inputs, a layer's Z, A
/// or dZ, the weights and biases inside a parameter block), whose row strides differ, so a
/// pass addresses its values by row and column (`cell`) instead of by one flat offset. The
/// element-wise part is the library's ordinary `node` (`ops::add`, an activation applied by
/// substitution, a symbolic derivative); the nodes here are the rest:
/// - `rows_of`: R × C values, rows `Stride` apart, read in place; `transposed` of one, as an
///   operand of a product;
/// - `row_of`: one row that every row of the pass reads (a bias);
/// - `matmul`: the product of two `rows_of`, the pass's kernel;
/// - `column_sums`: each column summed over the rows, the other kind of kernel;
/// - `stored_in`: a value that the pass also stores where training reads it later (Z).
/// Every pass holds exactly one kernel, and its value at a cell is the kernel's (`cell::sum`).

#include <ctnn/expr/node.hpp>
#include <ctnn/kernels/operand.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/tensor/shape.hpp>

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn::detail {

/// A position in a pass: row and column of the result, how many lanes from `col` on are
/// columns (lanes past `valid` are padding), and the pass's kernel value there.
template <class V>
struct cell {
  std::size_t row, col, valid;
  V sum;
};

/// The row or column count of a `rows_of` that is known only when the pass runs (a batch).
inline constexpr std::size_t run_time = 0;

/// What the pass nodes share with the other expression nodes (node.hpp's protocol): no
/// placeholder, no separate pass, and no alias check (a pass's operands and results are
/// separate buffers by construction). They are not `expression_base`s, so no operator takes
/// them: passes are built by name (`matrix_product`, `sum`, `times`, `make_node`). That also
/// keeps them small: an empty base shared with the node that holds them would need an
/// address of its own, and a one-sample pass whose objects carry padding was copied
/// through memory instead of registers, measured at 1.6× the time of `net(x)` on a small
/// network. For the same reason leaves and the nodes that hold them have different (empty)
/// bases: two subobjects of one empty type cannot share an address.
template <class T, bool Leaf = false>
struct pass_expression {
  using value_type = T;
  using shape_type = any_shape;
  static constexpr bool symbolic = false;
  static constexpr std::size_t passes = 0;
  static constexpr void prepare() noexcept {}
  [[nodiscard]] static constexpr bool reads(const memory_range&) noexcept { return false; }
};

/// A row count fixed at compile time, in no storage: it takes (and ignores) the count it
/// is initialised with, so that fixed and run-time counts are initialised alike.
template <std::size_t Rows>
struct fixed_count {
  constexpr fixed_count(std::size_t = Rows) noexcept {}  // NOLINT: converts like a size
  constexpr operator std::size_t() const noexcept { return Rows; }
};

/// `Rows` × `Cols` values at `data`, rows `Stride` apart (`Rows` may be `run_time`: then
/// `row_count` holds it; a fixed count takes no storage, which keeps a one-sample pass's
/// objects in registers). Read in place; `data` is aligned wherever a pack is loaded.
template <class T, std::size_t Rows, std::size_t Cols, std::size_t Stride>
struct rows_of : pass_expression<T, true> {
  const T* data;
  [[no_unique_address]] std::conditional_t<Rows == run_time, std::size_t, fixed_count<Rows>> row_count = Rows;

  static constexpr std::size_t fixed_rows = Rows, fixed_cols = Cols, cols = Cols, stride = Stride;
  static constexpr bool transposed = false;

  template <class V>
  [[nodiscard]] V eval(const cell<V>& p) const noexcept {
    return simd::load<V>(data + p.row * Stride + p.col);
  }
  [[nodiscard]] T value(std::size_t r, std::size_t c) const noexcept { return data[r * Stride + c]; }
  [[nodiscard]] std::size_t rows() const noexcept { return row_count; }
  [[nodiscard]] static constexpr std::size_t columns() noexcept { return Cols; }
  [[nodiscard]] kernels::operand<T> operand() const noexcept { return {data, Stride, false}; }
};

/// The transpose of a `rows_of`, as an operand of a product (the kernels read it in place).
template <class Rows>
struct transposed_rows {
  Rows of;

  using value_type = typename Rows::value_type;
  static constexpr std::size_t fixed_rows = Rows::fixed_cols, fixed_cols = Rows::fixed_rows;
  static constexpr bool transposed = true;

  [[nodiscard]] value_type value(std::size_t r, std::size_t c) const noexcept { return of.value(c, r); }
  [[nodiscard]] std::size_t rows() const noexcept { return Rows::fixed_cols; }
  [[nodiscard]] std::size_t columns() const noexcept { return of.rows(); }
  [[nodiscard]] kernels::operand<value_type> operand() const noexcept { return {of.data, Rows::stride, true}; }
};

template <class Rows>
[[nodiscard]] constexpr transposed_rows<Rows> transposed(const Rows& r) noexcept {
  return {r};
}

/// One row of `Cols` values at `data` (aligned) that every row of the pass reads: a bias.
template <class T, std::size_t Cols>
struct row_of : pass_expression<T, true> {
  const T* data;
  static constexpr std::size_t cols = Cols;

  template <class V>
  [[nodiscard]] V eval(const cell<V>& p) const noexcept {
    return simd::load<V>(data + p.col);
  }
  [[nodiscard]] static constexpr std::size_t rows() noexcept { return 0; }  // adapts
};

/// The product A·B of a pass: its kernel. Its value at a cell is the kernel's sum there.
template <class A, class B>
struct matmul : pass_expression<typename A::value_type> {
  A lhs;
  B rhs;

  static_assert(B::fixed_cols != run_time, "the columns of a pass are known at compile time");
  static constexpr std::size_t cols = B::fixed_cols;
  static constexpr std::size_t passes = 1;

  template <class V>
  [[nodiscard]] V eval(const cell<V>& p) const noexcept {
    return p.sum;
  }
  [[nodiscard]] std::size_t rows() const noexcept { return lhs.rows(); }
  /// The depth of the product: A's columns.
  [[nodiscard]] std::size_t depth() const noexcept { return lhs.columns(); }
};

template <class A, class B>
[[nodiscard]] constexpr matmul<A, B> matrix_product(const A& a, const B& b) noexcept {
  return {{}, a, b};
}

/// Σ over the rows of `of`, one row of `Cols` sums: the pass's kernel.
template <class Rows>
struct column_sums : pass_expression<typename Rows::value_type> {
  Rows of;

  static constexpr std::size_t cols = Rows::cols;
  static constexpr std::size_t passes = 1;

  template <class V>
  [[nodiscard]] V eval(const cell<V>& p) const noexcept {
    return p.sum;
  }
  [[nodiscard]] static constexpr std::size_t rows() noexcept { return 1; }
};

template <class Rows>
[[nodiscard]] constexpr column_sums<Rows> sum_over_rows(const Rows& r) noexcept {
  return {{}, r};
}

/// The value of `E`, also stored at each cell of the rows at `data` (`Stride` apart), with
/// the lanes past the columns kept zero: how the forward pass keeps Z for backpropagation
/// while it stores f(Z).
template <class E, std::size_t Stride>
struct stored_in : pass_expression<typename E::value_type> {
  using T = typename E::value_type;
  T* data;
  E value_of;

  static constexpr std::size_t passes = E::passes, stride = Stride;

  template <class V>
  [[nodiscard]] V eval(const cell<V>& p) const noexcept {
    const V v = value_of.template eval<V>(p);
    T* at = data + p.row * Stride + p.col;
    if constexpr (simd::is_pack<V>)
      kernels::store_row_part(at, v, p.valid);
    else
      *at = v;
    return v;
  }
  [[nodiscard]] std::size_t rows() const noexcept { return value_of.rows(); }
};

template <std::size_t Stride, class E>
[[nodiscard]] constexpr stored_in<E, Stride> store_also(typename E::value_type* data, const E& e) noexcept {
  return {{}, data, e};
}

// ---- Reading a pass's structure ----

template <class E>
inline constexpr bool is_pass_kernel = false;
template <class A, class B>
inline constexpr bool is_pass_kernel<matmul<A, B>> = true;
template <class R>
inline constexpr bool is_pass_kernel<column_sums<R>> = true;

/// Number of kernels (products and column sums) in `E`.
template <class E>
struct kernel_count : std::integral_constant<std::size_t, is_pass_kernel<E> ? 1 : 0> {};
template <class Op, class... Args>
struct kernel_count<node<Op, Args...>>
    : std::integral_constant<std::size_t, (kernel_count<Args>::value + ... + 0)> {};
template <class E, std::size_t S>
struct kernel_count<stored_in<E, S>> : kernel_count<E> {};

template <class E>
[[nodiscard]] constexpr const auto& pass_kernel(const E& e) noexcept;

template <class First, class... Rest>
[[nodiscard]] constexpr const auto& pass_kernel_in(const operands<First, Rest...>& o) noexcept {
  if constexpr (kernel_count<First>::value == 1)
    return pass_kernel(o.first);
  else
    return pass_kernel_in(o.rest);
}

/// The one kernel of pass `e` (precondition: `kernel_count<E>::value == 1`).
template <class E>
[[nodiscard]] constexpr const auto& pass_kernel(const E& e) noexcept {
  if constexpr (is_pass_kernel<E>)
    return e;
  else if constexpr (requires { e.value_of; })
    return pass_kernel(e.value_of);
  else
    return pass_kernel_in(e.args);
}

/// Columns of a pass expression's value (0 for a constant, which adapts).
template <class E>
inline constexpr std::size_t columns_of = [] {
  if constexpr (requires { E::cols; })
    return E::cols;
  else
    return std::size_t{0};
}();
template <class Op, class... Args>
inline constexpr std::size_t columns_of<node<Op, Args...>> = std::max({std::size_t{0}, columns_of<Args>...});
template <class E, std::size_t S>
inline constexpr std::size_t columns_of<stored_in<E, S>> = columns_of<E>;

}  // namespace ctnn::detail
