// Course step 5: going deep. A network of four ReLU layers fits a function that a single
// layer of the same size fits poorly; backpropagation through all layers is one fused pass
// per layer.
#include <ctnn/ctnn.hpp>

#include <cmath>
#include <cstdio>

int main() {
  ctnn::dataset<float, 2, 1> data;
  for (int i = 0; i < 1024; ++i) {
    const float a = -1 + 2 * float(i % 32) / 31, b = -1 + 2 * float(i / 32) / 31;
    data.add(ctnn::vector<float, 2>{a, b}, ctnn::vector<float, 1>{std::sin(3 * a) * std::cos(3 * b)});
  }
  // [tutorial: deep]
  using deep = ctnn::network<ctnn::input<2>, ctnn::dense<32, ctnn::relu>, ctnn::dense<32, ctnn::relu>,
                             ctnn::dense<32, ctnn::relu>, ctnn::dense<32, ctnn::relu>, ctnn::dense<1, ctnn::identity>>;
  using shallow = ctnn::network<ctnn::input<2>, ctnn::dense<32, ctnn::relu>, ctnn::dense<1, ctnn::identity>>;
  deep d;
  shallow s;
  ctnn::initialize(d, 5);
  ctnn::initialize(s, 5);
  const ctnn::fit_options<2, 1> options{.epochs = 150, .batch_size = 32, .seed = 6};
  const auto hd = ctnn::fit(d, data, ctnn::mse{}, ctnn::adam{.learning_rate = 3e-3f}, options);
  const auto hs = ctnn::fit(s, data, ctnn::mse{}, ctnn::adam{.learning_rate = 3e-3f}, options);
  // [/tutorial]
  std::printf("deep (4 x 32 relu, %zu parameters):    loss %.5f\n", deep::parameter_count, hd.back().loss);
  std::printf("shallow (1 x 32 relu, %zu parameters):  loss %.5f\n", shallow::parameter_count, hs.back().loss);
  return hd.back().loss < 0.01 && hd.back().loss < hs.back().loss ? 0 : 1;
}
