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

// ---------------------------------------------------------------------------------------------
// Networks

/// A network's first layer must be `ctnn::input<N>`, which gives the size of its input.
template <class FirstLayer, bool IsInput>
struct network_must_start_with_input_but_starts_with {
  static_assert(IsInput, "the first layer of a network must be ctnn::input<N>");
  static constexpr bool reported = true;
};

/// `dense<In, N, f>` states its input count `In`; it must equal the previous layer's size.
/// Layers are counted from 1 (the layer after `input<N>`).
template <std::size_t Layer>
struct dense_layer {
  template <std::size_t DeclaredInputs>
  struct declares_inputs {
    template <std::size_t PreviousOutputs>
    struct but_previous_layer_has_outputs {
      static_assert(DeclaredInputs == PreviousOutputs,
                    "a dense layer's explicit input count must equal the previous layer's size");
      static constexpr bool reported = true;
    };
  };
  /// Softmax normalises a whole layer; ctnn allows it only as the output layer, where its
  /// gradient with cross-entropy is P − Y.
  template <bool IsOutput>
  struct uses_softmax_but_is_not_the_output_layer {
    static_assert(IsOutput, "softmax can only be the activation of the last layer");
    static constexpr bool reported = true;
  };
};

/// `dense<N, f>` needs N ≥ 1.
template <std::size_t Outputs>
struct dense_layer_needs_at_least_one_output {
  static_assert(Outputs > 0, "a dense layer needs at least one output (dense<0, ...>)");
  static constexpr bool reported = true;
};

/// The argument after the sizes of `dense<...>` must be an activation (`ctnn::relu`,
/// `ctnn::activation<expr>`, ...).
template <class Argument, bool IsActivation>
struct dense_activation_argument_is_not_an_activation {
  static_assert(IsActivation,
                "the last argument of dense<N, f> must be an activation such as ctnn::relu, "
                "ctnn::sigmoid or ctnn::activation<expr>");
  static constexpr bool reported = true;
};

/// `dense<...>`'s arguments are `N, f`, `In, N, f`, optionally followed by `ctnn::no_bias`.
template <bool Valid, auto... Arguments>
struct dense_arguments_must_be_size_then_activation_but_are {
  static_assert(Valid, "write dense<N, activation> or dense<In, N, activation>, "
                       "optionally followed by ctnn::no_bias");
  static constexpr bool reported = true;
};

/// False for every type: the condition of a check that fails wherever it is instantiated
/// (the caller instantiates it only for a rejected type, which the compiler then prints).
template <class Input>
inline constexpr bool is_accepted = false;

/// A network's input (a vector, a batch or a dataset) must have `input_size` columns.
template <std::size_t NetworkInputs>
struct network_input_size_is {
  template <std::size_t Given>
  struct but_given_input_has_size {
    static_assert(NetworkInputs == Given, "the input's size must equal the network's input_size");
    static constexpr bool reported = true;
  };
  /// `net(x)` checks the sample's size when the program is compiled, so the size must be
  /// part of x's type: a `std::vector<T>` or a `std::span<const T>` has only a run-time one.
  template <class Input>
  struct but_given_input_has_run_time_size {
    static_assert(is_accepted<Input>,
                  "net(x) needs the input's size in its type (ctnn::vector<T, N>, "
                  "std::span<const T, N> or std::array<T, N>): copy run-time data with "
                  "ctnn::vector<T, N>::from(values), which checks its length");
    static constexpr bool reported = true;
  };
};

/// `net(x)` reads the sample's values as the network's scalar type `T`; ctnn never converts
/// between float and double (or from integers) silently.
template <class NetworkScalar>
struct network_holds {
  template <class InputScalar>
  struct but_given_input_holds {
    static_assert(std::is_same_v<NetworkScalar, InputScalar>,
                  "the input must hold the network's scalar type (its value_type, float or "
                  "double): convert the values into a ctnn::vector<T, N> of that type first");
    static constexpr bool reported = true;
  };
};

/// A dataset's targets must have `output_size` columns.
template <std::size_t NetworkOutputs>
struct network_output_size_is {
  template <std::size_t Given>
  struct but_dataset_targets_have_size {
    static_assert(NetworkOutputs == Given,
                  "the dataset's targets must have the network's output_size columns");
    static constexpr bool reported = true;
  };
};

/// Some losses need a particular output activation: cross_entropy needs softmax,
/// binary_cross_entropy needs sigmoid (their gradient is then P − Y).
template <class Loss>
struct loss {
  template <class NeededActivation>
  struct needs_output_activation {
    template <class OutputActivation>
    struct but_output_layer_has {
      static_assert(std::is_same_v<NeededActivation, OutputActivation>,
                    "this loss does not fit the output layer's activation");
      static constexpr bool reported = true;
    };
  };
};

/// `fit`, `evaluate`, `gradient`, `trainer` and `forward` run with one of the two execution
/// policies; any other type in their place is named here.
template <class Policy, bool IsPolicy>
struct execution_policy_must_be_fused_or_naive_but_is {
  static_assert(IsPolicy, "the execution policy must be ctnn::fused (the default) or ctnn::naive");
  static constexpr bool reported = true;
};

/// The losses are ctnn::mae, ctnn::mse, ctnn::cross_entropy and ctnn::binary_cross_entropy.
template <class Loss, bool IsLoss>
struct loss_must_be_mae_mse_cross_entropy_or_binary_cross_entropy_but_is {
  static_assert(IsLoss, "the loss must be ctnn::mae{}, ctnn::mse{}, ctnn::cross_entropy{} or "
                        "ctnn::binary_cross_entropy{}");
  static constexpr bool reported = true;
};

/// The optimizers are ctnn::sgd, ctnn::momentum and ctnn::adam.
template <class Optimizer, bool IsOptimizer>
struct optimizer_must_be_sgd_momentum_or_adam_but_is {
  static_assert(IsOptimizer, "the optimizer must be ctnn::sgd{...}, ctnn::momentum{...} or ctnn::adam{...}");
  static constexpr bool reported = true;
};

}  // namespace ctnn::diagnostic
