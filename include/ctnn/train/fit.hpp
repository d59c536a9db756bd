#pragma once
/// @file
/// `ctnn::fit`, `ctnn::evaluate` and `ctnn::gradient`: training loops over a dataset, built
/// on `ctnn::trainer`.

#include <ctnn/error.hpp>
#include <ctnn/nn/initialize.hpp>
#include <ctnn/nn/network.hpp>
#include <ctnn/train/dataset.hpp>
#include <ctnn/train/trainer.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

namespace ctnn {

/// The result of `ctnn::evaluate`.
struct evaluation {
  /// Mean loss over the dataset.
  double loss = 0;
  /// The fraction of right classifications, by the output layer's activation:
  /// - softmax: the samples whose largest output is at the position of their largest target
  ///   (one-hot targets: the classification accuracy);
  /// - sigmoid or hard sigmoid: the outputs on the same side of 0.5 as their target, over all
  ///   samples and outputs (Keras' binary accuracy);
  /// - any other activation: NaN, since a regression has no accuracy.
  double accuracy = 0;
};

/// One epoch of `ctnn::fit`.
struct epoch_record {
  /// Mean of the batch losses of the epoch (each at the parameters before its update).
  double loss = 0;
  /// Loss and accuracy on the validation data after the epoch; NaN without validation data.
  double validation_loss = std::numeric_limits<double>::quiet_NaN();
  double validation_accuracy = std::numeric_limits<double>::quiet_NaN();
  /// Euclidean norm of the gradient of the epoch's last step (over its batch).
  double gradient_norm = 0;
  /// Wall-clock time of the epoch's training steps.
  double seconds = 0;
};

/// One training step of `ctnn::fit`, as its `on_batch` callback sees it.
struct batch_record {
  /// The epoch, from 0.
  std::size_t epoch = 0;
  /// The batch's index within the epoch, from 0.
  std::size_t batch = 0;
  /// The number of batches of a whole epoch (the last one may hold fewer samples).
  std::size_t batches = 0;
  /// The samples in this batch.
  std::size_t samples = 0;
  /// The batch's mean loss, at the parameters before its update.
  double loss = 0;
};

/// What `ctnn::fit` returns: one record per epoch run, in order.
using history = std::vector<epoch_record>;

/// Options of `ctnn::fit` (an aggregate: `{.epochs = 10, .batch_size = 64}`).
template <simd::scalar T, std::size_t In, std::size_t Out>
struct basic_fit_options {
  /// Passes over the data, at most: a stopping rule or a callback below may end training
  /// sooner. 0 trains nothing and returns an empty history.
  std::size_t epochs = 1;
  /// Samples per step; the last batch of an epoch holds what is left. A size above the
  /// dataset's means one step on the whole dataset per epoch; 0 makes `fit` throw.
  std::size_t batch_size = 32;
  /// Visit the samples in a new random order each epoch (seeded by `seed`).
  bool shuffle = true;
  /// Seed of the shuffle (the library's own generator, so one seed gives the same orders on
  /// every platform); unused without `shuffle`.
  std::uint64_t seed = 0;
  /// Evaluated after each epoch into the record's validation fields.
  std::optional<dataset_view<T, In, Out>> validation{};
  /// Stop after this many updates (0: no limit); the last epoch may be partial.
  std::size_t max_updates = 0;
  /// Stop when the epoch's mean loss is below this value (0: never).
  double loss_tolerance = 0;
  /// Stop after a step whose gradient norm is below this value (0: never). With
  /// `batch_size` ≥ the dataset's size this is the course's rule ‖∇L(θ)‖ < tolerance;
  /// with mini-batches it looks at the batch's gradient.
  double gradient_tolerance = 0;
  /// Called after every epoch with the epoch's index (from 0) and record; returning false
  /// stops training.
  std::function<bool(std::size_t, const epoch_record&)> on_epoch{};
  /// Called after every training step (its update done); returning false stops training
  /// after that step, and the epoch's record (over the batches run) is still made, passed to
  /// `on_epoch` and returned. One indirect call per batch: cheap enough to leave on for a
  /// progress display.
  std::function<bool(const batch_record&)> on_batch{};
};

/// Options for float networks and datasets.
template <std::size_t In, std::size_t Out>
using fit_options = basic_fit_options<float, In, Out>;

namespace detail {

/// Copies the samples `order[first, last)` into contiguous rows of `into`.
template <class T, std::size_t In, std::size_t Out>
dataset_view<T, In, Out> gather(const dataset_view<T, In, Out>& data, const std::vector<std::size_t>& order,
                                std::size_t first, std::size_t last, T* x, T* y) {
  using view = dataset_view<T, In, Out>;
  for (std::size_t i = first; i < last; ++i) {
    const std::size_t row = order[i];
    std::copy_n(data.input(row).data(), view::input_stride, x + (i - first) * view::input_stride);
    std::copy_n(data.target(row).data(), view::target_stride, y + (i - first) * view::target_stride);
  }
  return {x, y, last - first};
}

template <class Network, class Data>
inline constexpr bool check_dataset_fits =
    diagnostic::network_input_size_is<Network::input_size>::template but_given_input_has_size<
        Data::input_size>::reported &&
    diagnostic::network_output_size_is<Network::output_size>::template but_dataset_targets_have_size<
        Data::output_size>::reported &&
    Data::input_size == Network::input_size && Data::output_size == Network::output_size;

/// Reports, each in the user's words, what of a call's arguments does not fit; true when
/// everything does. Entry points run their body only then, so each mistake is one error.
template <class Policy, class Network, class Data, class Loss, class Optimizer = sgd>
inline constexpr bool check_call = check_policy<Policy> && check_dataset_fits<Network, Data> && check_loss<Loss> &&
                                   check_optimizer<Optimizer>;

/// Mean loss and accuracy over `data` through a read-only trainer `t` (see `evaluation`).
template <class Trainer, class View>
evaluation evaluate_with(Trainer& t, const View& all) {
  double total = 0, correct = 0;
  for (std::size_t first = 0; first < all.size(); first += t.max_batch()) {
    const auto part = all.slice(first, std::min(all.size(), first + t.max_batch()));
    const auto [l, c] = t.loss_and_correct(part);
    total += l * double(part.size());
    correct += c;
  }
  return {total / double(all.size()), correct / double(all.size())};
}

/// Samples `evaluate` runs through its passes at a time: its workspace's batch.
inline constexpr std::size_t evaluation_batch = 256;

}  // namespace detail

/// Mean loss and accuracy of `net` on `data` (`net` is only read). Accuracy depends on the
/// output activation (see `evaluation`): NaN for a network that is not a classifier.
/// @throws ctnn::error when the dataset is empty.
template <class Policy = fused, simd::scalar T, class... L, class Data, class Loss>
evaluation evaluate(const basic_network<T, L...>& net, const Data& data, Loss loss) {
  using N = basic_network<T, L...>;
  if constexpr (!detail::check_call<Policy, N, Data, Loss>) {
    return {};
  } else {
    const dataset_view<T, N::input_size, N::output_size> all = data;
    if (all.empty()) throw error("evaluate: the dataset is empty");
    trainer<N, Loss, sgd, Policy> t(detail::read_only, net, loss, std::min(all.size(), detail::evaluation_batch));
    return detail::evaluate_with(t, all);
  }
}

/// Trains `net` on `data` with mini-batch gradient descent: `options.epochs` passes over the
/// data in batches of `options.batch_size` (the last batch of an epoch may be smaller).
/// The workspace, the validation data's included, is allocated once, before the first epoch.
/// @throws ctnn::error when the data (or the validation data) is empty or the batch size is
/// 0, and when a loss or a gradient is not finite: the message names the epoch and the
/// batch, and the network keeps the parameters of the last finite step.
template <class Policy = fused, simd::scalar T, class... L, class Data, class Loss, class Optimizer>
history fit(basic_network<T, L...>& net, const Data& data, Loss loss, Optimizer optimizer,
            const basic_fit_options<T, basic_network<T, L...>::input_size,
                                    basic_network<T, L...>::output_size>& options = {}) {
  using N = basic_network<T, L...>;
  if constexpr (!detail::check_call<Policy, N, Data, Loss, Optimizer>) {
    return {};
  } else {
    using view = dataset_view<T, N::input_size, N::output_size>;
    const view all = data;
    if (all.empty()) throw error("fit: the dataset is empty");
    if (options.batch_size == 0) throw error("fit: batch_size must be at least 1");
    if (options.validation && options.validation->empty()) throw error("fit: the validation data is empty");
    const std::size_t batch = std::min(options.batch_size, all.size());
    trainer<N, Loss, Optimizer, Policy> step(net, loss, optimizer, batch);
    std::optional<trainer<N, Loss, sgd, Policy>> validator;
    if (options.validation)
      validator.emplace(detail::read_only, net, loss,
                        std::min(options.validation->size(), detail::evaluation_batch));
    simd::aligned_buffer<T> x(options.shuffle ? batch * view::input_stride : 0);
    simd::aligned_buffer<T> y(options.shuffle ? batch * view::target_stride : 0);
    std::vector<std::size_t> order(all.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    detail::random_bits random(options.seed);

    const std::size_t batches = (all.size() + batch - 1) / batch;
    history records;
    std::size_t updates = 0;
    for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
      if (options.shuffle)  // Fisher–Yates with the library's own generator: same order everywhere
        for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[random.below(i + 1)]);
      epoch_record record;
      const auto start = std::chrono::steady_clock::now();
      double total = 0;
      std::size_t seen = 0;
      bool stop = false;
      for (std::size_t first = 0, index = 0; first < all.size(); first += batch, ++index) {
        const std::size_t last = std::min(all.size(), first + batch);
        const view part = options.shuffle ? detail::gather(all, order, first, last, x.data(), y.data())
                                          : all.slice(first, last);
        double batch_loss = 0;
        try {
          batch_loss = double(step(part));
        } catch (const error& e) {
          throw error("fit: epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(index + 1) +
                      ": " + e.what());
        }
        total += batch_loss * double(part.size());
        seen += part.size();
        ++updates;
        if ((options.max_updates && updates >= options.max_updates) ||
            step.gradient_norm() < options.gradient_tolerance ||
            (options.on_batch && !options.on_batch({epoch, index, batches, part.size(), batch_loss}))) {
          stop = true;
          break;
        }
      }
      record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      record.loss = total / double(seen);
      record.gradient_norm = step.gradient_norm();
      if (validator) {
        const evaluation v = detail::evaluate_with(*validator, *options.validation);
        record.validation_loss = v.loss;
        record.validation_accuracy = v.accuracy;
      }
      records.push_back(record);
      if (options.on_epoch && !options.on_epoch(epoch, record)) break;
      if (stop || record.loss < options.loss_tolerance) break;
    }
    return records;
  }
}

/// ∂(mean loss over `data`)/∂θ, in `flatten`'s order (`net` is only read). Its arguments are
/// in the order of `evaluate` and `fit`: the network, the data, the loss.
/// @throws ctnn::error when the dataset is empty.
template <class Policy = fused, simd::scalar T, class... L, class Data, class Loss>
std::vector<T> gradient(const basic_network<T, L...>& net, const Data& data, Loss loss) {
  using N = basic_network<T, L...>;
  if constexpr (!detail::check_call<Policy, N, Data, Loss>) {
    return {};
  } else {
    const dataset_view<T, N::input_size, N::output_size> all = data;
    if (all.empty()) throw error("gradient: the dataset is empty");
    trainer<N, Loss, sgd, Policy> t(detail::read_only, net, loss, all.size());
    simd::aligned_buffer<T> stored(N::stored_parameter_count);
    t.gradient(all, stored.data());
    return detail::flatten_block<N>(stored.data());
  }
}

}  // namespace ctnn
