// Course step 7: when training stalls. Where the gradient is zero, gradient descent stops; the
// point is a local minimum, a local maximum or a saddle, and the Hessian H tells which:
// L(θ) ≈ L(θ′) + ½ (θ − θ′)ᵀ H (θ − θ′). At a saddle, the loss falls along an eigenvector u of a
// negative eigenvalue, so a step to θ′ + u escapes it.
//
// The course's demonstration is y = w₂·w₁·x, two bias-free 1 → 1 identity layers, with the
// squared error on the one sample x = 1, ŷ = 1: L = (w₂w₁ − 1)². Its origin is a saddle.
//
//   07_critical_points           the demonstration, and a sigmoid network that ends in a true
//                                minimum (run by the tests)
//   07_critical_points --digits [iterations] [relative step]
//                                the extreme eigenvalues of the Hessian of the trained digits
//                                model (06_digits' recipe), by Lanczos (reads data/; about a
//                                minute; docs/critical-points.md shows its output)
#include <ctnn/ctnn.hpp>
#include <ctnn/analysis/critical_points.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace {

const char* name(const ctnn::critical_point_analysis& cp) {
  using kind = ctnn::critical_point_kind;
  switch (cp.kind) {
    case kind::local_minimum: return cp.degenerate ? "a local minimum, degenerate" : "a local minimum";
    case kind::local_maximum: return cp.degenerate ? "a local maximum, degenerate" : "a local maximum";
    case kind::saddle: return "a saddle point";
    case kind::not_critical: return "not a critical point";
  }
  return "";
}

void report(const ctnn::critical_point_analysis& cp, const char* format) {
  std::printf("  |gradient| %.1e, Hessian eigenvalues", cp.gradient_norm);
  for (const double v : cp.eigenvalues) std::printf(format, v);
  std::printf(": %s\n", name(cp));
}

// The course's demonstration. Returns whether each step showed what the course says.
bool saddle_demonstration() {
  using tiny = ctnn::basic_network<double, ctnn::input<1>, ctnn::dense<1, ctnn::identity, ctnn::no_bias>,
                                   ctnn::dense<1, ctnn::identity, ctnn::no_bias>>;
  const ctnn::dataset<double, 1, 1> one(std::vector<double>{1.0}, std::vector<double>{1.0});  // x = 1, ŷ = 1
  const auto sgd = ctnn::sgd{.learning_rate = 0.1f};
  const ctnn::basic_fit_options<double, 1, 1> options{.epochs = 1000, .batch_size = 1, .gradient_tolerance = 1e-9};

  tiny net;                                                              // w₁ = w₂ = 0
  const auto stalled = ctnn::fit(net, one, ctnn::mse{}, sgd, options);  // zero gradient: no step moves
  const auto cp = ctnn::analyze_critical_point(net, one, ctnn::mse{});  // a saddle, eigenvalues -2 and 2
  std::vector<double> theta = ctnn::flatten(net);
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] += cp.escape_direction[i];  // θ′ + u
  ctnn::unflatten(net, theta);
  const double stepped = ctnn::evaluate(net, one, ctnn::mse{}).loss;
  const auto trained = ctnn::fit(net, one, ctnn::mse{}, sgd, options);
  const auto end = ctnn::analyze_critical_point(net, one, ctnn::mse{});  // a minimum: 0 and 4

  std::printf("y = w2 w1 x, squared error on x = 1, y = 1: L = (w2 w1 - 1)^2\n");
  std::printf("gradient descent from w1 = w2 = 0: stops after %zu step, gradient %.1e, loss %.4f\n",
              stalled.size(), stalled.back().gradient_norm, stalled.back().loss);
  report(cp, " %.4f");
  std::printf("  escape direction u = (%.4f, %.4f), the eigenvector of %.4f\n", cp.escape_direction[0],
              cp.escape_direction[1], cp.eigenvalues[0]);
  std::printf("one step to (w1, w2) + u = (%.4f, %.4f): loss %.4f -> %.4f\n", theta[0], theta[1],
              stalled.back().loss, stepped);
  const auto w = ctnn::flatten(net);
  std::printf("gradient descent from there: %zu epochs, w1 = %.6f, w2 = %.6f, loss %.1e\n", trained.size(), w[0],
              w[1], trained.back().loss);
  report(end, " %.4f");
  std::printf("  the zero eigenvalue is the valley w1 w2 = 1, along which L stays 0: every minimum\n"
              "  of this model is degenerate, and the Hessian alone cannot rule out a saddle there\n");
  return cp.kind == ctnn::critical_point_kind::saddle && stepped < stalled.back().loss &&
         end.kind == ctnn::critical_point_kind::local_minimum && end.degenerate;
}

