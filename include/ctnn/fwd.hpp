#pragma once
/// @file
/// Forward declarations of ctnn's public templates and of the hooks that connect its
/// layers, so that headers can name each other without include cycles.

#include <ctnn/simd/pack.hpp>

#include <concepts>
#include <cstddef>
#include <type_traits>

namespace ctnn {

template <simd::scalar T, std::size_t N>
class vector;
template <simd::scalar T, std::size_t R, std::size_t C>
class matrix;
template <class T, std::size_t Cols>
class batch_view;
template <simd::scalar T, std::size_t Cols>
class batch_matrix;

namespace detail {

/// Base of every expression type: tensors (the leaves) and the nodes built by operators.
struct expression_base {};

template <class E>
concept expression_type = std::derived_from<std::remove_cvref_t<E>, expression_base>;

/// Evaluates expression `e` into tensor `dst` (defined in expr/evaluate.hpp).
template <class Dst, class E>
void evaluate(Dst& dst, const E& e);

}  // namespace detail
}  // namespace ctnn
