// Tests of ctnn/simd/math.hpp: element-wise math on packs and scalars against the standard
// library, horizontal reductions, and the lane masks that keep padding zero.

#include <ctnn/simd/math.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace simd = ctnn::simd;

namespace {

/// Relative tolerance of the vectorised transcendental functions against std::. xsimd's
/// float versions are accurate to a few ulp (2^-23 ≈ 1.2e-7 each), its double versions to
/// about one ulp (2^-52 ≈ 2.2e-16); these bounds leave room for 8 and 50 ulp.
template <class T>
constexpr double math_tolerance = sizeof(T) == 4 ? 1e-6 : 1e-14;

template <class T>
bool close(T actual, double expected, double rel) {
  return std::abs(static_cast<double>(actual) - expected) <=
         rel * std::max(1.0, std::abs(expected));
}

/// Applies `f` to `inputs` one pack at a time (the path every SIMD loop of ctnn takes) and
/// returns the results.
template <class T, class F>
std::vector<T> through_packs(const std::vector<T>& inputs, F f) {
  using V = simd::pack<T>;
  constexpr std::size_t w = simd::lanes<V>;
  const std::size_t n = (inputs.size() + w - 1) / w * w;
  alignas(simd::alignment) T in[512]{}, out[512]{};
  REQUIRE(n <= 512);
  std::copy(inputs.begin(), inputs.end(), in);
  for (std::size_t i = 0; i < n; i += w) simd::store(out + i, f(simd::load<V>(in + i)));
  return std::vector<T>(out, out + inputs.size());
}

template <class T>
std::vector<T> grid(double lo, double hi, std::size_t count) {
  std::vector<T> v(count);
  for (std::size_t i = 0; i < count; ++i)
    v[i] = static_cast<T>(lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(count - 1));
  return v;
}

}  // namespace

TEMPLATE_TEST_CASE("exp, log, tanh, sigmoid and sqrt of packs match the standard library", "[simd][math]",
                   float, double) {
  using T = TestType;
  using V = simd::pack<T>;
  const double tol = math_tolerance<T>;

  SECTION("exp on [-80, 80]") {  // e^±80 is within float range (FLT_MAX ≈ e^88.7)
    const auto in = grid<T>(-80, 80, 301);
    const auto out = through_packs(in, [](V v) { return simd::exp(v); });
    for (std::size_t i = 0; i < in.size(); ++i) {
      INFO("x = " << in[i]);
      REQUIRE(close(out[i], std::exp(static_cast<double>(in[i])), tol));
      REQUIRE(close(simd::exp(in[i]), std::exp(static_cast<double>(in[i])), tol));
    }
  }
  SECTION("log on (0, 1e6]") {
    std::vector<T> in = grid<T>(1e-3, 1e6, 301);
    in.push_back(T(1));  // log 1 is exactly 0
    in.push_back(std::numeric_limits<T>::min());
    const auto out = through_packs(in, [](V v) { return simd::log(v); });
    for (std::size_t i = 0; i < in.size(); ++i) {
      INFO("x = " << in[i]);
      REQUIRE(close(out[i], std::log(static_cast<double>(in[i])), tol));
    }
    CHECK(out[out.size() - 2] == T(0));
  }
  SECTION("tanh on [-20, 20] and near zero") {
    std::vector<T> in = grid<T>(-20, 20, 401);
    for (double tiny : {1e-8, -1e-5, 3e-3}) in.push_back(static_cast<T>(tiny));
    const auto out = through_packs(in, [](V v) { return simd::tanh(v); });
    for (std::size_t i = 0; i < in.size(); ++i) {
      INFO("x = " << in[i]);
      const double expected = std::tanh(static_cast<double>(in[i]));
      // Relative to the value itself near zero, where tanh x ≈ x is tiny.
      REQUIRE(std::abs(out[i] - expected) <= tol * std::max(std::abs(expected), 1e-30) + 1e-30);
    }
  }
  SECTION("sigmoid on [-100, 100], its saturation, and NaN") {
    std::vector<T> in = grid<T>(-100, 100, 501);  // steps of 0.4 < ln 2: every n of the float path
    for (double edge : {-88.0, -87.9, 87.9, 88.0, 88.1, -1e30, 1e30}) in.push_back(static_cast<T>(edge));
    const auto out = through_packs(in, [](V v) { return simd::sigmoid(v); });
    for (std::size_t i = 0; i < in.size(); ++i) {
      INFO("x = " << in[i]);
      const double expected = 1 / (1 + std::exp(-static_cast<double>(in[i])));
      // Relative to the value itself, down to where it leaves float's normal range.
      REQUIRE(std::abs(out[i] - expected) <= tol * std::max(expected, 1e-30) + 1e-30);
      REQUIRE(close(simd::sigmoid(in[i]), expected, tol));
    }
    const T inf = std::numeric_limits<T>::infinity();
    const std::vector<T> extremes{-inf, inf, T(-1000), T(1000), std::numeric_limits<T>::quiet_NaN()};
    const auto special = through_packs(extremes, [](V v) { return simd::sigmoid(v); });
    CHECK(special[0] == T(0));
    CHECK(special[1] == T(1));
    CHECK(special[2] == T(0));
    CHECK(special[3] == T(1));
    CHECK(std::isnan(special[4]));
  }
  SECTION("sqrt and abs") {
    const auto in = grid<T>(0, 1000, 101);
    const auto out = through_packs(in, [](V v) { return simd::sqrt(v); });
    for (std::size_t i = 0; i < in.size(); ++i)
      REQUIRE(close(out[i], std::sqrt(static_cast<double>(in[i])), tol));
    const auto signed_in = grid<T>(-50, 50, 101);
    const auto absolute = through_packs(signed_in, [](V v) { return simd::abs(v); });
    for (std::size_t i = 0; i < signed_in.size(); ++i) REQUIRE(absolute[i] == std::abs(signed_in[i]));
  }
}

