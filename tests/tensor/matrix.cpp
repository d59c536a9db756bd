// Tests of ctnn/tensor/matrix.hpp: row-major padded layout, zero-initialisation, padding that
// stays zero after every kind of write, and value semantics.

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace {

template <class T>
bool is_aligned(const T* p) {
  return reinterpret_cast<std::uintptr_t>(p) % 64 == 0;
}

/// A nonzero value for element (r, c), distinct along rows and columns.
template <class T>
T value(std::size_t r, std::size_t c) {
  return static_cast<T>(1 + (r * 7 + c * 3) % 23) * static_cast<T>(r % 2 == 0 ? 1 : -1);
}

/// True when the padding lanes of every row of `m` are zero.
template <class T, std::size_t R, std::size_t C>
bool padding_is_zero(const ctnn::matrix<T, R, C>& m) {
  constexpr std::size_t stride = ctnn::simd::padded_size<T, C>;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = C; c < stride; ++c)
      if (m.data()[r * stride + c] != T(0)) return false;
  return true;
}

/// matrix<T, R, C>{value(0, 0), value(0, 1), ...}: the constructor from R * C values, row by row.
template <class T, std::size_t R, std::size_t C>
ctnn::matrix<T, R, C> from_list() {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return ctnn::matrix<T, R, C>{value<T>(I / C, I % C)...};
  }(std::make_index_sequence<R * C>{});
}

}  // namespace

#define CTNN_MATRIX_SIZES                                                                      \
  ((typename T, std::size_t R, std::size_t C), T, R, C), (float, 1, 1), (float, 3, 17),        \
      (float, 17, 3), (float, 5, 37), (float, 2, 64), (float, 4, 100), (float, 3, 129),        \
      (double, 1, 1), (double, 3, 17), (double, 17, 3), (double, 5, 37), (double, 2, 64),      \
      (double, 4, 100), (double, 3, 129)

TEMPLATE_TEST_CASE_SIG("matrix is row-major, aligned, padded and zero-initialised",
                       "[tensor][matrix]", CTNN_MATRIX_SIZES) {
  using mat = ctnn::matrix<T, R, C>;
  constexpr std::size_t stride = ctnn::simd::padded_size<T, C>;
  STATIC_REQUIRE(mat::rows() == R);
  STATIC_REQUIRE(mat::columns() == C);
  STATIC_REQUIRE(mat::row_stride == stride);
  STATIC_REQUIRE(alignof(mat) == 64);
  STATIC_REQUIRE(sizeof(mat) == R * stride * sizeof(T));  // inline storage, nothing else

  // Default-initialised in memory full of garbage: the zeros come from the constructor.
  alignas(64) unsigned char raw[sizeof(mat)];
  std::memset(raw, 0x5A, sizeof raw);
  mat* m = ::new (static_cast<void*>(raw)) mat;
  CHECK(is_aligned(m->data()));
  for (std::size_t i = 0; i < R * stride; ++i) REQUIRE(m->data()[i] == T(0));

  // (r, c) is element r * row_stride + c of data(): every row starts on a 64-byte boundary.
  for (std::size_t r = 0; r < R; ++r) {
    CHECK(is_aligned(&(*m)(r, 0)));
    for (std::size_t c = 0; c < C; ++c) {
      (*m)(r, c) = value<T>(r, c);
      REQUIRE(m->data()[r * stride + c] == value<T>(r, c));
    }
  }
  m->~mat();
}

TEMPLATE_TEST_CASE_SIG("matrix padding stays zero after every kind of write",
                       "[tensor][matrix][padding]", CTNN_MATRIX_SIZES) {
  using mat = ctnn::matrix<T, R, C>;

  SECTION("values row by row") {
    const mat m = from_list<T, R, C>();
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) REQUIRE(m(r, c) == value<T>(r, c));
    CHECK(padding_is_zero(m));
  }
  SECTION("element writes through operator()") {
    mat m;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) m(r, c) = T(-3);
    CHECK(padding_is_zero(m));
  }
  SECTION("expressions whose value at zero is not zero, on every row") {
    mat m = from_list<T, R, C>();
    m = m * T(0) + T(2);  // 2 in every lane before masking
    CHECK(padding_is_zero(m));
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) REQUIRE(m(r, c) == T(2));
    m = ctnn::exp(m - m);
    CHECK(padding_is_zero(m));
    const mat s = ctnn::sigmoid(m);
    CHECK(padding_is_zero(s));
  }
}

TEMPLATE_TEST_CASE_SIG("matrix has value semantics", "[tensor][matrix]", CTNN_MATRIX_SIZES) {
  using mat = ctnn::matrix<T, R, C>;
  const mat original = from_list<T, R, C>();
  mat copy = original;
  CHECK(copy == original);
  copy(R - 1, C - 1) = T(1000);  // deep copy: the original keeps its last element
  CHECK(original(R - 1, C - 1) == value<T>(R - 1, C - 1));
  CHECK(copy != original);

  mat assigned;
  CHECK(assigned != original);
  assigned = original;
  CHECK(assigned == original);
  assigned(0, 0) = T(1000);
  CHECK(original(0, 0) == value<T>(0, 0));
}

TEST_CASE("matrix values are given row by row", "[tensor][matrix]") {
  constexpr ctnn::matrix<float, 2, 3> W{1, 2, 3,  //
                                        4, 5, 6};
  STATIC_REQUIRE(W(0, 2) == 3.0f);
  STATIC_REQUIRE(W(1, 0) == 4.0f);
  STATIC_REQUIRE(W == ctnn::matrix<float, 2, 3>{1, 2, 3, 4, 5, 6});
  STATIC_REQUIRE(W != ctnn::matrix<float, 2, 3>{1, 2, 3, 4, 5, 7});
  // Row 1 starts one padded row (16 floats) after row 0.
  CHECK(W.data()[16] == 4.0f);
  CHECK(W.data()[3] == 0.0f);
}
