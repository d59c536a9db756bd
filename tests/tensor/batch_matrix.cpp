// Tests of ctnn/tensor/batch_matrix.hpp: runtime row counts, resizing, padding, value
// semantics, views, and the run-time checks of row counts in expressions.

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>

using Catch::Matchers::Contains;

namespace {

template <class T>
bool is_aligned(const T* p) {
  return reinterpret_cast<std::uintptr_t>(p) % 64 == 0;
}

template <class T>
T value(std::size_t r, std::size_t c) {
  return static_cast<T>(r * 100 + c + 1);  // nonzero, distinct, exact in float
}

template <class B>
void fill(B& b) {
  using T = typename B::value_type;
  for (std::size_t r = 0; r < b.rows(); ++r)
    for (std::size_t c = 0; c < B::columns(); ++c) b(r, c) = value<T>(r, c);
}

/// True when every padding lane of the first `b.rows()` rows is zero.
template <class B>
bool padding_is_zero(const B& b) {
  using T = typename B::value_type;
  for (std::size_t r = 0; r < b.rows(); ++r)
    for (std::size_t c = B::columns(); c < B::row_stride; ++c)
      if (b.data()[r * B::row_stride + c] != T(0)) return false;
  return true;
}

}  // namespace

TEMPLATE_TEST_CASE_SIG("batch_matrix has a runtime row count and zero, aligned storage",
                       "[tensor][batch]", ((typename T, std::size_t C), T, C), (float, 1),
                       (float, 17), (float, 129), (double, 3), (double, 37), (double, 100)) {
  using batch = ctnn::batch_matrix<T, C>;
  STATIC_REQUIRE(batch::columns() == C);
  STATIC_REQUIRE(batch::row_stride == ctnn::simd::padded_size<T, C>);
  const auto rows = GENERATE(std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{64});
  const batch b(rows);
  CHECK(b.rows() == rows);
  CHECK(b.capacity() >= rows);
  if (rows > 0) {
    CHECK(is_aligned(b.data()));
    for (std::size_t i = 0; i < rows * batch::row_stride; ++i) REQUIRE(b.data()[i] == T(0));
    // Row r starts r padded rows in, so every row is aligned.
    for (std::size_t r = 0; r < rows; ++r) {
      REQUIRE(&b(r, 0) == b.data() + r * batch::row_stride);
      REQUIRE(b.row(r).data() == &b(r, 0));
      REQUIRE(b.row(r).size() == C);
    }
  }
  CHECK(batch().rows() == 0);
}

TEMPLATE_TEST_CASE("batch_matrix resize keeps rows and zeroes new ones", "[tensor][batch]", float,
                   double) {
  using batch = ctnn::batch_matrix<TestType, 19>;
  batch b(4);
  fill(b);

  SECTION("growing beyond the capacity keeps the old rows") {
    b.resize(50);
    REQUIRE(b.rows() == 50);
    CHECK(b.capacity() >= 50);
    CHECK(is_aligned(b.data()));
    for (std::size_t r = 0; r < 50; ++r)
      for (std::size_t c = 0; c < 19; ++c)
        REQUIRE(b(r, c) == (r < 4 ? value<TestType>(r, c) : TestType(0)));
    CHECK(padding_is_zero(b));
  }
  SECTION("shrinking, then growing back, gives zero rows, not the old ones") {
    const TestType* memory = b.data();
    b.resize(1);
    CHECK(b.rows() == 1);
    CHECK(b.capacity() >= 4);
    b.resize(4);  // within the capacity: no allocation
    CHECK(b.data() == memory);
    for (std::size_t c = 0; c < 19; ++c) REQUIRE(b(0, c) == value<TestType>(0, c));
    for (std::size_t r = 1; r < 4; ++r)
      for (std::size_t c = 0; c < 19; ++c) REQUIRE(b(r, c) == TestType(0));
  }
  SECTION("to zero rows") {
    b.resize(0);
    CHECK(b.rows() == 0);
  }
}

