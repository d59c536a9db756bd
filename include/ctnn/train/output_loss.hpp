#pragma once
/// @file
/// What training computes at the output layer, from its sums Z (the logits): the mean loss
/// of a batch and its gradient ∂L/∂Z, the fused way (one pass, each row the loss's own
/// `row`, nn/losses.hpp) and the naive way (a loop per operation), and how many samples the
/// network classifies correctly.

#include <ctnn/nn/layers.hpp>
#include <ctnn/nn/losses.hpp>
#include <ctnn/nn/passes.hpp>
#include <ctnn/simd/pack.hpp>

#include <algorithm>
#include <cstddef>
#include <type_traits>

namespace ctnn::detail {

/// The loss of a batch whose output-layer sums (logits) are `z`, against targets `y`; with
/// `dz` non-null, also stores ∂(mean loss)/∂z there. One pass over the rows, each the loss's
/// own `row`. Returns the mean loss. Rows of z, y and dz are `Layer::stride` apart; padding
/// lanes of dz stay zero.
template <class Loss, class Layer, class T>
double output_loss(const T* z, const T* y, T* dz, std::size_t rows) noexcept {
  using V = simd::pack<T>;
  constexpr std::size_t cols = Layer::outputs, stride = Layer::stride;
  const double norm = double(rows) * (Loss::mean_over_outputs ? double(cols) : 1.0);
  const T scale = static_cast<T>(1.0 / norm);
  double total = 0;
  for (std::size_t r = 0; r < rows; ++r)
    total += Loss::template row<typename Layer::activation, V, cols>(z + r * stride, y + r * stride,
                                                                    dz ? dz + r * stride : nullptr, scale);
  return total / norm;
}

/// `output_loss` the naive policy's way: the output activation, the loss and ∂loss/∂z, each
/// its own loop over a stored temporary (`a` and `delta`, `rows × Layer::outputs` each).
template <class Loss, class Layer, class T, class Batch>
double naive_output_loss(const T* z, const Batch& batch, T* output_delta, T* a, T* delta) {
using A = typename Layer::activation;
constexpr std::size_t out = Layer::outputs, stride = Layer::stride;
const std::size_t rows = batch.size();
  for (std::size_t r = 0; r < rows; ++r) naive_activate_row<A>(z + r * stride, a + r * out, out);
  const double norm = double(rows) * (Loss::mean_over_outputs ? double(out) : 1.0);
  double total = 0;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t o = 0; o < out; ++o) total += double(Loss::value(a[r * out + o], batch.target(r)[o]));
  if (output_delta) {
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t o = 0; o < out; ++o) {
        const T y = batch.target(r)[o];
        if constexpr (logit_loss<Loss>)
          delta[r * out + o] = a[r * out + o] - y;  // P − Y
        else
          delta[r * out + o] = Loss::gradient(a[r * out + o], y);
      }
    if constexpr (!logit_loss<Loss>) {
      if constexpr (!A::unit_derivative)
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t o = 0; o < out; ++o) delta[r * out + o] *= A::derivative(z[r * stride + o]);
    }
    const T scale = static_cast<T>(1.0 / norm);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t o = 0; o < stride; ++o)
        output_delta[r * stride + o] = o < out ? delta[r * out + o] * scale : T(0);
  }
  return total / norm;
}

/// How `evaluate` and `fit` count a classification as right, by output activation.
enum class accuracy {
  largest_output,  // softmax: the position of the largest output is the target's class
  thresholded,     // sigmoid, hard sigmoid: each output on the target's side of 0.5
  none             // any other output (a regression): no accuracy (NaN)
};
template <class A>
inline constexpr accuracy accuracy_kind =
    is_softmax_activation<A> ? accuracy::largest_output
    : std::is_same_v<A, activations::sigmoid> || std::is_same_v<A, activations::hard_sigmoid> ? accuracy::thresholded
                                                                                                : accuracy::none;

/// How many of a batch's samples the network classifies correctly (`accuracy_kind`), from the
/// output layer's sums `z` (rows `Layer::stride` apart): for a softmax output, the samples
/// whose largest output is at their largest target; for a sigmoid (or hard sigmoid) output,
/// the sum over samples of the fraction of outputs on the target's side of 0.5. Softmax
/// keeps the order of z, and f(z) > 0.5 ⟺ z > 0 for both sigmoids, so neither needs the
/// activation computed.
template <class Layer, class T, class Batch>
double correct_predictions(const T* z, const Batch& batch) noexcept {
  constexpr std::size_t outputs = Layer::outputs;
  double correct = 0;
  for (std::size_t r = 0; r < batch.size(); ++r) {
    const T* zr = z + r * Layer::stride;
    const auto y = batch.target(r);
    if constexpr (accuracy_kind<typename Layer::activation> == accuracy::largest_output) {
      correct += std::max_element(zr, zr + outputs) - zr == std::max_element(y.begin(), y.end()) - y.begin();
    } else {
      std::size_t right = 0;
      for (std::size_t o = 0; o < outputs; ++o) right += (zr[o] > T(0)) == (y[o] > T(0.5));
      correct += double(right) / double(outputs);
    }
  }
  return correct;
}

}  // namespace ctnn::detail
