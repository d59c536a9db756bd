// ctnn::hessian, ctnn::analyze_critical_point, ctnn::classify_critical_point and
// ctnn::hessian_extremes against closed forms, second differences of the loss and Eigen's
// dense eigen-solver.
#include <ctnn/ctnn.hpp>
#include <ctnn/analysis/critical_points.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace {

using kind = ctnn::critical_point_kind;

// y = w₂ w₁ x: two bias-free 1 → 1 identity layers, θ = (w₁, w₂).
using product_model = ctnn::basic_network<double, ctnn::input<1>, ctnn::dense<1, ctnn::identity, ctnn::no_bias>,
                                          ctnn::dense<1, ctnn::identity, ctnn::no_bias>>;

// y = (w₁ x₁ + w₂ x₂)². On the samples (1, 0) → 1 and (0, 1) → 1 the mean squared error is
// L = ½ ((w₁² − 1)² + (w₂² − 1)²), with ∂²L/∂wᵢ² = 6 wᵢ² − 2 and no mixed terms: a maximum at
// the origin, minima at (±1, ±1), saddles at (±1, 0) and (0, ±1).
inline constexpr auto square = ctnn::x * ctnn::x;
using double_well = ctnn::basic_network<double, ctnn::input<2>, ctnn::dense<1, ctnn::activation<square>, ctnn::no_bias>>;

ctnn::dataset<double, 2, 1> double_well_data() { return {std::vector<double>{1, 0, 0, 1}, std::vector<double>{1, 1}}; }

template <class Network>
Network at(const std::vector<double>& theta) {
  Network net;
  ctnn::unflatten(net, theta);
  return net;
}

template <std::size_t In, std::size_t Out>
ctnn::dataset<double, In, Out> noisy_data(std::size_t rows, std::uint64_t seed, bool one_hot = false) {
  ctnn::detail::random_bits random(seed);
  std::vector<double> x(rows * In), y(rows * Out, 0.0);
  for (double& v : x) v = 2 * random.uniform() - 1;
  if (one_hot)
    for (std::size_t r = 0; r < rows; ++r) y[r * Out + random.below(Out)] = 1;
  else
    for (double& v : y) v = 2 * random.uniform() - 1;
  return {x, y};
}

double largest_magnitude(const std::vector<double>& values) {
  double m = 0;
  for (const double v : values) m = std::max(m, std::abs(v));
  return m;
}

double loss_along(product_model net, const std::vector<double>& direction, double t,
                  const ctnn::dataset<double, 1, 1>& data) {
  std::vector<double> theta = ctnn::flatten(net);
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] += t * direction[i];
  ctnn::unflatten(net, theta);
  return ctnn::evaluate(net, data, ctnn::mse{}).loss;
}

}  // namespace

TEST_CASE("the Hessian of linear least squares is 2/n times the sum of [x 1][x 1]ᵀ", "[analysis][hessian]") {
  // y = w₁x₁ + w₂x₂ + b with the mean squared error L = (1/n) Σ (w·x + b − y)² is quadratic
  // in θ = (w₁, w₂, b): its Hessian is (2/n) Σ_r a_r a_rᵀ with a_r = (x_r1, x_r2, 1), at every θ.
  using model = ctnn::basic_network<double, ctnn::input<2>, ctnn::dense<1, ctnn::identity>>;
  const auto data = noisy_data<2, 1>(7, 11);
  const auto net = at<model>({0.4, -1.3, 0.25});
  double expected[3][3] = {};
  for (std::size_t r = 0; r < data.size(); ++r) {
    const double a[3] = {data.input(r)[0], data.input(r)[1], 1.0};
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) expected[i][j] += 2.0 / double(data.size()) * a[i] * a[j];
  }
  const std::vector<double> fused = ctnn::hessian(net, data, ctnn::mse{});
  const std::vector<double> naive = ctnn::hessian<ctnn::naive>(net, data, ctnn::mse{});
  REQUIRE(fused.size() == 9);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      // A quadratic loss has no truncation error: only the gradient's rounding divided by the
      // step (about 1e-16 / 1e-5) remains.
      CHECK(fused[i * 3 + j] == Approx(expected[i][j]).margin(1e-9));
      CHECK(naive[i * 3 + j] == Approx(expected[i][j]).margin(1e-9));
    }
}

