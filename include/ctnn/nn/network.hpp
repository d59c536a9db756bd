#pragma once
/// @file
/// `ctnn::basic_network<T, input<N>, layers...>` and `ctnn::network<...>`: a neural network
/// as a type. The layer list is resolved at compile time (sizes, parameter offsets, checks);
/// the parameters live in one aligned block, inline in the object when small.

#include <ctnn/diagnostic.hpp>
#include <ctnn/error.hpp>
#include <ctnn/kernels/gemm.hpp>
#include <ctnn/kernels/softmax.hpp>
#include <ctnn/nn/layers.hpp>
#include <ctnn/nn/passes.hpp>
#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/tensor/batch_matrix.hpp>
#include <ctnn/tensor/vector.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <ranges>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctnn {

namespace detail {

template <class... L>
struct layer_list {};

/// Resolves `dense<...>` arguments into `layer<...>` types, left to right: each layer's input
/// count is the previous layer's size, and its parameters follow the previous layer's.
template <class T, std::size_t Index, std::size_t Previous, std::size_t Offset, class Done,
          class... Rest>
struct resolve_layers {
  using type = Done;
  static constexpr std::size_t stored_size = Offset;
};

template <class T, std::size_t Index, std::size_t Previous, std::size_t Offset, class... Done,
          class D, class... Rest>
struct resolve_layers<T, Index, Previous, Offset, layer_list<Done...>, D, Rest...> {
  static_assert(is_dense<D>, "every layer after ctnn::input<N> must be a ctnn::dense<...>");
  // After a reported error, continue with a layer that keeps the other checks quiet.
  using resolved = std::conditional_t<is_dense<D>, D, dense<std::size_t{1}, ctnn::identity>>;
  static constexpr bool stated = resolved::declared_inputs != inferred;
  static_assert(!stated || diagnostic::dense_layer<Index>::template declares_inputs<
                               (stated ? resolved::declared_inputs : Previous)>::
                               template but_previous_layer_has_outputs<Previous>::reported);
  static constexpr bool softmax = is_softmax_activation<typename resolved::activation>;
  static_assert(diagnostic::dense_layer<Index>::template uses_softmax_but_is_not_the_output_layer<
                !softmax || sizeof...(Rest) == 0>::reported);
  using current = layer<T, Previous, (resolved::size > 0 ? resolved::size : 1),
                        typename resolved::activation, resolved::has_bias, Offset>;
  using next = resolve_layers<T, Index + 1, current::outputs, Offset + current::stored_size,
                              layer_list<Done..., current>, Rest...>;
  using type = typename next::type;
  static constexpr std::size_t stored_size = next::stored_size;
};

template <class List>
struct list_traits;
template <class... L>
struct list_traits<layer_list<L...>> {
  static constexpr std::size_t count = sizeof...(L);
  static constexpr std::size_t parameter_count = (std::size_t{0} + ... + L::parameter_count);
  static constexpr std::size_t widest = std::max({L::stride...});
  template <std::size_t I>
  using at = std::tuple_element_t<I, std::tuple<L...>>;
};

template <class First>
inline constexpr std::size_t input_size_of = 1;
template <std::size_t N>
inline constexpr std::size_t input_size_of<input<N>> = N;

/// Parameter blocks of at most this many bytes live inside the network object.
inline constexpr std::size_t inline_parameter_bytes = 64 * 1024;

/// One aligned, zero-initialised block of `N` parameters: inline when small, else on the
/// heap (allocated once, by the constructor).
template <class T, std::size_t N, bool Inline = N * sizeof(T) <= inline_parameter_bytes>
struct parameter_block {
  alignas(simd::alignment) std::array<T, N> values{};
  T* data() noexcept { return values.data(); }
  const T* data() const noexcept { return values.data(); }
};
template <class T, std::size_t N>
struct parameter_block<T, N, false> {
  simd::aligned_buffer<T> values{N};
  T* data() noexcept { return values.data(); }
  const T* data() const noexcept { return values.data(); }
};

/// How `net(x)` sees the type of an argument `x` that holds one sample: `is_sample` for a
/// ctnn::vector, a std::span, a std::array, a C array or another contiguous range (such as
/// a std::vector); `has_static_size` when the type states the length (`size`); `element`,
/// the scalar type it holds. Other types (a batch, a number) are not samples.
template <class Input>
struct sample_type {
  static constexpr bool is_sample = false;
};
template <class Input>
  requires std::ranges::contiguous_range<const Input&>
struct sample_type<Input> {
  static constexpr bool is_sample = true, has_static_size = false;
  static constexpr std::size_t size = 0;
  using element = std::remove_cv_t<std::ranges::range_value_t<const Input&>>;
};
/// A sample whose type states its length `N`: what the specialisations below share.
template <class U, std::size_t N>
struct static_sample_type {
  static constexpr bool is_sample = true, has_static_size = true;
  static constexpr std::size_t size = N;
  using element = std::remove_cv_t<U>;
};
template <simd::scalar U, std::size_t N>
struct sample_type<vector<U, N>> : static_sample_type<U, N> {};
template <class U, std::size_t N>
  requires(N != std::dynamic_extent)
struct sample_type<std::span<U, N>> : static_sample_type<U, N> {};
template <class U, std::size_t N>
struct sample_type<std::array<U, N>> : static_sample_type<U, N> {};
template <class U, std::size_t N>
struct sample_type<U[N]> : static_sample_type<U, N> {};

/// Whether a network over `T` with `N` inputs takes an `Input` as one sample: a
/// `ctnn::vector<T, N>`, or what converts to `std::span<const T, N>` (a span of `T` or
/// `const T` of extent N, a `std::array<T, N>`, a `T[N]`).
template <class T, std::size_t N, class Input>
inline constexpr bool accepts_sample = std::is_same_v<std::remove_cvref_t<Input>, vector<T, N>> ||
                                       std::is_convertible_v<const Input&, std::span<const T, N>>;

}  // namespace detail

