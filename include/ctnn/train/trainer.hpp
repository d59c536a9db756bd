#pragma once
/// @file
/// `ctnn::trainer`: one training step (forward, loss, backward, update) on one batch, with
/// every buffer allocated once, at construction. The step runs the layer passes of
/// nn/passes.hpp, each written once, and its execution policy evaluates them
/// (expr/policy.hpp):
/// - `ctnn::fused` (default): each pass is one kernel whose epilogue does the rest: the
///   forward GEMM adds b and applies f; the loss and its gradient P − Y are one pass over the
///   logits (train/output_loss.hpp); f′ is applied in the epilogue of the GEMM that produces
///   the delta below; the optimizer updates W in the epilogue of the GEMM that produces dW,
///   and b in the pass that sums dZ.
/// - `ctnn::naive`: every node of the same passes in a loop of its own, into a temporary,
///   the textbook way: the reference in tests, the baseline in benchmarks.

#include <ctnn/diagnostic.hpp>
#include <ctnn/error.hpp>
#include <ctnn/kernels/gemm.hpp>
#include <ctnn/nn/losses.hpp>
#include <ctnn/nn/network.hpp>
#include <ctnn/nn/optimizers.hpp>
#include <ctnn/nn/passes.hpp>
#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/denormals.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/train/dataset.hpp>
#include <ctnn/train/magnitudes.hpp>
#include <ctnn/train/output_loss.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace ctnn {

namespace detail {

/// Selects the trainer constructor that only reads its network.
struct read_only_t {};
inline constexpr read_only_t read_only{};

}  // namespace detail

/// Runs training steps of `Network` with `Loss` and `Optimizer`, on batches of at most
/// `max_batch` samples. The workspace (every layer's sums and activations, the gradients,
/// the optimizer's state, the fused kernels' packing buffers, the naive policy's temporaries)
/// is allocated by the constructor; a step allocates nothing.
///
/// @code
/// ctnn::trainer step(net, ctnn::cross_entropy{}, ctnn::sgd{.learning_rate = 0.1f}, 64);
/// float loss = step(train.slice(0, 64));   // forward + backward + update
/// @endcode
template <class Network, class Loss, class Optimizer, class Policy = fused>
class trainer {
 public:
  /// The network's scalar type (`Network::value_type`): of batches and of the step's loss.
  using T = typename Network::value_type;
  /// The network's number of dense layers.
  static constexpr std::size_t layer_count = Network::layer_count;
  /// The network's input and output sizes: a batch is a `dataset_view<T, input_size,
  /// output_size>`.
  static constexpr std::size_t input_size = Network::input_size, output_size = Network::output_size;
  // Each check reports its own error in user words; none of them adds a second.
  static_assert(diagnostic::execution_policy_must_be_fused_or_naive_but_is<Policy, execution_policy<Policy>>::reported);
  static_assert(diagnostic::loss_must_be_mae_mse_cross_entropy_or_binary_cross_entropy_but_is<
                Loss, loss_function<Loss>>::reported);
  static_assert(diagnostic::optimizer_must_be_sgd_momentum_or_adam_but_is<Optimizer, optimizer<Optimizer>>::reported);
  static_assert(!loss_function<Loss> || detail::check_loss_fits<Loss, typename Network::output_activation>);

  /// @throws ctnn::error when `max_batch` is 0.
  trainer(Network& net, Loss loss, Optimizer optimizer, std::size_t max_batch)
      : trainer(&net, net, loss, optimizer, max_batch) {}

  /// A trainer that only reads `net`: for `evaluate` and `gradient`, which take a `const`
  /// network. Its passes are the trainer's; `operator()` is not for it.
  trainer(detail::read_only_t, const Network& net, Loss loss, std::size_t max_batch)
    requires std::is_same_v<Optimizer, sgd>
      : trainer(nullptr, net, loss, sgd{}, max_batch) {}