TEST_CASE("the Hessian of y = w2 w1 x matches its closed form", "[analysis][hessian]") {
  // L = (w₂w₁x − ŷ)²: ∂²L/∂w₁² = 2w₂²x², ∂²L/∂w₂² = 2w₁²x², ∂²L/∂w₁∂w₂ = 2(2w₁w₂x² − ŷx).
  const struct { double w1, w2, x, y; } cases[] = {
      {0, 0, 1, 1}, {1, 1, 1, 1}, {0.3, -0.7, 1, 1}, {1.5, 0.2, -2, 0.5}, {-0.8, 2.5, 0.6, -1.2}};
  for (const auto& c : cases) {
    CAPTURE(c.w1, c.w2, c.x, c.y);
    const ctnn::dataset<double, 1, 1> data(std::vector<double>{c.x}, std::vector<double>{c.y});
    const std::vector<double> h = ctnn::hessian(at<product_model>({c.w1, c.w2}), data, ctnn::mse{});
    const double expected[4] = {2 * c.w2 * c.w2 * c.x * c.x, 2 * (2 * c.w1 * c.w2 * c.x * c.x - c.y * c.x),
                                2 * (2 * c.w1 * c.w2 * c.x * c.x - c.y * c.x), 2 * c.w1 * c.w1 * c.x * c.x};
    // L is quartic in θ: the differences' truncation error is h²/6 times a third derivative
    // of the gradient (h = 1e-5 × max(1, |θ|)), below 1e-9 here.
    for (int k = 0; k < 4; ++k) CHECK(h[k] == Approx(expected[k]).margin(1e-8));
  }
}

TEST_CASE("the Hessian of a nonlinear network is symmetric and matches second differences of the loss",
          "[analysis][hessian]") {
  // Second differences of ctnn::evaluate (the forward pass alone) are a reference that shares
  // nothing with the gradient: (L(θ+hᵢ+hⱼ) − L(θ+hᵢ−hⱼ) − L(θ−hᵢ+hⱼ) + L(θ−hᵢ−hⱼ)) / 4h².
  using regression = ctnn::basic_network<double, ctnn::input<3>, ctnn::dense<5, ctnn::tanh>, ctnn::dense<2, ctnn::identity>>;
  using classifier = ctnn::basic_network<double, ctnn::input<3>, ctnn::dense<4, ctnn::sigmoid>, ctnn::dense<3, ctnn::softmax>>;
  const auto check = [](auto net, const auto& data, auto loss) {
    using N = decltype(net);
    ctnn::initialize(net, 5);
    std::vector<double> theta = ctnn::flatten(net);
    for (std::size_t i = 0; i < theta.size(); ++i) theta[i] += 0.1 * std::sin(double(3 * i + 1));  // non-zero biases
    ctnn::unflatten(net, theta);
    const std::vector<double> h = ctnn::hessian(net, data, loss);
    constexpr std::size_t p = N::parameter_count;
    REQUIRE(h.size() == p * p);
    const double scale = largest_magnitude(h);
    REQUIRE(scale > 0.01);
    N probe = net;
    const auto loss_at = [&](std::size_t i, double di, std::size_t j, double dj) {
      std::vector<double> t = theta;
      t[i] += di;
      t[j] += dj;
      ctnn::unflatten(probe, t);
      return ctnn::evaluate(probe, data, loss).loss;
    };
    const double step = 1e-4;  // truncation ~1e-8 · L'''' and rounding ~1e-16 / 1e-8 · L
    double worst = 0;
    for (std::size_t i = 0; i < p; ++i)
      for (std::size_t j = 0; j < p; ++j) {
        INFO("H(" << i << ", " << j << ")");
        REQUIRE(h[i * p + j] == h[j * p + i]);  // exactly: H is returned symmetric
        if (j < i) continue;
        const double second = (loss_at(i, step, j, step) - loss_at(i, step, j, -step) -
                               loss_at(i, -step, j, step) + loss_at(i, -step, j, -step)) /
                              (4 * step * step);
        worst = std::max(worst, std::abs(h[i * p + j] - second) / scale);
      }
    // The reference's own error is near 1e-8 of the scale; the Hessian's near 1e-10.
    CHECK(worst < 1e-5);
  };
  check(regression{}, noisy_data<3, 2>(9, 21), ctnn::mse{});
  check(classifier{}, noisy_data<3, 3>(9, 22, true), ctnn::cross_entropy{});
}

