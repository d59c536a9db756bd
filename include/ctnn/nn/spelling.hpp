#pragma once
/// @file
/// Networks spelled as text: the C++ type that `ctnn::export_header` writes, and the shape
/// signature that model files carry (`784 -> 128 relu -> 64 relu -> 10 softmax`). Both are
/// built from the network's type alone, so two programs that agree on the type agree on the
/// text, and a user-defined `ctnn::activation<expr>` is spelled as its expression.

#include <ctnn/expr/activation.hpp>
#include <ctnn/expr/node.hpp>
#include <ctnn/expr/ops.hpp>
#include <ctnn/nn/layers.hpp>
#include <ctnn/nn/network.hpp>

#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace ctnn::detail {

/// `value` as a C++ literal that reads back as the same bits: a hexadecimal float with the
/// `f` suffix for float (`-0x1.8p+1f`), without for double. Finite values only.
template <simd::scalar T>
[[nodiscard]] std::string exact_literal(T value) {
  char digits[64];
  const bool negative = std::signbit(value);
  const auto [end, status] = std::to_chars(digits, digits + sizeof digits, negative ? -value : value,
                                           std::chars_format::hex);
  std::string literal = negative ? "-0x" : "0x";
  if (status == std::errc{}) literal.append(digits, end);
  if constexpr (std::is_same_v<T, float>) literal += 'f';
  return literal;
}

/// An integer as a literal of its own type (`128`, `128ul`), so that a spelled
/// `dense<128, ...>` and `dense<std::size_t{128}, ...>`, or `ctnn::x * 2u`, stay the types
/// they were.
template <std::integral I>
[[nodiscard]] std::string integer_literal(I value) {
  const std::string digits = std::to_string(value);
  if constexpr (std::is_same_v<I, int>) return digits;
  else if constexpr (std::is_same_v<I, unsigned>) return digits + "u";
  else if constexpr (std::is_same_v<I, long>) return digits + "l";
  else if constexpr (std::is_same_v<I, unsigned long>) return digits + "ul";
  else if constexpr (std::is_same_v<I, long long>) return digits + "ll";
  else if constexpr (std::is_same_v<I, unsigned long long>) return digits + "ull";
  else return "static_cast<" + std::string(std::is_signed_v<I> ? "signed " : "unsigned ") +
              (sizeof(I) == 1 ? "char" : "short") + ">(" + digits + ")";
}

template <class E>
inline constexpr bool spellable = false;

/// The C++ text of a symbolic expression (`ctnn::x * ctnn::sigmoid(ctnn::x)`), with each
/// name qualified by `prefix` (`"ctnn::"` for code, `""` for a signature).
template <class E>
[[nodiscard]] std::string spell_expression(const E& e, std::string_view prefix) {
  const std::string p(prefix);
  if constexpr (std::is_same_v<E, placeholder>) {
    return p + "x";
  } else if constexpr (requires { e.value; }) {
    using S = decltype(e.value);
    if constexpr (std::is_floating_point_v<S>) {
      if constexpr (std::is_same_v<S, float> || std::is_same_v<S, double>) return "(" + exact_literal(e.value) + ")";
      else return "static_cast<long double>(" + exact_literal(static_cast<double>(e.value)) + ")";
    } else {
      return "(" + integer_literal(e.value) + ")";
    }
  } else {
    static_assert(spellable<E>, "ctnn can spell an activation made of ctnn::x, numbers, + - * /, "
                                "ctnn::min, ctnn::max and the built-in functions; this one uses "
                                "another node");
    using Op = std::remove_cvref_t<decltype(e.op)>;
    if constexpr (node_arity<E> == 2) {
      const std::string a = spell_expression(get<0>(e.args), prefix), b = spell_expression(get<1>(e.args), prefix);
      if constexpr (std::is_same_v<Op, ops::add>) return "(" + a + " + " + b + ")";
      else if constexpr (std::is_same_v<Op, ops::subtract>) return "(" + a + " - " + b + ")";
      else if constexpr (std::is_same_v<Op, ops::multiply>) return "(" + a + " * " + b + ")";
      else if constexpr (std::is_same_v<Op, ops::divide>) return "(" + a + " / " + b + ")";
      else if constexpr (std::is_same_v<Op, ops::minimum>) return p + "min(" + a + ", " + b + ")";
      else if constexpr (std::is_same_v<Op, ops::maximum>) return p + "max(" + a + ", " + b + ")";
      else static_assert(spellable<Op>, "ctnn can spell an activation made of ctnn::x, numbers, + - * /, "
                                        "ctnn::min, ctnn::max and the built-in functions; this one uses "
                                        "another operation");
    } else if constexpr (node_arity<E> == 1) {
      const std::string a = spell_expression(get<0>(e.args), prefix);
      const auto call = [&](const char* name) { return p + name + "(" + a + ")"; };
      if constexpr (std::is_same_v<Op, ops::negate>) return "(-" + a + ")";
      else if constexpr (std::is_same_v<Op, ops::exp>) return call("exp");
      else if constexpr (std::is_same_v<Op, ops::log>) return call("log");
      else if constexpr (std::is_same_v<Op, ops::abs>) return call("abs");
      else if constexpr (std::is_same_v<Op, ops::tanh>) return call("tanh");
      else if constexpr (std::is_same_v<Op, ops::sigmoid>) return call("sigmoid");
      else if constexpr (std::is_same_v<Op, ops::relu>) return call("relu");
      else if constexpr (std::is_same_v<Op, ops::leaky_relu>) return call("leaky_relu");
      else if constexpr (std::is_same_v<Op, ops::hard_sigmoid>) return call("hard_sigmoid");
      else static_assert(spellable<Op>, "ctnn can spell an activation made of ctnn::x, numbers, + - * /, "
                                        "ctnn::min, ctnn::max and the built-in functions; this one uses "
                                        "another operation");
    } else {
      static_assert(spellable<Op>, "ctnn can spell an activation made of ctnn::x, numbers, + - * /, "
                                   "ctnn::min, ctnn::max and the built-in functions; this one uses "
                                   "another operation");
    }
  }
}