/// A network of `Layers...` over scalars of type `T` (`float` or `double`). The first layer
/// is `ctnn::input<N>`, then one or more `ctnn::dense<...>`. Sizes, parameter count and the
/// position of every parameter are compile-time constants; a size mismatch, an activation
/// that is not one, or softmax before the last layer does not compile.
///
/// The parameters are one aligned block (`parameters()`): for each layer, W stored with one
/// row of outputs per input (W(o, i) at `weight_offset + i * stride + o`), then b; rows are
/// padded to the SIMD block with zeros. The block is inline when it takes at most 64 KiB, so
/// a small network is a plain value; larger ones allocate it once, at construction.
/// Parameters start at zero: call `ctnn::initialize(net, seed)` before training.
///
/// @code
/// using model = ctnn::basic_network<double, ctnn::input<2>, ctnn::dense<8, ctnn::tanh>,
///                                   ctnn::dense<1, ctnn::identity>>;
/// model net;
/// ctnn::initialize(net, 1);
/// ctnn::vector<double, 1> y = net(ctnn::vector<double, 2>{0.5, -1.0});
/// @endcode
template <simd::scalar T, class First, class... Layers>
class basic_network {
  static_assert(diagnostic::network_must_start_with_input_but_starts_with<
                First, detail::is_input<First>>::reported);
  static_assert(sizeof...(Layers) > 0, "a network needs at least one dense layer after input<N>");
  static_assert(!detail::is_input<First> || detail::input_size_of<First> > 0,
                "a network's input needs at least one feature (input<0>)");

  // Without layers (reported above), one stand-in layer keeps the rest of the class valid.
  using resolution = std::conditional_t<
      (sizeof...(Layers) > 0),
      detail::resolve_layers<T, 1, detail::input_size_of<First>, 0, detail::layer_list<>, Layers...>,
      detail::resolve_layers<T, 1, detail::input_size_of<First>, 0, detail::layer_list<>,
                             dense<std::size_t{1}, ctnn::identity>>>;

