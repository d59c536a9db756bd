#pragma once
/// @file
/// The softmax node: each row of its argument turned into probabilities. Like a product it
/// needs a pass of its own (a maximum and a sum over the row), so it is evaluated by a
/// kernel: in place in the destination when it is the whole expression, into storage of
/// its own when it is part of a larger one.

#include <ctnn/expr/node.hpp>
#include <ctnn/expr/product.hpp>
#include <ctnn/kernels/softmax.hpp>
#include <ctnn/tensor/shape.hpp>

#include <cstddef>

namespace ctnn::detail {

template <class E>
struct softmax_node : expression_base {
  E argument;

  using value_type = typename E::value_type;
  using shape_type = typename E::shape_type;
  static constexpr bool symbolic = false;
  static constexpr std::size_t passes = 1;
  static_assert(is_static_shape<shape_type>,
                "ctnn::softmax applies to a static vector or matrix expression (each row "
                "becomes a distribution); a network applies it to batches itself");

  mutable typename tensor_for<value_type, shape_type>::type result{};

  template <class V>
  [[nodiscard]] V eval(at position) const noexcept {
    return result.template eval<V>(position);
  }
  [[nodiscard]] static constexpr std::size_t rows() noexcept { return layout<shape_type>::rows; }
  [[nodiscard]] bool reads(const memory_range& range) const noexcept {
    return argument.reads(range);
  }
  void prepare() const {
    result = argument;
    kernels::softmax_rows<value_type>(result.rows(), layout<shape_type>::cols, result.data(),
                                      result.row_stride);
  }
};

template <class E>
inline constexpr bool is_softmax = false;
template <class E>
inline constexpr bool is_softmax<softmax_node<E>> = true;

}  // namespace ctnn::detail