TEMPLATE_TEST_CASE("fma, select, min and max work lane by lane", "[simd][math]", float, double) {
  using T = TestType;
  using V = simd::pack<T>;
  constexpr std::size_t w = simd::lanes<V>;
  alignas(simd::alignment) T a[simd::block<T>], b[simd::block<T>], c[simd::block<T>],
      out[simd::block<T>];
  for (std::size_t i = 0; i < w; ++i) {
    a[i] = static_cast<T>(i) - T(3);  // negative and positive lanes
    b[i] = T(2) - static_cast<T>(i % 5);
    c[i] = T(0.25) * static_cast<T>(i);
  }
  const V va = simd::load<V>(a), vb = simd::load<V>(b), vc = simd::load<V>(c);

  simd::store(out, simd::fma(va, vb, vc));
  for (std::size_t i = 0; i < w; ++i) CHECK(out[i] == a[i] * b[i] + c[i]);  // small integers: exact
  CHECK(simd::fma(T(2), T(3), T(4)) == T(10));

  simd::store(out, simd::select(va < vb, va, vc));
  for (std::size_t i = 0; i < w; ++i) CHECK(out[i] == (a[i] < b[i] ? a[i] : c[i]));
  CHECK(simd::select(true, T(1), T(2)) == T(1));

  simd::store(out, simd::min(va, vb));
  for (std::size_t i = 0; i < w; ++i) CHECK(out[i] == std::min(a[i], b[i]));
  simd::store(out, simd::max(va, vb));
  for (std::size_t i = 0; i < w; ++i) CHECK(out[i] == std::max(a[i], b[i]));
  CHECK(simd::min(T(-1), T(2)) == T(-1));
  CHECK(simd::max(T(-1), T(2)) == T(2));
}