 public:
  /// The scalar type of parameters, inputs and outputs (`float` or `double`).
  using value_type = T;
  /// The resolved layers (`detail::layer<...>`), first to last.
  using layers = typename resolution::type;
  /// Compile-time facts about `layers`: their count, parameter count and widest row
  /// stride (an implementation type; the members below name what users need).
  using traits = detail::list_traits<layers>;
  /// Dense layer `I` (0 is the first dense layer: `input<N>` is not counted), resolved: its
  /// `inputs`, `outputs`, `activation`, `has_bias`, row `stride` and parameter offsets.
  template <std::size_t I>
  using layer = typename traits::template at<I>;
  /// Number of dense layers (`input<N>` excluded).
  static constexpr std::size_t layer_count = traits::count;
  /// The last dense layer, `layer<layer_count - 1>`.
  using output_layer = layer<layer_count - 1>;
  /// Features of one input sample: the `N` of `input<N>`.
  static constexpr std::size_t input_size = detail::input_size_of<First>;
  /// Values of one output: the last layer's neuron count.
  static constexpr std::size_t output_size = output_layer::outputs;
  /// Number of trainable parameters (weights and biases).
  static constexpr std::size_t parameter_count = traits::parameter_count;
  /// Elements in the parameter block, padding included.
  static constexpr std::size_t stored_parameter_count = resolution::stored_size;
  /// The output activation's type.
  using output_activation = typename output_layer::activation;

  basic_network() = default;

  /// The parameter block (see the class documentation for its layout).
  [[nodiscard]] T* parameters() noexcept { return block_.data(); }
  [[nodiscard]] const T* parameters() const noexcept { return block_.data(); }

  /// Weight from input `i` to neuron `o` of layer `L` (0 is the first dense layer).
  template <std::size_t L>
  [[nodiscard]] T& weight(std::size_t o, std::size_t i) noexcept {
    return block_.data()[layer<L>::weight_offset + i * layer<L>::stride + o];
  }
  template <std::size_t L>
  [[nodiscard]] const T& weight(std::size_t o, std::size_t i) const noexcept {
    return block_.data()[layer<L>::weight_offset + i * layer<L>::stride + o];
  }
  /// Bias of neuron `o` of layer `L`.
  template <std::size_t L>
    requires(layer<L>::has_bias)
  [[nodiscard]] T& bias(std::size_t o) noexcept {
    return block_.data()[layer<L>::bias_offset + o];
  }
  template <std::size_t L>
    requires(layer<L>::has_bias)
  [[nodiscard]] const T& bias(std::size_t o) const noexcept {
    return block_.data()[layer<L>::bias_offset + o];
  }

  /// The network's output for one input. Allocates nothing: the layers' outputs live on the
  /// stack, and each layer is one fused pass (product, bias and activation). `noexcept`, and
  /// safe to call from several threads at once on one `const` network.
  [[nodiscard]] vector<T, output_size> operator()(const vector<T, input_size>& x) const noexcept {
    return infer(x.data());
  }

  /// The same for one sample held elsewhere: a `std::span<const T, input_size>` (what
  /// `dataset::input(i)` returns), a `std::span<T, input_size>`, a `std::array<T,
  /// input_size>` or a `T[input_size]`. The values are read where they are, with no copy and
  /// no alignment or padding required, and the result is the vector form's, bit for bit.
  /// @code
  /// ctnn::vector<float, 10> p = net(test.input(0));
  /// std::array<float, 784> pixels{};
  /// std::size_t digit = ctnn::argmax(net(pixels));
  /// @endcode
  [[nodiscard]] vector<T, output_size> operator()(std::span<const T, input_size> x) const noexcept {
    return infer(x.data());
  }

  /// Any other one-sample input (a size that is not `input_size`, a size known only at run
  /// time such as a `std::vector`'s, another scalar type): rejected with a message that
  /// names the problem and its sizes or types, instead of a list of candidate overloads.
  template <class Input>
    requires(detail::sample_type<Input>::is_sample && !detail::accepts_sample<T, input_size, Input>)
  vector<T, output_size> operator()(const Input&) const noexcept {
    using sample = detail::sample_type<Input>;
    // One report per call, the most basic problem first: a size conversion cannot fix a
    // scalar type, and ctnn::vector<T, N>::from only helps once the scalar type is right.
    if constexpr (!std::is_same_v<typename sample::element, T>)
      static_assert(diagnostic::network_holds<T>::template but_given_input_holds<
                    typename sample::element>::reported);
    else if constexpr (!sample::has_static_size)
      static_assert(diagnostic::network_input_size_is<input_size>::template but_given_input_has_run_time_size<
                    Input>::reported);
    else
      static_assert(diagnostic::network_input_size_is<input_size>::template but_given_input_has_size<
                    sample::size>::reported);
    return {};
  }