 private:
  trainer(Network* updated, const Network& net, Loss /*loss: its formulas are static*/, Optimizer optimizer,
          std::size_t max_batch)
      : net_(updated), source_(&net), state_(optimizer, updated ? Network::stored_parameter_count : 0),
        max_batch_(max_batch), sums_(max_batch * sum_stride), activations_(max_batch * sum_stride),
        deltas_(max_batch * sum_stride),
        gradient_(Network::stored_parameter_count), naive_(naive_temporaries::make(max_batch)) {
    if (max_batch == 0) throw error("trainer: max_batch must be at least 1");
    if constexpr (std::is_same_v<Policy, naive>) {
      workspace_.reserve(naive_cells(max_batch));
    } else {
      // The packing buffers of each layer's three products: forward, dA below, dW.
      detail::for_each_index<layer_count>([&](auto l) {
        constexpr std::size_t in = layer<l>::inputs, out = layer<l>::outputs;
        kernels::reserve_workspace(workspace_, max_batch, out, in);
        kernels::reserve_workspace(workspace_, max_batch, in, out);
        kernels::reserve_workspace(workspace_, in, out, max_batch);
      });
    }
  }

 public:

  /// One step on `batch`: forward, loss, backward and update. Returns the batch's mean loss
  /// at the parameters before the update.
  /// @throws ctnn::error when the batch is empty or has more than `max_batch()` samples, and
  /// when the loss or the gradient is not finite: then no parameter and no optimizer state
  /// has changed. A parameter whose update alone overflows (a finite gradient, a parameter
  /// near the largest finite value) keeps its value and the step reports it the same way.
  /// The step computes with subnormal numbers flushed to zero (`simd::flush_denormals`), so a
  /// late step costs what an early one does; the caller's floating-point modes are restored.
  T operator()(dataset_view<T, input_size, output_size> batch) {
    // Subnormal values compute as zero during the step (docs/design.md, "Subnormal numbers").
    const simd::flush_denormals scope;
    if (net_ == nullptr) throw error("trainer: a read-only trainer (of evaluate or gradient) takes no step");
    check_batch(batch.size());
    const double loss = forward_and_loss(batch, true);
    if (!std::isfinite(loss))
      throw error("the loss is not finite (" + std::to_string(loss) + "); no parameter was changed");
    backpropagate_deltas(batch);
    finite_ = true;
    T* p = net_->parameters();
    auto update = [this](T* parameters, std::size_t offset, const auto& g) {
      this->apply(parameters, offset, g);
    };
    static const double limit = std::sqrt(double(std::numeric_limits<T>::max())) / 16;
    double bound = std::numeric_limits<double>::infinity();  // naive: always the stored gradient
    if constexpr (std::is_same_v<Policy, fused>) bound = gradient_bound(batch);
    if (bound <= limit) {
      // Every gradient is provably finite (and so is its square, for Adam): update each
      // parameter in the epilogue of the kernel that computes its gradient.
      begin_norm(bound);
      state_.begin_step();
      parameter_gradients(batch, update);
    } else {
      // Textbook order (and the fused policy's fallback when values are huge): the whole
      // gradient first, checked, then the update.
      parameter_gradients(batch, [this](T*, std::size_t offset, const auto& g) {
        simd::store(gradient_.data() + offset, g);
      });
      constexpr std::size_t n = Network::stored_parameter_count;
      const double largest = detail::largest_magnitude(gradient_.data(), 1, n, n);
      if (!std::isfinite(largest)) throw error("the gradient is not finite; no parameter was changed");
      begin_norm(largest);
      state_.begin_step();
      if constexpr (std::is_same_v<Policy, fused>) {
        using V = simd::pack<T>;
        for (std::size_t i = 0; i < n; i += simd::lanes<V>) update(p, i, simd::load<V>(gradient_.data() + i));
      } else {
        for (std::size_t i = 0; i < n; ++i) update(p, i, gradient_[i]);
      }
    }
    if (!finite_) throw error("an updated parameter would not be finite; such parameters kept their values");
    return static_cast<T>(loss);
  }

  /// The Euclidean norm of the gradient of the last step (`operator()`), over all parameters.
  [[nodiscard]] double gradient_norm() const noexcept {
    const auto& s = square_packs_;
    return norm_scale_ * std::sqrt(squares_ + double(simd::sum((s[0] + s[1]) + (s[2] + s[3]))));
  }

  /// ∂(mean loss)/∂θ on `batch` in the parameter block's layout (`Network::parameters()`),
  /// without updating anything; returns the mean loss. `into` holds
  /// `Network::stored_parameter_count` values and needs no particular alignment.
  double gradient(dataset_view<T, input_size, output_size> batch, T* into) {
    check_batch(batch.size());
    const double loss = forward_and_loss(batch, true);
    backpropagate_deltas(batch);
    parameter_gradients(batch,
                        [into](T*, std::size_t offset, const auto& g) { simd::store_unaligned(into + offset, g); });
    return loss;
  }

