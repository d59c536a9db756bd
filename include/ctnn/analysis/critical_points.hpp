#pragma once
/// @file
/// The course's critical points. Where the gradient of the loss is zero, the Hessian H tells a
/// local minimum (every eigenvalue positive), a local maximum (every one negative) and a saddle
/// (both signs) apart, since L(θ) ≈ L(θ′) + ½ (θ − θ′)ᵀ H (θ − θ′) there; along an eigenvector
/// of a negative eigenvalue the loss falls, which is how training leaves a saddle. `hessian`
/// (dense, small networks), `analyze_critical_point` (its eigenvalues and the kind of point) and
/// `hessian_extremes` (Lanczos, any size). Not in `<ctnn/ctnn.hpp>`: it needs Eigen 3.4.
///
/// Double networks only: H comes from differences of gradients, which float would leave with
/// two correct digits (copy a float network's θ into a double one with flatten and unflatten).
/// Every use of H goes through one Hessian-vector product, the central difference of the exact
/// gradient (`ctnn::gradient`):
///   H v ≈ (∇L(θ + h v) − ∇L(θ − h v)) / 2h,   h = s · max(1, ‖θ‖∞) / ‖v‖,
/// with the relative step s of `hessian_relative_step_v` (its accuracy is documented there);
/// max(1, ‖θ‖∞) keeps h far above the spacing of doubles near θ.
/// @code
/// using model = ctnn::basic_network<double, ctnn::input<1>, ctnn::dense<1, ctnn::identity, ctnn::no_bias>,
///                                   ctnn::dense<1, ctnn::identity, ctnn::no_bias>>;   // y = w₂ w₁ x
/// const ctnn::dataset<double, 1, 1> one(std::vector<double>{1.0}, std::vector<double>{1.0});
/// auto cp = ctnn::analyze_critical_point(model{}, one, ctnn::mse{});   // at w₁ = w₂ = 0:
/// // cp.kind == saddle, cp.eigenvalues {-2, 2}, cp.escape_direction {0.7071, 0.7071}
/// @endcode

// ctnn first: it includes <immintrin.h> with g++'s false warnings about AVX-512 intrinsics
// turned off (docs/design.md), which then covers Eigen's use of them too.
#include <ctnn/diagnostic.hpp>
#include <ctnn/error.hpp>
#include <ctnn/nn/initialize.hpp>
#include <ctnn/nn/losses.hpp>
#include <ctnn/nn/network.hpp>
#include <ctnn/train/dataset.hpp>
#include <ctnn/train/fit.hpp>

#if __has_include(<Eigen/Eigenvalues>)
#include <Eigen/Eigenvalues>
#else
#include <eigen3/Eigen/Eigenvalues>  // Debian's place, for a build that does not name Eigen's folder
#endif

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace ctnn::diagnostic {

/// A dense Hessian holds P × P doubles, so `hessian` and `analyze_critical_point` take networks
/// of at most `ctnn::dense_hessian_limit` parameters.
template <std::size_t Limit>
struct dense_hessian_allows_parameters {
  template <std::size_t Parameters>
  struct but_network_has_parameters {
    static_assert(Parameters <= Limit,
                  "a dense Hessian takes at most ctnn::dense_hessian_limit parameters (the first number "
                  "above); ctnn::hessian_extremes gives the extreme eigenvalues of a network of any size");
    static constexpr bool reported = true;
  };
};

/// The Hessian comes from differences of gradients, which need double's precision.
template <class Scalar>
struct hessian_needs_a_double_network_but_network_holds {
  static_assert(std::is_same_v<Scalar, double>,
                "the Hessian analysis needs a ctnn::basic_network<double, ...>: copy the network's "
                "parameters into one with ctnn::flatten and ctnn::unflatten");
  static constexpr bool reported = true;
};

}  // namespace ctnn::diagnostic