TEMPLATE_TEST_CASE("batch_matrix assignment resizes to the expression's rows", "[tensor][batch]",
                   float, double) {
  using T = TestType;
  using batch = ctnn::batch_matrix<T, 37>;
  batch a(6);
  fill(a);

  SECTION("a smaller target grows") {
    batch b(2);
    b = a * T(2) + T(1);
    REQUIRE(b.rows() == 6);
    for (std::size_t r = 0; r < 6; ++r)
      for (std::size_t c = 0; c < 37; ++c) REQUIRE(b(r, c) == value<T>(r, c) * T(2) + T(1));
    CHECK(padding_is_zero(b));  // + 1 would have written 1 into the padding
  }
  SECTION("a larger target shrinks") {
    batch b(10);
    b = a - T(1);
    REQUIRE(b.rows() == 6);
    for (std::size_t r = 0; r < 6; ++r) REQUIRE(b(r, 36) == value<T>(r, 36) - T(1));
  }
  SECTION("construction from an expression") {
    const batch b = ctnn::exp(a * T(0));
    REQUIRE(b.rows() == 6);
    for (std::size_t r = 0; r < 6; ++r)
      for (std::size_t c = 0; c < 37; ++c) REQUIRE(b(r, c) == T(1));
    CHECK(padding_is_zero(b));
  }
  SECTION("the expression may read the target while it is resized") {
    // a = (rows 1..3 of a) * 10: the view reads a's old storage, which must survive until the
    // new rows are computed.
    a = a.view(1, 4) * T(10);
    REQUIRE(a.rows() == 3);
    for (std::size_t r = 0; r < 3; ++r)
      for (std::size_t c = 0; c < 37; ++c) REQUIRE(a(r, c) == value<T>(r + 1, c) * T(10));
  }
  SECTION("a batch of another batch copies it") {
    batch b;
    b = a.view();
    REQUIRE(b.rows() == 6);
    for (std::size_t r = 0; r < 6; ++r)
      for (std::size_t c = 0; c < 37; ++c) REQUIRE(b(r, c) == a(r, c));
  }
}

TEMPLATE_TEST_CASE("batch_matrix assignment allocates only beyond its capacity",
                   "[tensor][batch]", float, double) {
  // A training loop assigns its last, smaller batch into buffers sized for a full batch: that
  // must reuse the memory (DESIGN: training allocates its workspace once).
  using T = TestType;
  using batch = ctnn::batch_matrix<T, 9>;
  batch full(64), small(10);
  fill(small);
  const T* memory = full.data();

  full = small * T(2) + T(1);
  REQUIRE(full.rows() == 10);
  CHECK(full.data() == memory);
  CHECK(full.capacity() >= 64);
  for (std::size_t r = 0; r < 10; ++r)
    for (std::size_t c = 0; c < 9; ++c) REQUIRE(full(r, c) == value<T>(r, c) * T(2) + T(1));
  CHECK(padding_is_zero(full));

  batch other(40);  // back up to 40 rows, still within the capacity
  fill(other);
  full = other - T(1);
  REQUIRE(full.rows() == 40);
  CHECK(full.data() == memory);
  for (std::size_t r = 0; r < 40; ++r)
    for (std::size_t c = 0; c < 9; ++c) REQUIRE(full(r, c) == value<T>(r, c) - T(1));
}

TEMPLATE_TEST_CASE("batch_matrix has value semantics", "[tensor][batch]", float, double) {
  using batch = ctnn::batch_matrix<TestType, 5>;
  batch a(3);
  fill(a);

  batch copy = a;
  REQUIRE(copy.rows() == 3);
  CHECK(copy.data() != a.data());
  copy(2, 4) = TestType(-1);  // deep: the original keeps its value
  CHECK(a(2, 4) == value<TestType>(2, 4));

  batch assigned(7);
  assigned = a;
  REQUIRE(assigned.rows() == 3);
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t c = 0; c < 5; ++c) REQUIRE(assigned(r, c) == a(r, c));

  const TestType* memory = a.data();
  batch moved = std::move(a);
  CHECK(moved.data() == memory);  // a move does not copy the rows
  CHECK(moved.rows() == 3);
}

