#pragma once
/// @file
/// Element-wise functions of one argument, and activations: the placeholder `ctnn::x`,
/// `ctnn::activation<expr>`, and the built-in functions (`ctnn::sigmoid`, `ctnn::relu`,
/// `ctnn::exp`, ...), each a `constexpr` function object.
///
/// An element-wise object serves three uses:
/// - on a tensor expression it builds a node: `ctnn::sigmoid(a * b + 1.0f)`;
/// - on a number it computes: `ctnn::sigmoid(0.0)` is 0.5;
/// - as a template argument it is a layer's activation: `ctnn::dense<16, ctnn::sigmoid>`,
///   whose kernels call `forward` and `derivative` on packs. The derivative is derived at
///   compile time from the expression of `ctnn::x` that defines the function.
///
/// `ctnn::softmax` is not element-wise: it turns each row of a static vector or matrix
/// expression into probabilities (no number, no batch, no `ctnn::x`), and as an activation
/// it may only be the last layer's, whose rows the network normalises itself.

#include <ctnn/expr/derivative.hpp>
#include <ctnn/expr/node.hpp>
#include <ctnn/expr/ops.hpp>
#include <ctnn/expr/softmax.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <type_traits>
#include <utility>

namespace ctnn {

/// The placeholder of activation expressions: `ctnn::x * ctnn::sigmoid(ctnn::x)` is the
/// function x ↦ x·σ(x) (swish). It cannot be combined with tensors.
inline constexpr detail::placeholder x{};

namespace detail {

/// `e` with every `ctnn::x` replaced by `value`.
template <class E, class S>
constexpr auto substitute(const E& e, const S& value) {
  if constexpr (std::is_same_v<E, placeholder>) {
    return value;
  } else if constexpr (requires { e.args; }) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return make_node(e.op, substitute(get<I>(e.args), value)...);
    }(std::make_index_sequence<node_arity<E>>{});
  } else {
    return e;
  }
}

}  // namespace detail

namespace activations {

/// The element-wise function defined by `Expression`, an expression of `ctnn::x`, with its
/// derivative computed symbolically at compile time.
/// - `forward(z)`, `derivative(z)`: f(z) and f′(z) for a pack or a scalar `z`;
/// - `unit_derivative`: true when f′ ≡ 1 (the identity), so kernels can skip the multiply;
/// - `f(e)`: the node f(e) for a tensor expression `e`, or f(e) for a number `e`.
///
/// @code
/// constexpr auto swish = ctnn::x * ctnn::sigmoid(ctnn::x);
/// using f = ctnn::activations::elementwise<swish>;
/// double slope = f::derivative(1.0);   // σ(1) + σ(1)(1 − σ(1))
/// @endcode
template <auto Expression>
struct elementwise {
  static constexpr bool is_expression_of_x =
      requires { requires detail::expression_type<decltype(Expression)> && decltype(Expression)::symbolic; };
  static_assert(is_expression_of_x, "an activation is defined by an expression of ctnn::x, "
                                    "for example ctnn::x * ctnn::sigmoid(ctnn::x)");

  /// The defining expression of `ctnn::x` (after the error above, `x` itself, so that no
  /// further errors follow from it).
  static constexpr auto expression = [] {
    if constexpr (is_expression_of_x)
      return Expression;
    else
      return x;
  }();
  /// Its derivative with respect to `ctnn::x`, simplified.
  static constexpr auto derivative_expression = detail::derivative(expression);
  static constexpr bool unit_derivative = detail::is_one<std::remove_const_t<decltype(derivative_expression)>>;

  template <class V>
  [[nodiscard]] static V forward(const V& z) noexcept {
    return expression.template eval<V>(detail::with_x<V>{z});
  }
  template <class V>
  [[nodiscard]] static V derivative(const V& z) noexcept {
    return derivative_expression.template eval<V>(detail::with_x<V>{z});
  }