  /// The mean loss on `batch` (at most `max_batch()` samples), and how many of its samples
  /// the network classifies correctly (`detail::accuracy_kind`): for a softmax output, the
  /// samples whose largest output is at their largest target; for a sigmoid (or hard
  /// sigmoid) output, the sum over samples of the fraction of outputs on the target's side
  /// of 0.5; NaN for any other output, which has no accuracy.
  std::pair<double, double> loss_and_correct(dataset_view<T, input_size, output_size> batch) {
    check_batch(batch.size());
    const double loss = forward_and_loss(batch, false);
    constexpr auto kind = detail::accuracy_kind<typename output_layer::activation>;
    if constexpr (kind == detail::accuracy::none) {
      return {loss, std::numeric_limits<double>::quiet_NaN()};
    } else {
      return {loss, detail::correct_predictions<output_layer>(sums_.data() + sum_offset<layer_count - 1>(batch.size()),
                                                                batch)};
    }
  }

  /// The most samples a batch may hold: the constructor's `max_batch`, which every buffer
  /// was sized for.
  [[nodiscard]] std::size_t max_batch() const noexcept { return max_batch_; }
  /// What the optimizer keeps between steps (momentum's velocity, Adam's moments), laid out
  /// as the network's parameter block.
  [[nodiscard]] const auto& optimizer_state() const noexcept { return state_; }
  /// The network that steps update. Precondition: the trainer was built from a writable
  /// network. A read-only trainer (the `detail::read_only` constructor, which `evaluate`,
  /// `gradient` and `fit`'s validation use) holds none: calling this on it is undefined.
  [[nodiscard]] Network& network() const noexcept { return *net_; }

 private:
  using output_layer = typename Network::output_layer;
  // After a reported error, the fused policy, so that no error follows.
  using P = std::conditional_t<execution_policy<Policy>, Policy, fused>;
  template <std::size_t L>
  using layer = typename Network::template layer<L>;

  static constexpr std::size_t sum_stride = [] {
    std::size_t s = 0;
    detail::for_each_index<layer_count>([&](auto l) { s += layer<l>::stride; });
    return s;
  }();

  /// The naive loss's temporaries (the output activations and ∂loss/∂A), allocated with
  /// the trainer (and left empty for the fused policy), so that a naive step allocates
  /// nothing either; the naive passes take theirs from the workspace.
  struct naive_temporaries {
    std::vector<T> a, delta;

    static naive_temporaries make(std::size_t max_batch) {
      if constexpr (!std::is_same_v<Policy, naive>)
        return {};
      else
        return {std::vector<T>(max_batch * output_size), std::vector<T>(max_batch * output_size)};
    }
  };
  /// The most temporaries any naive pass of a batch of `rows` takes.
  static std::size_t naive_cells(std::size_t rows) noexcept {
    std::size_t most = 0;
    detail::for_each_index<layer_count>([&](auto l) {
      using passes = detail::layer_passes<layer<l>, T>;
      const auto x = passes::x(nullptr, rows);
      const auto dz = passes::rows(nullptr, rows);
      T* nowhere = nullptr;
      const auto forward = passes::activation(detail::store_also<passes::stride>(nowhere, passes::sums(nullptr, x)));
      most = std::max({most, detail::naive_cells(forward), detail::naive_cells(passes::weight_gradient(x, dz)),
                       detail::naive_cells(passes::bias_gradient(dz))});
      if constexpr (l > 0) {
        using below = detail::layer_passes<layer<l - 1>, T>;
        const auto z = below::rows(nullptr, rows);
        most = std::max(most, detail::naive_cells(passes::template backward<typename below::f>(nullptr, dz, z, z)));
      }
    });
    return most;
  }
  /// Layer L's sums (and activations) for a batch of `rows` start at this offset of `sums_`
  /// (and `activations_`): layer by layer, each `rows × stride`.
  template <std::size_t L>
  static std::size_t sum_offset(std::size_t rows) noexcept {
    std::size_t s = 0;
    detail::for_each_index<L>([&](auto l) { s += layer<l>::stride; });
    return s * rows;
  }

  /// True when layer L's activation is bounded (|f| ≤ 1): its outputs need no measuring.
  template <std::size_t L>
  static constexpr bool bounded_output =
      detail::largest_output<typename layer<L>::activation> < std::numeric_limits<double>::infinity();