TEMPLATE_TEST_CASE("expressions on batches of different row counts throw ctnn::error",
                   "[tensor][batch][error]", float, double) {
  using T = TestType;
  using batch = ctnn::batch_matrix<T, 10>;
  batch a(32), b(64), c(32);
  fill(a);
  fill(b);

  // The message names both row counts. (A combined matcher holds its parts by pointer, so
  // it is written out at each use rather than stored.)
#define CTNN_BOTH_SIZES Contains("32") && Contains("64")
  CHECK_THROWS_AS(a + b, ctnn::error);
  CHECK_THROWS_WITH(a + b, CTNN_BOTH_SIZES);
  CHECK_THROWS_WITH(a - b, CTNN_BOTH_SIZES);
  CHECK_THROWS_WITH(b * a, CTNN_BOTH_SIZES);
  CHECK_THROWS_WITH(a / b, CTNN_BOTH_SIZES);
  CHECK_THROWS_WITH(ctnn::max(a, b), CTNN_BOTH_SIZES);
  CHECK_THROWS_WITH(ctnn::min(b, a), CTNN_BOTH_SIZES);
  // Inside a larger expression, and with views.
  CHECK_THROWS_WITH(ctnn::sigmoid(a * T(2) + T(1)) * b, CTNN_BOTH_SIZES);
  CHECK_THROWS_WITH(a.view() + b.view(), CTNN_BOTH_SIZES);
  CHECK_THROWS_WITH(a + b.view(0, 20), Contains("32") && Contains("20"));
#undef CTNN_BOTH_SIZES

  // An assignment that throws leaves its target as it was.
  c(0, 0) = T(5);
  CHECK_THROWS_AS(c = a + b, ctnn::error);
  CHECK(c.rows() == 32);
  CHECK(c(0, 0) == T(5));

  // Equal row counts (and a scalar, which has none) are fine.
  CHECK_NOTHROW(c = a + c * T(2));
  CHECK(c(0, 0) == value<T>(0, 0) + T(10));  // c(0, 0) was 5
  CHECK(c(1, 3) == value<T>(1, 3));          // c(1, 3) was 0
  CHECK_NOTHROW(c = a + b.view(10, 42));
  CHECK(c(0, 0) == value<T>(0, 0) + value<T>(10, 0));
}

TEMPLATE_TEST_CASE("batch_view is a non-owning window on rows", "[tensor][batch][view]", float,
                   double) {
  using T = TestType;
  using batch = ctnn::batch_matrix<T, 17>;
  using view = ctnn::batch_view<T, 17>;
  batch b(8);
  fill(b);

  SECTION("a view reads and writes the batch's rows") {
    view v = b.view(2, 5);
    REQUIRE(v.rows() == 3);
    CHECK(v.data() == b.data() + 2 * batch::row_stride);
    CHECK(v(0, 0) == value<T>(2, 0));
    v(1, 16) = T(-1);
    CHECK(b(3, 16) == T(-1));
    CHECK(v.row(2)[4] == value<T>(4, 4));
    const view all = b.view();
    CHECK(all.rows() == 8);
    CHECK(all.data() == b.data());
  }
  SECTION("assigning an expression writes only the viewed rows and keeps padding zero") {
    view v = b.view(2, 5);
    v = ctnn::exp(v * T(0)) + v;  // 1 + v; the padding would become 1 without the mask
    for (std::size_t r = 0; r < 8; ++r)
      for (std::size_t c = 0; c < 17; ++c) {
        const bool inside = r >= 2 && r < 5;
        REQUIRE(b(r, c) == (inside ? value<T>(r, c) + T(1) : value<T>(r, c)));
      }
    CHECK(padding_is_zero(b));
  }
  SECTION("copying a view copies the pointer, not the rows") {
    view v = b.view(0, 2);
    view w = v;
    w(0, 0) = T(-7);
    CHECK(b(0, 0) == T(-7));
    w = b.view(6, 8);  // rebinding does not write through v
    CHECK(v(0, 0) == T(-7));
    CHECK(w(0, 0) == value<T>(6, 0));
  }
  SECTION("a view of a view") {
    const view v = b.view(2, 7);
    const view w = v.view(1, 3);  // rows 3 and 4 of b
    REQUIRE(w.rows() == 2);
    CHECK(w(0, 5) == value<T>(3, 5));
    CHECK(w(1, 5) == value<T>(4, 5));
  }
  SECTION("read-only views") {
    const batch& cb = b;
    ctnn::batch_view<const T, 17> r = cb.view(1, 3);
    CHECK(r(1, 2) == value<T>(2, 2));
    const ctnn::batch_view<const T, 17> from_writable = b.view();  // widening conversion
    CHECK(from_writable.rows() == 8);
    batch copy = r * T(3);
    REQUIRE(copy.rows() == 2);
    CHECK(copy(0, 0) == value<T>(1, 0) * T(3));
  }
  SECTION("an empty view") {
    const view v = b.view(4, 4);
    CHECK(v.rows() == 0);
  }
}

