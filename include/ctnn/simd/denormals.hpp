#pragma once
/// @file
/// `simd::flush_denormals`: a scope in which floating-point arithmetic treats subnormal
/// numbers as zero, as most neural-network code runs. Training steps run in one.

#include <cstdint>

#if defined(__SSE__) || defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>
#define CTNN_HAS_MXCSR 1
#else
#define CTNN_HAS_MXCSR 0
#endif

namespace ctnn::simd {

/// While it lives, results that would be subnormal (below 2⁻¹²⁶ ≈ 1.2·10⁻³⁸ in float,
/// 2⁻¹⁰²² in double) are flushed to zero and subnormal operands read as zero, in the thread
/// that made it; its destructor restores the caller's modes. Arithmetic on subnormal
/// numbers takes up to a hundred times longer than on normal ones on many x86 processors, and
/// training makes them: Adam's moments decay geometrically wherever a gradient is zero or
/// tiny, so without this a late step can cost several times an early one. The results change
/// only where a value would have been smaller than any that training can use.
///
/// On x86 it sets the FTZ and DAZ bits of MXCSR (which every SSE and AVX instruction, scalar
/// or packed, obeys); elsewhere it does nothing. It must not outlive the scope that made it
/// (it is neither copyable nor movable).
///
/// @code
/// {
///   ctnn::simd::flush_denormals scope;
///   step(batch);                      // as trainer::operator() does itself
/// }                                   // the caller's floating-point modes are back
/// @endcode
class flush_denormals {
 public:
#if CTNN_HAS_MXCSR
  /// MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6) bits.
  static constexpr unsigned int mode_bits = 0x8040;

  flush_denormals() noexcept : saved_(_mm_getcsr()) {
    if ((saved_ & mode_bits) != mode_bits) _mm_setcsr(saved_ | mode_bits);
  }
  /// Restores the two mode bits; exception flags that the scope raised stay raised, as
  /// they would without it.
  ~flush_denormals() {
    if ((saved_ & mode_bits) != mode_bits) _mm_setcsr((_mm_getcsr() & ~mode_bits) | (saved_ & mode_bits));
  }
#else
  flush_denormals() noexcept = default;
  ~flush_denormals() = default;
#endif
  flush_denormals(const flush_denormals&) = delete;
  flush_denormals& operator=(const flush_denormals&) = delete;

 private:
#if CTNN_HAS_MXCSR
  unsigned int saved_;
#endif
};

}  // namespace ctnn::simd

#undef CTNN_HAS_MXCSR