  void check_batch(std::size_t rows) const {
    if (rows == 0) throw error("trainer: the batch is empty");
    if (rows > max_batch_)
      throw error("trainer: a batch of " + std::to_string(rows) +
                  " samples exceeds the trainer's max_batch of " + std::to_string(max_batch_));
  }

  /// ∂(mean loss)/∂Z of layer L for a batch of `rows`, laid out as its sums.
  template <std::size_t L>
  T* delta(std::size_t rows) noexcept {
    return deltas_.data() + sum_offset<L>(rows);
  }

  /// Input rows of layer L: the batch for the first layer, else the previous activations.
  template <std::size_t L>
  const T* layer_input(const dataset_view<T, input_size, output_size>& batch) const noexcept {
    if constexpr (L == 0)
      return batch.inputs().data();
    else
      return activations_.data() + sum_offset<L - 1>(batch.size());
  }

  double forward_and_loss(const dataset_view<T, input_size, output_size>& batch, bool with_gradient) {
    const std::size_t rows = batch.size();
    // Z where backpropagation or the loss reads it, f(Z) for every hidden layer.
    detail::forward_pass<P, detail::run_time, Network>(
        source_->parameters(), batch.inputs().data(), rows, workspace_, [&](auto l) {
          constexpr bool hidden = l + 1 < layer_count;
          T* z = sums_.data() + sum_offset<l>(rows);
          T* a = activations_.data() + sum_offset<l>(rows);
          return detail::forward_outputs<T, !hidden || detail::needs_sums<typename layer<l>::activation>, hidden>{
              z, z, a};
        });
    const T* z = sums_.data() + sum_offset<layer_count - 1>(rows);
    T* output_delta = with_gradient ? delta<layer_count - 1>(rows) : nullptr;
    if constexpr (std::is_same_v<Policy, fused>)
      return detail::output_loss<Loss, output_layer>(z, batch.targets().data(), output_delta, rows);
    else
      return detail::naive_output_loss<Loss, output_layer>(z, batch, output_delta, naive_.a.data(), naive_.delta.data());
  }

  /// Backpropagation of the output delta: ∂(mean loss)/∂Z of every layer, each computed
  /// from the one above with the weights before any update (`layer_passes::backward`).
  void backpropagate_deltas(const dataset_view<T, input_size, output_size>& batch) {
    const std::size_t rows = batch.size();
    const T* p = source_->parameters();
    detail::for_each_index_reversed<layer_count>([&](auto l) {
      if constexpr (l > 0) {
        using passes = detail::layer_passes<layer<l>, T>;
        using below = detail::layer_passes<layer<l - 1>, T>;
        T* dz_below = delta<l - 1>(rows);
        const auto z = below::rows(sums_.data() + sum_offset<l - 1>(rows), rows);
        const auto a = below::rows(activations_.data() + sum_offset<l - 1>(rows), rows);
        detail::run_pass(P{}, passes::template backward<typename below::f>(p, passes::rows(delta<l>(rows), rows), z, a),
                         detail::store_rows<T, below::out, below::stride>{dz_below}, {dz_below, below::stride},
                         workspace_);
      }
    });
  }

  /// The parameters' gradients from the deltas (`layer_passes::weight_gradient` and
  /// `bias_gradient`), each handed to `sink(parameters, offset, g)` as soon as it is known: a
  /// pack with zero padding lanes (fused) or one value (naive).
  template <class Sink>
  void parameter_gradients(const dataset_view<T, input_size, output_size>& batch, const Sink& sink) {
    const std::size_t rows = batch.size();
    T* p = net_ ? net_->parameters() : nullptr;
    detail::for_each_index<layer_count>([&](auto l) {
      using current = layer<l>;
      using passes = detail::layer_passes<current, T>;
      const auto dz = passes::rows(delta<l>(rows), rows);
      const auto at = [=](std::size_t offset) {
        return [=](std::size_t r, std::size_t c, const auto& g, std::size_t valid) {
          if constexpr (simd::is_pack<std::remove_cvref_t<decltype(g)>>)
            sink(p, offset + r * current::stride + c, simd::keep_first_lanes(g, valid));
          else
            sink(p, offset + r * current::stride + c, g);
        };
      };
      detail::run_pass(P{}, passes::weight_gradient(passes::x(layer_input<l>(batch), rows), dz),
                       at(current::weight_offset), {gradient_.data() + current::weight_offset, current::stride},
                       workspace_);
      if constexpr (current::has_bias)
        detail::run_pass(P{}, passes::bias_gradient(dz), at(current::bias_offset),
                         {gradient_.data() + current::bias_offset, current::stride}, workspace_);
    });
  }