// A network of the course's kind, y = b + c₁ sigmoid(b₁ + w₁ x) + c₂ sigmoid(b₂ + w₂ x), fitted
// to 24 samples of a bump that it cannot follow exactly: training ends where every eigenvalue
// of the Hessian is positive, a strict local minimum.
bool true_minimum() {
  using curve = ctnn::basic_network<double, ctnn::input<1>, ctnn::dense<2, ctnn::sigmoid>,
                                    ctnn::dense<1, ctnn::identity>>;
  ctnn::dataset<double, 1, 1> data;
  const auto sigmoid = [](double z) { return 1 / (1 + std::exp(-z)); };
  for (int i = 0; i < 24; ++i) {
    const double x = -3 + 6 * i / 23.0;
    const double bump = sigmoid(3 * (x + 1)) - sigmoid(3 * (x - 1)) + 0.1 * std::sin(7 * x);
    data.add(ctnn::vector<double, 1>{x}, ctnn::vector<double, 1>{bump});
  }
  curve net;
  ctnn::initialize(net, 1);
  const auto history = ctnn::fit(net, data, ctnn::mse{}, ctnn::adam{.learning_rate = 0.05f},
                                 {.epochs = 50000, .batch_size = 24, .gradient_tolerance = 1e-7});
  const auto cp = ctnn::analyze_critical_point(net, data, ctnn::mse{});

  std::printf("\ny = b + c1 sigmoid(b1 + w1 x) + c2 sigmoid(b2 + w2 x) (%zu parameters),\n"
              "24 samples of a bump with a wiggle it cannot follow\n",
              curve::parameter_count);
  std::printf("adam on the whole set until |gradient| < 1e-7: %zu epochs, loss %.6f\n", history.size(),
              history.back().loss);
  report(cp, " %.2e");
  const bool strict = cp.kind == ctnn::critical_point_kind::local_minimum && !cp.degenerate;
  std::printf("  the smallest eigenvalue is %.1e of the largest: %s\n", cp.eigenvalues.front() / cp.eigenvalues.back(),
              strict ? "every one above zero, a true local minimum" : "not a strict minimum");
  return strict;
}

