#pragma once
/// @file
/// Reductions of a whole expression to one number, in one pass with no temporary.

#include <ctnn/expr/node.hpp>
#include <ctnn/expr/product.hpp>
#include <ctnn/expr/softmax.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/tensor/shape.hpp>

#include <cstddef>

namespace ctnn {

/// Σ of the elements of a tensor expression (padding lanes excluded), computed in one SIMD
/// loop: `ctnn::sum((w * x + b - y) * (w * x + b - y))` forms no vector of errors.
///
/// @code
/// ctnn::vector<float, 3> v{1, 2, 3};
/// float s = ctnn::sum(v * v);   // 14
/// @endcode
template <detail::expression_type E>
[[nodiscard]] auto sum(const E& expression) {
  const auto& e = detail::as_expression(expression);
  using expr = std::remove_cvref_t<decltype(e)>;
  if constexpr (expr::symbolic) {
    static_assert(!expr::symbolic, "an expression of ctnn::x has no elements to sum");
    return 0.0f;  // after the error: nothing more to report
  } else {
    using T = typename expr::value_type;
    using V = simd::pack<T>;
    constexpr std::size_t w = simd::lanes<V>, cols = detail::layout<typename expr::shape_type>::cols;
    constexpr std::size_t stride = simd::padded_size<T, cols>, full = cols / w * w;
    e.prepare();
    V total(T(0));
    const std::size_t rows = e.rows();
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t base = r * stride;
      for (std::size_t c = 0; c < full; c += w) total += e.template eval<V>(detail::at{base + c});
      if constexpr (full < cols)
        total += simd::keep_first_lanes(e.template eval<V>(detail::at{base + full}), cols - full);
    }
    return simd::sum(total);
  }
}

/// The mean of the elements of a tensor expression: `sum(e)` divided by their number
/// (NaN for a batch of no rows).
template <detail::expression_type E>
[[nodiscard]] auto mean(const E& expression) {
  const auto& e = detail::as_expression(expression);
  using expr = std::remove_cvref_t<decltype(e)>;
  using T = typename expr::value_type;
  const auto count = e.rows() * detail::layout<typename expr::shape_type>::cols;
  return sum(expression) / static_cast<T>(count);
}

}  // namespace ctnn