TEMPLATE_TEST_CASE("batch views check their ranges and row counts", "[tensor][batch][view][error]",
                   float, double) {
  using T = TestType;
  using batch = ctnn::batch_matrix<T, 6>;
  batch b(8), other(3);
  fill(b);
  fill(other);

  SECTION("a range outside the batch throws, naming the range and the row count") {
    CHECK_THROWS_AS(b.view(0, 9), ctnn::error);
    CHECK_THROWS_WITH(b.view(2, 9), Contains("[2, 9)") && Contains("8 rows"));
    CHECK_THROWS_WITH(b.view(5, 4), Contains("[5, 4)"));  // first after last
    CHECK_NOTHROW(b.view(0, 8));
    CHECK_NOTHROW(b.view(8, 8));
    const auto v = b.view(2, 6);
    CHECK_THROWS_WITH(v.view(1, 5), Contains("[1, 5)") && Contains("4 rows"));
  }
  SECTION("assigning an expression of another row count throws and writes nothing") {
    auto v = b.view(0, 4);
    CHECK_THROWS_AS(v = other * T(2), ctnn::error);
    CHECK_THROWS_WITH(v = other * T(2), Contains("3") && Contains("4"));
    for (std::size_t r = 0; r < 8; ++r)
      for (std::size_t c = 0; c < 6; ++c) REQUIRE(b(r, c) == value<T>(r, c));
    // The right row count works.
    v = b.view(4, 8) + T(0);
    CHECK(b(0, 0) == value<T>(4, 0));
  }
}

// KNOWN BUG, hidden from the default run ([.]): run with `ctnn_tests "[known-bug]"`.
// Element-wise assignment reads lane i before writing lane i, which makes `v = v * 2` safe,
// but a destination view that overlaps a source view at another row offset is written before
// it is read: rows 1..3 = 2 × rows 0..2 gives 2, 4, 8 instead of 2, 4, 6 (row 2 is read
// after it was overwritten). Fixing it needs the evaluator to detect a shifted overlap and go
// through a temporary.
TEMPLATE_TEST_CASE("assigning between overlapping views at different rows", "[.][known-bug]",
                   float, double) {
  using T = TestType;
  ctnn::batch_matrix<T, 3> b(5);
  for (std::size_t r = 0; r < 5; ++r)
    for (std::size_t c = 0; c < 3; ++c) b(r, c) = static_cast<T>(r + 1);
  auto rows_1_to_3 = b.view(1, 4);
  rows_1_to_3 = b.view(0, 3) * T(2);
  CHECK(b(0, 0) == T(1));
  CHECK(b(1, 0) == T(2));
  CHECK(b(2, 0) == T(4));
  CHECK(b(3, 0) == T(6));
  CHECK(b(4, 0) == T(5));
}

TEST_CASE("a moved-from batch_matrix is empty and usable", "[tensor][batch]") {
  ctnn::batch_matrix<float, 3> a(4);
  a(3, 2) = 7;
  ctnn::batch_matrix<float, 3> b(std::move(a));
  CHECK(b.rows() == 4);
  CHECK(b(3, 2) == 7);
  CHECK(a.rows() == 0);  // NOLINT(bugprone-use-after-move): the state after a move is the point
  a.resize(2);           // grows its storage again instead of writing through a null pointer
  CHECK(a.rows() == 2);
  CHECK(a(1, 2) == 0);
  ctnn::batch_matrix<float, 3> c;
  c = std::move(b);
  CHECK(c.rows() == 4);
  CHECK(b.rows() == 0);  // NOLINT(bugprone-use-after-move)
  b = c + c;             // an expression of 4 rows into the emptied batch
  CHECK(b(3, 2) == 14);
}