  template <detail::operand E>
  [[nodiscard]] constexpr auto operator()(const E& e) const {
    if constexpr (std::is_arithmetic_v<E>) {
      using T = std::conditional_t<std::is_same_v<E, float>, float, double>;
      return forward(static_cast<T>(e));
    } else {
      return detail::substitute(expression, detail::as_operand(e));
    }
  }
};

// The built-in functions. Each is its own type so that compile errors name it.

/// f(z) = z.
struct identity : elementwise<x> {};
/// f(z) = 1 / (1 + e^−z); f′ = f (1 − f).
struct sigmoid : elementwise<detail::make_node(detail::ops::sigmoid{}, x)> {
  /// |f(z)| ≤ 1 for every z.
  static constexpr double largest_output = 1;
  /// f′ from the value a = f(z), without an exponential: a (1 − a).
  template <class V>
  [[nodiscard]] static V derivative_from_output(const V& a) noexcept {
    return a * (V(simd::lane_t<V>(1)) - a);
  }
};
/// f(z) = clamp(z / 6 + 1/2, 0, 1) = (relu(z + 3) − relu(z − 3)) / 6: the course's sigmoid
/// made of two ReLUs; f′ = 1/6 on (−3, 3), else 0.
struct hard_sigmoid : elementwise<detail::make_node(detail::ops::hard_sigmoid{}, x)> {
  /// |f(z)| ≤ 1 for every z.
  static constexpr double largest_output = 1;
  /// f′ from a = f(z): 1/6 where 0 < a < 1, else 0.
  template <class V>
  [[nodiscard]] static V derivative_from_output(const V& a) noexcept {
    using T = simd::lane_t<V>;
    return simd::select((a > V(T(0))) & (a < V(T(1))), V(T(1) / T(6)), V(T(0)));
  }
};
/// f(z) = max(z, 0); f′ = 1 for z > 0, else 0.
struct relu : elementwise<detail::make_node(detail::ops::relu{}, x)> {
  /// f′ from a = f(z): 1 where a > 0 (z > 0), else 0.
  template <class V>
  [[nodiscard]] static V derivative_from_output(const V& a) noexcept {
    using T = simd::lane_t<V>;
    return simd::select(a > V(T(0)), V(T(1)), V(T(0)));
  }
};
/// f(z) = z for z > 0, else 0.01 z.
struct leaky_relu : elementwise<detail::make_node(detail::ops::leaky_relu{}, x)> {
  /// f′ from a = f(z): 1 where a > 0 (z > 0), else the slope.
  template <class V>
  [[nodiscard]] static V derivative_from_output(const V& a) noexcept {
    using T = simd::lane_t<V>;
    return simd::select(a > V(T(0)), V(T(1)), V(static_cast<T>(detail::ops::leaky_relu{}.slope)));
  }
};
/// f(z) = tanh z; f′ = 1 − tanh² z.
struct tanh : elementwise<detail::make_node(detail::ops::tanh{}, x)> {
  /// |f(z)| ≤ 1 for every z.
  static constexpr double largest_output = 1;
  /// f′ from a = f(z): 1 − a².
  template <class V>
  [[nodiscard]] static V derivative_from_output(const V& a) noexcept {
    return V(simd::lane_t<V>(1)) - a * a;
  }
};
/// f(z) = e^z.
struct exp : elementwise<detail::make_node(detail::ops::exp{}, x)> {};
/// f(z) = ln z.
struct log : elementwise<detail::make_node(detail::ops::log{}, x)> {};
/// f(z) = |z|; f′ = sign z (0 at 0).
struct abs : elementwise<detail::make_node(detail::ops::abs{}, x)> {};

/// Softmax, p_j = e^{z_j} / Σ_i e^{z_i} over each row: not element-wise, so it has no
/// `derivative`; as an output layer it pairs with `ctnn::cross_entropy`, whose gradient
/// through the softmax is P − Y.
struct softmax {
  /// The node softmax(e) for a static vector or matrix expression `e`, computed row by row
  /// when assigned to a tensor; it holds `e`'s tensors by pointer, so it must not outlive
  /// them. A batch does not compile (a network's output layer normalises its batches itself).
  template <detail::expression_type E>
  [[nodiscard]] constexpr auto operator()(const E& e) const {
    using argument = detail::operand_t<E>;
    return detail::softmax_node<argument>{{}, detail::as_operand(e)};
  }
};

}  // namespace activations

/// The activation defined by `Expression`, an expression of `ctnn::x`:
/// @code
/// constexpr auto swish = ctnn::x * ctnn::sigmoid(ctnn::x);
/// using model = ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::activation<swish>>,
///                             ctnn::dense<1, ctnn::identity>>;
/// ctnn::vector<float, 8> a = ctnn::activation<swish>(z);
/// @endcode
template <auto Expression>
inline constexpr activations::elementwise<Expression> activation{};

// The built-in functions as objects (the file comment gives their uses); each type in
// `ctnn::activations` documents its formula.
/// f(z) = z (`activations::identity`): the usual output activation of a regression.
inline constexpr activations::identity identity{};
/// The logistic sigmoid 1 / (1 + e^−z) (`activations::sigmoid`).
inline constexpr activations::sigmoid sigmoid{};
/// clamp(z / 6 + 1/2, 0, 1) (`activations::hard_sigmoid`).
inline constexpr activations::hard_sigmoid hard_sigmoid{};
/// max(z, 0) (`activations::relu`).
inline constexpr activations::relu relu{};
/// z for z > 0, else 0.01 z (`activations::leaky_relu`).
inline constexpr activations::leaky_relu leaky_relu{};
/// tanh z (`activations::tanh`).
inline constexpr activations::tanh tanh{};
/// Softmax over each row (`activations::softmax`): not element-wise, and only the last
/// layer's activation.
inline constexpr activations::softmax softmax{};
/// e^z (`activations::exp`).
inline constexpr activations::exp exp{};
/// ln z (`activations::log`).
inline constexpr activations::log log{};
/// |z| (`activations::abs`).
inline constexpr activations::abs abs{};

}  // namespace ctnn
