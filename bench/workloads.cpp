// The five standard workloads, each in three implementations from the same initial
// parameters and the same data:
//   <workload>/ctnn   ctnn::trainer (fused policy) for training, net(x) for inference;
//   <workload>/naive  the same through ctnn's naive policy (one plain loop per operation);
//   <workload>/eigen  the same network written by hand with Eigen 3.4, as fast as we could;
// and the machine's limits, measured in the same run (limits.hpp).
//
// Counters, per iteration:
//   samples/s  the batch size (1 for inference);
//   FLOP/s     the arithmetic of the products, counted alike for every implementation:
//                MACs      = Σ over layers of inputs · outputs · batch
//                inference = 2 · MACs
//                training  = 2 · MACs                        forward       Z  = W X
//                          + 2 · MACs                        weights       dW = dZ Xᵀ
//                          + 2 · MACs of all layers but      inputs        dX = Wᵀ dZ
//                                the first (its inputs are data: no gradient needed)
//              Biases, activations, the loss and the update are left out: they grow with
//              the outputs of the layers, not with their products, and only weigh in
//              lee_train.
// Rates are per CPU second of the benchmark's thread (Google Benchmark's default, as in
// kernels.cpp); pytorch_compare.py counts wall-clock seconds. On a quiet machine the two
// agree, and combine.py says when they did not.
//
// Before any timing, one training step of each training workload (and one forward pass of
// each inference workload) is compared between eigen and ctnn; a mismatch ends the program,
// so that a broken baseline cannot be reported.
#include "limits.hpp"
#include "models.hpp"

#include <ctnn/ctnn.hpp>

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using T = float;

// ---- The workloads -------------------------------------------------------------------------

using ctnn_bench::lee_model;
using ctnn_bench::mlp_model;
using ctnn_bench::small_model;
using ctnn_bench::wide_model;

// Every run starts from these parameters. The cost of a step must not depend on how many
// steps came before it: the learning rates keep the many steps of a run on one batch finite
// and far from denormal values (a 5-second run steps at the rate of a 0.1-second one).
constexpr std::uint64_t parameter_seed = 42;

// `eigen_order`: the storage order of the Eigen version's matrices (see eigen_trainer).
struct lee_train {
  static constexpr const char* name = "lee_train";
  using network = lee_model;
  using loss = ctnn::mse;
  static constexpr std::size_t batch = 32;
  static constexpr float learning_rate = 0.05f;
  static constexpr int eigen_order = Eigen::ColMajor;
};
struct mlp_train {
  static constexpr const char* name = "mlp_train";
  using network = mlp_model;
  using loss = ctnn::cross_entropy;
  static constexpr std::size_t batch = 64;
  static constexpr float learning_rate = 0.01f;
  static constexpr int eigen_order = Eigen::RowMajor;
};
struct wide_train {
  static constexpr const char* name = "wide_train";
  using network = wide_model;
  using loss = ctnn::cross_entropy;
  static constexpr std::size_t batch = 256;
  static constexpr float learning_rate = 0.01f;
  static constexpr int eigen_order = Eigen::RowMajor;
};
struct small_infer {
  static constexpr const char* name = "small_infer";
  using network = small_model;
  static constexpr std::size_t batch = 1;
};
struct mlp_infer {
  static constexpr const char* name = "mlp_infer";
  using network = mlp_model;
  static constexpr std::size_t batch = 1;
};

template <class W>
constexpr bool is_training = requires { typename W::loss; };

template <class W>
double flops_per_iteration() {
  using N = typename W::network;
  double macs = 0, input_gradient_macs = 0;
  [&]<std::size_t... L>(std::index_sequence<L...>) {
    const double products[] = {
        double(N::template layer<L>::inputs * N::template layer<L>::outputs)...};
    for (std::size_t l = 0; l < N::layer_count; ++l) {
      macs += products[l] * double(W::batch);
      if (l > 0) input_gradient_macs += products[l] * double(W::batch);
    }
  }(std::make_index_sequence<N::layer_count>{});
  return is_training<W> ? 2 * macs + 2 * macs + 2 * input_gradient_macs : 2 * macs;
}

template <class W>
void set_counters(benchmark::State& state) {
  using benchmark::Counter;
  state.counters["samples/s"] = Counter(double(W::batch), Counter::kIsIterationInvariantRate);
  state.counters["FLOP/s"] = Counter(flops_per_iteration<W>(), Counter::kIsIterationInvariantRate);
}