  /// A bound on the magnitude of every gradient of this batch (+∞ when a delta or an input
  /// is not finite): each weight gradient is a sum over the rows of products x·dz, so at
  /// most max|x| · Σ|dz|, and each bias gradient a sum of dz; Σ|x| stands in for max|x|.
  double gradient_bound(const dataset_view<T, input_size, output_size>& batch) noexcept {
    const std::size_t rows = batch.size();
    double bound = 0;
    detail::for_each_index<layer_count>([&](auto l) {
      using current = layer<l>;
      // One pass over each layer's delta and inputs; none for the outputs of a bounded
      // activation. (Measuring the deltas inside the kernels' epilogues was slower: a
      // running maximum there lived in memory that every store may alias.)
      const double dz = detail::magnitude_sum<T, current::outputs, current::stride>(delta<l>(rows), rows);
      const double x = [&] {
        if constexpr (l > 0) {
          if constexpr (bounded_output<l - 1>) return detail::largest_output<typename layer<l - 1>::activation>;
        }
        return detail::magnitude_sum<T, current::inputs, simd::padded_size<T, current::inputs>>(
            layer_input<l>(batch), rows);
      }();
      if (std::isfinite(dz) && std::isfinite(x))
        bound = std::max(bound, dz * std::max(x, 1.0));
      else
        bound = std::numeric_limits<double>::infinity();
    });
    return bound;
  }

  /// Starts Σ g² for a step whose gradients are at most `largest` in magnitude: they are
  /// summed divided by it, so that the sum cannot overflow.
  void begin_norm(double largest) noexcept {
    norm_scale_ = std::max(largest, 1.0);
    inverse_norm_scale_ = static_cast<T>(1 / norm_scale_);
    squares_ = 0;
    std::fill_n(square_packs_, 4, simd::pack<T>(T(0)));
  }

  /// The optimizer's update of the parameters at `offset` whose gradient is `g`; an update
  /// that is not finite is not stored.
  template <class V>
  void apply(T* parameters, std::size_t offset, const V& g) {
    if constexpr (simd::is_pack<V>) {
      // Four running sums taken in turn by offset: consecutive packs do not wait for each
      // other's addition (a running sum in memory costs a store-to-load round trip).
      const V scaled = g * V(inverse_norm_scale_);
      V& squares = square_packs_[offset / simd::lanes<V> % 4];
      squares = simd::fma(scaled, scaled, squares);
    } else {
      const double scaled = double(g) / norm_scale_;
      squares_ += scaled * scaled;
    }
    const V updated = state_.step(simd::load<V>(parameters + offset), g, offset);
    if (simd::all_finite(updated))
      simd::store(parameters + offset, updated);
    else
      finite_ = false;
  }

  Network* net_;             // the network that steps update (null when read-only)
  const Network* source_;    // the network that every pass reads
  // After a reported error, an optimizer that keeps the class valid, so no error follows.
  detail::optimizer_state<T, std::conditional_t<optimizer<Optimizer>, Optimizer, sgd>> state_;
  std::size_t max_batch_;
  simd::aligned_buffer<T> sums_, activations_;
  simd::aligned_buffer<T> deltas_;    // every layer's ∂loss/∂Z, laid out as sums_
  simd::aligned_buffer<T> gradient_;  // dW's partial sums beyond a GEMM depth block; the stored gradient
  detail::pass_workspace<P, T> workspace_;  // the GEMM's packing buffers, or the naive passes' temporaries
  naive_temporaries naive_;
  bool finite_ = true;
  // Σ (g / norm_scale_)² of the last step, from single values (naive) and from packs (fused).
  double norm_scale_ = 1, squares_ = 0;
  T inverse_norm_scale_ = 1;
  simd::pack<T> square_packs_[4] = {simd::pack<T>(T(0)), simd::pack<T>(T(0)), simd::pack<T>(T(0)),
                                    simd::pack<T>(T(0))};
};

template <class Network, class Loss, class Optimizer>
trainer(Network&, Loss, Optimizer, std::size_t) -> trainer<Network, Loss, Optimizer, fused>;

}  // namespace ctnn
