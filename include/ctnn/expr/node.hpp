#pragma once
/// @file
/// Expression nodes: the types that operators build and the evaluator walks.
///
/// Every expression type `E` provides
/// - `value_type`: the scalar type, or `void` when it adapts (a constant, `ctnn::x`);
/// - `shape_type`: a `ctnn::shape`, a `ctnn::batch_shape`, or `any_shape` when it adapts;
/// - `symbolic`: true when it contains the placeholder `ctnn::x`;
/// - `eval<V>(env)`: its value as `V` (a pack or a scalar) at one position: `at{i}` for the
///   flat offset `i` into tensor storage, `with_x<V>{v}` for the value of `ctnn::x`;
/// - `rows()`: its runtime row count (0 when it adapts);
/// - `prepare()`: work that needs its own pass (a matrix product) done before the loop,
///   and `passes`, the number of such nodes in the expression;
/// - `reads(range)`: whether it reads memory in `range` (for alias checks).
///
/// Nodes are small aggregates that own no storage: operands that are nodes or constants
/// are held by value, tensors through a pointer (`tensor_ref`). Symbolic expressions are
/// structural types, so they can be template arguments (`ctnn::activation<expr>`).

#include <ctnn/fwd.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/tensor/shape.hpp>
#include <ctnn/tensor/tensor_base.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn::detail {

/// Position of a symbolic evaluation: the value bound to `ctnn::x`.
template <class V>
struct with_x {
  V x;
};

// ---------------------------------------------------------------------------------------------
// Leaves

/// A tensor inside an expression (never copied: the expression must not outlive it).
template <class Tensor>
struct tensor_ref : expression_base {
  const Tensor* tensor;

  using value_type = typename Tensor::value_type;
  using shape_type = typename Tensor::shape_type;
  static constexpr bool symbolic = false;
  static constexpr std::size_t passes = 0;

  template <class V>
  [[nodiscard]] V eval(at position) const noexcept {
    return tensor->template eval<V>(position);
  }
  [[nodiscard]] std::size_t rows() const noexcept { return tensor->rows(); }
  void prepare() const noexcept {}
  [[nodiscard]] bool reads(const memory_range& range) const noexcept {
    return tensor->reads(range);
  }
};

/// Members shared by the leaves that adapt to the shape and scalar type around them.
struct adapting_leaf : expression_base {
  using value_type = void;
  using shape_type = any_shape;
  static constexpr std::size_t passes = 0;
  [[nodiscard]] static constexpr std::size_t rows() noexcept { return 0; }
  static constexpr void prepare() noexcept {}
  [[nodiscard]] static constexpr bool reads(const memory_range&) noexcept { return false; }
};

/// A scalar in an expression (`a * 2.0f`); converted to the expression's scalar type.
template <class S>
struct constant : adapting_leaf {
  S value;
  static constexpr bool symbolic = false;
  template <class V, class Env>
  [[nodiscard]] constexpr V eval(const Env&) const noexcept {
    return simd::broadcast<V>(value);
  }
};

/// The constants 0 and 1 as types, so that symbolic derivatives fold `0 * e`, `1 * e` and
/// `e + 0` away at compile time instead of computing them in the loop.
template <int Value>
struct integer : adapting_leaf {
  static constexpr bool symbolic = false;
  template <class V, class Env>
  [[nodiscard]] constexpr V eval(const Env&) const noexcept {
    return simd::broadcast<V>(Value);
  }
};
using zero = integer<0>;
using one = integer<1>;

/// The placeholder `ctnn::x`: the input of an activation.
struct placeholder : adapting_leaf {
  static constexpr bool symbolic = true;
  template <class V>
  [[nodiscard]] constexpr V eval(const with_x<V>& position) const noexcept {
    return position.x;
  }
};

// ---------------------------------------------------------------------------------------------
// Interior nodes

/// A structural tuple (std::tuple is not a structural type in every standard library).
template <class... Ts>
struct operands {};
template <class T, class... Rest>
struct operands<T, Rest...> {
  T first;
  operands<Rest...> rest;
};

