// The embedding guarantee that one const network serves several threads at once: inference
// reads the parameters and writes only the caller's stack, so concurrent calls give the
// serial results bit for bit.
//
// Under ThreadSanitizer this is also a data-race check, but only in a build for plain x86-64
// (-march=x86-64: 16-byte SSE2 loads and stores). ThreadSanitizer does not see accesses wider
// than 16 bytes, so with AVX2 or AVX-512 the kernels' loads and stores are invisible to it
// and only the comparison below would catch a race.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <latch>
#include <span>
#include <thread>
#include <vector>

namespace {

using mlp_model = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                                ctnn::dense<10, ctnn::softmax>>;
using output = ctnn::vector<float, mlp_model::output_size>;

bool same_bits(const output& a, const output& b) {
  for (std::size_t i = 0; i < mlp_model::output_size; ++i)
    if (std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i])) return false;
  return true;
}

}  // namespace

TEST_CASE("one const network serves four threads at once with the serial results", "[embedding][threads]") {
  constexpr std::size_t thread_count = 4, sample_count = 64, calls_per_thread = 2000;
  const mlp_model net = [] {
    mlp_model m;
    ctnn::initialize(m, 1);
    return m;
  }();

  // Different inputs, so that a thread reading another's intermediate values would be seen.
  ctnn::detail::random_bits random(2);
  std::vector<float> x(sample_count * mlp_model::input_size);
  for (auto& v : x) v = static_cast<float>(random.uniform());
  const ctnn::dataset<float, 784, 10> data(x, std::vector<float>(sample_count * 10, 0.0f));
  std::vector<output> serial;
  for (std::size_t s = 0; s < sample_count; ++s) serial.push_back(net(data.input(s)));

  // Catch2's assertions are not thread-safe: each thread counts its mismatches, checked after.
  std::array<std::size_t, thread_count> mismatches{}, calls{};
  std::latch start(thread_count);
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < thread_count; ++t)
      threads.emplace_back([&, t] {
        start.arrive_and_wait();  // all threads infer at the same time
        for (std::size_t k = 0; k < calls_per_thread; ++k) {
          // Each thread walks the samples from its own start and stride; half read the
          // dataset's rows in place, half copy them into a ctnn::vector first.
          const std::size_t s = (t * 17 + k * (2 * t + 1)) % sample_count;
          const output p = t % 2 == 0 ? net(data.input(s)) : net(ctnn::vector<float, 784>(data.input(s)));
          mismatches[t] += !same_bits(p, serial[s]);
          ++calls[t];
        }
      });
  }
  for (std::size_t t = 0; t < thread_count; ++t) {
    CHECK(calls[t] == calls_per_thread);
    CHECK(mismatches[t] == 0);
  }
}
