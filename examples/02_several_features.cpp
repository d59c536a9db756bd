// Course step 2: several features. y = b + Σ_j w_j x_j, fitted by mini-batch gradient
// descent on the mean squared error: a network of one dense layer with no activation.
#include <ctnn/ctnn.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  // [tutorial: several-features]
  // Data from known weights (1.5, −2, 0.5) and bias 1, plus a little deterministic noise.
  ctnn::dataset<float, 3, 1> data;
  for (int i = 0; i < 500; ++i) {
    const float a = std::sin(0.37f * float(i)), b = std::cos(0.91f * float(i)), c = float(i % 13) / 13 - 0.5f;
    const float noise = 0.01f * std::sin(12.3f * float(i));
    data.add(ctnn::vector<float, 3>{a, b, c}, ctnn::vector<float, 1>{1 + 1.5f * a - 2 * b + 0.5f * c + noise});
  }
  ctnn::network<ctnn::input<3>, ctnn::dense<1, ctnn::identity>> net;
  const auto history = ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.1f},
                                 {.epochs = 40, .batch_size = 25, .seed = 1});
  for (std::size_t e = 0; e < history.size(); e += 8) std::printf("epoch %2zu  loss %.6f\n", e + 1, history[e].loss);
  std::printf("w = (%.3f, %.3f, %.3f), b = %.3f, final loss %.6f\n", net.weight<0>(0, 0), net.weight<0>(0, 1),
              net.weight<0>(0, 2), net.bias<0>(0), history.back().loss);
  // [/tutorial]
  return history.back().loss < 1e-3 ? 0 : 1;
}
