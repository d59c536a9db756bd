// The README's first network: define, load data, fit with an epoch callback, evaluate,
// predict one sample. The README quotes main's body; the tests build and run it.
#include <ctnn/ctnn.hpp>
#include <cstdio>

int main() {
  using model = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>,
                              ctnn::dense<64, ctnn::relu>, ctnn::dense<10, ctnn::softmax>>;
  const auto digits = ctnn::io::load_idx<784, 10>("data/mnist10k-images-idx3-ubyte.gz",
                                                  "data/mnist10k-labels-idx1-ubyte.gz");
  const auto train = digits.slice(0, 8000), test = digits.slice(8000, 10000);
  model net;
  ctnn::initialize(net, 42);
  ctnn::fit(net, train, ctnn::cross_entropy{}, ctnn::adam{.learning_rate = 1e-3f},
            {.epochs = 5, .batch_size = 64, .validation = test,
             .on_epoch = [](std::size_t epoch, const ctnn::epoch_record& r) {
               std::printf("epoch %zu: loss %.3f, test accuracy %.3f\n", epoch + 1, r.loss,
                           r.validation_accuracy);
               return true;
             }});
  const ctnn::evaluation result = ctnn::evaluate(net, test, ctnn::cross_entropy{});
  std::printf("test accuracy %.4f; the first test image is a %zu\n", result.accuracy,
              ctnn::argmax(net(test.input(0))));
}
