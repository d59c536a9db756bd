#pragma once
/// @file
/// Expression templates: operators, element-wise functions and activations, products,
/// softmax, symbolic derivatives, and the evaluator that runs them.

#include <ctnn/expr/activation.hpp>
#include <ctnn/expr/derivative.hpp>
#include <ctnn/expr/elementwise.hpp>
#include <ctnn/expr/evaluate.hpp>
#include <ctnn/expr/node.hpp>
#include <ctnn/expr/ops.hpp>
#include <ctnn/expr/product.hpp>
#include <ctnn/expr/reduce.hpp>
#include <ctnn/expr/softmax.hpp>