  /// The outputs for a batch of inputs (one sample per row), through the same fused
  /// kernels as training. Allocates the result and the layers' outputs.
  [[nodiscard]] batch_matrix<T, output_size> operator()(
      batch_view<const T, input_size> x) const {
    batch_matrix<T, output_size> result(x.rows());
    kernels::gemm_workspace<T> workspace;
    forward_batch(x.data(), x.rows(), result.data(), workspace);
    return result;
  }

  /// Runs `rows` samples from `x` (rows `simd::padded_size<T, input_size>` apart) into `y`
  /// (rows `layer<last>::stride` apart): the batch forward pass without training state.
  void forward_batch(const T* x, std::size_t rows, T* y, kernels::gemm_workspace<T>& workspace) const {
    simd::aligned_buffer<T> buffers[2] = {simd::aligned_buffer<T>(layer_count > 1 ? rows * traits::widest : 0),
                                          simd::aligned_buffer<T>(layer_count > 2 ? rows * traits::widest : 0)};
    detail::forward_pass<fused, detail::run_time, basic_network>(parameters(), x, rows, workspace, [&](auto l) {
      T* out = l + 1 == layer_count ? y : buffers[l % 2].data();
      return detail::forward_outputs<T, false, true>{out, nullptr, out};
    });
    if constexpr (detail::is_softmax_activation<output_activation>)
      kernels::softmax_rows<T>(rows, output_size, y, output_layer::stride);
  }

  /// True when the parameter blocks are equal element by element, padding included. The
  /// comparison is `T`'s `==`: a NaN parameter makes two networks unequal, and 0 equals −0.
  friend bool operator==(const basic_network& a, const basic_network& b) noexcept {
    return std::equal(a.parameters(), a.parameters() + stored_parameter_count, b.parameters());
  }

 private:
  /// The forward pass of one sample whose `input_size` values start at `x`. `x` needs no
  /// alignment and no padding: the first layer's product reads it one value at a time (the
  /// transposed form of `kernels::gemv` broadcasts x(k) against a row of W) and never past
  /// `input_size`. That is what lets a span into a user's memory be read in place.
  [[nodiscard]] vector<T, output_size> infer(const T* x) const noexcept {
    vector<T, output_size> result;
    alignas(simd::alignment) T buffers[2][traits::widest] = {};
    detail::no_workspace none;  // one sample runs GEMVs
    detail::forward_pass<fused, 1, basic_network>(parameters(), x, 1, none, [&](auto l) {
      T* out = l + 1 == layer_count ? result.data() : buffers[l % 2];
      return detail::forward_outputs<T, false, true>{out, nullptr, out};
    });
    if constexpr (detail::is_softmax_activation<output_activation>)
      kernels::softmax_rows<T>(1, output_size, result.data(), output_layer::stride);
    return result;
  }

  detail::parameter_block<T, stored_parameter_count> block_;
};

/// Whether `net(x)` takes an `x` of type `Input` as one sample of `Network`'s input: a
/// `ctnn::vector<T, input_size>`, a `std::span<const T, input_size>` or `std::span<T,
/// input_size>`, a `std::array<T, input_size>` or a `T[input_size]`, where T is the
/// network's `value_type`. For the other samples `net(x)` does not compile (see
/// docs/diagnostics.md); this trait tells without the error.
/// @code
/// static_assert(ctnn::input_compatible_v<model, std::span<const float, 784>>);
/// static_assert(!ctnn::input_compatible_v<model, std::vector<float>>);  // use vector::from
/// @endcode
template <class Network, class Input>
inline constexpr bool input_compatible_v =
    detail::accepts_sample<typename Network::value_type, Network::input_size, Input>;

/// A network over `float`: `ctnn::network<ctnn::input<784>, ctnn::dense<10, ctnn::softmax>>`.
template <class... Layers>
using network = basic_network<float, Layers...>;

