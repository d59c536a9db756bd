#pragma once
/// @file
/// A dense layer's passes, each written once as a pass expression (expr/pass.hpp) that the
/// execution policy evaluates (expr/policy.hpp):
///
///     forward           A = f(X·W + b), keeping Z = X·W + b where training reads it
///     backpropagation   dZ′ = (dZ·Wᵀ) ⊙ f′(Z′)    (′: the layer below)
///     weight gradient   ∂L/∂W = Xᵀ·dZ
///     bias gradient     ∂L/∂b = Σ over rows of dZ
///
/// X holds the layer's inputs, one sample per row; W is stored input-major (In × Out), so
/// that X·W and Xᵀ·dZ read it as it is; f′ is the activation's symbolic derivative
/// (expr/derivative.hpp), or its value from f's output where that is cheaper
/// (σ′ = a(1 − a)). The last layer's dZ = ∂L/∂Z is the loss's (nn/losses.hpp). A new
/// activation is an expression of `ctnn::x` and needs nothing here: its f and symbolic f′
/// are the nodes' operations, and both policies run them.

#include <ctnn/expr/activation.hpp>
#include <ctnn/expr/derivative.hpp>
#include <ctnn/expr/node.hpp>
#include <ctnn/expr/pass.hpp>
#include <ctnn/expr/policy.hpp>
#include <ctnn/kernels/operand.hpp>
#include <ctnn/nn/layers.hpp>
#include <ctnn/simd/pack.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn::detail {

/// Calls `f(std::integral_constant<std::size_t, I>{})` for I = 0 .. N−1, in order: a loop
/// over a network's layers whose body sees each layer's type.
template <std::size_t N, class F>
constexpr void for_each_index(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<N>{});
}
/// The same loop from N−1 down to 0 (backpropagation's order).
template <std::size_t N, class F>
constexpr void for_each_index_reversed(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, N - 1 - I>{}), ...);
  }(std::make_index_sequence<N>{});
}

/// An activation's f, f′ and f′ from f's output, each as one element-wise operation: a node
/// evaluates its operand once (substituting an operand into f's expression of `ctnn::x`
/// would repeat it), and the naive policy runs each in one loop.
template <class F>
struct forward_op {
  template <class V>
  [[nodiscard]] V operator()(const V& z) const noexcept {
    return F::forward(z);
  }
};
template <class F>
struct derivative_op {
  template <class V>
  [[nodiscard]] V operator()(const V& z) const noexcept {
    return F::derivative(z);
  }
};
template <class F>
struct derivative_from_output_op {
  template <class V>
  [[nodiscard]] V operator()(const V& a) const noexcept {
    return F::derivative_from_output(a);
  }
};

/// f′ as an expression of a layer's sums `z` and activations `a`: the constant 1 (which
/// `times` folds away), f′ from the output where the activation has that form, else the
/// symbolic derivative at z.
template <class F, class Z, class A>
[[nodiscard]] constexpr auto slope(const Z& z, const A& a) {
  if constexpr (F::unit_derivative)
    return one{};
  else if constexpr (derivative_from_output<F>)
    return make_node(derivative_from_output_op<F>{}, a);
  else
    return make_node(derivative_op<F>{}, z);
}

/// The passes of `Layer` over values of type `T`, for `Rows` samples (1, or `run_time`).
template <class Layer, class T, std::size_t Rows = run_time>
struct layer_passes {
  using f = typename Layer::activation;
  static constexpr std::size_t in = Layer::inputs, out = Layer::outputs, stride = Layer::stride;
  /// The layer's inputs X, rows padded to `in`.
  using inputs = rows_of<T, Rows, in, simd::padded_size<T, in>>;
  /// Rows like the layer's output: Z, A and dZ.
  using outputs = rows_of<T, Rows, out, stride>;

  [[nodiscard]] static constexpr inputs x(const T* data, std::size_t rows) noexcept { return {{}, data, rows}; }
  [[nodiscard]] static constexpr outputs rows(const T* data, std::size_t rows) noexcept { return {{}, data, rows}; }
  /// W in the parameter block `p`.
  [[nodiscard]] static constexpr auto weights(const T* p) noexcept {
    return rows_of<T, in, out, stride>{{}, p + Layer::weight_offset, in};
  }