template <class Op, class... Args>
inline constexpr bool spellable<node<Op, Args...>> = true;

/// The name of activation `A` as written in a layer: `relu` for the built-ins,
/// `activation<x * sigmoid(x)>` for a user-defined one; names qualified by `prefix`.
template <class A>
[[nodiscard]] std::string activation_name(std::string_view prefix) {
  const std::string p(prefix);
  if constexpr (std::is_same_v<A, activations::identity>) return p + "identity";
  else if constexpr (std::is_same_v<A, activations::sigmoid>) return p + "sigmoid";
  else if constexpr (std::is_same_v<A, activations::hard_sigmoid>) return p + "hard_sigmoid";
  else if constexpr (std::is_same_v<A, activations::relu>) return p + "relu";
  else if constexpr (std::is_same_v<A, activations::leaky_relu>) return p + "leaky_relu";
  else if constexpr (std::is_same_v<A, activations::tanh>) return p + "tanh";
  else if constexpr (std::is_same_v<A, activations::softmax>) return p + "softmax";
  else if constexpr (std::is_same_v<A, activations::exp>) return p + "exp";
  else if constexpr (std::is_same_v<A, activations::log>) return p + "log";
  else if constexpr (std::is_same_v<A, activations::abs>) return p + "abs";
  else return p + "activation<" + spell_expression(A::expression, prefix) + ">";
}

template <class Layer>
struct layer_spelling;
template <std::size_t N>
struct layer_spelling<input<N>> {
  static std::string cpp() { return "ctnn::input<" + std::to_string(N) + ">"; }
};
template <auto... Arguments>
struct layer_spelling<dense<Arguments...>> {
  template <auto A>
  static std::string argument() {
    using type = std::remove_cv_t<decltype(A)>;
    if constexpr (std::is_same_v<type, no_bias_t>) return "ctnn::no_bias";
    else if constexpr (std::is_integral_v<type>) return integer_literal(A);
    else return activation_name<type>("ctnn::");
  }
  static std::string cpp() {
    std::string text = "ctnn::dense<";
    const char* separator = "";
    ((text += separator + argument<Arguments>(), separator = ", "), ...);
    return text + ">";
  }
};

template <class Network>
struct network_spelling;
template <class T, class... Layers>
struct network_spelling<basic_network<T, Layers...>> {
  static std::string cpp() {
    std::string text = std::is_same_v<T, float> ? "ctnn::basic_network<float" : "ctnn::basic_network<double";
    ((text += ", " + layer_spelling<Layers>::cpp()), ...);
    return text + ">";
  }
};

/// The C++ type of `Network` as source text that names the same type:
/// `ctnn::basic_network<float, ctnn::input<2>, ctnn::dense<8, ctnn::tanh>, ...>`.
template <class Network>
[[nodiscard]] std::string cpp_type_name() {
  return network_spelling<Network>::cpp();
}

/// What a model file records of `Network`'s shape: the input size, then each layer's size,
/// activation and, for a layer without bias, `no_bias`, joined by ` -> `:
/// `784 -> 128 relu -> 64 relu -> 10 softmax`. Networks whose layers resolve to the same
/// sizes (`dense<128, f>` after 784 inputs, or `dense<784, 128, f>`) share a signature.
template <class Network>
[[nodiscard]] std::string shape_signature() {
  std::string text = std::to_string(Network::input_size);
  for_each_index<Network::layer_count>([&](auto l) {
    using layer = typename Network::template layer<l>;
    text += " -> " + std::to_string(layer::outputs) + " " +
            activation_name<typename layer::activation>("") + (layer::has_bias ? "" : " no_bias");
  });
  return text;
}

}  // namespace ctnn::detail
