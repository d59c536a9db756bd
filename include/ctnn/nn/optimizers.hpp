#pragma once
/// @file
/// Optimizers: `ctnn::sgd`, `ctnn::momentum`, `ctnn::adam`. Each is an aggregate of its
/// hyper-parameters; `detail::optimizer_state` holds what it remembers between steps and
/// applies one update to a pack of parameters, so the same formula runs inside the fused
/// kernels' epilogues and in the naive policy's loops.

#include <ctnn/diagnostic.hpp>
#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <cmath>
#include <concepts>
#include <cstddef>

namespace ctnn {

/// Gradient descent: θ ← θ − η g.
struct sgd {
  float learning_rate = 0.01f;
};

/// Gradient descent with momentum: v ← β v − η g; θ ← θ + v.
struct momentum {
  float learning_rate = 0.01f;
  float beta = 0.9f;
};

/// Adam (Kingma and Ba, 2015) with the paper's defaults: m ← β₁ m + (1 − β₁) g,
/// v ← β₂ v + (1 − β₂) g², θ ← θ − η m̂ / (√v̂ + ε) with the bias-corrected m̂, v̂.
struct adam {
  float learning_rate = 0.001f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
};

/// The three optimizers: `ctnn::sgd`, `ctnn::momentum` and `ctnn::adam`. `fit` and `trainer`
/// reject any other type at their entry with a message that names it.
template <class O>
concept optimizer = std::same_as<O, sgd> || std::same_as<O, momentum> || std::same_as<O, adam>;

namespace detail {

/// Reports an `Optimizer` that is not an optimizer; true when it is one.
template <class Optimizer>
inline constexpr bool check_optimizer =
    diagnostic::optimizer_must_be_sgd_momentum_or_adam_but_is<Optimizer, optimizer<Optimizer>>::reported &&
    optimizer<Optimizer>;

template <class T, class Optimizer>
class optimizer_state;

template <class T>
class optimizer_state<T, sgd> {
 public:
  optimizer_state(const sgd& o, std::size_t) noexcept : rate_(static_cast<T>(o.learning_rate)) {}
  void begin_step() noexcept {}
  /// The new value of the parameters at `offset` whose gradient is `g`.
  template <class V>
  [[nodiscard]] V step(const V& theta, const V& g, std::size_t) noexcept {
    return simd::fma(V(-rate_), g, theta);
  }

 private:
  T rate_;
};

template <class T>
class optimizer_state<T, momentum> {
 public:
  optimizer_state(const momentum& o, std::size_t n)
      : rate_(static_cast<T>(o.learning_rate)), beta_(static_cast<T>(o.beta)), velocity_(n) {}
  void begin_step() noexcept {}
  template <class V>
  [[nodiscard]] V step(const V& theta, const V& g, std::size_t offset) noexcept {
    const V v = simd::fma(V(beta_), simd::load<V>(velocity_.data() + offset), V(-rate_) * g);
    simd::store(velocity_.data() + offset, v);
    return theta + v;
  }
  [[nodiscard]] const simd::aligned_buffer<T>& velocity() const noexcept { return velocity_; }

 private:
  T rate_, beta_;
  simd::aligned_buffer<T> velocity_;
};

template <class T>
class optimizer_state<T, adam> {
 public:
  optimizer_state(const adam& o, std::size_t n)
      : o_(o), first_(n), second_(n) {}
  /// Advances t and folds the bias corrections into the step size and ε (the paper's
  /// "more efficient" form, section 2).
  void begin_step() noexcept {
    ++t_;
    const double c1 = 1 - std::pow(double(o_.beta1), double(t_));
    const double c2 = 1 - std::pow(double(o_.beta2), double(t_));
    rate_ = static_cast<T>(o_.learning_rate * std::sqrt(c2) / c1);
    epsilon_ = static_cast<T>(o_.epsilon * std::sqrt(c2));
  }
  template <class V>
  [[nodiscard]] V step(const V& theta, const V& g, std::size_t offset) noexcept {
    const T b1 = static_cast<T>(o_.beta1), b2 = static_cast<T>(o_.beta2);
    const V m = simd::fma(V(b1), simd::load<V>(first_.data() + offset), V(T(1) - b1) * g);
    const V v = simd::fma(V(b2), simd::load<V>(second_.data() + offset), V(T(1) - b2) * g * g);
    simd::store(first_.data() + offset, m);
    simd::store(second_.data() + offset, v);
    return theta - V(rate_) * m / (simd::sqrt(v) + V(epsilon_));
  }
  /// m and v, laid out as the parameter block.
  [[nodiscard]] const simd::aligned_buffer<T>& first_moment() const noexcept { return first_; }
  [[nodiscard]] const simd::aligned_buffer<T>& second_moment() const noexcept { return second_; }

 private:
  adam o_;
  simd::aligned_buffer<T> first_, second_;
  long t_ = 0;
  T rate_{}, epsilon_{};
};

}  // namespace detail
}  // namespace ctnn
