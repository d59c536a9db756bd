#pragma once
/// @file
/// The element-wise operations: one definition of each formula, used by every loop that
/// computes it (fused kernels, naive loops, scalar references, compile-time evaluation).
/// Each takes packs or scalars; their derivatives are in expr/derivative.hpp.

#include <ctnn/simd/math.hpp>

namespace ctnn::detail::ops {

struct add {
  template <class V>
  constexpr V operator()(const V& a, const V& b) const noexcept {
    return a + b;
  }
};
struct subtract {
  template <class V>
  constexpr V operator()(const V& a, const V& b) const noexcept {
    return a - b;
  }
};
struct multiply {
  template <class V>
  constexpr V operator()(const V& a, const V& b) const noexcept {
    return a * b;
  }
};
struct divide {
  template <class V>
  constexpr V operator()(const V& a, const V& b) const noexcept {
    return a / b;
  }
};
struct negate {
  template <class V>
  constexpr V operator()(const V& a) const noexcept {
    return -a;
  }
};
/// a², evaluating `a` once (the derivative of tanh is 1 - tanh²).
struct square {
  template <class V>
  constexpr V operator()(const V& a) const noexcept {
    return a * a;
  }
};
struct minimum {
  template <class V>
  V operator()(const V& a, const V& b) const noexcept {
    return simd::min(a, b);
  }
};
struct maximum {
  template <class V>
  V operator()(const V& a, const V& b) const noexcept {
    return simd::max(a, b);
  }
};
/// `a >= b ? p : q`: the derivative of max and min.
struct select_greater_equal {
  template <class V>
  V operator()(const V& a, const V& b, const V& p, const V& q) const noexcept {
    return simd::select(a >= b, p, q);
  }
};
struct exp {
  template <class V>
  V operator()(const V& a) const noexcept {
    return simd::exp(a);
  }
};
struct log {
  template <class V>
  V operator()(const V& a) const noexcept {
    return simd::log(a);
  }
};
struct abs {
  template <class V>
  V operator()(const V& a) const noexcept {
    return simd::abs(a);
  }
};
/// +1, 0 or -1 by the sign of `a`: the derivative of |a| (0 at the kink).
struct sign {
  template <class V>
  V operator()(const V& a) const noexcept {
    const V zero(0), unit(1);
    return simd::select(a > zero, unit, simd::select(a < zero, -unit, zero));
  }
};
struct tanh {
  template <class V>
  V operator()(const V& a) const noexcept {
    return simd::tanh(a);
  }
};
/// 1 / (1 + e^-a). Saturates to exactly 0 or 1 for large |a| without NaN.
struct sigmoid {
  template <class V>
  V operator()(const V& a) const noexcept {
    return simd::sigmoid(a);
  }
};
/// σ(a)(1 - σ(a)), evaluating σ once: the derivative of the sigmoid.
struct sigmoid_slope {
  template <class V>
  V operator()(const V& a) const noexcept {
    const V s = sigmoid{}(a);
    return s - s * s;
  }
};
/// max(a, 0).
struct relu {
  template <class V>
  V operator()(const V& a) const noexcept {
    return simd::max(a, V(0));
  }
};
/// 1 where a > 0, else 0: the derivative of relu (0 at the kink, as in most libraries).
struct step {
  template <class V>
  V operator()(const V& a) const noexcept {
    return simd::select(a > V(0), V(1), V(0));
  }
};
/// a where a > 0, else slope * a.
struct leaky_relu {
  double slope = 0.01;
  template <class V>
  V operator()(const V& a) const noexcept {
    return simd::select(a > V(0), a, simd::broadcast<V>(slope) * a);
  }
};
/// 1 where a > 0, else slope: the derivative of leaky_relu.
struct leaky_step {
  double slope = 0.01;
  template <class V>
  V operator()(const V& a) const noexcept {
    return simd::select(a > V(0), V(1), simd::broadcast<V>(slope));
  }
};
/// clamp(a / 6 + 1/2, 0, 1) = (relu(a + 3) - relu(a - 3)) / 6: the sigmoid's shape made of
/// two ReLUs (flat, a ramp of slope 1/6 on [-3, 3], flat).
struct hard_sigmoid {
  template <class V>
  V operator()(const V& a) const noexcept {
    const V ramp = simd::fma(a, V(1) / V(6), V(0.5));
    return simd::min(simd::max(ramp, V(0)), V(1));
  }
};
/// 1/6 on the ramp (-3, 3), else 0: the derivative of hard_sigmoid (0 at the kinks).
struct hard_sigmoid_slope {
  template <class V>
  V operator()(const V& a) const noexcept {
    return simd::select(simd::abs(a) < V(3), V(1) / V(6), V(0));
  }
};

}  // namespace ctnn::detail::ops
