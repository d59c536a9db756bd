#pragma once
/// @file
/// What every tensor shares: the row-major padded layout and its role as a leaf of
/// expressions.

#include <ctnn/fwd.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/tensor/shape.hpp>

#include <cstddef>
#include <functional>
#include <type_traits>

namespace ctnn::detail {

/// Position of one pack within the row-major padded storage of an expression's operands:
/// every operand of one element-wise expression has the same layout, so one flat offset
/// addresses the same element in all of them.
struct at {
  std::size_t index;
};

/// Memory range `[first, last)` of a tensor, for alias checks.
struct memory_range {
  const void* first;
  const void* last;
  [[nodiscard]] bool overlaps(const memory_range& other) const noexcept {
    const std::less<const void*> before{};
    return before(first, other.last) && before(other.first, last);
  }
};

/// Base of the tensor classes (CRTP). `Derived` provides `data()` and `rows()`; this base
/// provides the leaf side of the expression protocol:
/// - `value_type`, `shape_type`, `cols` (logical row length), `row_stride` (stored length);
/// - `eval<V>(at)`: the pack at a flat offset;
/// - `prepare()`: nothing to do before a loop;
/// - `storage()`: the memory it reads, to detect aliasing.
template <class Derived, class T, class Shape>
struct tensor_base : expression_base {
  using value_type = std::remove_const_t<T>;
  using shape_type = Shape;
  static constexpr std::size_t cols = layout<Shape>::cols;
  static constexpr std::size_t row_stride = simd::padded_size<value_type, cols>;
  static constexpr bool symbolic = false;
  static constexpr std::size_t passes = 0;

  template <class V>
  [[nodiscard]] V eval(at position) const noexcept {
    return simd::load<V>(self().data() + position.index);
  }
  void prepare() const noexcept {}
  [[nodiscard]] memory_range storage() const noexcept {
    return {self().data(), self().data() + self().rows() * row_stride};
  }
  [[nodiscard]] bool reads(const memory_range& range) const noexcept {
    return storage().overlaps(range);
  }

 private:
  [[nodiscard]] const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
};

}  // namespace ctnn::detail
