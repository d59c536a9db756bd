// Real training: the reference recipe on Fashion-MNIST (784 → 128 relu → 64 relu → 10 softmax,
// cross-entropy, Adam 1e-3, batch 64, shuffled), the whole run timed, with ctnn's fused and
// naive policies. bench/pytorch_compare.py --fashion runs the same recipe in PyTorch.
//
// Besides samples/s, each run reports the time of its first and its last block of 200 steps
// (`early_ms`, `late_ms`): a step late in training must cost what an early one does (Adam's
// moments decay into subnormal numbers where gradients vanish; docs/design.md), and the
// test accuracy after the run. Fashion-MNIST is Debian's dataset-fashion-mnist; without it the
// benchmarks report that they were skipped.
#include <ctnn/ctnn.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace {

using model = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                            ctnn::dense<10, ctnn::softmax>>;
const std::string folder = "/usr/share/datasets/fashion-mnist/";

struct fashion_data {
  ctnn::dataset<float, 784, 10> train, test;
};

const std::optional<fashion_data>& data() {
  static const std::optional<fashion_data> loaded = []() -> std::optional<fashion_data> {
    if (!std::filesystem::exists(folder + "train-images-idx3-ubyte.gz")) return std::nullopt;
    return fashion_data{
        ctnn::io::load_idx<784, 10>(folder + "train-images-idx3-ubyte.gz", folder + "train-labels-idx1-ubyte.gz"),
        ctnn::io::load_idx<784, 10>(folder + "t10k-images-idx3-ubyte.gz", folder + "t10k-labels-idx1-ubyte.gz")};
  }();
  return loaded;
}

/// `epochs` epochs of the recipe with `Policy`, as `fit` runs them: each epoch the samples are
/// shuffled with the library's generator and each batch gathered into one buffer, then one
/// trainer step; the gathering and the step of every batch are timed, in blocks of 200.
template <class Policy>
void fashion_train(benchmark::State& state) {
  const auto& d = data();
  if (!d) {
    state.SkipWithError("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    return;
  }
  const std::size_t epochs = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t batch = 64, block = 200;
  for (auto _ : state) {
    model net;
    ctnn::initialize(net, 42);
    ctnn::trainer<model, ctnn::cross_entropy, ctnn::adam, Policy> step(net, ctnn::cross_entropy{},
                                                                       ctnn::adam{.learning_rate = 1e-3f}, batch);
    std::vector<std::size_t> order(d->train.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    ctnn::detail::random_bits random(7);
    using view = ctnn::dataset_view<float, 784, 10>;
    ctnn::simd::aligned_buffer<float> x(batch * view::input_stride), y(batch * view::target_stride);
    std::vector<double> blocks;
    double block_ms = 0;
    std::size_t steps = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
      for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[random.below(i + 1)]);
      for (std::size_t first = 0; first < order.size(); first += batch) {
        const std::size_t last = std::min(order.size(), first + batch);
        const auto step_start = std::chrono::steady_clock::now();
        const view part = ctnn::detail::gather(d->train.all(), order, first, last, x.data(), y.data());
        benchmark::DoNotOptimize(step(part));
        block_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - step_start).count();
        if (++steps % block == 0) {
          blocks.push_back(block_ms);
          block_ms = 0;
        }
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    const auto result = ctnn::evaluate<Policy>(net, d->test, ctnn::cross_entropy{});
    state.counters["samples_per_second"] = double(epochs * d->train.size()) / seconds;
    state.counters["early_ms"] = blocks.empty() ? 0 : blocks.front();
    state.counters["late_ms"] = blocks.empty() ? 0 : blocks.back();
    state.counters["test_accuracy"] = result.accuracy;
  }
}

/// The same recipe through `ctnn::fit` (shuffled, the same seeds), with the test set as
/// validation data when `state.range(1)` is 1: what `fit` adds to the bare loop above (the
/// workspace, the epoch records, the callbacks' checks) must cost under 10 % of its speed.
/// `samples_per_second` counts the training steps only (the records' seconds);
/// `wall_samples_per_second` the whole call, validation passes included.
void fashion_fit(benchmark::State& state) {
  const auto& d = data();
  if (!d) {
    state.SkipWithError("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    return;
  }
  const std::size_t epochs = static_cast<std::size_t>(state.range(0));
  const bool validate = state.range(1) != 0;
  for (auto _ : state) {
    model net;
    ctnn::initialize(net, 42);
    ctnn::fit_options<784, 10> options{.epochs = epochs, .batch_size = 64, .seed = 7};
    if (validate) options.validation = d->test.all();
    const auto start = std::chrono::steady_clock::now();
    const ctnn::history h = ctnn::fit(net, d->train, ctnn::cross_entropy{}, ctnn::adam{.learning_rate = 1e-3f}, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double training = 0;
    for (const auto& r : h) training += r.seconds;
    state.SetIterationTime(seconds);
    state.counters["samples_per_second"] = double(epochs * d->train.size()) / training;
    state.counters["wall_samples_per_second"] = double(epochs * d->train.size()) / seconds;
    state.counters["test_accuracy"] = ctnn::evaluate(net, d->test, ctnn::cross_entropy{}).accuracy;
  }
}

}  // namespace

BENCHMARK(fashion_fit)->Name("fashion_fit/ctnn")->Args({3, 0})->Iterations(1)
    ->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(fashion_fit)->Name("fashion_fit_validation/ctnn")->Args({3, 1})->Iterations(1)
    ->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK_TEMPLATE(fashion_train, ctnn::fused)->Name("fashion_train/ctnn")->Arg(3)->Iterations(1)
    ->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK_TEMPLATE(fashion_train, ctnn::naive)->Name("fashion_train/naive")->Arg(1)->Iterations(1)
    ->UseManualTime()->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
