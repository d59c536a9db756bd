// Returns 0 only when ctnn computes the right values: one dense layer z = relu(W a + b), and
// a classifier trained, saved and loaded back.
#include <ctnn/ctnn.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

#include <unistd.h>

int main() {
  const ctnn::matrix<float, 2, 3> W{1, 2, 3,
                                    4, 5, 6};
  const ctnn::vector<float, 3> a{1, -1, 2};
  const ctnn::vector<float, 2> b{0.5f, -20};
  const ctnn::vector<float, 2> z = ctnn::relu(W * a + b);  // relu({5 + 0.5, 11 - 20})
  const float total = ctnn::sum(a * a);                     // 6

  if (z[0] != 5.5f || z[1] != 0.0f || total != 6.0f) {
    std::fprintf(stderr, "wrong result: z = {%g, %g}, sum = %g\n", z[0], z[1], total);
    return 1;
  }

  // Two points per class on either side of x0 = 0; fit, save, load, the same predictions.
  ctnn::dataset<float, 2, 1> data;
  for (float x0 : {-2.0f, -1.0f, 1.0f, 2.0f}) data.add(ctnn::vector<float, 2>{x0, 0.5f}, ctnn::vector<float, 1>{x0 > 0});
  ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::tanh>, ctnn::dense<1, ctnn::sigmoid>> net, loaded;
  ctnn::initialize(net, 1);
  ctnn::fit(net, data, ctnn::binary_cross_entropy{}, ctnn::adam{.learning_rate = 0.05f}, {.epochs = 200, .batch_size = 4});
  // One file per process: the installed and the subdirectory consumers may run at once.
  const std::string path =
      (std::filesystem::temp_directory_path() / ("ctnn-consumer-" + std::to_string(::getpid()) + ".ctnn")).string();
  ctnn::save(net, path);
  ctnn::load(loaded, path);
  std::filesystem::remove(path);
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto x = data.input(i);  // a std::span<const float, 2>, taken as it is
    if ((loaded(x)[0] > 0.5f) != (data.target(i)[0] > 0.5f) || loaded(x)[0] != net(x)[0]) {
      std::fprintf(stderr, "sample %zu: trained %g, loaded %g, target %g\n", i, net(x)[0], loaded(x)[0],
                   data.target(i)[0]);
      return 1;
    }
  }
  std::printf("ctnn %s: z = {%g, %g}; a classifier trained, saved and loaded\n", ctnn::version, z[0], z[1]);
  return 0;
}
