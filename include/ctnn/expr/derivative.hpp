#pragma once
/// @file
/// Symbolic differentiation of expressions of the placeholder `ctnn::x`.
///
/// `derivative(e)` maps the type of `e` to the type of de/dx by the rules of calculus (sum,
/// product, quotient and chain rules, one rule per operation), at compile time. The
/// builders below fold the constants 0 and 1, which are types (`zero`, `one`), and combine
/// numeric constants, so d(x · σ(x)) is σ(x) + x · σ′(x), with no `1 ·` or `+ 0` left to
/// compute: the loop that results is the one a person would write.

#include <ctnn/expr/node.hpp>
#include <ctnn/expr/ops.hpp>

#include <type_traits>

namespace ctnn::detail {

template <class E>
inline constexpr bool is_zero = std::is_same_v<E, zero>;
template <class E>
inline constexpr bool is_one = std::is_same_v<E, one>;
template <class E>
inline constexpr bool is_number = false;
template <class S>
inline constexpr bool is_number<constant<S>> = true;
template <int I>
inline constexpr bool is_number<integer<I>> = true;

template <class S>
constexpr double number_value(const constant<S>& c) noexcept {
  return static_cast<double>(c.value);
}
template <int I>
constexpr double number_value(const integer<I>&) noexcept {
  return I;
}

// Builders that simplify as they build ------------------------------------------------------

template <class A, class B>
constexpr auto sum(const A& a, const B& b) {
  if constexpr (is_zero<A>)
    return b;
  else if constexpr (is_zero<B>)
    return a;
  else if constexpr (is_number<A> && is_number<B>)
    return constant<double>{{}, number_value(a) + number_value(b)};
  else
    return make_node(ops::add{}, a, b);
}

template <class A>
constexpr auto negation(const A& a) {
  if constexpr (is_zero<A>)
    return a;
  else if constexpr (is_number<A>)
    return constant<double>{{}, -number_value(a)};
  else
    return make_node(ops::negate{}, a);
}

template <class A, class B>
constexpr auto difference(const A& a, const B& b) {
  if constexpr (is_zero<B>)
    return a;
  else if constexpr (is_zero<A>)
    return negation(b);
  else if constexpr (is_number<A> && is_number<B>)
    return constant<double>{{}, number_value(a) - number_value(b)};
  else
    return make_node(ops::subtract{}, a, b);
}

template <class A, class B>
constexpr auto times(const A& a, const B& b) {
  if constexpr (is_zero<A> || is_zero<B>)
    return zero{};
  else if constexpr (is_one<A>)
    return b;
  else if constexpr (is_one<B>)
    return a;
  else if constexpr (is_number<A> && is_number<B>)
    return constant<double>{{}, number_value(a) * number_value(b)};
  else
    return make_node(ops::multiply{}, a, b);
}

template <class A, class B>
constexpr auto quotient(const A& a, const B& b) {
  if constexpr (is_zero<A>)
    return zero{};
  else if constexpr (is_one<B>)
    return a;
  else
    return make_node(ops::divide{}, a, b);
}

template <class A, class B, class P, class Q>
constexpr auto select_greater_equal(const A& a, const B& b, const P& p, const Q& q) {
  if constexpr (is_zero<P> && is_zero<Q>)
    return zero{};
  else
    return make_node(ops::select_greater_equal{}, a, b, p, q);
}

// The rules ----------------------------------------------------------------------------------

constexpr one derivative(const placeholder&) noexcept { return {}; }
template <class S>
constexpr zero derivative(const constant<S>&) noexcept {
  return {};
}
template <int I>
constexpr zero derivative(const integer<I>&) noexcept {
  return {};
}

template <class Op, class... Args>
constexpr auto derivative(const node<Op, Args...>& n);

/// d(op(u, ...)) for each operation.
template <class Op, class... Args>
struct rule;

template <class A, class B>
struct rule<ops::add, A, B> {
  static constexpr auto apply(const node<ops::add, A, B>& n) {
    return sum(derivative(n.args.first), derivative(n.args.rest.first));
  }
};
template <class A, class B>
struct rule<ops::subtract, A, B> {
  static constexpr auto apply(const node<ops::subtract, A, B>& n) {
    return difference(derivative(n.args.first), derivative(n.args.rest.first));
  }
};
template <class A>
struct rule<ops::negate, A> {
  static constexpr auto apply(const node<ops::negate, A>& n) {
    return negation(derivative(n.args.first));
  }
};
template <class A, class B>
struct rule<ops::multiply, A, B> {  // (uv)' = u'v + uv'
  static constexpr auto apply(const node<ops::multiply, A, B>& n) {
    const auto& u = n.args.first;
    const auto& v = n.args.rest.first;
    return sum(times(derivative(u), v), times(u, derivative(v)));
  }
};
template <class A, class B>
struct rule<ops::divide, A, B> {  // (u/v)' = (u'v − uv') / v², or u'/v for a constant v
  static constexpr auto apply(const node<ops::divide, A, B>& n) {
    const auto& u = n.args.first;
    const auto& v = n.args.rest.first;
    const auto dv = derivative(v);
    if constexpr (is_zero<std::remove_const_t<decltype(dv)>>)  // decltype keeps the const
      return quotient(derivative(u), v);
    else
      return quotient(difference(times(derivative(u), v), times(u, dv)),
                      make_node(ops::square{}, v));
  }
};
template <class A>
struct rule<ops::square, A> {  // (u²)' = 2uu'
  static constexpr auto apply(const node<ops::square, A>& n) {
    const auto& u = n.args.first;
    return times(times(integer<2>{}, u), derivative(u));
  }
};
template <class A, class B>
struct rule<ops::maximum, A, B> {  // u where u ≥ v, else v
  static constexpr auto apply(const node<ops::maximum, A, B>& n) {
    const auto& u = n.args.first;
    const auto& v = n.args.rest.first;
    return select_greater_equal(u, v, derivative(u), derivative(v));
  }
};
template <class A, class B>
struct rule<ops::minimum, A, B> {  // u where u ≤ v, else v
  static constexpr auto apply(const node<ops::minimum, A, B>& n) {
    const auto& u = n.args.first;
    const auto& v = n.args.rest.first;
    return select_greater_equal(v, u, derivative(u), derivative(v));
  }
};
template <class A, class B, class P, class Q>
struct rule<ops::select_greater_equal, A, B, P, Q> {
  static constexpr auto apply(const node<ops::select_greater_equal, A, B, P, Q>& n) {
    const auto& a = n.args.first;
    const auto& b = n.args.rest.first;
    return select_greater_equal(a, b, derivative(n.args.rest.rest.first),
                                derivative(n.args.rest.rest.rest.first));
  }
};

/// Chain rule for f(u): f′(u) · u′, where `slope(u)` builds f′(u).
template <class A, class Slope>
constexpr auto chain(const A& u, Slope slope) {
  return times(slope(u), derivative(u));
}

template <class A>
struct rule<ops::exp, A> {
  static constexpr auto apply(const node<ops::exp, A>& n) {
    return chain(n.args.first, [&](const auto&) { return n; });
  }
};
template <class A>
struct rule<ops::log, A> {  // (log u)' = u′ / u
  static constexpr auto apply(const node<ops::log, A>& n) {
    return quotient(derivative(n.args.first), n.args.first);
  }
};
template <class A>
struct rule<ops::abs, A> {
  static constexpr auto apply(const node<ops::abs, A>& n) {
    return chain(n.args.first, [](const auto& u) { return make_node(ops::sign{}, u); });
  }
};
template <class A>
struct rule<ops::tanh, A> {  // 1 − tanh²(u)
  static constexpr auto apply(const node<ops::tanh, A>& n) {
    return chain(n.args.first,
                 [&](const auto&) { return difference(one{}, make_node(ops::square{}, n)); });
  }
};
template <class A>
struct rule<ops::sigmoid, A> {
  static constexpr auto apply(const node<ops::sigmoid, A>& n) {
    return chain(n.args.first, [](const auto& u) { return make_node(ops::sigmoid_slope{}, u); });
  }
};
template <class A>
struct rule<ops::sigmoid_slope, A> {  // (σ(1 − σ))′ = σ(1 − σ)(1 − 2σ)
  static constexpr auto apply(const node<ops::sigmoid_slope, A>& n) {
    return chain(n.args.first, [&](const auto& u) {
      return times(n, difference(one{}, times(integer<2>{}, make_node(ops::sigmoid{}, u))));
    });
  }
};
template <class A>
struct rule<ops::relu, A> {
  static constexpr auto apply(const node<ops::relu, A>& n) {
    return chain(n.args.first, [](const auto& u) { return make_node(ops::step{}, u); });
  }
};
template <class A>
struct rule<ops::leaky_relu, A> {
  static constexpr auto apply(const node<ops::leaky_relu, A>& n) {
    return chain(n.args.first,
                 [&](const auto& u) { return make_node(ops::leaky_step{n.op.slope}, u); });
  }
};
template <class A>
struct rule<ops::hard_sigmoid, A> {
  static constexpr auto apply(const node<ops::hard_sigmoid, A>& n) {
    return chain(n.args.first, [](const auto& u) { return make_node(ops::hard_sigmoid_slope{}, u); });
  }
};
/// Piecewise-constant functions: derivative 0 (their kinks are measure-zero).
template <class Op, class A>
  requires(std::is_same_v<Op, ops::step> || std::is_same_v<Op, ops::sign> ||
           std::is_same_v<Op, ops::leaky_step> || std::is_same_v<Op, ops::hard_sigmoid_slope>)
struct rule<Op, A> {
  static constexpr zero apply(const node<Op, A>&) { return {}; }
};

/// de/dx for an expression `e` of the placeholder `ctnn::x`, simplified.
template <class Op, class... Args>
constexpr auto derivative(const node<Op, Args...>& n) {
  return rule<Op, Args...>::apply(n);
}

}  // namespace ctnn::detail