/// Index of the largest element (the first one on ties): the predicted class of a
/// classifier's output.
template <simd::scalar T, std::size_t N>
[[nodiscard]] std::size_t argmax(const vector<T, N>& v) noexcept {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

/// The output of `net` for one input. `ctnn::fused` is `net(x)`; `ctnn::naive` evaluates the
/// same layer passes (nn/passes.hpp) one loop per operation (x·W, + b, f), each into a
/// temporary.
/// @code
/// auto p = ctnn::forward<ctnn::naive>(net, x);   // == net(x), up to rounding
/// @endcode
template <class Policy = fused, simd::scalar T, class... L>
[[nodiscard]] vector<T, basic_network<T, L...>::output_size> forward(
    const basic_network<T, L...>& net, const vector<T, basic_network<T, L...>::input_size>& x) {
  using N = basic_network<T, L...>;
  if constexpr (!detail::check_policy<Policy>) {
    return {};
  } else if constexpr (std::is_same_v<Policy, fused>) {
    return net(x);
  } else {
    // The same passes as net(x), each node materialised by a loop of its own.
    vector<T, N::output_size> result;
    alignas(simd::alignment) T buffers[2][N::traits::widest] = {};
    // A layer's pass of one sample takes three temporaries at most (x·W, + b, f).
    T temporaries[3 * N::traits::widest];
    detail::naive_scratch<T> scratch{temporaries};
    detail::forward_pass<naive, 1, N>(net.parameters(), x.data(), 1, scratch, [&](auto l) {
      T* out = l + 1 == N::layer_count ? result.data() : buffers[l % 2];
      return detail::forward_outputs<T, false, true>{out, nullptr, out};
    });
    if constexpr (detail::is_softmax_activation<typename N::output_activation>)
      detail::naive_activate_row<typename N::output_activation>(result.data(), result.data(), N::output_size);
    return result;
  }
}

namespace detail {

/// Calls `f(offset)` for each parameter's position in the parameter block, in the order of
/// θ: layer by layer, W row-major (neuron by neuron, each neuron's weights in input order),
/// then b. `flatten`, `unflatten` and `gradient` all read or write θ through it.
template <class Network, class F>
void for_each_parameter_offset(F&& f) {
  for_each_index<Network::layer_count>([&](auto l) {
    using layer = typename Network::template layer<l>;
    for (std::size_t o = 0; o < layer::outputs; ++o)
      for (std::size_t i = 0; i < layer::inputs; ++i) f(layer::weight_offset + i * layer::stride + o);
    if constexpr (layer::has_bias)
      for (std::size_t o = 0; o < layer::outputs; ++o) f(layer::bias_offset + o);
  });
}

/// A parameter block (of `Network`'s layout) as θ.
template <class Network, class T>
std::vector<T> flatten_block(const T* block) {
  std::vector<T> theta;
  theta.reserve(Network::parameter_count);
  for_each_parameter_offset<Network>([&](std::size_t offset) { theta.push_back(block[offset]); });
  return theta;
}

}  // namespace detail

/// All trainable parameters as one vector θ: layer by layer, W row-major (neuron by neuron,
/// each neuron's weights in input order), then b.
template <simd::scalar T, class... L>
[[nodiscard]] std::vector<T> flatten(const basic_network<T, L...>& net) {
  return detail::flatten_block<basic_network<T, L...>>(net.parameters());
}

/// Sets every parameter from θ, in `flatten`'s order.
/// @throws ctnn::error when θ's length is not `parameter_count` (the network is unchanged).
template <simd::scalar T, class... L>
void unflatten(basic_network<T, L...>& net, std::span<const T> theta) {
  using N = basic_network<T, L...>;
  if (theta.size() != N::parameter_count)
    throw error("unflatten: expected " + std::to_string(N::parameter_count) +
                " parameters, found " + std::to_string(theta.size()));
  std::size_t k = 0;
  detail::for_each_parameter_offset<N>([&](std::size_t offset) { net.parameters()[offset] = theta[k++]; });
}
/// The same for θ in a `std::vector`, as `flatten` returns it: the span overload cannot
/// deduce `T` from a vector.
/// @throws ctnn::error when θ's length is not `parameter_count` (the network is unchanged).
template <simd::scalar T, class... L>
void unflatten(basic_network<T, L...>& net, const std::vector<T>& theta) {
  unflatten(net, std::span<const T>(theta));
}

}  // namespace ctnn
