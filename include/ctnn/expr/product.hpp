#pragma once
/// @file
/// The matrix product node (`W * a`, `A * B`) and `operator*`.
///
/// A product is not element-wise: it runs a kernel (`kernels::gemv`, `kernels::gemm`). When
/// an assignment's expression holds exactly one product, the rest of the expression becomes
/// the kernel's epilogue: `z = ctnn::sigmoid(W * a + b)` computes each pack of W·a in
/// registers, adds b, applies the sigmoid and stores once. Elsewhere (two products in one
/// expression, or a product that reads the tensor being assigned, as in `a = W * a`), the
/// product is first evaluated into storage of its own, so aliasing is always correct.

#include <ctnn/diagnostic.hpp>
#include <ctnn/expr/elementwise.hpp>
#include <ctnn/expr/node.hpp>
#include <ctnn/fwd.hpp>
#include <ctnn/kernels/gemm.hpp>
#include <ctnn/kernels/gemv.hpp>
#include <ctnn/tensor/matrix.hpp>
#include <ctnn/tensor/shape.hpp>
#include <ctnn/tensor/vector.hpp>

#include <cstddef>
#include <type_traits>

namespace ctnn {
namespace detail {

/// The position of an epilogue: a flat offset, plus the product's value there.
template <class V>
struct fused_position : at {
  V sum;
};

template <class T, class Shape>
struct tensor_for;
template <class T, std::size_t N>
struct tensor_for<T, shape<N>> {
  using type = vector<T, N>;
};
template <class T, std::size_t R, std::size_t C>
struct tensor_for<T, shape<R, C>> {
  using type = matrix<T, R, C>;
};

/// An operand of a product as a kernel needs it: contiguous storage. A tensor is used in
/// place; any other expression is evaluated into a temporary by `prepare()`.
template <class E>
struct product_operand {
  E expression;
  using value_type = typename E::value_type;
  mutable typename tensor_for<value_type, typename E::shape_type>::type value{};

  void prepare() const { value = expression; }
  [[nodiscard]] const value_type* data() const noexcept { return value.data(); }
  [[nodiscard]] bool reads(const memory_range& range) const noexcept {
    return expression.reads(range);
  }
};
template <class Tensor>
struct product_operand<tensor_ref<Tensor>> {
  tensor_ref<Tensor> expression;
  using value_type = typename Tensor::value_type;

  void prepare() const noexcept {}
  [[nodiscard]] const value_type* data() const noexcept { return expression.tensor->data(); }
  [[nodiscard]] bool reads(const memory_range& range) const noexcept {
    return expression.reads(range);
  }
};

template <class Shape>
inline constexpr bool is_matrix_shape = false;
template <std::size_t R, std::size_t C>
inline constexpr bool is_matrix_shape<shape<R, C>> = true;
template <class Shape>
inline constexpr bool is_static_shape = false;
template <std::size_t... D>
inline constexpr bool is_static_shape<shape<D...>> = true;

template <class Shape>
inline constexpr std::size_t leading_extent = 0;
template <std::size_t N, std::size_t... D>
inline constexpr std::size_t leading_extent<shape<N, D...>> = N;

/// The shape of `A * B` for A of shape R × K: `shape<R>` for a vector B, `shape<R, N>` for a
/// K × N matrix B.
template <std::size_t R, class B>
struct product_shape;
template <std::size_t R, std::size_t K>
struct product_shape<R, shape<K>> {
  using type = shape<R>;
};
template <std::size_t R, std::size_t K, std::size_t N>
struct product_shape<R, shape<K, N>> {
  using type = shape<R, N>;
};

/// A matrix times a vector or a matrix.
template <class L, class R>
struct product : expression_base {
  product_operand<L> lhs;
  product_operand<R> rhs;

  using value_type = typename L::value_type;
  using shape_type = typename product_shape<layout<typename L::shape_type>::rows,
                                             typename R::shape_type>::type;
  static constexpr bool symbolic = false;
  static constexpr std::size_t passes = 1;
  static constexpr std::size_t rows_ = layout<typename L::shape_type>::rows;
  static constexpr std::size_t inner = layout<typename L::shape_type>::cols;
  static constexpr bool matrix_result = is_matrix_shape<shape_type>;

  mutable typename tensor_for<value_type, shape_type>::type result{};