TEMPLATE_TEST_CASE("horizontal sums and maxima", "[simd][math]", float, double) {
  using T = TestType;
  using V = simd::pack<T>;
  constexpr std::size_t w = simd::lanes<V>;
  alignas(simd::alignment) T lanes[simd::block<T>];

  // Distinct integers: every sum is exact, so equality is the right test.
  T expected_sum = 0;
  for (std::size_t i = 0; i < w; ++i) {
    lanes[i] = static_cast<T>((i * 7) % 11) - T(4);
    expected_sum += lanes[i];
  }
  CHECK(simd::sum(simd::load<V>(lanes)) == expected_sum);
  CHECK(simd::largest(simd::load<V>(lanes)) == *std::max_element(lanes, lanes + w));
  CHECK(simd::sum(T(5)) == T(5));
  CHECK(simd::largest(T(-5)) == T(-5));

  // The largest lane may be the last one, and all lanes may be negative.
  for (std::size_t i = 0; i < w; ++i) lanes[i] = -T(100) + static_cast<T>(i);
  CHECK(simd::largest(simd::load<V>(lanes)) == -T(100) + static_cast<T>(w - 1));
}

TEMPLATE_TEST_CASE("transpose_sum puts the sum of pack i in lane i", "[simd][math]", float,
                   double) {
  using T = TestType;
  using V = simd::pack<T>;
  constexpr std::size_t w = simd::lanes<V>;
  V rows[w];
  alignas(simd::alignment) T lanes[simd::block<T>];
  T expected[w];
  for (std::size_t r = 0; r < w; ++r) {
    expected[r] = 0;
    for (std::size_t i = 0; i < w; ++i) {
      lanes[i] = static_cast<T>(r * 100 + i * i);
      expected[r] += lanes[i];
    }
    rows[r] = simd::load<V>(lanes);
  }
  simd::store(lanes, simd::transpose_sum(rows));
  for (std::size_t r = 0; r < w; ++r) CHECK(lanes[r] == expected[r]);
}

TEMPLATE_TEST_CASE("all_finite rejects one infinite or NaN lane", "[simd][math]", float, double) {
  using T = TestType;
  using V = simd::pack<T>;
  constexpr std::size_t w = simd::lanes<V>;
  alignas(simd::alignment) T lanes[simd::block<T>];
  std::fill(lanes, lanes + w, T(1));
  CHECK(simd::all_finite(simd::load<V>(lanes)));
  for (const T bad : {std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(),
                      std::numeric_limits<T>::quiet_NaN()}) {
    lanes[w - 1] = bad;  // the last lane: a reduction that skipped it would pass
    CHECK_FALSE(simd::all_finite(simd::load<V>(lanes)));
    CHECK_FALSE(simd::all_finite(bad));
    lanes[w - 1] = T(1);
  }
  CHECK(simd::all_finite(std::numeric_limits<T>::max()));
}

TEMPLATE_TEST_CASE("keep_first_lanes zeroes lanes n and above", "[simd][math][padding]", float,
                   double) {
  using T = TestType;
  using V = simd::pack<T>;
  constexpr std::size_t w = simd::lanes<V>;
  alignas(simd::alignment) T in[simd::block<T>], out[simd::block<T>];
  for (std::size_t i = 0; i < w; ++i) in[i] = static_cast<T>(i) + T(1);  // no lane is zero
  const V v = simd::load<V>(in);
  for (std::size_t n = 0; n <= w + 2; ++n) {
    INFO("n = " << n);
    simd::store(out, simd::keep_first_lanes(v, n));
    for (std::size_t i = 0; i < w; ++i) REQUIRE(out[i] == (i < n ? in[i] : T(0)));
    // first_lanes_or takes the other lanes from a second pack.
    simd::store(out, simd::first_lanes_or(v, n, V(T(-9))));
    for (std::size_t i = 0; i < w; ++i) REQUIRE(out[i] == (i < n ? in[i] : T(-9)));
  }
  // Scalars: one lane, kept when n > 0.
  CHECK(simd::keep_first_lanes(T(4), 0) == T(0));
  CHECK(simd::keep_first_lanes(T(4), 1) == T(4));
  CHECK(simd::first_lanes_or(T(4), 0, T(-1)) == T(-1));
}
