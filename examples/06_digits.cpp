// Course step 6: classifying handwritten digits. A deep ReLU network with a softmax output,
// trained with cross-entropy on 8,000 real MNIST digits and tested on 2,000 others.
//
// Each layer's forward pass is one blocked GEMM whose epilogue adds the bias and applies the
// activation; the loss and its gradient P − Y are one pass; backward applies ReLU′ inside the
// GEMM that produces each layer's delta and updates the weights inside the GEMM that
// produces their gradient.
#include <ctnn/ctnn.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

// [tutorial: digits-model]
using digits_model = ctnn::network<ctnn::input<784>,
                                   ctnn::dense<128, ctnn::relu>,
                                   ctnn::dense<64, ctnn::relu>,
                                   ctnn::dense<10, ctnn::softmax>>;
// [/tutorial]

int main(int argc, char** argv) try {
  // [tutorial: digits-fit]
  const std::string folder = argc > 1 ? argv[1] : "data";
  const auto all = ctnn::io::load_idx<784, 10>(folder + "/mnist10k-images-idx3-ubyte.gz",
                                               folder + "/mnist10k-labels-idx1-ubyte.gz");
  const auto train = all.slice(0, 8000), test = all.slice(8000, all.size());
  std::printf("digits: %zu training and %zu test images of 28x28 pixels\n", train.size(), test.size());
  std::printf("model: 784 -> 128 relu -> 64 relu -> 10 softmax, %zu parameters\n",
              digits_model::parameter_count);

  digits_model net;
  ctnn::initialize(net, 42);
  const auto start = std::chrono::steady_clock::now();
  const ctnn::history history = ctnn::fit(
      net, train, ctnn::cross_entropy{}, ctnn::adam{.learning_rate = 1e-3f},
      {.epochs = 15, .batch_size = 64, .shuffle = true, .seed = 7, .validation = test,
       .on_epoch = [](std::size_t epoch, const ctnn::epoch_record& r) {
         std::printf("epoch %2zu  loss %.4f  test loss %.4f  test accuracy %.4f  %.3f s\n",
                     epoch + 1, r.loss, r.validation_loss, r.validation_accuracy, r.seconds);
         return true;
       }});
  // [/tutorial]
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // [tutorial: digits-evaluate]
  const ctnn::evaluation result = ctnn::evaluate(net, test, ctnn::cross_entropy{});
  double training_seconds = 0;
  for (const auto& r : history) training_seconds += r.seconds;
  std::printf("test accuracy %.4f (loss %.4f)\n", result.accuracy, result.loss);
  // [/tutorial]
  std::printf("training: %zu epochs in %.2f s (%.0f samples/s); with evaluation %.2f s\n",
              history.size(), training_seconds,
              double(history.size() * train.size()) / training_seconds, seconds);

  // One image through the single-sample path, read in place: no allocation, one fused pass
  // per layer.
  // [tutorial: digits-predict]
  const auto p = net(test.input(0));
  std::printf("first test image: predicted %zu with probability %.3f\n", ctnn::argmax(p),
              p[ctnn::argmax(p)]);
  // [/tutorial]
  return result.accuracy >= 0.95 ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 2;
}
