#pragma once
/// @file
/// The evaluator: how an expression assigned to a tensor is computed.
///
/// - Element-wise expressions: one loop over the rows, one aligned pack per step, no scalar
///   tail; the last pack of a row is masked when the row has padding lanes, so they stay
///   zero even for f(0) ≠ 0. Lane i is read before it is written, so `a = a * b + a` is
///   safe.
/// - One product in the expression, not reading the destination: the product's kernel runs
///   with the rest of the expression as its epilogue (one store per pack).
/// - `softmax(e)` as the whole expression: `e` into the destination, then softmax in place.
/// - Otherwise each product or softmax is first computed into storage of its own.

#include <ctnn/diagnostic.hpp>
#include <ctnn/error.hpp>
#include <ctnn/expr/node.hpp>
#include <ctnn/expr/product.hpp>
#include <ctnn/expr/softmax.hpp>
#include <ctnn/kernels/operand.hpp>
#include <ctnn/kernels/softmax.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/tensor/shape.hpp>
#include <ctnn/tensor/tensor_base.hpp>

#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn::detail {

template <class Dst, class E>
void evaluate_elementwise(Dst& dst, const E& e) {
  using T = typename Dst::value_type;
  using V = simd::pack<T>;
  constexpr std::size_t w = simd::lanes<V>, cols = Dst::cols, stride = Dst::row_stride;
  constexpr std::size_t full = cols / w * w;
  T* out = dst.data();
  const std::size_t rows = dst.rows();
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t base = r * stride;
    for (std::size_t c = 0; c < full; c += w)
      simd::store(out + base + c, e.template eval<V>(at{base + c}));
    if constexpr (full < cols)
      simd::store(out + base + full,
                  simd::keep_first_lanes(e.template eval<V>(at{base + full}), cols - full));
  }
}

template <class Dst, class E>
void evaluate_node(Dst& dst, const E& e) {
  using T = typename Dst::value_type;
  constexpr std::size_t stride = Dst::row_stride;
  if constexpr (is_softmax<E>) {
    evaluate_node(dst, e.argument);
    kernels::softmax_rows<T>(dst.rows(), Dst::cols, dst.data(), stride);
    return;
  } else {
    if constexpr (E::passes == 1 && product_count<E>::value == 1) {
      // The whole expression must not read the destination: for a long inner dimension
      // the kernel keeps partial sums there before the epilogue runs.
      if (!e.reads(dst.storage())) {
        const auto& p = find_product(e);
        p.prepare_operands();
        T* out = dst.data();
        p.compute(
            [&](std::size_t row, std::size_t col, const auto& sum, std::size_t valid) {
              using V = std::remove_cvref_t<decltype(sum)>;
              const std::size_t i = row * stride + col;
              kernels::store_row_part(out + i, e.template eval<V>(fused_position<V>{{i}, sum}),
                                      valid);
            },
            {out, stride});
        return;
      }
    }
    e.prepare();
    evaluate_elementwise(dst, e);
  }
}

template <class Dst, class E>
void evaluate(Dst& dst, const E& e) {
  using expr = operand_t<E>;
  if constexpr (expr::symbolic) {
    static_assert(!expr::symbolic,
                  "an expression of ctnn::x is a function, not a value: apply it to a tensor, "
                  "as in ctnn::activation<f>(v), or use it as a layer's activation");
  } else {
    static_assert(diagnostic::assignment_target_has<typename Dst::shape_type>::template
                      but_expression_has<typename expr::shape_type>::reported);
    static_assert(diagnostic::left_operand_holds<typename Dst::value_type>::template
                      but_right_operand_holds<typename expr::value_type>::reported);
    if constexpr (is_batch_shape<typename Dst::shape_type>) {
      if (e.rows() != dst.rows())
        throw error("cannot assign an expression of " + std::to_string(e.rows()) +
                    " rows to a batch of " + std::to_string(dst.rows()) + " rows");
    }
    if constexpr (tensor_type<E>)
      evaluate_elementwise(dst, as_operand(e));
    else
      evaluate_node(dst, e);
  }
}

}  // namespace ctnn::detail
