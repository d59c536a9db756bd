// Tests of ctnn/tensor/vector.hpp: layout (alignment, padding), zero-initialisation, the
// invariant that padding lanes stay zero after every kind of write, and value semantics.

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

template <class T>
bool is_aligned(const T* p) {
  return reinterpret_cast<std::uintptr_t>(p) % 64 == 0;
}

/// A value for element i that is never zero, so that a stray write of it into padding shows.
template <class T>
T value(std::size_t i) {
  return static_cast<T>(0.5) + static_cast<T>(i % 7) - static_cast<T>(i % 3) * static_cast<T>(1.25);
}

/// True when every padding lane of `v` (index N and beyond) is zero.
template <class T, std::size_t N>
bool padding_is_zero(const ctnn::vector<T, N>& v) {
  for (std::size_t i = N; i < ctnn::simd::padded_size<T, N>; ++i)
    if (v.data()[i] != T(0)) return false;
  return true;
}

/// vector<T, N>{value(0), ..., value(N-1)}: the initializer-list constructor with N values.
template <class T, std::size_t N>
ctnn::vector<T, N> from_list() {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return ctnn::vector<T, N>{value<T>(I)...};
  }(std::make_index_sequence<N>{});
}

}  // namespace

#define CTNN_VECTOR_SIZES                                                                    \
  ((typename T, std::size_t N), T, N), (float, 1), (float, 3), (float, 17), (float, 37),     \
      (float, 64), (float, 100), (float, 129), (double, 1), (double, 3), (double, 17),       \
      (double, 37), (double, 64), (double, 100), (double, 129)

TEMPLATE_TEST_CASE_SIG("vector is aligned, padded and zero-initialised", "[tensor][vector]",
                       CTNN_VECTOR_SIZES) {
  using vec = ctnn::vector<T, N>;
  STATIC_REQUIRE(vec::size() == N);
  STATIC_REQUIRE(vec::rows() == 1);
  STATIC_REQUIRE(alignof(vec) == 64);
  // Stored inline: the object is exactly its padded storage.
  STATIC_REQUIRE(sizeof(vec) == ctnn::simd::padded_size<T, N> * sizeof(T));
  STATIC_REQUIRE(std::is_same_v<typename vec::value_type, T>);

  // Default-initialise (no `()`, which would zero the memory by itself) in memory full of
  // garbage: the zeros must come from the default constructor.
  alignas(64) unsigned char raw[sizeof(vec)];
  std::memset(raw, 0xA5, sizeof raw);
  const vec* v = ::new (static_cast<void*>(raw)) vec;
  CHECK(is_aligned(v->data()));
  for (std::size_t i = 0; i < ctnn::simd::padded_size<T, N>; ++i) {
    INFO("i = " << i);
    REQUIRE(v->data()[i] == T(0));
  }
  v->~vec();

  // A vector that is a member of a larger object is still aligned.
  struct holder {
    char c;
    vec member;
  } h{};
  CHECK(is_aligned(h.member.data()));
  CHECK(h.member.end() - h.member.begin() == static_cast<std::ptrdiff_t>(N));
}