TEST_CASE("a relu network's Hessian is that of its linear piece, even with a sample near a kink",
          "[analysis][hessian][kink]") {
  // y = c₁ relu(w₁x + b₁) + c₂ relu(w₂x + b₂) + d, θ = (w₁, w₂, b₁, b₂, c₁, c₂, d). With
  // s_k = [z_k > 0], ∇y = (c₁s₁x, c₂s₂x, c₁s₁, c₂s₂, relu(z₁), relu(z₂), 1), and the only second
  // derivatives are ∂²y/∂w_k∂c_k = s_k x and ∂²y/∂b_k∂c_k = s_k, so the squared error's Hessian
  // is (2/n) Σ (∇y ∇yᵀ + (y − t) ∇²y). The first sample's z₁ is 3e-8: a step of 1e-5 would
  // cross that kink and add the jump of its gradient divided by the step.
  using model = ctnn::basic_network<double, ctnn::input<1>, ctnn::dense<2, ctnn::relu>, ctnn::dense<1, ctnn::identity>>;
  const std::vector<double> xs = {0.5, -1.2, 0.9, 2.0, -0.3}, ts = {0.3, -0.5, 1.1, 0.2, 0.7};
  const double w[2] = {1.3, -0.8}, b[2] = {-0.65 + 3e-8, 0.1}, c[2] = {0.9, -1.4}, d = 0.2;
  const auto net = at<model>({w[0], w[1], b[0], b[1], c[0], c[1], d});
  double expected[7][7] = {};
  for (std::size_t r = 0; r < xs.size(); ++r) {
    const double x = xs[r];
    double s[2], a[2], y = d;
    for (int k = 0; k < 2; ++k) {
      const double z = w[k] * x + b[k];
      s[k] = z > 0 ? 1 : 0;
      a[k] = s[k] * z;
      y += c[k] * a[k];
    }
    const double grad[7] = {c[0] * s[0] * x, c[1] * s[1] * x, c[0] * s[0], c[1] * s[1], a[0], a[1], 1};
    const double scale = 2.0 / double(xs.size());
    for (int i = 0; i < 7; ++i)
      for (int j = 0; j < 7; ++j) expected[i][j] += scale * grad[i] * grad[j];
    for (int k = 0; k < 2; ++k) {
      expected[k][4 + k] += scale * (y - ts[r]) * s[k] * x;
      expected[4 + k][k] += scale * (y - ts[r]) * s[k] * x;
      expected[2 + k][4 + k] += scale * (y - ts[r]) * s[k];
      expected[4 + k][2 + k] += scale * (y - ts[r]) * s[k];
    }
  }
  const ctnn::dataset<double, 1, 1> data(xs, ts);
  const std::vector<double> h = ctnn::hessian(net, data, ctnn::mse{});
  for (int i = 0; i < 7; ++i)
    for (int j = 0; j < 7; ++j) {
      CAPTURE(i, j);
      // The loss is quadratic on the piece: only rounding divided by the step (1e-8) remains.
      CHECK(h[i * 7 + j] == Approx(expected[i][j]).margin(1e-6));
    }

  // Lanczos sees the same piece, and says when a step too large crosses the kink.
  const Eigen::Matrix<double, 7, 7> closed_form = Eigen::Map<const Eigen::Matrix<double, 7, 7>>(&expected[0][0]);
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, 7, 7>> exact(closed_form);
  const auto ext = ctnn::hessian_extremes(net, data, ctnn::mse{});
  CHECK(ext.converged);
  CHECK(ext.asymmetry < 1e-6);
  CHECK(ext.smallest == Approx(exact.eigenvalues()(0)).margin(1e-6));
  CHECK(ext.largest == Approx(exact.eigenvalues()(6)).margin(1e-6));
  const auto crossing = ctnn::hessian_extremes(net, data, ctnn::mse{}, {.relative_step = 1e-5});
  CHECK(crossing.asymmetry > 1e-3);
  CHECK_FALSE(crossing.converged);
}

