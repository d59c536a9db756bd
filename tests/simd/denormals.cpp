// flush_denormals: inside, subnormal results and operands are zero; outside, the caller's
// floating-point modes are as they were, whatever they were.
#include <ctnn/simd/denormals.hpp>

#include <catch2/catch.hpp>

#include <cfenv>
#include <cmath>
#include <limits>

namespace {

/// Computed at run time, so that the compiler cannot fold it under its own (IEEE) rules.
template <class T>
T product(T a, T b) {
  volatile T x = a, y = b;
  return x * y;
}

}  // namespace

TEST_CASE("flush_denormals flushes subnormal results and operands to zero, then restores", "[simd]") {
  const float tiny = std::numeric_limits<float>::min();  // the smallest normal float
  const float subnormal = std::numeric_limits<float>::denorm_min();
  REQUIRE(std::fpclassify(product(tiny, 0.5f)) == FP_SUBNORMAL);
  {
    ctnn::simd::flush_denormals scope;
#if defined(__SSE__) || defined(__x86_64__)
    CHECK(product(tiny, 0.5f) == 0.0f);
    CHECK(product(subnormal, 1.0f) == 0.0f);
    CHECK(product(std::numeric_limits<double>::min(), 0.5) == 0.0);
#endif
    CHECK(product(tiny, 2.0f) == 2 * tiny);  // normal numbers are untouched
  }
  CHECK(std::fpclassify(product(tiny, 0.5f)) == FP_SUBNORMAL);
  CHECK(product(subnormal, 1.0f) == subnormal);
}

#if defined(__SSE__) || defined(__x86_64__)
TEST_CASE("flush_denormals leaves the caller's modes and raised exception flags", "[simd]") {
  const unsigned int before = _mm_getcsr();
  // A caller with its own modes: rounding upward, flush-to-zero already on, DAZ off.
  const unsigned int caller = (before & ~0x6040u) | 0x4000u | 0x8000u;
  _mm_setcsr(caller);
  {
    ctnn::simd::flush_denormals scope;
    CHECK((_mm_getcsr() & 0x8040u) == 0x8040u);
  }
  CHECK(_mm_getcsr() == caller);
  _mm_setcsr(before);

  std::feclearexcept(FE_ALL_EXCEPT);
  {
    ctnn::simd::flush_denormals scope;
    CHECK(product(std::numeric_limits<float>::max(), 2.0f) == std::numeric_limits<float>::infinity());
  }
  CHECK(std::fetestexcept(FE_OVERFLOW));
  CHECK((_mm_getcsr() & ~0x3fu) == (before & ~0x3fu));  // the modes as before, the flag raised
  std::feclearexcept(FE_ALL_EXCEPT);
}
#endif