constexpr operands<> make_operands() { return {}; }
template <class T, class... Rest>
constexpr operands<T, Rest...> make_operands(const T& first, const Rest&... rest) {
  return {first, make_operands(rest...)};
}

template <std::size_t I, class... Ts>
[[nodiscard]] constexpr const auto& get(const operands<Ts...>& o) noexcept {
  if constexpr (I == 0)
    return o.first;
  else
    return get<I - 1>(o.rest);
}

/// The first non-void scalar type among `Ts...` (void if there is none).
template <class... Ts>
struct first_value_type {
  using type = void;
};
template <class T, class... Rest>
struct first_value_type<T, Rest...> {
  using type = std::conditional_t<std::is_void_v<typename T::value_type>,
                                  typename first_value_type<Rest...>::type,
                                  typename T::value_type>;
};

/// The shape common to `Ts...` (`void` if two differ; operators check that first).
template <class... Ts>
struct folded_shape {
  using type = any_shape;
};
template <class T, class... Rest>
struct folded_shape<T, Rest...> {
  using type = typename common_shape<typename T::shape_type,
                                     typename folded_shape<Rest...>::type>::type;
};

/// `Op` applied lane by lane to the values of `Args...`.
template <class Op, class... Args>
struct node : expression_base {
  [[no_unique_address]] Op op;
  operands<Args...> args;

  using value_type = typename first_value_type<Args...>::type;
  using shape_type = typename folded_shape<Args...>::type;
  static constexpr bool symbolic = (Args::symbolic || ...);
  static constexpr std::size_t passes = (Args::passes + ... + 0);

  template <class V, class Env>
  [[nodiscard]] constexpr V eval(const Env& env) const noexcept {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return op(get<I>(args).template eval<V>(env)...);
    }(std::index_sequence_for<Args...>{});
  }
  [[nodiscard]] std::size_t rows() const noexcept {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      std::size_t r = 0;
      ((r = get<I>(args).rows() > r ? get<I>(args).rows() : r), ...);
      return r;
    }(std::index_sequence_for<Args...>{});
  }
  void prepare() const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (get<I>(args).prepare(), ...);
    }(std::index_sequence_for<Args...>{});
  }
  [[nodiscard]] bool reads(const memory_range& range) const noexcept {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (get<I>(args).reads(range) || ...);
    }(std::index_sequence_for<Args...>{});
  }
};

/// Number of operands of node `E` (0 for a leaf).
template <class E>
inline constexpr std::size_t node_arity = 0;
template <class Op, class... Args>
inline constexpr std::size_t node_arity<node<Op, Args...>> = sizeof...(Args);

template <class Op, class... Args>
[[nodiscard]] constexpr node<Op, Args...> make_node(Op op, const Args&... args) {
  return {{}, op, make_operands(args...)};
}

// ---------------------------------------------------------------------------------------------
// Operands

template <class E>
concept tensor_type = expression_type<E> && requires { E::row_stride; } &&
                      requires(const E& e) { e.data(); };

/// How an operator holds an argument: tensors by pointer, scalars as `constant`, nodes by
/// value.
template <class E>
[[nodiscard]] constexpr auto as_operand(const E& e) noexcept {
  if constexpr (std::is_arithmetic_v<E>)
    return constant<E>{{}, e};
  else if constexpr (tensor_type<E>)
    return tensor_ref<E>{{}, &e};
  else
    return e;
}
template <class E>
using operand_t = decltype(as_operand(std::declval<const E&>()));

/// `e` as an expression to evaluate: a `tensor_ref` for a tensor, `e` itself (by reference,
/// no copy) for a node.
template <class E>
[[nodiscard]] constexpr decltype(auto) as_expression(const E& e) noexcept {
  if constexpr (tensor_type<E>)
    return tensor_ref<E>{{}, &e};
  else
    return (e);
}

/// What operators accept: an expression or an arithmetic scalar.
template <class E>
concept operand = expression_type<E> || std::is_arithmetic_v<E>;

}  // namespace ctnn::detail