TEST_CASE("classify_critical_point reads the kind from the signs of the extreme eigenvalues",
          "[analysis][classify]") {
  const struct { double gradient, smallest, largest; kind expected; bool degenerate; } cases[] = {
      {0, 1, 2, kind::local_minimum, false},   {0, -2, -1, kind::local_maximum, false},
      {0, -1, 1, kind::saddle, false},         {0, 0, 4, kind::local_minimum, true},
      {0, -4, 0, kind::local_maximum, true},   {0, 0, 0, kind::local_minimum, true},
      {1e-7, -1e-9, 4, kind::local_minimum, true},  // within the relative tolerance 1e-6 × 4: zero
      {0, -1e-5, 4, kind::saddle, false},      {0, -4, 1e-5, kind::saddle, false},
      {0, -1e-5, 1e3, kind::local_minimum, true},   // zero relative to the largest |λ|, not absolutely
      {1e-3, 1, 2, kind::not_critical, false}, {1e-3, -1, 1, kind::not_critical, false}};
  for (const auto& c : cases) {
    CAPTURE(c.gradient, c.smallest, c.largest);
    const auto result = ctnn::classify_critical_point(c.gradient, c.smallest, c.largest);
    CHECK(result.kind == c.expected);
    CHECK(result.degenerate == c.degenerate);
  }
  const auto strict = ctnn::classify_critical_point(0, -1e-5, 4, {.eigenvalue_tolerance = 1e-3});
  CHECK((strict.kind == kind::local_minimum && strict.degenerate));
  CHECK(ctnn::classify_critical_point(1e-3, 1, 2, {.gradient_tolerance = 1e-2}).kind == kind::local_minimum);
}

