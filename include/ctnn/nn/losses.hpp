#pragma once
/// @file
/// Losses: `ctnn::mae`, `ctnn::mse`, `ctnn::cross_entropy`, `ctnn::binary_cross_entropy`.
///
/// Each loss is a mean over a batch. Its element-wise `value` and `gradient` (with respect to
/// the network's output p) are written once for packs and scalars and shared by the fused and
/// the naive policy. The two losses that pair with an output activation also give the loss
/// from the logits z, numerically stable, and their gradient with respect to z: P − Y. Each
/// loss's `row` is the fused policy's pass over one row of the output layer's sums: the
/// loss, and its gradient with respect to the sums, in one pass.

#include <ctnn/diagnostic.hpp>
#include <ctnn/expr/activation.hpp>
#include <ctnn/kernels/softmax.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <type_traits>

namespace ctnn {

namespace detail {

/// The loop of every element-wise loss's `row`: for each pack of one row's `Cols` sums z and
/// targets y, `pointwise(z, y, gradient)` returns the pack's losses and, when `gradient` is
/// not null, stores there ∂loss/∂z; the losses are summed and the gradients, times `scale`,
/// stored to `dz` (when not null). Rows are padded to whole packs of `V`; padding lanes count
/// nothing and are stored as zero.
template <class V, std::size_t Cols, class Pointwise>
double elementwise_loss_row(const simd::lane_t<V>* z, const simd::lane_t<V>* y, simd::lane_t<V>* dz,
                            simd::lane_t<V> scale, const Pointwise& pointwise) noexcept {
  using T = simd::lane_t<V>;
  constexpr std::size_t w = simd::lanes<V>, packs = (Cols + w - 1) / w;
  V sum(T(0));
  for (std::size_t p = 0; p < packs; ++p) {
    const std::size_t valid = Cols - p * w;
    V gradient(T(0));
    sum += simd::keep_first_lanes(
        pointwise(simd::load<V>(z + p * w), simd::load<V>(y + p * w), dz ? &gradient : nullptr), valid);
    if (dz) simd::store(dz + p * w, simd::keep_first_lanes(gradient * V(scale), valid));
  }
  return double(simd::sum(sum));
}

/// `row` of a loss that is a function of the activations p = f(z): value(f(z), y), and
/// ∂/∂z = gradient(f(z), y) · f′(z).
template <class Loss, class A, class V, std::size_t Cols>
double activation_loss_row(const simd::lane_t<V>* z, const simd::lane_t<V>* y, simd::lane_t<V>* dz,
                           simd::lane_t<V> scale) noexcept {
  return elementwise_loss_row<V, Cols>(z, y, dz, scale, [](const V& zp, const V& yp, V* gradient) {
    const V a = A::forward(zp);
    if (gradient) {
      *gradient = Loss::gradient(a, yp);
      if constexpr (!A::unit_derivative) *gradient *= A::derivative(zp);
    }
    return Loss::value(a, yp);
  });
}

}  // namespace detail

/// Mean absolute error: the mean over samples and outputs of |p − y|.
struct mae {
  /// The mean divides by samples × outputs (not by samples alone).
  static constexpr bool mean_over_outputs = true;
  /// |p − y| for one output `p` and its target `y`, lane by lane (a pack or a scalar).
  template <class V>
  [[nodiscard]] static V value(const V& p, const V& y) noexcept {
    return simd::abs(p - y);
  }
  /// ∂|p − y|/∂p = sign(p − y) (0 where p = y).
  template <class V>
  [[nodiscard]] static V gradient(const V& p, const V& y) noexcept {
    using T = simd::lane_t<V>;
    return simd::select(p > y, V(T(1)), simd::select(p < y, V(T(-1)), V(T(0))));
  }
  /// One row of the output layer's sums through activation `A` (see `detail::activation_loss_row`).
  template <class A, class V, std::size_t Cols>
  static double row(const simd::lane_t<V>* z, const simd::lane_t<V>* y, simd::lane_t<V>* dz,
                    simd::lane_t<V> scale) noexcept {
    return detail::activation_loss_row<mae, A, V, Cols>(z, y, dz, scale);
  }
};

/// Mean squared error: the mean over samples and outputs of (p − y)².
struct mse {
  /// The mean divides by samples × outputs (not by samples alone).
  static constexpr bool mean_over_outputs = true;
  /// (p − y)² for one output `p` and its target `y`, lane by lane (a pack or a scalar).
  template <class V>
  [[nodiscard]] static V value(const V& p, const V& y) noexcept {
    const V d = p - y;
    return d * d;
  }
  /// ∂(p − y)²/∂p = 2 (p − y).
  template <class V>
  [[nodiscard]] static V gradient(const V& p, const V& y) noexcept {
    return (p - y) * V(simd::lane_t<V>(2));
  }
  /// One row of the output layer's sums through activation `A` (see `detail::activation_loss_row`).
  template <class A, class V, std::size_t Cols>
  static double row(const simd::lane_t<V>* z, const simd::lane_t<V>* y, simd::lane_t<V>* dz,
                    simd::lane_t<V> scale) noexcept {
    return detail::activation_loss_row<mse, A, V, Cols>(z, y, dz, scale);
  }
};

/// Cross-entropy of a softmax output with one-hot (or probability) targets: the mean over
/// samples of −Σ_j y_j log p_j. It needs a `ctnn::softmax` output layer; computed from the
/// logits z as Σ_j y_j (logsumexp(z) − z_j), and its gradient with respect to z is P − Y.
struct cross_entropy {
  /// The mean divides by samples only: a sample's loss is the sum over its outputs.
  static constexpr bool mean_over_outputs = false;
  /// The output layer's activation this loss requires (checked at compile time); the
  /// gradient with respect to the logits is then P − Y.
  using output_activation = activations::softmax;
  /// −y log p, for the naive policy's reference path (p clamped away from 0).
  template <class V>
  [[nodiscard]] static V value(const V& p, const V& y) noexcept {
    using T = simd::lane_t<V>;
    return -y * simd::log(simd::max(p, V(std::numeric_limits<T>::min())));
  }
  /// One row of logits z: Σ_j y_j (logsumexp(z) − z_j) with the largest z subtracted, and
  /// with `dz` non-null dz = (softmax(z) − y) · scale. `A` is softmax.
  template <class A, class V, std::size_t Cols>
  static double row(const simd::lane_t<V>* z, const simd::lane_t<V>* y, simd::lane_t<V>* dz,
                    simd::lane_t<V> scale) noexcept {
    using T = simd::lane_t<V>;
    constexpr std::size_t w = simd::lanes<V>, packs = (Cols + w - 1) / w;
    const T m = kernels::row_maximum<V>(z, Cols);
    V e(T(0));
    for (std::size_t p = 0; p < packs; ++p)
      e += simd::keep_first_lanes(simd::exp(simd::load<V>(z + p * w) - V(m)), Cols - p * w);
    const T total_e = simd::sum(e);
    const T lse = m + std::log(total_e);
    V sum(T(0));
    for (std::size_t p = 0; p < packs; ++p) {
      const V zp = simd::load<V>(z + p * w), yp = simd::load<V>(y + p * w);
      sum += yp * (V(lse) - zp);  // y's padding is zero
      if (dz) {
        const V probability = simd::exp(zp - V(m)) / V(total_e);
        simd::store(dz + p * w, simd::keep_first_lanes((probability - yp) * V(scale), Cols - p * w));
      }
    }
    return double(simd::sum(sum));
  }
};

/// Binary cross-entropy of a sigmoid output: the mean over samples and outputs of
/// −(y log p + (1 − y) log(1 − p)). It needs a `ctnn::sigmoid` output layer; computed from the
/// logits z as max(z, 0) − z y + log(1 + e^−|z|), and its gradient with respect to z is P − Y.
struct binary_cross_entropy {
  /// The mean divides by samples × outputs (not by samples alone).
  static constexpr bool mean_over_outputs = true;
  /// The output layer's activation this loss requires (checked at compile time); the
  /// gradient with respect to the logits is then P − Y.
  using output_activation = activations::sigmoid;
  /// −(y log p + (1 − y) log(1 − p)), for the naive policy's reference path (p clamped
  /// away from 0 and 1).
  template <class V>
  [[nodiscard]] static V value(const V& p, const V& y) noexcept {
    using T = simd::lane_t<V>;
    const V tiny(std::numeric_limits<T>::min());
    return -(y * simd::log(simd::max(p, tiny)) + (V(T(1)) - y) * simd::log(simd::max(V(T(1)) - p, tiny)));
  }
  /// The same loss from the logit z (p = σ(z)), as max(z, 0) − z y + log(1 + e^−|z|): no
  /// exponential overflows and no log of 0, for any z. The fused policy's form.
  template <class V>
  [[nodiscard]] static V value_from_logit(const V& z, const V& y) noexcept {
    using T = simd::lane_t<V>;
    return simd::max(z, V(T(0))) - z * y + simd::log(V(T(1)) + simd::exp(-simd::abs(z)));
  }
  /// One row of logits z: Σ value_from_logit(z, y), and with `dz` non-null
  /// dz = (σ(z) − y) · scale. `A` is the sigmoid.
  template <class A, class V, std::size_t Cols>
  static double row(const simd::lane_t<V>* z, const simd::lane_t<V>* y, simd::lane_t<V>* dz,
                    simd::lane_t<V> scale) noexcept {
    return detail::elementwise_loss_row<V, Cols>(z, y, dz, scale, [](const V& zp, const V& yp, V* gradient) {
      if (gradient) *gradient = A::forward(zp) - yp;
      return value_from_logit(zp, yp);
    });
  }
};

/// The four losses: `ctnn::mae`, `ctnn::mse`, `ctnn::cross_entropy` and
/// `ctnn::binary_cross_entropy`. `fit`, `evaluate`, `gradient` and `trainer` reject any
/// other type at their entry with a message that names it.
template <class L>
concept loss_function = std::same_as<L, mae> || std::same_as<L, mse> || std::same_as<L, cross_entropy> ||
                        std::same_as<L, binary_cross_entropy>;

namespace detail {

/// Reports a `Loss` that is not a loss; true when it is one.
template <class Loss>
inline constexpr bool check_loss =
    diagnostic::loss_must_be_mae_mse_cross_entropy_or_binary_cross_entropy_but_is<Loss, loss_function<Loss>>::reported &&
    loss_function<Loss>;

/// Losses computed from the logits, whose gradient with respect to them is P − Y.
template <class Loss>
concept logit_loss = requires { typename Loss::output_activation; };

/// Whether `Loss` can train a network whose output activation is `A`; reports the
/// mismatch in the user's words when it cannot.
template <class Loss, class A>
inline constexpr bool check_loss_fits = [] {
  if constexpr (logit_loss<Loss>) {
    return diagnostic::loss<Loss>::template needs_output_activation<typename Loss::output_activation>::
        template but_output_layer_has<A>::reported;
  } else {
    static_assert(!std::is_same_v<A, activations::softmax>,
                  "a softmax output layer is trained with ctnn::cross_entropy");
    return true;
  }
}();

}  // namespace detail
}  // namespace ctnn
