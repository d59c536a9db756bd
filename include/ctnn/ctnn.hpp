#pragma once
/// @file
/// The only header a user needs: all of ctnn.
///
/// @code
/// #include <ctnn/ctnn.hpp>
/// ctnn::vector<float, 3> a{1, 2, 3}, b{4, 5, 6};
/// ctnn::vector<float, 3> c = ctnn::sigmoid(a * b + 1.0f);   // one SIMD loop
/// @endcode

#include <ctnn/diagnostic.hpp>
#include <ctnn/error.hpp>
#include <ctnn/expr/expr.hpp>
#include <ctnn/fwd.hpp>
#include <ctnn/io/csv.hpp>
#include <ctnn/io/export_header.hpp>
#include <ctnn/io/idx.hpp>
#include <ctnn/io/model_file.hpp>
#include <ctnn/kernels/kernels.hpp>
#include <ctnn/nn/nn.hpp>
#include <ctnn/simd/simd.hpp>
#include <ctnn/tensor/tensor.hpp>
#include <ctnn/train/train.hpp>
#include <ctnn/version.hpp>
