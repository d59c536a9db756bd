#pragma once
/// @file
/// Losses: `ctnn::mae`, `ctnn::mse`, `ctnn::cross_entropy`, `ctnn::binary_cross_entropy`.
///
/// Each loss is a mean over a batch. Its element-wise `value` and `gradient` (with respect to
/// the network's output p) are written once for packs and scalars and shared by the fused and
/// the naive policy. The two losses that pair with an output activation also give the loss
/// from the logits z, numerically stable, and their gradient with respect to z: P − Y.

#include <ctnn/diagnostic.hpp>
#include <ctnn/expr/activation.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <concepts>
#include <cstddef>
#include <limits>
#include <type_traits>

namespace ctnn {

/// Mean absolute error: the mean over samples and outputs of |p − y|.
struct mae {
  static constexpr bool mean_over_outputs = true;
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
};

/// Mean squared error: the mean over samples and outputs of (p − y)².
struct mse {
  static constexpr bool mean_over_outputs = true;
  template <class V>
  [[nodiscard]] static V value(const V& p, const V& y) noexcept {
    const V d = p - y;
    return d * d;
  }
  template <class V>
  [[nodiscard]] static V gradient(const V& p, const V& y) noexcept {
    return (p - y) * V(simd::lane_t<V>(2));
  }
};

/// Cross-entropy of a softmax output with one-hot (or probability) targets: the mean over
/// samples of −Σ_j y_j log p_j. It needs a `ctnn::softmax` output layer; computed from the
/// logits z as Σ_j y_j (logsumexp(z) − z_j), and its gradient with respect to z is P − Y.
struct cross_entropy {
  static constexpr bool mean_over_outputs = false;
  using output_activation = activations::softmax;
  /// −y log p, for the naive policy's reference path (p clamped away from 0).
  template <class V>
  [[nodiscard]] static V value(const V& p, const V& y) noexcept {
    using T = simd::lane_t<V>;
    return -y * simd::log(simd::max(p, V(std::numeric_limits<T>::min())));
  }
};

/// Binary cross-entropy of a sigmoid output: the mean over samples and outputs of
/// −(y log p + (1 − y) log(1 − p)). It needs a `ctnn::sigmoid` output layer; computed from the
/// logits z as max(z, 0) − z y + log(1 + e^−|z|), and its gradient with respect to z is P − Y.
struct binary_cross_entropy {
  static constexpr bool mean_over_outputs = true;
  using output_activation = activations::sigmoid;
  /// −(y log p + (1 − y) log(1 − p)), for the naive policy's reference path (p clamped
  /// away from 0 and 1).
  template <class V>
  [[nodiscard]] static V value(const V& p, const V& y) noexcept {
    using T = simd::lane_t<V>;
    const V tiny(std::numeric_limits<T>::min());
    return -(y * simd::log(simd::max(p, tiny)) + (V(T(1)) - y) * simd::log(simd::max(V(T(1)) - p, tiny)));
  }
  template <class V>
  [[nodiscard]] static V value_from_logit(const V& z, const V& y) noexcept {
    using T = simd::lane_t<V>;
    return simd::max(z, V(T(0))) - z * y + simd::log(V(T(1)) + simd::exp(-simd::abs(z)));
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