  template <class V>
  [[nodiscard]] V eval(at position) const noexcept {
    return result.template eval<V>(position);
  }
  template <class V>
  [[nodiscard]] V eval(const fused_position<V>& position) const noexcept {
    return position.sum;
  }
  /// Rows of the result: 1 for `W * a` (a vector), R for `A * B`.
  [[nodiscard]] static constexpr std::size_t rows() noexcept { return layout<shape_type>::rows; }
  [[nodiscard]] bool reads(const memory_range& range) const noexcept {
    return lhs.reads(range) || rhs.reads(range);
  }
  void prepare() const {
    prepare_operands();
    compute(kernels::store_result<value_type>{{result.data(), result.row_stride}},
            {result.data(), result.row_stride});
  }
  void prepare_operands() const {
    lhs.prepare();
    rhs.prepare();
  }
  /// Runs the kernel, handing each pack of the product to `epilogue`; `partial` receives
  /// partial sums when the inner dimension exceeds one block of the matrix kernel.
  template <class Epilogue>
  void compute(const Epilogue& epilogue, const kernels::output<value_type>& partial) const {
    using T = value_type;
    constexpr std::size_t lhs_stride = simd::padded_size<T, inner>;
    if constexpr (!std::is_same_v<T, typename R::value_type>) {
      // Operands of different scalar types, reported where the product was formed.
    } else if constexpr (!matrix_result) {
      kernels::gemv<T>(rows_, inner, {lhs.data(), lhs_stride}, rhs.data(), epilogue);
    } else {
      constexpr std::size_t cols = layout<shape_type>::cols;
      thread_local kernels::gemm_workspace<T> workspace;
      kernels::gemm<T>(rows_, kernels::fixed<cols>, kernels::fixed<inner>, {lhs.data(), lhs_stride},
                       {rhs.data(), simd::padded_size<T, cols>}, partial, workspace, epilogue);
    }
  }
};

/// Number of product nodes in expression `E` (outside the operands of other products).
template <class E>
struct product_count : std::integral_constant<std::size_t, 0> {};
template <class L, class R>
struct product_count<product<L, R>> : std::integral_constant<std::size_t, 1> {};
template <class Op, class... Args>
struct product_count<node<Op, Args...>>
    : std::integral_constant<std::size_t, (product_count<Args>::value + ... + 0)> {};

template <class E>
inline constexpr bool is_product = false;
template <class L, class R>
inline constexpr bool is_product<product<L, R>> = true;

template <class E>
[[nodiscard]] constexpr const auto& find_product(const E& e) noexcept;

template <class T, class... Rest>
[[nodiscard]] constexpr const auto& find_product_in(const operands<T, Rest...>& o) noexcept {
  if constexpr (product_count<T>::value == 1)
    return find_product(o.first);
  else
    return find_product_in(o.rest);
}

/// The one product node of `e` (precondition: `product_count<E>::value == 1`).
template <class E>
[[nodiscard]] constexpr const auto& find_product(const E& e) noexcept {
  if constexpr (is_product<E>)
    return e;
  else
    return find_product_in(e.args);
}

/// `*`: with a matrix on the left and a vector or matrix on the right, the matrix product
/// (`W * a`, `A * B`; the inner dimensions must agree, a compile-time check naming both
/// shapes); otherwise element-wise (two vectors, or a tensor and a scalar).
/// @throws ctnn::error when both sides are batches with different row counts.
template <detail::operand L, detail::operand R>
  requires(detail::expression_type<L> || detail::expression_type<R>)
[[nodiscard]] constexpr auto operator*(const L& l, const R& r) {
  using ls = detail::shape_of<L>;
  using rs = detail::shape_of<R>;
  if constexpr (detail::is_matrix_shape<ls> && detail::is_static_shape<rs>) {
    static_assert(diagnostic::matrix_product_of<ls>::template with<rs>::
                      template needs_columns_of_left_equal_to_rows_of_right<
                          detail::layout<ls>::cols, detail::leading_extent<rs>>::reported);
    static_assert(diagnostic::left_operand_holds<detail::value_of<L>>::template
                      but_right_operand_holds<detail::value_of<R>>::reported);
    using lo = detail::operand_t<L>;
    using ro = detail::operand_t<R>;
    return detail::product<lo, ro>{{}, {detail::as_operand(l)}, {detail::as_operand(r)}};
  } else {
    return detail::elementwise(detail::ops::multiply{}, l, r);
  }
}

}  // namespace detail

/// True when `L * R` is a matrix product whose inner dimensions agree.
template <class L, class R>
inline constexpr bool product_compatible_v = [] {
  if constexpr (detail::operand<L> && detail::operand<R>) {
    using ls = detail::shape_of<L>;
    using rs = detail::shape_of<R>;
    if constexpr (detail::is_matrix_shape<ls> && detail::is_static_shape<rs>)
      return detail::layout<ls>::cols == detail::leading_extent<rs> && detail::same_scalars<L, R>;
    else
      return false;
  } else {
    return false;
  }
}();

}  // namespace ctnn
