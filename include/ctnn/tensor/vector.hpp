#pragma once
/// @file
/// `ctnn::vector<T, N>`: a static vector, the input and output of a network.

#include <ctnn/diagnostic.hpp>
#include <ctnn/error.hpp>
#include <ctnn/fwd.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/tensor/shape.hpp>
#include <ctnn/tensor/tensor_base.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>

namespace ctnn {

/// A vector of `N` elements of `T` (`float` or `double`), stored inline: a value type with
/// no heap allocation, zero-initialised, aligned to 64 bytes and padded to a whole number of
/// 64-byte blocks (`simd::padded_size<T, N>` elements) whose padding lanes are always zero.
///
/// It is an expression: `c = ctnn::sigmoid(a * b + 1.0f)` runs one SIMD loop over the
/// padded storage with no temporary. `*` between two vectors is element-wise.
///
/// @code
/// ctnn::vector<float, 3> v{1.0f, 2.0f, 3.0f};    // exactly N values, checked at compile time
/// ctnn::vector<float, 3> w = v * v + 1.0f;      // {2, 5, 10}
/// float first = w[0];
/// @endcode
template <simd::scalar T, std::size_t N>
class vector : public detail::tensor_base<vector<T, N>, T, shape<N>> {
  static_assert(N > 0, "a ctnn::vector needs at least one element");

 public:
  using value_type = T;
  using shape_type = shape<N>;

  /// All elements zero.
  constexpr vector() noexcept = default;

  /// The elements, in order; their number must be `N` (a compile-time check).
  template <class... S>
    requires(sizeof...(S) > 0 && std::conjunction_v<std::is_arithmetic<S>...>)
  constexpr vector(S... values) noexcept {  // NOLINT(google-explicit-constructor): {1, 2, 3}
    static_assert(diagnostic::tensor_of_elements<N>::template initialised_with_values<
                  sizeof...(S)>::reported);
    // An array and a loop, not fold expressions: clang rejects folds over more than 256
    // operands (its bracket depth).
    const T list[] = {static_cast<T>(values)...};
    for (std::size_t i = 0; i < sizeof...(S); ++i) values_[i] = list[i];
  }

  /// Copies `N` values.
  explicit constexpr vector(std::span<const T, N> values) noexcept {
    std::copy(values.begin(), values.end(), values_.begin());
  }

  /// Evaluates `e` (of shape `shape<N>`) in one loop.
  template <detail::expression_type E>
    requires(!std::is_same_v<std::remove_cvref_t<E>, vector>)
  vector(const E& e) {  // NOLINT(google-explicit-constructor): `vector v = a + b;`
    detail::evaluate(*this, e);
  }

  /// Evaluates `e` (of shape `shape<N>`) into this vector. `e` may read this vector.
  template <detail::expression_type E>
    requires(!std::is_same_v<std::remove_cvref_t<E>, vector>)
  vector& operator=(const E& e) {
    detail::evaluate(*this, e);
    return *this;
  }

  /// Copies `values`, whose length must be `N`.
  /// @throws ctnn::error naming both lengths otherwise; the vector is then unchanged.
  [[nodiscard]] static vector from(std::span<const T> values) {
    if (values.size() != N)
      throw error("ctnn::vector::from: expected " + std::to_string(N) + " values, got " +
                  std::to_string(values.size()));
    vector v;
    std::copy(values.begin(), values.end(), v.values_.begin());
    return v;
  }

  /// Number of elements, `N`.
  [[nodiscard]] static constexpr std::size_t size() noexcept { return N; }
  /// Number of rows of the layout: 1.
  [[nodiscard]] static constexpr std::size_t rows() noexcept { return 1; }

  /// Element `i` < `N`, unchecked (a write into the padding would break its zeros).
  [[nodiscard]] constexpr T& operator[](std::size_t i) noexcept { return values_[i]; }
  [[nodiscard]] constexpr const T& operator[](std::size_t i) const noexcept { return values_[i]; }

  /// The padded storage: `simd::padded_size<T, N>` elements, the last ones zero.
  [[nodiscard]] constexpr T* data() noexcept { return values_.data(); }
  [[nodiscard]] constexpr const T* data() const noexcept { return values_.data(); }

  /// The `N` elements as a range, padding excluded (for standard algorithms and range-for).
  [[nodiscard]] constexpr T* begin() noexcept { return values_.data(); }
  [[nodiscard]] constexpr T* end() noexcept { return values_.data() + N; }
  [[nodiscard]] constexpr const T* begin() const noexcept { return values_.data(); }
  [[nodiscard]] constexpr const T* end() const noexcept { return values_.data() + N; }

  /// Element-wise equality (exact).
  // Not defaulted: a defaulted == would first compare the tensor_base subobjects, and the
  // only == that lookup finds for them is this one, reached through the implicit
  // constructor from an expression (tensor_base is one), so it would not compile.
  friend constexpr bool operator==(const vector& a, const vector& b) noexcept {
    return a.values_ == b.values_;
  }

 private:
  alignas(simd::alignment) std::array<T, simd::padded_size<T, N>> values_{};
};

}  // namespace ctnn
