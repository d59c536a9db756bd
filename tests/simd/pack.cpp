// Tests of ctnn/simd/pack.hpp: the padding rule, pack widths and aligned loads and stores.

#include <ctnn/simd/pack.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace simd = ctnn::simd;

namespace {

/// Independent closed form of the padding rule: the number of bytes of `n` elements rounded
/// up to whole 64-byte blocks, expressed in elements again.
template <class T>
constexpr std::size_t reference_padding(std::size_t n) {
  const std::size_t bytes = n * sizeof(T);
  const std::size_t blocks = bytes / 64 + (bytes % 64 != 0 ? 1 : 0);
  return blocks * 64 / sizeof(T);
}

}  // namespace

TEST_CASE("blocks are 64 bytes whatever the instruction set", "[simd][pack]") {
  STATIC_REQUIRE(simd::alignment == 64);
  STATIC_REQUIRE(simd::block<float> == 16);
  STATIC_REQUIRE(simd::block<double> == 8);
  // Every pack width divides a block, so a padded row is a whole number of packs for any ISA.
  STATIC_REQUIRE(simd::block<float> % simd::width<float> == 0);
  STATIC_REQUIRE(simd::block<double> % simd::width<double> == 0);
  STATIC_REQUIRE(simd::width<float> * sizeof(float) <= simd::alignment);
  STATIC_REQUIRE(simd::width<double> * sizeof(double) <= simd::alignment);
  // Both scalar types have registers of the same number of bytes.
  STATIC_REQUIRE(simd::width<float> * sizeof(float) == simd::width<double> * sizeof(double));
}

TEMPLATE_TEST_CASE_SIG("padded_size rounds up to whole 64-byte blocks", "[simd][pack]",
                       ((typename T, std::size_t N), T, N), (float, 1), (float, 3), (float, 15),
                       (float, 16), (float, 17), (float, 37), (float, 64), (float, 100),
                       (float, 129), (double, 1), (double, 3), (double, 7), (double, 8),
                       (double, 9), (double, 17), (double, 37), (double, 64), (double, 100),
                       (double, 129)) {
  constexpr std::size_t p = simd::padded_size<T, N>;
  STATIC_REQUIRE(p == reference_padding<T>(N));
  STATIC_REQUIRE(p >= N);
  STATIC_REQUIRE(p < N + simd::block<T>);  // never a whole block of padding
  STATIC_REQUIRE(p * sizeof(T) % 64 == 0);
  STATIC_REQUIRE(p % simd::width<T> == 0);
  // The runtime form agrees with the compile-time one.
  CHECK(simd::padded<T>(N) == p);
}

TEST_CASE("padded keeps zero at zero and exact multiples unchanged", "[simd][pack]") {
  CHECK(simd::padded<float>(0) == 0);
  CHECK(simd::padded<double>(0) == 0);
  for (std::size_t n = 1; n <= 300; ++n) {
    INFO("n = " << n);
    REQUIRE(simd::padded<float>(n) == reference_padding<float>(n));
    REQUIRE(simd::padded<double>(n) == reference_padding<double>(n));
  }
  CHECK(simd::padded<float>(160) == 160);
  CHECK(simd::padded<double>(160) == 160);
}

TEST_CASE("lane traits tell packs from scalars", "[simd][pack]") {
  using F = simd::pack<float>;
  using D = simd::pack<double>;
  STATIC_REQUIRE(simd::is_pack<F>);
  STATIC_REQUIRE(simd::is_pack<D>);
  STATIC_REQUIRE(!simd::is_pack<float>);
  STATIC_REQUIRE(!simd::is_pack<double>);
  STATIC_REQUIRE(std::is_same_v<simd::lane_t<F>, float>);
  STATIC_REQUIRE(std::is_same_v<simd::lane_t<D>, double>);
  STATIC_REQUIRE(std::is_same_v<simd::lane_t<double>, double>);
  STATIC_REQUIRE(simd::lanes<F> == simd::width<float>);
  STATIC_REQUIRE(simd::lanes<D> == simd::width<double>);
  STATIC_REQUIRE(simd::lanes<float> == 1);
  STATIC_REQUIRE(simd::scalar<float> && simd::scalar<double>);
  STATIC_REQUIRE(!simd::scalar<int> && !simd::scalar<long double>);
  STATIC_REQUIRE(simd::register_count<> == 16 || simd::register_count<> == 32);
}

TEMPLATE_TEST_CASE("load and store move exactly one pack", "[simd][pack]", float, double) {
  using V = simd::pack<TestType>;
  constexpr std::size_t w = simd::lanes<V>;
  // Three packs of room: the middle one is written, the outer ones must stay untouched.
  alignas(simd::alignment) std::array<TestType, 3 * simd::block<TestType>> in{}, out{};
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<TestType>(i) * TestType(0.5) + TestType(1);
  out.fill(-7);

  const std::size_t at = simd::block<TestType>;  // aligned position
  const V v = simd::load<V>(in.data() + at);
  simd::store(out.data() + at, v);
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO("i = " << i);
    if (i >= at && i < at + w)
      REQUIRE(out[i] == in[i]);
    else
      REQUIRE(out[i] == TestType(-7));
  }

  // Unaligned: one element past an aligned address.
  out.fill(-7);
  const V u = simd::load_unaligned<V>(in.data() + 1);
  simd::store_unaligned(out.data() + 3, u);
  for (std::size_t i = 0; i < w; ++i) REQUIRE(out[3 + i] == in[1 + i]);
  CHECK(out[2] == TestType(-7));
  CHECK(out[3 + w] == TestType(-7));

  // A scalar is a pack of one lane.
  TestType s = 0;
  simd::store(&s, simd::load<TestType>(in.data() + 5));
  CHECK(s == in[5]);
}

TEMPLATE_TEST_CASE("broadcast fills every lane", "[simd][pack]", float, double) {
  using V = simd::pack<TestType>;
  alignas(simd::alignment) std::array<TestType, simd::block<TestType>> out{};
  simd::store(out.data(), simd::broadcast<V>(2.5));
  for (std::size_t i = 0; i < simd::lanes<V>; ++i) CHECK(out[i] == TestType(2.5));
  CHECK(simd::broadcast<TestType>(3) == TestType(3));
}
