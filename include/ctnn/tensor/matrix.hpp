#pragma once
/// @file
/// `ctnn::matrix<T, R, C>`: a static row-major matrix, for example a layer's weights.

#include <ctnn/diagnostic.hpp>
#include <ctnn/fwd.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/tensor/shape.hpp>
#include <ctnn/tensor/tensor_base.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

/// A matrix of `R` rows and `C` columns of `T`, stored inline and row-major: each row holds
/// `simd::padded_size<T, C>` elements (64-byte aligned), of which the last ones are padding
/// that is always zero. A value type, zero-initialised.
///
/// `*` with a matrix on the left is the matrix product: `W * a` (a vector of `R`) and `A * B`
/// (a matrix). `W * a + b` and `f(W * a + b)` run as one kernel whose epilogue adds `b` and
/// applies `f` before the single store.
///
/// @code
/// ctnn::matrix<float, 2, 3> W{1, 2, 3,
///                             4, 5, 6};           // R * C values, row by row
/// ctnn::vector<float, 3> a{1, 1, 1};
/// ctnn::vector<float, 2> z = W * a;               // {6, 15}
/// W(1, 2) = 0.5f;
/// @endcode
template <simd::scalar T, std::size_t R, std::size_t C>
class matrix : public detail::tensor_base<matrix<T, R, C>, T, shape<R, C>> {
  static_assert(R > 0 && C > 0, "a ctnn::matrix needs at least one row and one column");

 public:
  using value_type = T;
  using shape_type = shape<R, C>;
  /// Stored length of a row.
  static constexpr std::size_t row_stride = simd::padded_size<T, C>;

  /// All elements zero.
  constexpr matrix() noexcept = default;

  /// The `R * C` elements, row by row (a compile-time check of the count).
  template <class... S>
    requires(sizeof...(S) > 0 && std::conjunction_v<std::is_arithmetic<S>...>)
  constexpr matrix(S... values) noexcept {  // NOLINT(google-explicit-constructor)
    static_assert(diagnostic::tensor_of_elements<R * C>::template initialised_with_values<
                  sizeof...(S)>::reported);
    // An array and a loop, not fold expressions: clang rejects folds over more than 256
    // operands (its bracket depth), and weight matrices have more values than that.
    const T list[] = {static_cast<T>(values)...};
    for (std::size_t i = 0; i < sizeof...(S); ++i) values_[i / C * row_stride + i % C] = list[i];
  }

  /// Evaluates `e` (of shape `shape<R, C>`), for example a product `A * B`.
  template <detail::expression_type E>
    requires(!std::is_same_v<std::remove_cvref_t<E>, matrix>)
  matrix(const E& e) {  // NOLINT(google-explicit-constructor)
    detail::evaluate(*this, e);
  }

  /// Evaluates `e` (of shape `shape<R, C>`) into this matrix. `e` may read this matrix.
  template <detail::expression_type E>
    requires(!std::is_same_v<std::remove_cvref_t<E>, matrix>)
  matrix& operator=(const E& e) {
    detail::evaluate(*this, e);
    return *this;
  }

  /// Number of rows, `R`.
  [[nodiscard]] static constexpr std::size_t rows() noexcept { return R; }
  /// Number of columns, `C` (padding excluded; `row_stride` is the stored length).
  [[nodiscard]] static constexpr std::size_t columns() noexcept { return C; }

  /// Element at row `r` < R, column `c` < C.
  [[nodiscard]] constexpr T& operator()(std::size_t r, std::size_t c) noexcept {
    return values_[r * row_stride + c];
  }
  [[nodiscard]] constexpr const T& operator()(std::size_t r, std::size_t c) const noexcept {
    return values_[r * row_stride + c];
  }

  /// The padded storage: `R * row_stride` elements.
  [[nodiscard]] constexpr T* data() noexcept { return values_.data(); }
  [[nodiscard]] constexpr const T* data() const noexcept { return values_.data(); }

  /// Element-wise equality (exact).
  // Not defaulted: a defaulted == would first compare the tensor_base subobjects, and the
  // only == that lookup finds for them is this one, reached through the implicit
  // constructor from an expression (tensor_base is one), so it would not compile.
  friend constexpr bool operator==(const matrix& a, const matrix& b) noexcept {
    return a.values_ == b.values_;
  }

 private:
  alignas(simd::alignment) std::array<T, R * row_stride> values_{};
};

}  // namespace ctnn
