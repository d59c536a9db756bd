// Tests of ctnn/simd/transpose.hpp: transpose_block against a scalar transpose, for the
// build's instruction set and, where the compiler flags allow, the narrower ones.

#include <ctnn/simd/transpose.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <vector>

#include <ctnn/simd/aligned_buffer.hpp>

namespace simd = ctnn::simd;

namespace {

/// Transposes one block of `transpose_rows<T>` rows × `width<T, Arch>` columns with
/// `src_stride` and `dst_stride` as given, and checks every element of `dst` against a scalar
/// transpose; elements of `dst` outside the block must keep their sentinel value.
template <class T, class Arch>
void check_block(std::size_t src_stride, std::size_t dst_stride) {
  constexpr std::size_t g = simd::transpose_rows<T>, w = simd::width<T, Arch>;
  INFO("width " << w << ", src_stride " << src_stride << ", dst_stride " << dst_stride);
  simd::aligned_buffer<T> src(g * src_stride);
  for (std::size_t r = 0; r < g; ++r)
    for (std::size_t c = 0; c < src_stride; ++c)
      src[r * src_stride + c] = static_cast<T>(1000 * r + c + 1);  // distinct, exact
  const T sentinel = T(-1);
  std::vector<T> dst(w * dst_stride + g, sentinel);

  simd::transpose_block<T, Arch>(src.data(), src_stride, dst.data(), dst_stride);

  for (std::size_t c = 0; c < w; ++c)
    for (std::size_t i = 0; i < dst_stride; ++i) {
      const T expected = i < g ? src[i * src_stride + c] : sentinel;
      INFO("column " << c << ", element " << i);
      REQUIRE(dst[c * dst_stride + i] == expected);
    }
  for (std::size_t i = w * dst_stride; i < dst.size(); ++i) REQUIRE(dst[i] == sentinel);
}

template <class T, class Arch>
void check_arch() {
  constexpr std::size_t w = simd::width<T, Arch>, g = simd::transpose_rows<T>;
  // Rows exactly one register long, and rows of a wider tensor; dst columns packed tightly
  // (stride g) or spaced out.
  for (std::size_t src_stride : {simd::padded<T>(w), simd::padded<T>(3 * w + 1)})
    for (std::size_t dst_stride : {g, g + 3, 2 * w + 1}) check_block<T, Arch>(src_stride, dst_stride);
}

}  // namespace

TEST_CASE("transpose_rows is 16 bytes of rows", "[simd][transpose]") {
  STATIC_REQUIRE(simd::transpose_rows<float> == 4);
  STATIC_REQUIRE(simd::transpose_rows<double> == 2);
}

TEMPLATE_TEST_CASE("transpose_block matches a scalar transpose", "[simd][transpose]", float,
                   double) {
  SECTION("default instruction set") { check_arch<TestType, simd::default_arch>(); }
  // The narrower instruction sets that the compiler flags enable: a generic build runs the
  // SSE2 version, and the AVX version interleaves within 128-bit lanes differently. (xsimd
  // names appear here only to pick the architecture.)
#if XSIMD_WITH_SSE2
  SECTION("SSE2") { check_arch<TestType, xsimd::sse2>(); }
#endif
#if XSIMD_WITH_AVX2
  SECTION("AVX2") { check_arch<TestType, xsimd::avx2>(); }
#endif
#if XSIMD_WITH_AVX512F
  SECTION("AVX-512") { check_arch<TestType, xsimd::avx512f>(); }
#endif
}

TEMPLATE_TEST_CASE("blocks of transpose_block transpose a whole matrix", "[simd][transpose]",
                   float, double) {
  // A 3g × 37 matrix (padded rows) transposed block by block into a 37-row matrix of 3g
  // columns, the way a kernel packs Wᵀ; compared with the scalar definition Aᵀ(j, i) = A(i, j).
  using T = TestType;
  constexpr std::size_t g = simd::transpose_rows<T>, w = simd::width<T>;
  constexpr std::size_t rows = 3 * g, cols = 37;
  constexpr std::size_t src_stride = simd::padded_size<T, cols>;
  constexpr std::size_t dst_stride = simd::padded_size<T, rows>;
  simd::aligned_buffer<T> a(rows * src_stride), t(src_stride * dst_stride);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) a[i * src_stride + j] = static_cast<T>(i * 64 + j) - T(5);
  for (std::size_t i = 0; i < rows; i += g)
    for (std::size_t j = 0; j < src_stride; j += w)
      simd::transpose_block<T>(a.data() + i * src_stride + j, src_stride,
                               t.data() + j * dst_stride + i, dst_stride);
  for (std::size_t j = 0; j < src_stride; ++j)
    for (std::size_t i = 0; i < dst_stride; ++i) {
      INFO("Aᵀ(" << j << ", " << i << ")");
      // Padding columns of A (zero) become padding rows of Aᵀ; padding of Aᵀ is never written.
      const T expected = (i < rows && j < cols) ? a[i * src_stride + j] : T(0);
      REQUIRE(t[j * dst_stride + i] == expected);
    }
}