TEMPLATE_TEST_CASE_SIG("vector padding stays zero after every kind of write",
                       "[tensor][vector][padding]", CTNN_VECTOR_SIZES) {
  using vec = ctnn::vector<T, N>;

  SECTION("initializer list") {
    const vec v = from_list<T, N>();
    for (std::size_t i = 0; i < N; ++i) REQUIRE(v[i] == value<T>(i));
    CHECK(padding_is_zero(v));
  }
  SECTION("element writes, including the last element") {
    vec v;
    for (std::size_t i = 0; i < N; ++i) v[i] = value<T>(i);
    for (std::size_t i = 0; i < N; ++i) REQUIRE(v.data()[i] == value<T>(i));
    CHECK(padding_is_zero(v));
  }
  SECTION("fill through begin() and end()") {
    vec v;
    std::fill(v.begin(), v.end(), T(3));
    for (std::size_t i = 0; i < N; ++i) REQUIRE(v[i] == T(3));
    CHECK(padding_is_zero(v));
    T total = 0;
    for (const T e : v) total += e;  // a range-for sees exactly N elements
    CHECK(total == T(3) * static_cast<T>(N));
  }
  SECTION("expressions whose value at zero is not zero") {
    vec v = from_list<T, N>();
    v = v + T(1);
    CHECK(padding_is_zero(v));
    v = ctnn::exp(v);  // e^0 = 1 in the padding lanes
    CHECK(padding_is_zero(v));
    v = ctnn::sigmoid(v * T(0));  // 1/2 everywhere before masking
    CHECK(padding_is_zero(v));
    for (std::size_t i = 0; i < N; ++i) REQUIRE(v[i] == T(0.5));
    const vec w = T(1) - v;  // constructed from an expression
    CHECK(padding_is_zero(w));
  }
  SECTION("copy from a span") {
    std::vector<T> values(N);
    for (std::size_t i = 0; i < N; ++i) values[i] = value<T>(i);
    const vec v{std::span<const T, N>(values.data(), N)};
    for (std::size_t i = 0; i < N; ++i) REQUIRE(v[i] == values[i]);
    CHECK(padding_is_zero(v));
    const vec u = vec::from(values);
    CHECK(u == v);
    CHECK(padding_is_zero(u));
  }
}

TEMPLATE_TEST_CASE_SIG("vector has value semantics", "[tensor][vector]", CTNN_VECTOR_SIZES) {
  using vec = ctnn::vector<T, N>;
  const vec original = from_list<T, N>();

  vec copy = original;
  CHECK(copy == original);
  CHECK(copy.data() != original.data());
  copy[N - 1] = T(-100);  // the copy is deep: the original keeps its value
  CHECK(original[N - 1] == value<T>(N - 1));
  CHECK(copy != original);

  vec assigned;
  CHECK(assigned != original);
  assigned = original;
  CHECK(assigned == original);
  assigned[0] = T(-100);
  CHECK(original[0] == value<T>(0));

  // Equality looks at every element, the first and the last included.
  vec other = original;
  other[0] += T(1);
  CHECK_FALSE(other == original);
  other = original;
  other[N - 1] += T(1);
  CHECK_FALSE(other == original);

  // Moving leaves a usable object with the same value in the target.
  vec moved = std::move(copy);
  CHECK(moved[N - 1] == T(-100));
}

TEST_CASE("vector::from checks the length", "[tensor][vector]") {
  using vec3 = ctnn::vector<float, 3>;
  const std::vector<float> three{1, 2, 3};
  CHECK(vec3::from(three) == vec3{1, 2, 3});

  const std::vector<float> five{1, 2, 3, 4, 5};
  using Catch::Matchers::Contains;
  CHECK_THROWS_AS(vec3::from(five), ctnn::error);
  // The message names the expected and the found length.
  CHECK_THROWS_WITH(vec3::from(five), Contains("expected 3") && Contains("got 5"));
  using vec4 = ctnn::vector<double, 4>;
  CHECK_THROWS_AS(vec4::from(std::vector<double>{}), ctnn::error);
}

TEST_CASE("vector works at compile time", "[tensor][vector]") {
  constexpr ctnn::vector<float, 3> v{1.0f, 2.0f, 3.0f};
  STATIC_REQUIRE(v[0] == 1.0f && v[2] == 3.0f);
  STATIC_REQUIRE(v == ctnn::vector<float, 3>{1, 2, 3});
  STATIC_REQUIRE(ctnn::vector<double, 5>{} == ctnn::vector<double, 5>{0, 0, 0, 0, 0});
  // Values of other arithmetic types are converted.
  constexpr ctnn::vector<double, 2> mixed{1, 2.5f};
  STATIC_REQUIRE(mixed[0] == 1.0 && mixed[1] == 2.5);
}
