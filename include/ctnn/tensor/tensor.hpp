#pragma once
/// @file
/// Static vectors and matrices, batches and batch views.

#include <ctnn/tensor/batch_matrix.hpp>
#include <ctnn/tensor/matrix.hpp>
#include <ctnn/tensor/shape.hpp>
#include <ctnn/tensor/vector.hpp>
