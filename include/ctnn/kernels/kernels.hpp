#pragma once
/// @file
/// The compute kernels: products with a fused epilogue, and reductions.

#include <ctnn/kernels/gemm.hpp>
#include <ctnn/kernels/gemv.hpp>
#include <ctnn/kernels/operand.hpp>
#include <ctnn/kernels/softmax.hpp>
