#pragma once
/// @file
/// The execution policies `ctnn::fused` and `ctnn::naive`, the concept that names them, and
/// how each one evaluates a pass expression (expr/pass.hpp): the one place where the two
/// policies differ. A layer's formulas are written once (nn/passes.hpp); a pass hands each
/// value of its result to a consumer (`sink(row, col, value, valid)`): a store, or an
/// optimizer step on the parameters.
/// - `fused`: the pass's kernel runs (a GEMM, a GEMV for one sample, column sums) with the
///   rest of the expression as its epilogue. Every element-wise node, a `stored_in` and the
///   consumer act on each pack of the kernel's result while it is in registers.
/// - `naive`: every node is materialised into a temporary of its own by its own scalar loop,
///   a product by the textbook triple loop; then each value of the result goes to the
///   consumer. The reference in tests, the baseline in benchmarks. The compiler may still
///   vectorise a loop where it can tell the temporaries from the operands: g++ -O3 does so
///   for the product of `forward<naive>`, whose temporaries are on the stack.

#include <ctnn/diagnostic.hpp>
#include <ctnn/expr/node.hpp>
#include <ctnn/expr/pass.hpp>
#include <ctnn/kernels/gemm.hpp>
#include <ctnn/kernels/gemv.hpp>
#include <ctnn/kernels/operand.hpp>
#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/pack.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ctnn {

/// Execution policy: fused SIMD kernels (the default).
struct fused {};
/// Execution policy: one loop per operation, a temporary per intermediate (the textbook
/// way): the reference in tests, the baseline in benchmarks.
struct naive {};

/// The two execution policies, `ctnn::fused` and `ctnn::naive`: what `fit`, `evaluate`,
/// `gradient`, `trainer` and `forward` take as their `Policy`. Any other type is rejected at
/// their entry with a message that names it.
template <class P>
concept execution_policy = std::same_as<P, fused> || std::same_as<P, naive>;

namespace detail {

/// Reports a `Policy` that is not an execution policy; true when it is one.
template <class Policy>
inline constexpr bool check_policy =
    diagnostic::execution_policy_must_be_fused_or_naive_but_is<Policy, execution_policy<Policy>>::reported &&
    execution_policy<Policy>;

/// The naive policy's temporaries: one block, handed out in order during a pass and reused
/// by the next. `reserve` allocates (only to grow); a pass within the reserved size does not.
/// A scratch made over `storage` (a caller's array, which must outlive it) takes a pass that
/// fits there from it, and allocates only for a larger one: `forward<naive>` keeps its
/// temporaries on the stack, as `net(x)` does.
template <class T>
class naive_scratch {
 public:
  naive_scratch() = default;
  explicit naive_scratch(std::span<T> storage) noexcept : storage_(storage) {}

  /// Makes room for a pass of `count` elements; `take` hands out from it until the next call.
  void reserve(std::size_t count) {
    if (count <= storage_.size()) {
      block_ = storage_.data();
      return;
    }
    if (values_.size() < count) values_ = simd::aligned_buffer<T>(count);
    block_ = values_.data();
  }
  void begin() noexcept { used_ = 0; }
  [[nodiscard]] T* take(std::size_t count) noexcept {
    T* p = block_ + used_;
    used_ += count;
    return p;
  }

