#pragma once
/// @file
/// The whole SIMD layer: pack types and padding, element-wise math, aligned buffers.

#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/denormals.hpp>
#include <ctnn/simd/math.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/simd/transpose.hpp>
