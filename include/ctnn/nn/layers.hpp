#pragma once
/// @file
/// The layers a network type is made of: `ctnn::input<N>` and `ctnn::dense<...>`, and how a
/// network reads them (sizes, activation, bias, and the checks that name a wrong one).

#include <ctnn/diagnostic.hpp>
#include <ctnn/expr/activation.hpp>

#include <concepts>
#include <cstddef>
#include <limits>
#include <type_traits>

namespace ctnn {

/// The first layer of every network: an input of `N` features.
template <std::size_t N>
struct input {
  static_assert(N > 0, "a network's input needs at least one feature (input<0>)");
  static constexpr std::size_t size = N;
};

/// The tag type of `ctnn::no_bias`.
struct no_bias_t {};
/// Last argument of `dense` for a layer without bias: `dense<1, ctnn::identity, ctnn::no_bias>`.
inline constexpr no_bias_t no_bias{};

namespace detail {

template <class A>
inline constexpr bool is_softmax_activation = std::is_same_v<A, activations::softmax>;

/// Element-wise activations: the built-ins and `ctnn::activation<expr>`.
template <class A>
concept elementwise_activation = requires(float z) {
  { A::forward(z) } -> std::same_as<float>;
  { A::derivative(z) } -> std::same_as<float>;
  A::unit_derivative;
};

template <class A>
concept activation_type = elementwise_activation<A> || is_softmax_activation<A>;

/// True when f′ follows from f's value (sigmoid, tanh, the ReLUs): training then keeps
/// only a hidden layer's activations, and backpropagation needs no exponential.
template <class A>
inline constexpr bool derivative_from_output = requires(float a) {
  { A::derivative_from_output(a) } -> std::same_as<float>;
};

/// The largest |f(z)| of activation A over all z (∞ when unbounded).
template <class A>
inline constexpr double largest_output = [] {
  if constexpr (requires { A::largest_output; })
    return A::largest_output;
  else
    return std::numeric_limits<double>::infinity();
}();

/// True when training keeps the sums Z of a layer with activation A: for f′ (unless it
/// is 1 or follows from f's value), and for softmax, whose loss reads the logits.
template <class A>
inline constexpr bool needs_sums = [] {
  if constexpr (elementwise_activation<A>)
    return !A::unit_derivative && !derivative_from_output<A>;
  else
    return true;
}();

template <auto V>
inline constexpr bool is_size = std::is_integral_v<decltype(V)> && !std::is_same_v<decltype(V), bool>;

/// Sentinel for "the input count comes from the previous layer".
inline constexpr std::size_t inferred = static_cast<std::size_t>(-1);

/// Reads the arguments of `dense<...>`: `N, f`, `In, N, f`, each optionally followed by
/// `ctnn::no_bias`.
template <auto... Arguments>
struct dense_arguments {
  static constexpr bool valid = false;
  static_assert(
      diagnostic::dense_arguments_must_be_size_then_activation_but_are<false, Arguments...>::reported);
  static constexpr std::size_t inputs = inferred, outputs = 1;
  using activation = activations::identity;
  static constexpr bool bias = true;
};

template <class A>
struct checked_activation {
  static_assert(diagnostic::dense_activation_argument_is_not_an_activation<A, activation_type<A>>::reported);
  using type = std::conditional_t<activation_type<A>, A, activations::identity>;
};

template <auto N, auto F>
  requires(is_size<N> && !is_size<F>)
struct dense_arguments<N, F> {
  static constexpr bool valid = true;
  static constexpr std::size_t inputs = inferred, outputs = static_cast<std::size_t>(N);
  using activation = typename checked_activation<std::remove_cv_t<decltype(F)>>::type;
  static constexpr bool bias = true;
};
template <auto N, auto F>
  requires(is_size<N> && !is_size<F>)
struct dense_arguments<N, F, no_bias> : dense_arguments<N, F> {
  static constexpr bool bias = false;
};
template <auto In, auto N, auto F>
  requires(is_size<In> && is_size<N> && !is_size<F>)
struct dense_arguments<In, N, F> : dense_arguments<N, F> {
  static constexpr std::size_t inputs = static_cast<std::size_t>(In);
};
template <auto In, auto N, auto F>
  requires(is_size<In> && is_size<N> && !is_size<F>)
struct dense_arguments<In, N, F, no_bias> : dense_arguments<In, N, F> {
  static constexpr bool bias = false;
};

}  // namespace detail

/// A fully connected layer of `N` neurons with activation `f`: a = f(W x + b), where W has
/// N rows and one column per output of the previous layer.
/// - `dense<N, f>`: the input count is the previous layer's size;
/// - `dense<In, N, f>`: the input count is stated, and checked against the previous layer;
/// - a last argument `ctnn::no_bias` removes b.
///
/// @code
/// using model = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>,
///                             ctnn::dense<128, 10, ctnn::softmax>>;
/// @endcode
template <auto... Arguments>
struct dense {
 private:
  using parsed = detail::dense_arguments<Arguments...>;

 public:
  /// The stated input count of `dense<In, N, f>`; for `dense<N, f>`, whose count is the
  /// previous layer's size, the largest `std::size_t` (`static_cast<std::size_t>(-1)`).
  static constexpr std::size_t declared_inputs = parsed::inputs;
  /// Number of neurons (outputs).
  static constexpr std::size_t size = parsed::outputs;
  /// The activation's type (`ctnn::activations::relu`, ...).
  using activation = typename parsed::activation;
  /// Whether the layer adds a bias.
  static constexpr bool has_bias = parsed::bias;

  static_assert(!parsed::valid || diagnostic::dense_layer_needs_at_least_one_output<size>::reported);
};

namespace detail {

template <class L>
inline constexpr bool is_dense = false;
template <auto... A>
inline constexpr bool is_dense<dense<A...>> = true;

template <class L>
inline constexpr bool is_input = false;
template <std::size_t N>
inline constexpr bool is_input<input<N>> = true;

/// A dense layer as the network stores it: sizes resolved, parameters placed in the
/// network's parameter block. W is stored input-major (one row of `Out` values per input),
/// so the forward product X·W and the weight gradient Xᵀ·dZ read it without transposing.
template <class T, std::size_t In, std::size_t Out, class Activation, bool Bias,
          std::size_t Offset>
struct layer {
  static constexpr std::size_t inputs = In, outputs = Out;
  using activation = Activation;
  static constexpr bool has_bias = Bias;
  /// Stored length of a row of W, of b, and of a row of this layer's output batch.
  static constexpr std::size_t stride = simd::padded_size<T, Out>;
  static constexpr std::size_t weight_offset = Offset;
  static constexpr std::size_t bias_offset = Offset + In * stride;
  /// Elements of the parameter block this layer uses (padding included).
  static constexpr std::size_t stored_size = In * stride + (Bias ? stride : 0);
  /// Number of parameters (padding excluded).
  static constexpr std::size_t parameter_count = In * Out + (Bias ? Out : 0);
};

}  // namespace detail
}  // namespace ctnn