// The trained digits model of 06_digits (784 -> 128 relu -> 64 relu -> 10 softmax, 109,386
// parameters, too many for a dense Hessian): trained in float as there, copied into a double
// network, and the extreme eigenvalues of the Hessian of its training loss found by Lanczos.
int digits_experiment(std::size_t iterations, double relative_step) {
  using layers = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                               ctnn::dense<10, ctnn::softmax>>;
  using layers64 = ctnn::basic_network<double, ctnn::input<784>, ctnn::dense<128, ctnn::relu>,
                                       ctnn::dense<64, ctnn::relu>, ctnn::dense<10, ctnn::softmax>>;
  static_assert(!ctnn::fits_dense_hessian_v<layers64>);
  const std::string images = "data/mnist10k-images-idx3-ubyte.gz", labels = "data/mnist10k-labels-idx1-ubyte.gz";
  const auto all = ctnn::io::load_idx<784, 10>(images, labels);
  const auto train = all.slice(0, 8000), test = all.slice(8000, all.size());
  layers net;
  ctnn::initialize(net, 42);
  ctnn::fit(net, train, ctnn::cross_entropy{}, ctnn::adam{.learning_rate = 1e-3f},
            {.epochs = 15, .batch_size = 64, .shuffle = true, .seed = 7});
  std::printf("digits model (%zu parameters) trained as 06_digits does: test accuracy %.4f\n",
              layers::parameter_count, ctnn::evaluate(net, test, ctnn::cross_entropy{}).accuracy);

  const std::vector<float> theta = ctnn::flatten(net);
  layers64 net64;
  ctnn::unflatten(net64, std::vector<double>(theta.begin(), theta.end()));
  const auto all64 = ctnn::io::load_idx<784, 10, double>(images, labels);
  const auto train64 = all64.slice(0, 8000);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<double> g = ctnn::gradient(net64, train64, ctnn::cross_entropy{});
  const double gradient_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double norm = 0;
  for (const double x : g) norm += x * x;
  std::printf("in double, on the 8000 training images: loss %.6f, |gradient| %.3e (%.2f s per gradient)\n",
              ctnn::evaluate(net64, train64, ctnn::cross_entropy{}).loss, std::sqrt(norm), gradient_seconds);

  const double step = relative_step > 0 ? relative_step : ctnn::hessian_relative_step_v<layers64, ctnn::cross_entropy>;
  const auto lanczos_start = std::chrono::steady_clock::now();
  const auto ext = ctnn::hessian_extremes(net64, train64, ctnn::cross_entropy{},
                                          {.max_iterations = iterations, .relative_step = step});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - lanczos_start).count();
  std::printf("hessian_extremes: %zu Lanczos steps (relative step %.0e), %.1f s, %s; asymmetry %.1e\n",
              ext.iterations, step, seconds, ext.converged ? "converged" : "not converged", ext.asymmetry);
  std::printf("  largest eigenvalue  %+.6e  (residual %.1e)\n", ext.largest, ext.largest_residual);
  std::printf("  smallest eigenvalue %+.6e  (residual %.1e), %+.2e of the largest\n", ext.smallest,
              ext.smallest_residual, ext.smallest / ext.largest);
  // The quadratic model L(θ + t u) ≈ L(θ) + t ∇L·u + ½ λ t² against the loss itself.
  const double l0 = ctnn::evaluate(net64, train64, ctnn::cross_entropy{}).loss;
  double slope = 0;
  for (std::size_t i = 0; i < g.size(); ++i) slope += g[i] * ext.smallest_vector[i];
  std::printf("  along its unit eigenvector u:   t    L(θ + t u) - L(θ)   quadratic model\n");
  for (const double t : {-1.0, -0.3, -0.1, 0.1, 0.3, 1.0}) {
    std::vector<double> moved = ctnn::flatten(net64);
    for (std::size_t i = 0; i < moved.size(); ++i) moved[i] += t * ext.smallest_vector[i];
    layers64 probe = net64;
    ctnn::unflatten(probe, moved);
    std::printf("                                %+5.1f   %+.3e          %+.3e\n", t,
                ctnn::evaluate(probe, train64, ctnn::cross_entropy{}).loss - l0, t * slope + ext.smallest * t * t / 2);
  }
  // The gradient is small but not zero, so the verdict is the Hessian's alone.
  const auto curvature = ctnn::classify_critical_point(0, ext.smallest, ext.largest);
  std::printf("  the Hessian there: %s\n",
              curvature.kind == ctnn::critical_point_kind::saddle
                  ? "indefinite, so not a minimum: the loss still falls along the smallest eigenvector"
                  : "positive semi-definite, as at a minimum");
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc > 1 && std::string(argv[1]) == "--digits")
    return digits_experiment(argc > 2 ? std::stoul(argv[2]) : 100,
                             argc > 3 ? std::stod(argv[3]) : 0.0);
  const bool saddle = saddle_demonstration();
  const bool minimum = true_minimum();
  return saddle && minimum ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 2;
}