namespace ctnn {

/// The most parameters `hessian` and `analyze_critical_point` accept: H then takes 128 MiB and
/// its eigenvectors as much again. A larger network does not compile; `hessian_extremes` has
/// no limit.
inline constexpr std::size_t dense_hessian_limit = 4096;

/// Whether `hessian` and `analyze_critical_point` accept a `Network`.
/// @code
/// static_assert(!ctnn::fits_dense_hessian_v<digits_model>);   // use ctnn::hessian_extremes
/// @endcode
template <class Network>
inline constexpr bool fits_dense_hessian_v = Network::parameter_count <= dense_hessian_limit;

namespace detail {
template <class A>
inline constexpr bool smooth_activation =
    std::is_same_v<A, activations::identity> || std::is_same_v<A, activations::sigmoid> ||
    std::is_same_v<A, activations::tanh> || std::is_same_v<A, activations::softmax>;
template <class Network, class Loss>
inline constexpr bool smooth_in_theta = [] {
  bool smooth = !std::is_same_v<Loss, mae>;
  for_each_index<Network::layer_count>([&](auto l) {
    smooth = smooth && smooth_activation<typename Network::template layer<l>::activation>;
  });
  return smooth;
}();
}  // namespace detail

/// The relative step s of the Hessian-vector product for a `Network` trained with `Loss`
/// (docs/critical-points.md has the measurements). A loss smooth in θ (identity, sigmoid, tanh
/// and softmax layers; any loss but mae) gets 1e-5, where the truncation error (s²/6 times a
/// third derivative) meets the gradient's rounding over s: about 1e-10 of ‖H v‖. Otherwise
/// (relu, leaky_relu, hard_sigmoid, a user's activation, mae) the difference is exact on each
/// smooth piece, but a sample whose input to a kink lies within the step adds the jump of its
/// gradient over 2h, more likely as h grows and larger as it shrinks: 1e-8 made that rare on
/// the digits model (1e-7 did not), with rounding near 1e-8 of ‖H v‖.
/// `extreme_eigenpairs::asymmetry` shows when it happens.
template <class Network, class Loss>
inline constexpr double hessian_relative_step_v = detail::smooth_in_theta<Network, Loss> ? 1e-5 : 1e-8;

/// What the Hessian says a point is.
enum class critical_point_kind {
  local_minimum,  ///< no eigenvalue below zero
  local_maximum,  ///< no eigenvalue above zero
  saddle,         ///< eigenvalues of both signs: the loss falls along some directions
  not_critical    ///< the gradient is not zero
};

/// Tolerances of `classify_critical_point` and `analyze_critical_point`.
struct critical_point_options {
  /// The point is critical when ‖∇L‖ ≤ this (absolute: the gradient is exact to rounding).
  double gradient_tolerance = 1e-6;
  /// An eigenvalue counts as zero when |λ| ≤ this × the largest |λ|: well above the relative
  /// error of H (`hessian_relative_step_v`).
  double eigenvalue_tolerance = 1e-6;
};

/// The kind of a point, and whether the Hessian decides it.
struct critical_point_classification {
  critical_point_kind kind = critical_point_kind::not_critical;
  /// A minimum or maximum with a zero eigenvalue (within the tolerance): the Hessian cannot
  /// tell it from a saddle (higher derivatives decide), and `kind` is what the signs of the
  /// others suggest. Never a saddle: an eigenvalue of each sign settles it.
  bool degenerate = false;
};

/// The kind of point from ‖∇L‖ and the Hessian's smallest and largest eigenvalues, all that the
/// rule needs (so `hessian_extremes` serves too). All eigenvalues zero: a degenerate minimum.
/// @code
/// auto c = ctnn::classify_critical_point(0.0, 0.0, 4.0);   // local_minimum, degenerate
/// @endcode
[[nodiscard]] inline critical_point_classification classify_critical_point(
    double gradient_norm, double smallest, double largest, const critical_point_options& options = {}) {
  if (!(gradient_norm <= options.gradient_tolerance)) return {critical_point_kind::not_critical, false};
  const double zero = options.eigenvalue_tolerance * std::max(std::abs(smallest), std::abs(largest));
  if (smallest < -zero && largest > zero) return {critical_point_kind::saddle, false};
  if (smallest >= -zero) return {critical_point_kind::local_minimum, smallest <= zero};
  return {critical_point_kind::local_maximum, largest >= -zero};
}

/// What `analyze_critical_point` finds.
struct critical_point_analysis {
  /// ‖∇L(θ)‖₂ of the mean loss.
  double gradient_norm = 0;
  /// Every eigenvalue of H, ascending.
  std::vector<double> eigenvalues;
  critical_point_kind kind = critical_point_kind::not_critical;
  /// See `critical_point_classification::degenerate`.
  bool degenerate = false;
  /// At a saddle, the unit eigenvector u of the smallest eigenvalue λ (`flatten`'s order) with
  /// ∇L·u ≤ 0 (if 0, its largest component positive): L(θ + t u) ≈ L(θ) + ½ λ t². Else empty.
  std::vector<double> escape_direction;
};

/// Options of `hessian_extremes`.
struct hessian_extremes_options {
  /// The most Lanczos steps, one Hessian-vector product (two gradients) each; never more than
  /// the parameter count, after which the Krylov space is everything.
  std::size_t max_iterations = 100;
  /// Stop when both extreme Ritz pairs have a residual ‖H y − λ y‖ ≤ this × max |λ|.
  double tolerance = 1e-6;
  /// Seed of the normal random start vector (the library's generator: the same everywhere).
  std::uint64_t seed = 1;
  /// The relative step of the Hessian-vector product; 0 takes `hessian_relative_step_v`.
  double relative_step = 0;
};

/// The extreme eigenpairs of H that `hessian_extremes` finds.
struct extreme_eigenpairs {
  double smallest = 0, largest = 0;
  /// Unit eigenvectors (Ritz vectors) in `flatten`'s order.
  std::vector<double> smallest_vector, largest_vector;
  /// Lanczos's estimates of ‖H y − λ y‖: an eigenvalue of H lies within each of its value.
  double smallest_residual = 0, largest_residual = 0;
  /// The largest departure of the products from a symmetric linear map that Lanczos saw
  /// (|qᵢ·H qⱼ − Tᵢⱼ| over its vectors q and tridiagonal T), relative to max |λ|: about the
  /// products' relative error. Well above `tolerance`, the residuals understate the error (a
  /// kink within the step: see `hessian_relative_step_v`).
  double asymmetry = 0;
  /// Lanczos steps run (Hessian-vector products).
  std::size_t iterations = 0;
  /// Whether both residuals met the tolerance (or the Krylov space became everything) and the
  /// asymmetry is within it too, without which the residuals mean nothing.
  bool converged = false;
};

namespace detail {

[[nodiscard]] inline double dot(std::span<const double> a, std::span<const double> b) noexcept {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

/// The one Hessian-vector product (see the file's documentation): central differences of
/// `ctnn::gradient` at θ ± h v, evaluated on a copy of the network that only it changes.
template <class Policy, class Network, class Loss>
class hessian_product {
 public:
  using data_view = dataset_view<double, Network::input_size, Network::output_size>;

  hessian_product(const Network& net, data_view data, Loss loss, double relative_step, const char* caller)
      : probe_(net), data_(data), loss_(loss), theta_(flatten(net)), shifted_(theta_.size()) {
    if (data_.empty()) throw error(std::string(caller) + ": the dataset is empty");
    double largest = 1;
    for (const double t : theta_) largest = std::max(largest, std::abs(t));
    step_ = (relative_step > 0 ? relative_step : hessian_relative_step_v<Network, Loss>) * largest;
  }

  /// H v into `out`, both `parameter_count` long (v not zero).
  void operator()(std::span<const double> v, std::span<double> out) {
    const double h = step_ / std::sqrt(dot(v, v));
    const std::vector<double> up = gradient_at(v, h), down = gradient_at(v, -h);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = (up[i] - down[i]) / (2 * h);
  }

 private:
  std::vector<double> gradient_at(std::span<const double> v, double h) {
    for (std::size_t i = 0; i < theta_.size(); ++i) shifted_[i] = theta_[i] + h * v[i];
    unflatten(probe_, shifted_);
    return ctnn::gradient<Policy>(probe_, data_, loss_);
  }

  Network probe_;
  data_view data_;
  Loss loss_;
  std::vector<double> theta_, shifted_;
  double step_ = 0;
};

/// H from its columns H eⱼ, made symmetric: the differences are symmetric only to their
/// error, and the symmetric part is the nearest symmetric matrix, which the solvers need.
template <class Product>
std::vector<double> dense_hessian(Product& product, std::size_t p) {
  std::vector<double> h(p * p), unit(p, 0.0), column(p);
  for (std::size_t j = 0; j < p; ++j) {
    unit[j] = 1;
    product(unit, column);
    unit[j] = 0;
    for (std::size_t i = 0; i < p; ++i) h[i * p + j] = column[i];
  }
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = i + 1; j < p; ++j) h[i * p + j] = h[j * p + i] = (h[i * p + j] + h[j * p + i]) / 2;
  return h;
}

/// The unit eigenvector of the smallest eigenvalue `lowest` of the symmetric `h`: inverse
/// iteration on the positive definite h − σ I, σ = lowest − 1e-8 × max |λ| (Cholesky), each
/// step scaling an eigenvector of λ by (lowest − σ)/(λ − σ) against the one wanted. Eigenvalues
/// within about that of `lowest` stay mixed in, and so does their curvature.
inline std::vector<double> lowest_eigenvector(const Eigen::Map<const Eigen::MatrixXd>& h, double lowest,
                                              double highest) {
  const double spread = std::max(std::abs(lowest), std::abs(highest));
  const Eigen::MatrixXd shifted = h - (lowest - 1e-8 * spread) * Eigen::MatrixXd::Identity(h.rows(), h.cols());
  const Eigen::LLT<Eigen::MatrixXd> cholesky(shifted);
  if (cholesky.info() != Eigen::Success) throw error("analyze_critical_point: inverse iteration failed");
  Eigen::VectorXd x(h.rows());
  random_bits random(1);  // a random start has a share of every eigenvector, a fixed one may not
  for (double& v : x) v = random.normal();
  x.normalize();
  for (int step = 0; step < 30; ++step) {  // (h − σ I)⁻¹ is positive definite: no change of sign
    const Eigen::VectorXd next = cholesky.solve(x).normalized();
    const bool settled = (next - x).norm() < 1e-12;
    x = next;
    if (settled) break;
  }
  return {x.data(), x.data() + x.size()};
}


/// The checks of `hessian` and `analyze_critical_point`: reports a float network and one over
/// `dense_hessian_limit`, each once, then the call's own checks; true when the call can run.
template <class Policy, class N, class Data, class Loss>
constexpr bool check_dense_hessian() {
  // Each report is a statement of its own, not part of the result: the result then stays a
  // constant when a check fails, and the compiler reports the one error.
  static_assert(diagnostic::hessian_needs_a_double_network_but_network_holds<typename N::value_type>::reported &&
                diagnostic::dense_hessian_allows_parameters<dense_hessian_limit>::template but_network_has_parameters<
                    N::parameter_count>::reported);
  return std::is_same_v<typename N::value_type, double> && fits_dense_hessian_v<N> && check_call<Policy, N, Data, Loss>;
}

}  // namespace detail

/// The Hessian ∂²(mean loss over `data`)/∂θ² at `net`'s parameters (`net` is only read), in
/// `flatten`'s order: P × P doubles, row-major (H[i · P + j]), symmetric; P = `parameter_count`.
/// Column j is the Hessian-vector product H eⱼ, so the cost is 2P gradients over `data`.
/// A network of more than `dense_hessian_limit` parameters does not compile.
/// @throws ctnn::error when the dataset is empty.
/// @code
/// std::vector<double> H = ctnn::hessian(net, data, ctnn::mse{});
/// @endcode
template <class Policy = fused, simd::scalar T, class... L, class Data, class Loss>
[[nodiscard]] std::vector<double> hessian(const basic_network<T, L...>& net, const Data& data, Loss loss) {
  using N = basic_network<T, L...>;
  if constexpr (!detail::check_dense_hessian<Policy, N, Data, Loss>()) {
    return {};
  } else {
    detail::hessian_product<Policy, N, Loss> product(net, data, loss, 0, "hessian");
    return detail::dense_hessian(product, N::parameter_count);
  }
}

/// θ of `net` (only read) as a critical point of the mean loss over `data`: ‖∇L‖, every
/// eigenvalue of `hessian` (Eigen's self-adjoint solver), the kind by `classify_critical_point`
/// and, at a saddle, the direction that escapes it. The eigenvalues are reported for a point
/// that is not critical too. Same limit as `hessian`, plus O(P³) for the eigenvalues (18 s
/// at P = 4096 on the host of docs/critical-points.md).
/// @throws ctnn::error when the dataset is empty.
/// @code
/// auto cp = ctnn::analyze_critical_point(net, data, ctnn::mse{}, {.gradient_tolerance = 1e-8});
/// if (cp.kind == ctnn::critical_point_kind::saddle) { /* θ + cp.escape_direction: a lower loss */ }
/// @endcode
template <class Policy = fused, simd::scalar T, class... L, class Data, class Loss>
[[nodiscard]] critical_point_analysis analyze_critical_point(const basic_network<T, L...>& net, const Data& data,
                                                             Loss loss, const critical_point_options& options = {}) {
  using N = basic_network<T, L...>;
  if constexpr (!detail::check_dense_hessian<Policy, N, Data, Loss>()) {
    return {};
  } else {
    constexpr std::size_t p = N::parameter_count;
    detail::hessian_product<Policy, N, Loss> product(net, data, loss, 0, "analyze_critical_point");
    const std::vector<double> g = ctnn::gradient<Policy>(net, data, loss);
    const std::vector<double> h = detail::dense_hessian(product, p);
    // H is symmetric: its row-major storage reads the same as Eigen's column-major. The values
    // alone cost a third of values and vectors (23 s and 72 s at P = 4096); a saddle's one
    // vector comes from inverse iteration instead.
    const auto n = static_cast<Eigen::Index>(p);
    const Eigen::Map<const Eigen::MatrixXd> hm(h.data(), n, n);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(hm, Eigen::EigenvaluesOnly);
    if (solver.info() != Eigen::Success) throw error("analyze_critical_point: the eigen-solver did not converge");

    critical_point_analysis result;
    result.gradient_norm = std::sqrt(detail::dot(g, g));
    result.eigenvalues.assign(solver.eigenvalues().data(), solver.eigenvalues().data() + p);
    const auto [kind, degenerate] = classify_critical_point(result.gradient_norm, result.eigenvalues.front(),
                                                            result.eigenvalues.back(), options);
    result.kind = kind;
    result.degenerate = degenerate;
    if (kind == critical_point_kind::saddle) {
      auto& u = result.escape_direction;
      u = detail::lowest_eigenvector(hm, result.eigenvalues.front(), result.eigenvalues.back());
      const double along = detail::dot(g, u), biggest = *std::max_element(u.begin(), u.end(), [](double a, double b) {
        return std::abs(a) < std::abs(b);
      });
      if (along > 0 || (along == 0 && biggest < 0)) std::ranges::for_each(u, [](double& x) { x = -x; });
    }
    return result;
  }
}

/// The smallest and largest eigenvalues of the Hessian of the mean loss over `data` at `net`'s
/// parameters (`net` is only read) and their unit eigenvectors, for a network of any size, by
/// Lanczos iteration on `hessian`'s Hessian-vector product: at most `max_iterations` vectors of
/// P doubles, never H. From a seeded random start, each step (two gradients) applies H,
/// orthogonalises against every earlier vector twice (else converged pairs come back as
/// spurious copies) and solves the tridiagonal problem with Eigen, until both extreme pairs
/// meet `tolerance`, `max_iterations` or an invariant Krylov space. A small residual shows a
/// Ritz value is an eigenvalue, not that none lies beyond it (docs/critical-points.md).
/// @throws ctnn::error when the dataset is empty.
/// @code
/// auto ext = ctnn::hessian_extremes(net, train, ctnn::cross_entropy{}, {.max_iterations = 200});
/// auto kind = ctnn::classify_critical_point(gradient_norm, ext.smallest, ext.largest);
/// @endcode
template <class Policy = fused, simd::scalar T, class... L, class Data, class Loss>
[[nodiscard]] extreme_eigenpairs hessian_extremes(const basic_network<T, L...>& net, const Data& data, Loss loss,
                                                  const hessian_extremes_options& options = {}) {
  using N = basic_network<T, L...>;
  static_assert(diagnostic::hessian_needs_a_double_network_but_network_holds<T>::reported);
  if constexpr (!std::is_same_v<T, double> || !detail::check_call<Policy, N, Data, Loss>) {
    return {};
  } else {
    constexpr std::size_t p = N::parameter_count;
    detail::hessian_product<Policy, N, Loss> product(net, data, loss, options.relative_step, "hessian_extremes");
    const std::size_t steps = std::clamp<std::size_t>(options.max_iterations, 1, p);
    std::vector<double> basis(p), w(p);  // the Lanczos vectors, one after another
    basis.reserve(steps * p);
    detail::random_bits random(options.seed);
    for (double& x : basis) x = random.normal();
    const double start = std::sqrt(detail::dot(basis, basis));
    for (double& x : basis) x /= start;
    const auto q = [&](std::size_t j) { return std::span<const double>(basis.data() + j * p, p); };

    std::vector<double> alpha, beta;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ritz;
    extreme_eigenpairs result;
    double asymmetry = 0;
    for (std::size_t j = 0;; ++j) {
      product(q(j), w);
      alpha.push_back(detail::dot(q(j), w));
      for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i <= j; ++i) {
          const std::span<const double> qi = q(i);
          const double c = detail::dot(qi, w);
          // In the first pass c is qᵢ·H qⱼ, which a symmetric H makes β_{j−1} for i = j − 1
          // and 0 below: the departure measures the products' error for free.
          if (pass == 0 && i < j) asymmetry = std::max(asymmetry, std::abs(i + 1 == j ? c - beta.back() : c));
          for (std::size_t k = 0; k < p; ++k) w[k] -= c * qi[k];
        }
      const double b = std::sqrt(detail::dot(w, w));
      const auto size = static_cast<Eigen::Index>(j + 1);
      ritz.computeFromTridiagonal(Eigen::Map<const Eigen::VectorXd>(alpha.data(), size),
                                  Eigen::Map<const Eigen::VectorXd>(beta.data(), size - 1), Eigen::ComputeEigenvectors);
      if (ritz.info() != Eigen::Success) throw error("hessian_extremes: the tridiagonal eigen-solver did not converge");
      result.iterations = j + 1;
      result.smallest = ritz.eigenvalues()(0);
      result.largest = ritz.eigenvalues()(size - 1);
      result.smallest_residual = b * std::abs(ritz.eigenvectors()(size - 1, 0));
      result.largest_residual = b * std::abs(ritz.eigenvectors()(size - 1, size - 1));
      const double scale = std::max(std::abs(result.smallest), std::abs(result.largest));
      // b ≈ 0: H maps the Krylov space into itself, and the Ritz pairs are eigenpairs (1e-13
      // is far below the products' relative error).
      const bool invariant = b <= 1e-13 * scale || j + 1 == p;
      result.converged = invariant || (result.smallest_residual <= options.tolerance * scale &&
                                       result.largest_residual <= options.tolerance * scale);
      if (result.converged || j + 1 == steps) break;
      beta.push_back(b);
      basis.resize(basis.size() + p);
      for (std::size_t k = 0; k < p; ++k) basis[(j + 1) * p + k] = w[k] / b;
    }

    const auto ritz_vector = [&](Eigen::Index column) {
      std::vector<double> y(p, 0.0);
      for (std::size_t i = 0; i < result.iterations; ++i) {
        const double s = ritz.eigenvectors()(static_cast<Eigen::Index>(i), column);
        const std::span<const double> qi = q(i);
        for (std::size_t k = 0; k < p; ++k) y[k] += s * qi[k];
      }
      const double norm = std::sqrt(detail::dot(y, y));
      for (double& x : y) x /= norm;
      return y;
    };
    const double spread = std::max(std::abs(result.smallest), std::abs(result.largest));
    result.asymmetry = spread > 0 ? asymmetry / spread : asymmetry;
    result.converged = result.converged && result.asymmetry <= options.tolerance;  // else the residuals lie
    result.smallest_vector = ritz_vector(0);
    result.largest_vector = ritz_vector(static_cast<Eigen::Index>(result.iterations) - 1);
    return result;
  }
}

}  // namespace ctnn