TEST_CASE("analyze_critical_point tells constructed minima, maxima and saddles apart", "[analysis][kind]") {
  const auto data = double_well_data();
  SECTION("origin: a maximum") {
    const auto cp = ctnn::analyze_critical_point(at<double_well>({0, 0}), data, ctnn::mse{});
    CHECK(cp.gradient_norm == Approx(0).margin(1e-12));
    REQUIRE(cp.eigenvalues.size() == 2);
    CHECK(cp.eigenvalues[0] == Approx(-2).margin(1e-8));
    CHECK(cp.eigenvalues[1] == Approx(-2).margin(1e-8));
    CHECK(cp.kind == kind::local_maximum);
    CHECK_FALSE(cp.degenerate);
    CHECK(cp.escape_direction.empty());
  }
  SECTION("(1, 1): a minimum") {
    const auto cp = ctnn::analyze_critical_point(at<double_well>({1, 1}), data, ctnn::mse{});
    CHECK(cp.eigenvalues[0] == Approx(4).margin(1e-8));
    CHECK(cp.eigenvalues[1] == Approx(4).margin(1e-8));
    CHECK(cp.kind == kind::local_minimum);
    CHECK_FALSE(cp.degenerate);
  }
  SECTION("(1, 0): a saddle, escaped along w2") {
    const auto cp = ctnn::analyze_critical_point(at<double_well>({1, 0}), data, ctnn::mse{});
    CHECK(cp.eigenvalues[0] == Approx(-2).margin(1e-8));
    CHECK(cp.eigenvalues[1] == Approx(4).margin(1e-8));
    CHECK(cp.kind == kind::saddle);
    REQUIRE(cp.escape_direction.size() == 2);
    CHECK(cp.escape_direction[0] == Approx(0).margin(1e-8));
    CHECK(cp.escape_direction[1] == Approx(1).margin(1e-8));  // at a zero gradient: largest component positive
  }
  SECTION("(0.5, 0.5): not critical, with the Hessian's eigenvalues still reported") {
    const auto cp = ctnn::analyze_critical_point(at<double_well>({0.5, 0.5}), data, ctnn::mse{});
    // ∂L/∂wᵢ = 2 (wᵢ² − 1) wᵢ = −0.75 for each.
    CHECK(cp.gradient_norm == Approx(0.75 * std::sqrt(2.0)).epsilon(1e-12));
    CHECK(cp.kind == kind::not_critical);
    CHECK(cp.eigenvalues[0] == Approx(-0.5).margin(1e-8));
    CHECK(cp.escape_direction.empty());
  }
}

TEST_CASE("y = w2 w1 x has a saddle at the origin whose escape direction lowers the loss", "[analysis][saddle]") {
  const ctnn::dataset<double, 1, 1> one(std::vector<double>{1.0}, std::vector<double>{1.0});
  const product_model origin;
  const auto cp = ctnn::analyze_critical_point(origin, one, ctnn::mse{});
  CHECK(cp.gradient_norm == 0);
  REQUIRE(cp.eigenvalues.size() == 2);
  CHECK(cp.eigenvalues[0] == Approx(-2).margin(1e-8));  // H = [[0, −2], [−2, 0]]
  CHECK(cp.eigenvalues[1] == Approx(2).margin(1e-8));
  REQUIRE(cp.kind == kind::saddle);
  const std::vector<double>& u = cp.escape_direction;
  REQUIRE(u.size() == 2);
  CHECK(u[0] * u[0] + u[1] * u[1] == Approx(1).epsilon(1e-12));
  CHECK(u[0] == Approx(std::sqrt(0.5)).epsilon(1e-8));  // the eigenvector of −2, largest component positive
  CHECK(u[1] == Approx(std::sqrt(0.5)).epsilon(1e-8));
  const double l0 = ctnn::evaluate(origin, one, ctnn::mse{}).loss;
  for (const double t : {0.01, 0.1, 0.5, 1.0, -0.5}) {
    CAPTURE(t);
    CHECK(loss_along(origin, u, t, one) < l0);  // L = (t²/2 − 1)² along u
  }
}

TEST_CASE("with the target -1 the escape direction of y = w2 w1 x is (1, -1)", "[analysis][saddle]") {
  // L = (w₂w₁ + 1)²: H = [[0, 2], [2, 0]] at the origin, whose eigenvector of −2 is orthogonal
  // to (1, 1); at a zero gradient the sign rule makes the first (largest) component positive.
  const ctnn::dataset<double, 1, 1> one(std::vector<double>{1.0}, std::vector<double>{-1.0});
  const auto cp = ctnn::analyze_critical_point(product_model{}, one, ctnn::mse{});
  REQUIRE(cp.kind == kind::saddle);
  CHECK(cp.escape_direction[0] == Approx(std::sqrt(0.5)).epsilon(1e-8));
  CHECK(cp.escape_direction[1] == Approx(-std::sqrt(0.5)).epsilon(1e-8));
  CHECK(loss_along(product_model{}, cp.escape_direction, 0.5, one) < 1);
}

