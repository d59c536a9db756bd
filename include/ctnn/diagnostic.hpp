#pragma once
/// @file
/// The types whose names the compiler prints when a program is rejected.
///
/// A `static_assert` message cannot contain numbers, so every check that is about sizes
/// instantiates one of these templates with the sizes as arguments: the compiler's
/// "In instantiation of ..." line then reads as a sentence in the user's terms, for example
/// `ctnn::diagnostic::left_operand_has<ctnn::shape<10>>::but_right_operand_has<ctnn::shape<12>>`.
/// Each `reported` is `true` whether or not the check failed, so the caller's own
/// `static_assert(... ::reported)` never adds a second error. docs/diagnostics.md shows each
/// message and its fix.

#include <cstddef>
#include <type_traits>

namespace ctnn::diagnostic {

/// Element-wise operands (`a + b`, `ctnn::min(a, b)`, ...) must have the same shape.
template <class LeftShape>
struct left_operand_has {
  template <class RightShape>
  struct but_right_operand_has {
    static_assert(std::is_same_v<LeftShape, RightShape>,
                  "element-wise operands must have the same shape (see the two shapes above)");
    static constexpr bool reported = true;
  };
};

/// Element-wise operands must hold the same scalar type: ctnn never converts silently
/// between float and double tensors.
template <class LeftScalar>
struct left_operand_holds {
  template <class RightScalar>
  struct but_right_operand_holds {
    static_assert(std::is_same_v<LeftScalar, RightScalar>,
                  "operands must hold the same scalar type (float or double)");
    static constexpr bool reported = true;
  };
};

/// A matrix product `A * B` needs as many columns in `A` as rows (or elements) in `B`.
template <class LeftShape>
struct matrix_product_of {
  template <class RightShape>
  struct with {
    template <std::size_t LeftColumns, std::size_t RightRows>
    struct needs_columns_of_left_equal_to_rows_of_right {
      static_assert(LeftColumns == RightRows,
                    "in the matrix product A * B, A's column count must equal B's row count");
      static constexpr bool reported = true;
    };
  };
};

/// Assigning an expression to a tensor needs the same shape on both sides.
template <class TargetShape>
struct assignment_target_has {
  template <class ExpressionShape>
  struct but_expression_has {
    static_assert(std::is_same_v<TargetShape, ExpressionShape>,
                  "an expression can only be assigned to a tensor of the same shape");
    static constexpr bool reported = true;
  };
};

/// A tensor initialised from a list of values needs exactly one value per element.
template <std::size_t Elements>
struct tensor_of_elements {
  template <std::size_t Given>
  struct initialised_with_values {
    static_assert(Elements == Given,
                  "a tensor initialised from values needs exactly one value per element");
    static constexpr bool reported = true;
  };
};

}  // namespace ctnn::diagnostic
