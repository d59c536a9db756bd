#pragma once
// The machine's physical limits, measured in the same run as the benchmarks they bound, so
// that a ratio "fraction of peak" never mixes figures from two runs (clock, load, turbo):
//   peak_fma      single-core FMA throughput (FLOP/s),
//   memory_triad  single-core main-memory bandwidth (bytes/s), STREAM's triad.
#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <utility>

namespace ctnn_bench {

// Enough independent accumulators to hide the FMA latency on every core of this decade
// (latency 4-5 cycles x 2 ports = 10 in flight), and few enough that they and the two
// operands stay in registers: 20 of the 32 AVX-512 registers, 12 of AVX2's 16 (with 20
// there, the compiler spills accumulators and the "peak" measured fell to about 60 %).
inline void peak_fma(benchmark::State& state) {
  using T = float;
  using V = ctnn::simd::pack<T>;
  constexpr std::size_t chains = std::min<std::size_t>(20, ctnn::simd::register_count<> - 4), steps = 1000;
  const V a(T(0.999)), b(T(0.001));  // a fixed point at 1: no overflow, no denormals
  for (auto _ : state) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      V acc[] = {V(T(I))...};  // each chain is one register: the loop body is `chains` FMAs
      for (std::size_t s = 0; s < steps; ++s) ((acc[I] = ctnn::simd::fma(acc[I], a, b)), ...);
      (benchmark::DoNotOptimize(acc[I]), ...);
    }(std::make_index_sequence<chains>{});
  }
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * ctnn::simd::width<T> * chains * steps,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// a[i] = b[i] + s·c[i] over three arrays of 256 MiB each. The L3 cache that Linux reports
// on a virtual machine can be the whole socket's (hundreds of MiB on recent server parts),
// and a cyclic sweep only defeats an LRU cache once it is larger than the cache: 768 MiB
// keeps every sweep in main memory on any current x86 part.
//
// `bytes/s` follows STREAM's convention: three arrays moved per element (two read, one
// written), 12 bytes per element in float. The hardware moves a fourth stream (the write
// allocate that reads `a` before writing it), which STREAM does not count either.
inline void memory_triad(benchmark::State& state) {
  using T = float;
  using V = ctnn::simd::pack<T>;
  constexpr std::size_t bytes_per_array = std::size_t{256} << 20;
  constexpr std::size_t n = bytes_per_array / sizeof(T);
  constexpr std::size_t w = ctnn::simd::width<T>;
  static_assert(n % w == 0);
  // aligned_buffer writes its zeros here, so every page is mapped before the timing starts.
  ctnn::simd::aligned_buffer<T> a(n), b(n), c(n);
  for (std::size_t i = 0; i < n; ++i) {
    b[i] = T(1);
    c[i] = T(2);
  }
  const V s(T(3));
  for (auto _ : state) {
    T* pa = a.data();
    const T* pb = b.data();
    const T* pc = c.data();
    for (std::size_t i = 0; i < n; i += w) {
      const V sum = ctnn::simd::fma(ctnn::simd::load<V>(pc + i), s, ctnn::simd::load<V>(pb + i));
      ctnn::simd::store(pa + i, sum);
    }
    benchmark::DoNotOptimize(pa);
    benchmark::ClobberMemory();
  }
  using benchmark::Counter;
  state.counters["bytes/s"] =
      Counter(3.0 * sizeof(T) * double(n), Counter::kIsIterationInvariantRate);
}

}  // namespace ctnn_bench
