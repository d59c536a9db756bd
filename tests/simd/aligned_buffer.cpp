// Tests of ctnn/simd/aligned_buffer.hpp: alignment, rounding to whole blocks, zeroed memory,
// and value semantics (deep copies, moves that steal the memory).

#include <ctnn/simd/aligned_buffer.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace simd = ctnn::simd;

namespace {

bool is_aligned(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) % simd::alignment == 0;
}

template <class T>
bool all_zero(const simd::aligned_buffer<T>& b) {
  for (std::size_t i = 0; i < b.size(); ++i)
    if (b[i] != T(0)) return false;
  return true;
}

}  // namespace

TEMPLATE_TEST_CASE("a default aligned_buffer is empty", "[simd][aligned_buffer]", float, double) {
  const simd::aligned_buffer<TestType> b;
  CHECK(b.size() == 0);
  CHECK(b.data() == nullptr);
  const simd::aligned_buffer<TestType> zero_count(0);
  CHECK(zero_count.size() == 0);
  CHECK(zero_count.data() == nullptr);
}

TEMPLATE_TEST_CASE("aligned_buffer rounds up, aligns and zeroes", "[simd][aligned_buffer]", float,
                   double) {
  using T = TestType;
  // Allocate and dirty a buffer first, so that a fresh one is likely to reuse its memory:
  // zeros then come from the constructor, not from a fresh page.
  for (const std::size_t count : {std::size_t{1}, std::size_t{3}, std::size_t{17},
                                  std::size_t{1000}, std::size_t{4097}}) {
    INFO("count = " << count);
    {
      simd::aligned_buffer<T> dirty(count);
      for (std::size_t i = 0; i < dirty.size(); ++i) dirty[i] = T(42);
    }
    const simd::aligned_buffer<T> b(count);
    const std::size_t expected = (count * sizeof(T) + 63) / 64 * 64 / sizeof(T);
    CHECK(b.size() == expected);
    CHECK(b.size() % simd::block<T> == 0);
    CHECK(is_aligned(b.data()));
    CHECK(all_zero(b));
  }
  CHECK(simd::aligned_buffer<float>(1000).size() == 1008);  // the example in the header
}

TEMPLATE_TEST_CASE("aligned_buffer copies are deep", "[simd][aligned_buffer]", float, double) {
  using T = TestType;
  simd::aligned_buffer<T> a(37);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<T>(i) + T(1);

  SECTION("copy construction") {
    simd::aligned_buffer<T> b(a);
    REQUIRE(b.size() == a.size());
    CHECK(b.data() != a.data());
    CHECK(is_aligned(b.data()));
    for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(b[i] == a[i]);
    b[0] = T(-1);
    CHECK(a[0] == T(1));
  }
  SECTION("copy assignment to a buffer of the same size reuses its memory") {
    simd::aligned_buffer<T> b(37);
    const T* before = b.data();
    b = a;
    CHECK(b.data() == before);
    for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(b[i] == a[i]);
    b[1] = T(-1);
    CHECK(a[1] == T(2));
  }
  SECTION("copy assignment to a buffer of another size") {
    simd::aligned_buffer<T> b(3);
    b = a;
    REQUIRE(b.size() == a.size());
    CHECK(is_aligned(b.data()));
    for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(b[i] == a[i]);
    simd::aligned_buffer<T> empty;
    b = empty;
    CHECK(b.size() == 0);
  }
  SECTION("self-assignment keeps the contents") {
    auto& same = a;
    a = same;
    for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(a[i] == static_cast<T>(i) + T(1));
  }
}

TEMPLATE_TEST_CASE("aligned_buffer moves steal the memory", "[simd][aligned_buffer]", float,
                   double) {
  using T = TestType;
  STATIC_REQUIRE(std::is_nothrow_move_constructible_v<simd::aligned_buffer<T>>);
  STATIC_REQUIRE(std::is_nothrow_move_assignable_v<simd::aligned_buffer<T>>);
  simd::aligned_buffer<T> a(20);
  a[3] = T(7);
  const T* memory = a.data();
  const std::size_t size = a.size();

  simd::aligned_buffer<T> b(std::move(a));
  CHECK(b.data() == memory);
  CHECK(b.size() == size);
  CHECK(b[3] == T(7));
  // The moved-from buffer must say it is empty: a stale size would let a loop over it read
  // memory that now belongs to `b`.
  CHECK(a.size() == 0);  // NOLINT(bugprone-use-after-move)
  CHECK(a.data() == nullptr);

  simd::aligned_buffer<T> c(100);
  c = std::move(b);
  CHECK(c.data() == memory);
  CHECK(c.size() == size);
  CHECK(b.size() == 0);  // NOLINT(bugprone-use-after-move)
  CHECK(b.data() == nullptr);
}
