// Course step 4: classification with one sigmoid neuron. Logistic regression trained with
// binary cross-entropy; its gradient with respect to the neuron's sum is p − y.
#include <ctnn/ctnn.hpp>

#include <cmath>
#include <cstdio>

int main() {
  // Two overlapping clouds of points, labelled 0 and 1.
  ctnn::dataset<float, 2, 1> data;
  for (int i = 0; i < 600; ++i) {
    const float label = float(i % 2);
    const float angle = 0.61f * float(i), radius = 0.8f * std::abs(std::sin(1.7f * float(i)));
    const float cx = label ? 1.0f : -1.0f;
    data.add(ctnn::vector<float, 2>{cx + radius * std::cos(angle), 0.5f * cx + radius * std::sin(angle)},
             ctnn::vector<float, 1>{label});
  }
  // [tutorial: logistic-regression]
  ctnn::network<ctnn::input<2>, ctnn::dense<1, ctnn::sigmoid>> net;
  const auto history = ctnn::fit(net, data, ctnn::binary_cross_entropy{}, ctnn::sgd{.learning_rate = 0.5f},
                                 {.epochs = 50, .batch_size = 20, .seed = 4});
  // [/tutorial]
  std::size_t right = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const float p = net(data.input(i))[0];
    right += (p > 0.5f) == (data.target(i)[0] > 0.5f);
  }
  const double accuracy = double(right) / double(data.size());
  std::printf("loss: epoch 1 %.4f, epoch %zu %.4f; accuracy %.3f\n", history.front().loss, history.size(),
              history.back().loss, accuracy);
  std::printf("boundary: %.3f x1 + %.3f x2 + %.3f = 0\n", net.weight<0>(0, 0), net.weight<0>(0, 1), net.bias<0>(0));
  return accuracy > 0.95 ? 0 : 1;
}
