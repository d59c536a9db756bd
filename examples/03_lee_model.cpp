// Course step 3: a flexible model. y = b + Σ_i c_i sigmoid(b_i + w_i x) can follow any
// piecewise-linear curve given enough sigmoids; the same with hard sigmoids (each a sum of
// two ReLUs) and with ReLUs. In ctnn each is a two-layer network type.
#include <ctnn/ctnn.hpp>

#include <cmath>
#include <cstdio>

namespace {

// [tutorial: lee-target]
// A piecewise-linear target: rises, falls, flat, rises.
float target(float x) {
  if (x < -1) return 1 + (x + 2);
  if (x < 0.5f) return 2 - 2 * (x + 1);
  if (x < 1.2f) return -1;
  return -1 + 1.5f * (x - 1.2f);
}
// [/tutorial]

template <auto Activation>
double fit_curve(const char* name, const ctnn::dataset<float, 1, 1>& data, float learning_rate) {
  // [tutorial: sum-of-sigmoids]
  ctnn::network<ctnn::input<1>, ctnn::dense<64, Activation>, ctnn::dense<1, ctnn::identity>> net;
  ctnn::initialize(net, 3);
  const auto history = ctnn::fit(net, data, ctnn::mse{}, ctnn::adam{.learning_rate = learning_rate},
                                 {.epochs = 300, .batch_size = 32, .seed = 2});
  // [/tutorial]
  std::printf("%-13s loss after 1 epoch %.4f, after %zu epochs %.5f (%.2f s)\n", name, history.front().loss,
              history.size(), history.back().loss, [&] {
                double s = 0;
                for (const auto& r : history) s += r.seconds;
                return s;
              }());
  return history.back().loss;
}

}  // namespace

int main() {
  ctnn::dataset<float, 1, 1> data;
  for (int i = 0; i < 256; ++i) {
    const float x = -2 + 4 * float(i) / 255;
    data.add(ctnn::vector<float, 1>{x}, ctnn::vector<float, 1>{target(x)});
  }
  // [tutorial: sum-of-sigmoids-run]
  const double sigmoid = fit_curve<ctnn::sigmoid>("sigmoid", data, 0.01f);
  const double hard = fit_curve<ctnn::hard_sigmoid>("hard sigmoid", data, 0.05f);
  const double relu = fit_curve<ctnn::relu>("relu", data, 0.01f);
  // [/tutorial]
  // Hard sigmoids start in their linear part (slope 1/6) and need a larger step to bend.
  return sigmoid < 0.01 && hard < 0.01 && relu < 0.01 ? 0 : 1;
}
