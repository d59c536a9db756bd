#pragma once
/// @file
/// `ctnn::initialize(net, seed)`: seeded random weights that are the same on every platform
/// and compiler. The generator (SplitMix64) and the normal distribution (Box–Muller) are
/// written here because the standard library's distributions are implementation-defined.

#include <ctnn/nn/network.hpp>

#include <cmath>
#include <cstdint>
#include <numbers>

namespace ctnn {

namespace detail {

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-mixed 64-bit generator.
class random_bits {
 public:
  explicit constexpr random_bits(std::uint64_t seed) noexcept : state_(seed) {}
  constexpr std::uint64_t operator()() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1), from the top 53 bits.
  constexpr double uniform() noexcept { return double((*this)() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n) (n > 0), by rejection so that every value is equally likely.
  constexpr std::uint64_t below(std::uint64_t n) noexcept {
    const std::uint64_t limit = -n % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t r = (*this)();
      if (r >= limit) return r % n;
    }
  }
  /// Standard normal, by the Box–Muller transform.
  double normal() noexcept {
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::uint64_t state_;
};

/// ReLU-like activations get He initialisation; the others Xavier (Glorot).
template <class A>
inline constexpr bool he_initialised =
    std::is_same_v<A, activations::relu> || std::is_same_v<A, activations::leaky_relu>;

}  // namespace detail

/// Sets every weight of `net` to a seeded normal sample, N(0, 2 / inputs) for ReLU-like
/// layers (He et al., 2015) and N(0, 2 / (inputs + outputs)) for the others (Glorot and
/// Bengio, 2010), and every bias to zero. The same seed gives the same bits everywhere.
template <simd::scalar T, class... L>
void initialize(basic_network<T, L...>& net, std::uint64_t seed) {
  using N = basic_network<T, L...>;
  detail::random_bits random(seed);
  detail::for_each_index<N::layer_count>([&](auto l) {
    using layer = typename N::template layer<l>;
    const double variance = detail::he_initialised<typename layer::activation>
                                ? 2.0 / double(layer::inputs)
                                : 2.0 / double(layer::inputs + layer::outputs);
    const double sigma = std::sqrt(variance);
    for (std::size_t o = 0; o < layer::outputs; ++o)
      for (std::size_t i = 0; i < layer::inputs; ++i)
        net.template weight<l>(o, i) = static_cast<T>(sigma * random.normal());
    if constexpr (layer::has_bias)
      for (std::size_t o = 0; o < layer::outputs; ++o) net.template bias<l>(o) = T(0);
  });
}

}  // namespace ctnn