 private:
  simd::aligned_buffer<T> values_;
  T* block_ = nullptr;  // set by every `reserve`, so a copied scratch never uses another's block
  std::size_t used_ = 0;
  std::span<T> storage_;
};

/// What a pass of `Policy` works in: the GEMM's packing buffers, or the naive temporaries.
template <class Policy, class T>
using pass_workspace = std::conditional_t<std::is_same_v<Policy, naive>, naive_scratch<T>, kernels::gemm_workspace<T>>;

/// The consumer that stores a pass's result in rows `Stride` apart at `data`, the lanes past
/// `Cols` zero.
template <class T, std::size_t Cols, std::size_t Stride>
struct store_rows {
  T* data;
  template <class V>
  void operator()(std::size_t r, std::size_t c, const V& v, std::size_t valid) const noexcept {
    T* at = data + r * Stride + c;
    if constexpr (simd::is_pack<V>) {
      kernels::store_row_part(at, v, valid);
    } else {
      *at = v;
      if (c + 1 == Cols) std::fill(at + 1, data + (r + 1) * Stride, T(0));
    }
  }
};

// ---- fused ----

/// What a pass of one sample passes as its workspace: its GEMV needs none.
struct no_workspace {};

/// Hands each pack of a kernel's sums through the rest of pass `e` to `sink`. `E` and `Sink`
/// are references where the kernel inlines the epilogue into its loop (GEMV, column sums),
/// and values for the GEMM: it copies the epilogue into each tile's call
/// (kernels/gemm/tile.hpp), and a copy that holds the pointers themselves keeps them in
/// registers, where pointers reached through a reference are read again after every SIMD
/// store (mlp_train's update loop: three loads more per pack). Copying per pass instead
/// costs the one-sample passes, where a pass is a few dozen nanoseconds.
template <class E, class Sink>
struct pass_epilogue {
  E e;
  Sink sink;
  template <class V>
  void operator()(std::size_t r, std::size_t c, const V& sum, std::size_t valid) const {
    sink(r, c, e.template eval<V>(cell<V>{r, c, valid, sum}), valid);
  }
};

/// Runs pass `e`: its kernel, with the rest of `e` and then `sink` as the epilogue. `partial`
/// (rows like the result's) holds a GEMM's partial sums when its depth exceeds one block;
/// `workspace` is a `kernels::gemm_workspace<T>`, or `no_workspace` for one sample.
template <class E, class Sink, class Workspace>
void run_pass(fused, const E& e, const Sink& sink, const kernels::output<typename E::value_type>& partial,
              Workspace& workspace) {
  using T = typename E::value_type;
  static_assert(kernel_count<E>::value == 1, "a pass holds exactly one product or column sum");
  const auto& k = pass_kernel(e);
  using K = std::remove_cvref_t<decltype(k)>;
  const pass_epilogue<const E&, const Sink&> inlined{e, sink};
  constexpr auto n = kernels::fixed<K::cols>;
  if constexpr (requires { k.lhs; }) {
    using A = decltype(k.lhs);
    using B = decltype(k.rhs);
    if constexpr (A::fixed_rows == 1 && !A::transposed && !B::transposed) {
      // One sample: y = Wᵀ·x, reading x one value at a time (no alignment, no padding).
      static_assert(B::fixed_rows != run_time, "the inputs of a layer are known at compile time");
      kernels::gemv<T>(n, B::fixed_rows, {k.rhs.data, B::stride, true}, k.lhs.data, inlined);
    } else if constexpr (A::fixed_cols != run_time) {
      kernels::gemm<T>(k.rows(), n, kernels::fixed<A::fixed_cols>, k.lhs.operand(), k.rhs.operand(), partial,
                       workspace, pass_epilogue<E, Sink>{e, sink});
    } else {
      kernels::gemm<T>(k.rows(), n, k.depth(), k.lhs.operand(), k.rhs.operand(), partial, workspace,
                       pass_epilogue<E, Sink>{e, sink});
    }
  } else {
    kernels::sum_rows<T>(k.of.rows(), n, k.of.operand(), inlined);
  }
}

// ---- naive ----

/// Elements of the temporaries that the naive evaluation of `e` takes.
template <class E>
[[nodiscard]] std::size_t naive_cells(const E& e) noexcept {
  if constexpr (requires { e.lhs; }) {
    return e.rows() * E::cols;
  } else if constexpr (requires { e.of; }) {
    return E::cols;
  } else if constexpr (requires { e.value_of; }) {
    return naive_cells(e.value_of);
  } else if constexpr (requires { e.args; }) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return e.rows() * columns_of<E> + (naive_cells(get<I>(e.args)) + ... + 0);
    }(std::make_index_sequence<node_arity<E>>{});
  } else {
    return 0;  // a leaf, read in place
  }
}

/// The value of `e` as a leaf: `e` itself for a leaf, else a temporary from `scratch` (or,
/// for `stored_in`, its own rows) filled by one loop for the node, after its operands.
template <class E, class T>
[[nodiscard]] auto naive_value(const E& e, naive_scratch<T>& scratch) {
  constexpr std::size_t cols = columns_of<E>;
  if constexpr (requires { e.lhs; }) {
    const std::size_t m = e.rows(), depth = e.depth();
    T* t = scratch.take(m * cols);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < cols; ++j) {
        T s = 0;
        for (std::size_t k = 0; k < depth; ++k) s += e.lhs.value(i, k) * e.rhs.value(k, j);
        t[i * cols + j] = s;
      }
    return rows_of<T, run_time, cols, cols>{{}, t, m};
  } else if constexpr (requires { e.of; }) {
    T* t = scratch.take(cols);
    for (std::size_t j = 0; j < cols; ++j) {
      T s = 0;
      for (std::size_t r = 0; r < e.of.rows(); ++r) s += e.of.value(r, j);
      t[j] = s;
    }
    return rows_of<T, 1, cols, cols>{{}, t, 1};
  } else if constexpr (requires { e.value_of; }) {
    const auto v = naive_value(e.value_of, scratch);
    const store_rows<T, cols, E::stride> store{e.data};
    for (std::size_t r = 0; r < v.rows(); ++r)
      for (std::size_t c = 0; c < cols; ++c) store(r, c, v.value(r, c), 1);
    return rows_of<T, run_time, cols, E::stride>{{}, e.data, v.rows()};
  } else if constexpr (requires { e.args; }) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      const auto operands = std::make_tuple(naive_value(get<I>(e.args), scratch)...);
      const std::size_t rows = e.rows();
      T* t = scratch.take(rows * cols);
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c)
          t[r * cols + c] = e.op(std::get<I>(operands).template eval<T>(cell<T>{r, c, 1, T(0)})...);
      return rows_of<T, run_time, cols, cols>{{}, t, rows};
    }(std::make_index_sequence<node_arity<E>>{});
  } else {
    return e;
  }
}

/// Runs pass `e` the naive way and hands its values to `sink` one by one, row by row.
template <class E, class Sink, class T>
void run_pass(naive, const E& e, const Sink& sink, const kernels::output<T>& /*partial*/,
              naive_scratch<T>& scratch) {
  scratch.reserve(naive_cells(e));  // allocates only for a pass larger than the reserved size
  scratch.begin();
  const auto v = naive_value(e, scratch);
  for (std::size_t r = 0; r < v.rows(); ++r)
    for (std::size_t c = 0; c < columns_of<E>; ++c) sink(r, c, v.value(r, c), std::size_t{1});
}

}  // namespace detail
}  // namespace ctnn
