// The GEMM kernel against the machine's measured peak and against Eigen 3.4, at the shapes
// of two training workloads:
//   1024x1024x256: a 1024 -> 1024 dense layer on a batch of 256 (wide_train),
//   128x784x64:    a 784 -> 128 dense layer on a batch of 64 (mlp_train's first layer).
// A shape "outputs x inputs x batch" is run as the three products of training, with the
// batch as rows (one sample per row) and the weights stored input-major (inputs x outputs):
//   forward   Z  = X · W        (batch x outputs,  depth = inputs)
//   backward  dX = dZ · Wᵀ      (batch x inputs,   depth = outputs)
//   weights   dW = Xᵀ · dZ      (inputs x outputs, depth = batch)
// Each reports FLOP/s = 2·outputs·inputs·batch per product; compare the `peak_fma` row of
// the same run for the fraction of peak.
// `sigmoid/32x64` is the activation of lee_train's hidden layer alone (2048 values), with
// ctnn's pack code and with Eigen's logistic(): the floor under a step of that workload.
#include "limits.hpp"

#include <ctnn/ctnn.hpp>

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>

namespace {

using T = float;
using ctnn::simd::aligned_buffer;
using ctnn::simd::padded;

struct shape {
  std::size_t outputs, inputs, batch;
  [[nodiscard]] std::string name() const {
    return std::to_string(outputs) + "x" + std::to_string(inputs) + "x" + std::to_string(batch);
  }
};

enum class product { forward, backward, weights };
const char* product_name(product p) {
  return p == product::forward ? "forward" : p == product::backward ? "backward" : "weights";
}

// m x n = (m x k)(k x n) of each product.
struct dims {
  std::size_t m, n, k;
};
dims dims_of(product p, const shape& s) {
  switch (p) {
    case product::forward: return {s.batch, s.outputs, s.inputs};
    case product::backward: return {s.batch, s.inputs, s.outputs};
    default: return {s.inputs, s.outputs, s.batch};
  }
}

void fill(T* data, std::size_t rows, std::size_t cols, std::size_t stride, unsigned seed) {
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      data[i * stride + j] = T(((i * 131 + j * 71 + seed) % 97) / 97.0 - 0.5);
}

void set_flops(benchmark::State& state, const dims& d) {
  state.counters["FLOP/s"] =
      benchmark::Counter(2.0 * double(d.m) * double(d.n) * double(d.k),
                         benchmark::Counter::kIsIterationInvariantRate);
}

void ctnn_gemm(benchmark::State& state, product p, shape s) {
  const dims d = dims_of(p, s);
  // Operands as the network stores them: X (batch x inputs), W (inputs x outputs),
  // dZ (batch x outputs); the product reads them transposed where the formula says so.
  const std::size_t xs = padded<T>(s.inputs), ws = padded<T>(s.outputs), zs = padded<T>(s.outputs);
  aligned_buffer<T> x(s.batch * xs), w(s.inputs * ws), dz(s.batch * zs);
  fill(x.data(), s.batch, s.inputs, xs, 1);
  fill(w.data(), s.inputs, s.outputs, ws, 2);
  fill(dz.data(), s.batch, s.outputs, zs, 3);
  const std::size_t cs = padded<T>(d.n);
  aligned_buffer<T> c(d.m * cs);
  ctnn::kernels::gemm_workspace<T> workspace;
  ctnn::kernels::operand<T> a{}, b{};
  switch (p) {
    case product::forward: a = {x.data(), xs}; b = {w.data(), ws}; break;
    case product::backward: a = {dz.data(), zs}; b = {w.data(), ws, true}; break;
    case product::weights: a = {x.data(), xs, true}; b = {dz.data(), zs}; break;
  }
  for (auto _ : state) {
    ctnn::kernels::gemm<T>(d.m, d.n, d.k, a, b, {c.data(), cs}, workspace);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, d);
}

// What an engineer writes with Eigen: row-major matrices like ctnn's, noalias() products.
void eigen_gemm(benchmark::State& state, product p, shape s) {
  using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const dims d = dims_of(p, s);
  matrix x = matrix::Random(long(s.batch), long(s.inputs));
  matrix w = matrix::Random(long(s.inputs), long(s.outputs));
  matrix dz = matrix::Random(long(s.batch), long(s.outputs));
  matrix c(long(d.m), long(d.n));
  for (auto _ : state) {
    switch (p) {
      case product::forward: c.noalias() = x * w; break;
      case product::backward: c.noalias() = dz * w.transpose(); break;
      case product::weights: c.noalias() = x.transpose() * dz; break;
    }
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, d);
}

constexpr std::size_t sigmoid_values = 32 * 64;

void set_values_rate(benchmark::State& state) {
  state.counters["values/s"] =
      benchmark::Counter(double(sigmoid_values), benchmark::Counter::kIsIterationInvariantRate);
}

// The same sums for both: the hidden layer's, as `fill` makes them.
aligned_buffer<T> sigmoid_sums() {
  aligned_buffer<T> z(sigmoid_values);
  fill(z.data(), 32, 64, 64, 4);
  return z;
}

void ctnn_sigmoid(benchmark::State& state) {
  using V = ctnn::simd::pack<T>;
  const aligned_buffer<T> z = sigmoid_sums();
  aligned_buffer<T> a(sigmoid_values);
  for (auto _ : state) {
    for (std::size_t i = 0; i < sigmoid_values; i += ctnn::simd::lanes<V>)
      ctnn::simd::store(a.data() + i,
                        ctnn::activations::sigmoid::forward(ctnn::simd::load<V>(z.data() + i)));
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  set_values_rate(state);
}

void eigen_sigmoid(benchmark::State& state) {
  const aligned_buffer<T> sums = sigmoid_sums();
  const Eigen::Map<const Eigen::ArrayXf> z(sums.data(), Eigen::Index(sigmoid_values));
  Eigen::ArrayXf a(z.size());
  for (auto _ : state) {
    a = z.logistic();
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  set_values_rate(state);
}

const bool registered = [] {
  benchmark::RegisterBenchmark("peak_fma", ctnn_bench::peak_fma);
  for (const shape s : {shape{1024, 1024, 256}, shape{128, 784, 64}})
    for (const product p : {product::forward, product::backward, product::weights}) {
      const std::string name = std::string("gemm_") + product_name(p) + "/" + s.name();
      benchmark::RegisterBenchmark((name + "/ctnn").c_str(), ctnn_gemm, p, s);
      benchmark::RegisterBenchmark((name + "/eigen").c_str(), eigen_gemm, p, s);
    }
  benchmark::RegisterBenchmark("sigmoid/32x64/ctnn", ctnn_sigmoid);
  benchmark::RegisterBenchmark("sigmoid/32x64/eigen", eigen_sigmoid);
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