TEST_CASE("at w1 = w2 = 1 the minimum of y = w2 w1 x is degenerate", "[analysis][degenerate]") {
  // H = [[2, 2], [2, 2]]: eigenvalues 0 (along the valley w₁w₂ = 1) and 4.
  const ctnn::dataset<double, 1, 1> one(std::vector<double>{1.0}, std::vector<double>{1.0});
  const auto cp = ctnn::analyze_critical_point(at<product_model>({1, 1}), one, ctnn::mse{});
  CHECK(cp.gradient_norm == 0);
  CHECK(cp.eigenvalues[0] == Approx(0).margin(1e-8));
  CHECK(cp.eigenvalues[1] == Approx(4).margin(1e-8));
  CHECK(cp.kind == kind::local_minimum);
  CHECK(cp.degenerate);
  CHECK(cp.escape_direction.empty());
}

TEST_CASE("hessian_extremes agrees with the dense eigenvalues", "[analysis][lanczos]") {
  using model = ctnn::basic_network<double, ctnn::input<3>, ctnn::dense<12, ctnn::tanh>, ctnn::dense<12, ctnn::tanh>,
                                    ctnn::dense<2, ctnn::identity>>;
  constexpr std::size_t p = model::parameter_count;
  static_assert(p == 230);
  model net;
  ctnn::initialize(net, 9);
  const auto data = noisy_data<3, 2>(20, 31);
  const std::vector<double> h = ctnn::hessian(net, data, ctnn::mse{});
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> dense(Eigen::Map<const Eigen::MatrixXd>(h.data(), p, p));
  const double lowest = dense.eigenvalues()(0), highest = dense.eigenvalues()(p - 1);
  const double scale = std::max(std::abs(lowest), std::abs(highest));
  REQUIRE(lowest < 0);  // an indefinite Hessian, so both ends are tested apart from zero
  const auto ext = ctnn::hessian_extremes(net, data, ctnn::mse{});
  CHECK(ext.converged);
  CHECK(ext.asymmetry < 1e-8);  // a smooth model: the products are symmetric to about 1e-10
  CHECK(ext.iterations < p);  // the stopping rule ends it before the Krylov space is everything
  // With residual r ≤ 1e-6 × scale, a well-separated Ritz value is within r²/gap of the
  // eigenvalue, and every Ritz value within r of one.
  CHECK(ext.smallest == Approx(lowest).margin(1e-6 * scale));
  CHECK(ext.largest == Approx(highest).margin(1e-6 * scale));
  CHECK(ext.smallest_residual <= 1e-6 * scale);
  CHECK(ext.largest_residual <= 1e-6 * scale);
  for (const auto& [value, y] : {std::pair{ext.smallest, ext.smallest_vector}, std::pair{ext.largest, ext.largest_vector}}) {
    REQUIRE(y.size() == p);
    const Eigen::Map<const Eigen::VectorXd> v(y.data(), p);
    CHECK(v.norm() == Approx(1).epsilon(1e-12));
    // Measured with the dense H: y is an eigenvector to the residual's accuracy.
    CHECK((Eigen::Map<const Eigen::MatrixXd>(h.data(), p, p) * v - value * v).norm() <= 1e-5 * scale);
  }
  // The escape direction of the whole spectrum (the point taken as critical) is the eigenvector
  // of the smallest eigenvalue, as the dense H measures it.
  const auto cp = ctnn::analyze_critical_point(net, data, ctnn::mse{}, {.gradient_tolerance = 1e9});
  REQUIRE(cp.kind == kind::saddle);
  CHECK(cp.eigenvalues.front() == Approx(lowest).margin(1e-12 * scale));
  const Eigen::Map<const Eigen::VectorXd> u(cp.escape_direction.data(), p);
  CHECK(u.norm() == Approx(1).epsilon(1e-12));
  CHECK((Eigen::Map<const Eigen::MatrixXd>(h.data(), p, p) * u - lowest * u).norm() <= 1e-7 * scale);

  const auto again = ctnn::hessian_extremes(net, data, ctnn::mse{});
  CHECK(again.smallest == ext.smallest);  // the seeded start vector makes a run repeatable

  // On long after both ends converged (a tolerance no residual meets), until the Krylov space
  // is invariant: dozens of this H's eigenvalues are below the products' error, so with
  // orthogonal Lanczos vectors that happens before P steps. Without full reorthogonalisation
  // the vectors lose their orthogonality, Lanczos runs all P steps, and copies of converged
  // eigenvectors spoil the Ritz vectors on the way (a residual of 1e-5 at step 175).
  const auto whole = ctnn::hessian_extremes(net, data, ctnn::mse{}, {.max_iterations = p, .tolerance = 1e-300});
  CHECK(whole.iterations > 3 * ext.iterations);
  CHECK(whole.iterations < p);
  CHECK(whole.asymmetry < 1e-8);
  CHECK(whole.smallest == Approx(lowest).margin(1e-8 * scale));
  CHECK(whole.largest == Approx(highest).margin(1e-8 * scale));
  for (const auto& [value, y] : {std::pair{whole.smallest, whole.smallest_vector}, std::pair{whole.largest, whole.largest_vector}}) {
    const Eigen::Map<const Eigen::VectorXd> v(y.data(), p);
    CHECK((Eigen::Map<const Eigen::MatrixXd>(h.data(), p, p) * v - value * v).norm() <= 1e-8 * scale);
  }
}

