#pragma once
/// @file
/// How `kernels::gemm` divides a product: the register tile and the cache blocks for one
/// scalar type and instruction set, and the workspace that holds the packed blocks.

#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/pack.hpp>

#include <cstddef>
#include <utility>

namespace ctnn::kernels {

/// Blocking of the product for one scalar type and instruction set.
/// - `mr` × `nr` is the register tile (`nr` = `packs` × the pack width): `mr * packs`
///   accumulators plus `packs` loads and one broadcast fill the vector registers;
/// - `kc` is the depth of a block: a kc × nr micro-panel of B stays in the L1 cache;
/// - `mc` rows of A (an mc × kc block, in L2) are packed at a time;
/// - `nc` columns of B (a kc × nc block, in L3) are packed at a time.
template <simd::scalar T, class Arch = simd::default_arch>
struct gemm_blocking {
  static constexpr std::size_t registers = simd::register_count<Arch>;
  static constexpr std::size_t packs = 2;
  static constexpr std::size_t mr = registers == 32 ? 14 : 6;
  static constexpr std::size_t nr = packs * simd::width<T, Arch>;
  static constexpr std::size_t kc = 256;
  static constexpr std::size_t mc = mr * 12;
  static constexpr std::size_t nc = 4096;
  /// Products whose B has at most this many elements (64 KB of float: it stays in the L2
  /// cache while the tiles of A pass over it) and whose depth is between 2 and `kc` skip
  /// blocking and packing (`direct_tiles`). Measured on the training steps of a 784-128-64-10
  /// network (batch 64) and of a 1-64-1 network (batch 32): 3 % and 9 % faster per step. A
  /// depth of 1 (an outer product) has a loop of its own (`outer_product`).
  static constexpr std::size_t direct_b_size = 16384;
};

/// Reusable memory for the packed blocks of `gemm`. It grows on first use to the largest
/// product it has served and never shrinks, so a training loop that keeps one workspace
/// allocates only in its first step.
template <simd::scalar T>
class gemm_workspace {
 public:
  gemm_workspace() = default;

  /// Buffers of at least `a_size` and `b_size` elements (allocating only to grow).
  std::pair<T*, T*> reserve(std::size_t a_size, std::size_t b_size) {
    if (a_.size() < a_size) a_ = simd::aligned_buffer<T>(a_size);
    if (b_.size() < b_size) b_ = simd::aligned_buffer<T>(b_size);
    return {a_.data(), b_.data()};
  }

 private:
  simd::aligned_buffer<T> a_, b_;
};

}  // namespace ctnn::kernels