// ---- Data: the same bits on every platform ---------------------------------------------------

class random_numbers {
 public:
  explicit random_numbers(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {  // SplitMix64
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  T uniform(T low, T high) { return low + (high - low) * T(double(next() >> 11) * 0x1.0p-53); }

 private:
  std::uint64_t state_;
};

// One batch: inputs uniform in [-1, 1]; a smooth target for the regression (one output),
// random one-hot labels for the classifiers.
template <class W>
auto make_batch() {
  using N = typename W::network;
  constexpr std::size_t in = N::input_size, out = N::output_size;
  random_numbers random(7);
  std::vector<T> x(W::batch * in), y(W::batch * out, T(0));
  for (std::size_t r = 0; r < W::batch; ++r) {
    for (std::size_t i = 0; i < in; ++i) x[r * in + i] = random.uniform(-1, 1);
    if constexpr (out == 1)
      y[r] = std::sin(3 * x[r * in]);
    else
      y[r * out + random.next() % out] = T(1);
  }
  return ctnn::dataset<T, in, out>(x, y);
}

template <class W>
auto make_input() {
  using N = typename W::network;
  random_numbers random(11);
  ctnn::vector<T, N::input_size> x;
  for (std::size_t i = 0; i < N::input_size; ++i) x[i] = random.uniform(-1, 1);
  return x;
}

template <class W>
typename W::network make_network() {
  typename W::network net;
  ctnn::initialize(net, parameter_seed);
  return net;
}

// ---- ctnn -----------------------------------------------------------------------------------

template <class W, class Policy>
void ctnn_train(benchmark::State& state) {
  auto net = make_network<W>();
  const auto data = make_batch<W>();
  ctnn::trainer<typename W::network, typename W::loss, ctnn::sgd, Policy> step(
      net, typename W::loss{}, ctnn::sgd{.learning_rate = W::learning_rate}, W::batch);
  for (auto _ : state) {
    T loss = step(data.slice(0, W::batch));
    benchmark::DoNotOptimize(loss);
  }
  set_counters<W>(state);
}

template <class W, class Policy>
void ctnn_infer(benchmark::State& state) {
  const auto net = make_network<W>();
  auto x = make_input<W>();
  for (auto _ : state) {
    benchmark::DoNotOptimize(x);  // a new input as far as the compiler knows: nothing is hoisted
    if constexpr (std::is_same_v<Policy, ctnn::fused>) {
      auto y = net(x);
      benchmark::DoNotOptimize(y);
    } else {
      auto y = ctnn::forward<Policy>(net, x);
      benchmark::DoNotOptimize(y);
    }
  }
  set_counters<W>(state);
}

// ---- Eigen ----------------------------------------------------------------------------------

enum class activation { identity, sigmoid, relu, softmax };

template <class A>
constexpr activation activation_of() {
  if constexpr (std::is_same_v<A, ctnn::activations::relu>)
    return activation::relu;
  else if constexpr (std::is_same_v<A, ctnn::activations::sigmoid>)
    return activation::sigmoid;
  else if constexpr (std::is_same_v<A, ctnn::activations::softmax>)
    return activation::softmax;
  else {
    static_assert(std::is_same_v<A, ctnn::activations::identity>, "no Eigen version of it");
    return activation::identity;
  }
}

// W(o, i) and b(o) of layer L of a ctnn network, into Eigen objects of the same shapes.
template <std::size_t L, class Net, class Matrix, class Vector>
void copy_layer(const Net& net, Matrix& w, Vector& b) {
  using layer = typename Net::template layer<L>;
  w.resize(Eigen::Index(layer::outputs), Eigen::Index(layer::inputs));
  b.resize(Eigen::Index(layer::outputs));
  for (std::size_t o = 0; o < layer::outputs; ++o) {
    for (std::size_t i = 0; i < layer::inputs; ++i)
      w(Eigen::Index(o), Eigen::Index(i)) = net.template weight<L>(o, i);
    b(Eigen::Index(o)) = net.template bias<L>(o);
  }
}

enum class loss_kind { mse, cross_entropy };

// Training as one writes it with runtime-sized Eigen matrices: one sample per column, so
// that each layer is Z = W X; every buffer allocated by the constructor, none by a step.
//
// `Order` is the storage of every matrix, whichever is faster for the workload (measured on
// the machine of docs/benchmarks.md): column-major, each sample contiguous as in the dataset,
// wins by about 15 % on lee_train's tiny products; row-major, each feature contiguous over
// the batch, wins by 2-5 % on the GEMM-bound mlp_train and wide_train.
template <int Order>
class eigen_trainer {
 public:
  using matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Order>;

  template <class Net>
  eigen_trainer(const Net& net, loss_kind loss, float learning_rate, Eigen::Index batch)
      : loss_(loss), learning_rate_(learning_rate), largest_(batch), total_(batch) {
    [&]<std::size_t... L>(std::index_sequence<L...>) {
      (add_layer<L>(net, batch), ...);
    }(std::make_index_sequence<Net::layer_count>{});
  }

  // Forward, loss, backward and update; returns the mean loss before the update, as
  // ctnn::trainer does.
  float operator()(const matrix& x, const matrix& y) {
    const matrix* in = &x;
    for (layer& l : layers_) {
      l.a.noalias() = l.w * *in;
      switch (l.f) {
        case activation::relu: l.a = (l.a.colwise() + l.b).cwiseMax(0.f); break;
        case activation::sigmoid:
          // Two passes: Eigen 3.4 evaluates logistic() one scalar at a time when its
          // argument is the broadcast sum, 12 times slower than on a plain matrix.
          l.a.colwise() += l.b;
          l.a.array() = l.a.array().logistic();
          break;
        default: l.a.colwise() += l.b; break;  // identity; softmax belongs to the loss
      }
      in = &l.a;
    }

    layer& top = layers_.back();
    const float samples = float(x.cols());
    float loss;
    if (loss_ == loss_kind::cross_entropy) {
      // Mean over samples of logsumexp(z) − y·z (y one-hot), with the largest logit
      // subtracted; its gradient with respect to z is (P − Y) / samples.
      largest_.noalias() = top.a.colwise().maxCoeff();
      top.dz = (top.a.rowwise() - largest_).array().exp().matrix();
      total_.noalias() = top.dz.colwise().sum();
      const float log_sums = (total_.array().log() + largest_.array()).sum();
      loss = (log_sums - y.cwiseProduct(top.a).sum()) / samples;
      top.dz.array() = (top.dz.array().rowwise() / total_.array() - y.array()) * (1 / samples);
    } else {
      // Mean over samples and outputs of (z − y)².
      const float count = samples * float(top.a.rows());
      top.dz = top.a - y;
      loss = top.dz.squaredNorm() / count;
      top.dz *= 2 / count;
    }

    for (std::size_t k = layers_.size(); k-- > 0;) {
      layer& l = layers_[k];
      const matrix& layer_input = k == 0 ? x : layers_[k - 1].a;
      if (k > 0) {
        layer& below = layers_[k - 1];
        below.dz.noalias() = l.w.transpose() * l.dz;  // with W before its update
        if (below.f == activation::relu)
          below.dz.array() = (below.a.array() > 0.f).select(below.dz.array(), 0.f);
        else if (below.f == activation::sigmoid)
          below.dz.array() *= below.a.array() * (1.f - below.a.array());
      }
      // The SGD update is the accumulation of the GEMM: dW is never stored.
      l.w.noalias() -= learning_rate_ * l.dz * layer_input.transpose();
      l.b.noalias() -= learning_rate_ * l.dz.rowwise().sum();
    }
    return loss;
  }

 private:
  struct layer {
    matrix w;
    Eigen::VectorXf b;
    activation f;
    matrix a, dz;  // f(W X + b) and ∂loss/∂(W X + b), one column per sample
  };

  template <std::size_t L, class Net>
  void add_layer(const Net& net, Eigen::Index batch) {
    using current = typename Net::template layer<L>;
    layer l{{}, {}, activation_of<typename current::activation>(), {}, {}};
    copy_layer<L>(net, l.w, l.b);
    l.a.resize(Eigen::Index(current::outputs), batch);
    l.dz.resize(Eigen::Index(current::outputs), batch);
    layers_.push_back(std::move(l));
  }

  std::vector<layer> layers_;
  loss_kind loss_;
  float learning_rate_;
  Eigen::RowVectorXf largest_, total_;  // per sample: the largest logit, Σ exp(z − largest)
};

template <class W>
auto make_eigen_trainer(const typename W::network& net) {
  constexpr auto loss =
      std::is_same_v<typename W::loss, ctnn::mse> ? loss_kind::mse : loss_kind::cross_entropy;
  return eigen_trainer<W::eigen_order>(net, loss, W::learning_rate, Eigen::Index(W::batch));
}

// A dataset's inputs and targets as Eigen matrices of one column per sample.
template <class W, class Data>
auto eigen_batch(const Data& data) {
  using matrix = typename eigen_trainer<W::eigen_order>::matrix;
  const auto n = Eigen::Index(data.size());
  matrix x(Eigen::Index(Data::input_size), n), y(Eigen::Index(Data::output_size), n);
  for (Eigen::Index r = 0; r < n; ++r) {
    const auto row = std::size_t(r);
    for (std::size_t i = 0; i < Data::input_size; ++i) x(Eigen::Index(i), r) = data.input(row)[i];
    for (std::size_t o = 0; o < Data::output_size; ++o) y(Eigen::Index(o), r) = data.target(row)[o];
  }
  return std::pair{std::move(x), std::move(y)};
}

template <class W>
void eigen_train(benchmark::State& state) {
  const auto net = make_network<W>();
  const auto [x, y] = eigen_batch<W>(make_batch<W>());
  auto step = make_eigen_trainer<W>(net);
  for (auto _ : state) {
    float loss = step(x, y);
    benchmark::DoNotOptimize(loss);
  }
  set_counters<W>(state);
}

// small_infer: every size is a compile-time constant, so Eigen unrolls and vectorizes the
// products with the operands in registers and no heap at all.
class eigen_small_network {
 public:
  using input = Eigen::Matrix<float, 16, 1>;

  explicit eigen_small_network(const small_model& net) {
    copy_layer<0>(net, w1_, b1_);
    copy_layer<1>(net, w2_, b2_);
    Eigen::Matrix<float, 1, 32> w3;
    Eigen::Matrix<float, 1, 1> b3;
    copy_layer<2>(net, w3, b3);
    w3_ = w3.transpose();
    b3_ = b3(0);
  }

  [[nodiscard]] float operator()(const input& x) const {
    const Eigen::Matrix<float, 32, 1> h1 = (w1_ * x + b1_).cwiseMax(0.f);
    const Eigen::Matrix<float, 32, 1> h2 = (w2_ * h1 + b2_).cwiseMax(0.f);
    return w3_.dot(h2) + b3_;
  }

 private:
  Eigen::Matrix<float, 32, 16> w1_;
  Eigen::Matrix<float, 32, 1> b1_;
  Eigen::Matrix<float, 32, 32> w2_;
  Eigen::Matrix<float, 32, 1> b2_, w3_;
  float b3_;
};

// mlp_infer: Eigen refuses fixed-size objects as large as the weights (400 KiB), so they
// live on the heap in runtime-sized matrices and are read through fixed-size maps; the
// products then know their sizes at compile time (2 % faster here than runtime-sized ones,
// and than row-major weights by far). Each product starts from the bias (b, then += W x),
// which saves the pass that zeroes the result of an Eigen product.
class eigen_mlp_network {
 public:
  using input = Eigen::Matrix<float, 784, 1>;
  using output = Eigen::Matrix<float, 10, 1>;

  explicit eigen_mlp_network(const mlp_model& net) {
    copy_layer<0>(net, w1_, b1_);
    copy_layer<1>(net, w2_, b2_);
    copy_layer<2>(net, w3_, b3_);
  }

  [[nodiscard]] output operator()(const input& x) const {
    const Eigen::Map<const Eigen::Matrix<float, 128, 784>, Eigen::Aligned64> w1(w1_.data());
    const Eigen::Map<const Eigen::Matrix<float, 64, 128>, Eigen::Aligned64> w2(w2_.data());
    const Eigen::Map<const Eigen::Matrix<float, 10, 64>, Eigen::Aligned64> w3(w3_.data());
    Eigen::Matrix<float, 128, 1> h1 = b1_;
    h1.noalias() += w1 * x;
    h1 = h1.cwiseMax(0.f);
    Eigen::Matrix<float, 64, 1> h2 = b2_;
    h2.noalias() += w2 * h1;
    h2 = h2.cwiseMax(0.f);
    output p = b3_;
    p.noalias() += w3 * h2;
    p = (p.array() - p.maxCoeff()).exp().matrix();
    return p / p.sum();
  }

 private:
  Eigen::MatrixXf w1_, w2_, w3_;
  Eigen::Matrix<float, 128, 1> b1_;
  Eigen::Matrix<float, 64, 1> b2_;
  output b3_;
};

template <class W>
auto make_eigen_network(const typename W::network& net) {
  if constexpr (std::is_same_v<W, small_infer>)
    return eigen_small_network(net);
  else
    return eigen_mlp_network(net);
}

template <class W>
auto eigen_input() {
  using model = decltype(make_eigen_network<W>(std::declval<typename W::network>()));
  const auto x = make_input<W>();
  typename model::input v;
  for (Eigen::Index i = 0; i < v.size(); ++i) v(i) = x[std::size_t(i)];
  return v;
}

template <class W>
void eigen_infer(benchmark::State& state) {
  const auto model = make_eigen_network<W>(make_network<W>());
  auto x = eigen_input<W>();
  for (auto _ : state) {
    benchmark::DoNotOptimize(x);  // a new input as far as the compiler knows: nothing is hoisted
    auto y = model(x);
    benchmark::DoNotOptimize(y);
  }
  set_counters<W>(state);
}

// ---- The guard ------------------------------------------------------------------------------

bool close(double found, double expected, double scale) {
  return std::abs(found - expected) <= 1e-3 * scale;
}

// The loss of the first step checks the forward pass and the loss; that of the second step
// also checks the gradients and the update of the first.
template <class W>
bool eigen_trains_like_ctnn() {
  auto net = make_network<W>();
  auto eigen_step = make_eigen_trainer<W>(net);
  const auto data = make_batch<W>();
  const auto [x, y] = eigen_batch<W>(data);
  ctnn::trainer ctnn_step(net, typename W::loss{}, ctnn::sgd{.learning_rate = W::learning_rate},
                          W::batch);
  for (int step = 1; step <= 2; ++step) {
    const double expected = ctnn_step(data.slice(0, W::batch)), found = eigen_step(x, y);
    if (!close(found, expected, std::abs(expected))) {
      std::fprintf(stderr, "%s: the eigen baseline's loss at step %d is %.7g, ctnn's is %.7g\n",
                   W::name, step, found, expected);
      return false;
    }
  }
  return true;
}

template <class W>
bool eigen_infers_like_ctnn() {
  const auto net = make_network<W>();
  const auto expected = net(make_input<W>());
  const auto output = make_eigen_network<W>(net)(eigen_input<W>());
  std::vector<double> found;
  if constexpr (std::is_arithmetic_v<decltype(output)>)
    found.push_back(output);
  else
    found.assign(output.begin(), output.end());
  double scale = 1e-6;
  for (const float v : expected) scale = std::max(scale, double(std::abs(v)));
  for (std::size_t o = 0; o < found.size(); ++o)
    if (!close(found[o], expected[o], scale)) {
      std::fprintf(stderr, "%s: output %zu of the eigen baseline is %.7g, ctnn's is %.7g\n",
                   W::name, o, found[o], double(expected[o]));
      return false;
    }
  return true;
}

// ---- Registration ---------------------------------------------------------------------------

void add(const std::string& name, void (*run)(benchmark::State&)) {
  benchmark::RegisterBenchmark(name.c_str(), run);
}

template <class W>
void register_workload() {
  const std::string name = W::name;
  if constexpr (is_training<W>) {
    add(name + "/ctnn", ctnn_train<W, ctnn::fused>);
    add(name + "/naive", ctnn_train<W, ctnn::naive>);
    add(name + "/eigen", eigen_train<W>);
  } else {
    add(name + "/ctnn", ctnn_infer<W, ctnn::fused>);
    add(name + "/naive", ctnn_infer<W, ctnn::naive>);
    add(name + "/eigen", eigen_infer<W>);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return EXIT_FAILURE;
  const bool agree = eigen_trains_like_ctnn<lee_train>() && eigen_trains_like_ctnn<mlp_train>() &&
                     eigen_infers_like_ctnn<small_infer>() && eigen_infers_like_ctnn<mlp_infer>() &&
                     eigen_trains_like_ctnn<wide_train>();
  if (!agree) {
    std::fprintf(stderr, "the eigen baseline does not compute what ctnn does: nothing was run\n");
    return EXIT_FAILURE;
  }
  add("peak_fma", ctnn_bench::peak_fma);
  add("memory_triad", ctnn_bench::memory_triad);
  register_workload<lee_train>();
  register_workload<mlp_train>();
  register_workload<small_infer>();
  register_workload<mlp_infer>();
  register_workload<wide_train>();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return EXIT_SUCCESS;
}