TEST_CASE("hessian_extremes runs on networks too large for a dense Hessian", "[analysis][lanczos]") {
  using big = ctnn::basic_network<double, ctnn::input<64>, ctnn::dense<64, ctnn::tanh>, ctnn::dense<16, ctnn::tanh>,
                                  ctnn::dense<1, ctnn::identity>>;
  static_assert(big::parameter_count == 5217 && !ctnn::fits_dense_hessian_v<big>);
  big net;
  ctnn::initialize(net, 4);
  const auto data = noisy_data<64, 1>(6, 41);
  const auto ext = ctnn::hessian_extremes(net, data, ctnn::mse{}, {.max_iterations = 8, .tolerance = 1e-12});
  CHECK(ext.iterations == 8);  // the iteration limit ends a run that has not converged
  CHECK_FALSE(ext.converged);
  CHECK(ext.smallest <= ext.largest);
  CHECK(ext.largest > 0);
  CHECK(ext.smallest_vector.size() == big::parameter_count);
  CHECK(ext.largest_vector.size() == big::parameter_count);
}

TEST_CASE("the dense Hessian's size limit is dense_hessian_limit parameters", "[analysis][limit]") {
  // A larger network does not compile (tests/compile_fail/hessian_too_many_parameters.cpp).
  static_assert(ctnn::dense_hessian_limit == 4096);
  static_assert(ctnn::fits_dense_hessian_v<ctnn::basic_network<double, ctnn::input<4095>, ctnn::dense<1, ctnn::identity>>>);
  static_assert(!ctnn::fits_dense_hessian_v<ctnn::basic_network<double, ctnn::input<4096>, ctnn::dense<1, ctnn::identity>>>);
  SUCCEED();
}

TEST_CASE("the Hessian functions reject an empty dataset, naming themselves", "[analysis][errors]") {
  const product_model net;
  const ctnn::dataset<double, 1, 1> none;
  CHECK_THROWS_WITH(ctnn::hessian(net, none, ctnn::mse{}), "hessian: the dataset is empty");
  CHECK_THROWS_WITH(ctnn::analyze_critical_point(net, none, ctnn::mse{}), "analyze_critical_point: the dataset is empty");
  CHECK_THROWS_WITH(ctnn::hessian_extremes(net, none, ctnn::mse{}), "hessian_extremes: the dataset is empty");
}
