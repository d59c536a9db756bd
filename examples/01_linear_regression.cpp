// Course step 1: a model with unknown parameters, a loss, and gradient descent.
//
// The model is y = b + w·x. The loss is the mean squared error over the 100 samples,
//   L(w, b) = 1/N Σ (b + w·x_i − y_i)²,
// and each epoch moves (w, b) against the gradient
//   ∂L/∂w = 2/N Σ (b + w·x_i − y_i)·x_i,   ∂L/∂b = 2/N Σ (b + w·x_i − y_i).
// Each sum is one fused SIMD loop over the samples: no vector of errors is stored.
#include <ctnn/ctnn.hpp>

#include <cstdint>
#include <cstdio>

namespace {

// Deterministic noise in [-0.5, 0.5), the same on every platform.
float noise(std::uint32_t i) {
  std::uint32_t h = i * 2654435761u;
  h ^= h >> 15;
  h *= 2246822519u;
  h ^= h >> 13;
  return static_cast<float>(h % 1000u) / 1000.0f - 0.5f;
}

}  // namespace

int main() {
  // [tutorial: gradient-descent]
  constexpr std::size_t samples = 100;
  constexpr float true_w = 2.0f, true_b = 3.0f;

  ctnn::vector<float, samples> x, y;
  for (std::size_t i = 0; i < samples; ++i) {
    x[i] = -1.0f + 2.0f * static_cast<float>(i) / (samples - 1);  // x in [-1, 1]
    y[i] = true_b + true_w * x[i] + 0.2f * noise(static_cast<std::uint32_t>(i));
  }

  float w = 0.0f, b = 0.0f;
  const float learning_rate = 0.5f;
  std::printf("fitting y = b + w x to %zu samples (data: w = %.1f, b = %.1f, plus noise)\n",
              samples, true_w, true_b);
  std::printf("%5s %10s %10s %12s\n", "epoch", "w", "b", "loss");
  for (int epoch = 1; epoch <= 30; ++epoch) {
    const auto error = w * x + b - y;  // an expression: evaluated inside each sum below
    const float loss = ctnn::mean(error * error);
    const float dw = 2.0f * ctnn::mean(error * x);
    const float db = 2.0f * ctnn::mean(error);
    w -= learning_rate * dw;
    b -= learning_rate * db;
    std::printf("%5d %10.5f %10.5f %12.6f\n", epoch, w, b, loss);
  }
  // [/tutorial]
  const float final_loss = ctnn::mean((w * x + b - y) * (w * x + b - y));
  std::printf("result: w = %.4f, b = %.4f, loss = %.6f\n", w, b, final_loss);
  // The noise has variance 0.2² / 12 ≈ 0.0033: a fitted line cannot do much better.
  return final_loss < 0.01f ? 0 : 1;
}
