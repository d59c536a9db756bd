#pragma once
/// @file
/// Element-wise operators and functions on expressions: `+ - * /`, unary minus,
/// `ctnn::min`, `ctnn::max`. Each builds a node; nothing is computed until the expression
/// is assigned to a tensor, which then runs one SIMD loop.

#include <ctnn/diagnostic.hpp>
#include <ctnn/error.hpp>
#include <ctnn/expr/node.hpp>
#include <ctnn/expr/ops.hpp>
#include <ctnn/fwd.hpp>
#include <ctnn/tensor/shape.hpp>

#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn {

namespace detail {

template <class E>
using shape_of = typename operand_t<E>::shape_type;
template <class E>
using value_of = typename operand_t<E>::value_type;

/// `A`, or `B` when `A` adapts: what a checked operand is compared against.
template <class A, class B>
using resolved_t = std::conditional_t<std::is_same_v<A, any_shape> || std::is_void_v<A>, B, A>;

template <class L, class R>
inline constexpr bool same_shapes =
    std::is_same_v<resolved_t<shape_of<L>, shape_of<R>>, resolved_t<shape_of<R>, shape_of<L>>>;
template <class L, class R>
inline constexpr bool same_scalars =
    std::is_same_v<resolved_t<value_of<L>, value_of<R>>, resolved_t<value_of<R>, value_of<L>>>;
/// `ctnn::x` stands for the input of an activation; it cannot meet a tensor.
template <class E>
inline constexpr bool mixes_placeholder_and_tensor =
    E::symbolic && !std::is_same_v<typename E::shape_type, any_shape>;

/// The checks of an element-wise operation on `L` and `R`, with messages in the user's
/// terms, then the node.
template <class Op, class L, class R>
[[nodiscard]] constexpr auto elementwise(Op op, const L& l, const R& r) {
  static_assert(diagnostic::left_operand_has<resolved_t<shape_of<L>, shape_of<R>>>::
                    template but_right_operand_has<resolved_t<shape_of<R>, shape_of<L>>>::reported);
  static_assert(diagnostic::left_operand_holds<resolved_t<value_of<L>, value_of<R>>>::
                    template but_right_operand_holds<resolved_t<value_of<R>, value_of<L>>>::reported);
  using result = node<Op, operand_t<L>, operand_t<R>>;
  static_assert(!mixes_placeholder_and_tensor<result>,
                "ctnn::x stands for the input of an activation (ctnn::activation<expr>); "
                "it cannot be combined with a tensor");
  const auto left = as_operand(l);
  const auto right = as_operand(r);
  if constexpr (!same_shapes<L, R> || !same_scalars<L, R>) {
    // After the error above, one operand stands for the result: no errors follow from it.
    if constexpr (expression_type<L>)
      return left;
    else
      return right;
  } else {
    if constexpr (is_batch_shape<shape_of<L>> && is_batch_shape<shape_of<R>>) {
      if (left.rows() != right.rows())
        throw error("element-wise operation on batches of " + std::to_string(left.rows()) +
                    " and " + std::to_string(right.rows()) + " rows");
    }
    return make_node(op, left, right);
  }
}

template <class Op, class E>
[[nodiscard]] constexpr auto elementwise(Op op, const E& e) {
  return make_node(op, as_operand(e));
}

// The operators live in ctnn::detail, the namespace of every expression's base class, so
// argument-dependent lookup finds them for tensors, nodes and ctnn::x alike.

/// Element-wise sum. Either side may be a scalar (`a + 1.0f`).
/// @throws ctnn::error when both sides are batches with different row counts.
template <detail::operand L, detail::operand R>
  requires(detail::expression_type<L> || detail::expression_type<R>)
[[nodiscard]] constexpr auto operator+(const L& l, const R& r) {
  return detail::elementwise(detail::ops::add{}, l, r);
}

/// Element-wise difference.
/// @throws ctnn::error when both sides are batches with different row counts.
template <detail::operand L, detail::operand R>
  requires(detail::expression_type<L> || detail::expression_type<R>)
[[nodiscard]] constexpr auto operator-(const L& l, const R& r) {
  return detail::elementwise(detail::ops::subtract{}, l, r);
}

/// Element-wise quotient.
/// @throws ctnn::error when both sides are batches with different row counts.
template <detail::operand L, detail::operand R>
  requires(detail::expression_type<L> || detail::expression_type<R>)
[[nodiscard]] constexpr auto operator/(const L& l, const R& r) {
  return detail::elementwise(detail::ops::divide{}, l, r);
}

/// Element-wise negation.
template <detail::expression_type E>
[[nodiscard]] constexpr auto operator-(const E& e) {
  return detail::elementwise(detail::ops::negate{}, e);
}

/// Element-wise minimum of two expressions, or of an expression and a scalar.
template <detail::operand L, detail::operand R>
  requires(detail::expression_type<L> || detail::expression_type<R>)
[[nodiscard]] constexpr auto min(const L& l, const R& r) {
  return detail::elementwise(detail::ops::minimum{}, l, r);
}

/// Element-wise maximum of two expressions, or of an expression and a scalar:
/// `ctnn::max(ctnn::x, 0.1f * ctnn::x)` is a leaky ReLU.
template <detail::operand L, detail::operand R>
  requires(detail::expression_type<L> || detail::expression_type<R>)
[[nodiscard]] constexpr auto max(const L& l, const R& r) {
  return detail::elementwise(detail::ops::maximum{}, l, r);
}

}  // namespace detail

using detail::max;
using detail::min;

/// True when `L` and `R` can be combined element-wise (same shape and scalar type, or one of
/// them a scalar). The operators reject the other cases with a message naming both shapes.
template <class L, class R>
inline constexpr bool elementwise_compatible_v =
    detail::operand<L> && detail::operand<R> &&
    (detail::expression_type<L> || detail::expression_type<R>) && detail::same_shapes<L, R> &&
    detail::same_scalars<L, R>;

}  // namespace ctnn