  /// Z = X·W + b.
  [[nodiscard]] static constexpr auto sums(const T* p, const inputs& x) noexcept {
    if constexpr (Layer::has_bias)
      return sum(matrix_product(x, weights(p)), row_of<T, out>{{}, p + Layer::bias_offset});
    else
      return matrix_product(x, weights(p));
  }
  /// f(z) for the sums z; for softmax z itself, normalised over each row afterwards (the
  /// loss reads the logits).
  template <class Z>
  [[nodiscard]] static constexpr auto activation(const Z& z) {
    if constexpr (is_softmax_activation<f>)
      return z;
    else
      return make_node(forward_op<f>{}, z);
  }
  /// ∂L/∂Z of the layer below (activation `Below`, sums `z_below`, activations `a_below`)
  /// from this layer's `dz`.
  template <class Below, class Z, class A>
  [[nodiscard]] static constexpr auto backward(const T* p, const outputs& dz, const Z& z_below, const A& a_below) {
    return times(matrix_product(dz, transposed(weights(p))), slope<Below>(z_below, a_below));
  }
  /// ∂L/∂W = Xᵀ·dZ.
  [[nodiscard]] static constexpr auto weight_gradient(const inputs& x, const outputs& dz) noexcept {
    return matrix_product(transposed(x), dz);
  }
  /// ∂L/∂b = Σ over rows of dZ.
  [[nodiscard]] static constexpr auto bias_gradient(const outputs& dz) noexcept { return sum_over_rows(dz); }
};

/// Where one layer of the forward pass writes, rows `Layer::stride` apart: `product`, the
/// GEMM's own output (it holds partial sums between depth blocks), `sums`, Z = X·W + b (when
/// `StoresSums`), and `activations`, f(Z) (when `StoresActivations`; for softmax Z, which the
/// caller normalises). The next layer reads `activations`.
template <class T, bool StoresSums, bool StoresActivations>
struct forward_outputs {
  static constexpr bool stores_sums = StoresSums, stores_activations = StoresActivations;
  T* product;
  T* sums;
  T* activations;
};

/// The forward pass of `rows` samples from `x` (`Rows`: 1 or `run_time`; rows padded to the
/// input size) through `Network`'s layers with parameters `p`, evaluated by `Policy` in
/// `workspace` (`pass_workspace<Policy, T>`, or `no_workspace` for one fused sample): for
/// each layer the pass f(X·W + b), storing Z and f(Z) where `outputs(l)` (a
/// `forward_outputs`) asks for them. `net(x)`, `net(batch)`, `forward`, `evaluate` and every
/// training step run it.
template <class Policy, std::size_t Rows, class Network, class T, class Workspace, class Outputs>
void forward_pass(const T* p, const T* x, std::size_t rows, Workspace& workspace, const Outputs& outputs) {
  const T* in = x;
  for_each_index<Network::layer_count>([&](auto l) {
    using current = typename Network::template layer<l>;
    using passes = layer_passes<current, T, Rows>;
    const auto out = outputs(l);
    using targets = decltype(out);
    using store = store_rows<T, current::outputs, current::stride>;
    const kernels::output<T> partial{out.product, current::stride};
    const auto z = passes::sums(p, passes::x(in, rows));
    if constexpr (targets::stores_sums && targets::stores_activations)
      run_pass(Policy{}, passes::activation(store_also<current::stride>(out.sums, z)), store{out.activations},
               partial, workspace);
    else if constexpr (targets::stores_sums)
      run_pass(Policy{}, z, store{out.sums}, partial, workspace);
    else
      run_pass(Policy{}, passes::activation(z), store{out.activations}, partial, workspace);
    in = out.activations;
  });
}

/// The naive policy's output activation of one row of `n` sums: softmax with the maximum
/// subtracted, else f value by value.
template <class A, class T>
void naive_activate_row(const T* z, T* a, std::size_t n) {
  if constexpr (is_softmax_activation<A>) {
    const T m = *std::max_element(z, z + n);
    T total = 0;
    for (std::size_t o = 0; o < n; ++o) total += a[o] = std::exp(z[o] - m);
    for (std::size_t o = 0; o < n; ++o) a[o] /= total;
  } else {
    for (std::size_t o = 0; o < n; ++o) a[o] = A::forward(z[o]);
  }
}

}  // namespace ctnn::detail
