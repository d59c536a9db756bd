// The steps of docs/tutorial.md that no example covers, each a function that prints what the
// tutorial shows and checks what the tutorial claims. Every region between
// `// [tutorial: name]` and `// [/tutorial]` appears verbatim in docs/tutorial.md
// (tests/cmake/tutorial.cmake checks it).
//
//   ctnn_tutorial_steps          every step, each under its name; exit status 1 if a check fails
//   ctnn_tutorial_steps <step>   one step (its name as listed in main)
#include <ctnn/ctnn.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <vector>

namespace {

/// Reports a failed claim; the step then returns false.
bool check(bool holds, const char* claim) {
  if (!holds) std::printf("check failed: %s\n", claim);
  return holds;
}

/// Uniform numbers in [lo, hi) from a fixed generator: the same data on every platform.
class uniform {
 public:
  explicit uniform(std::uint32_t seed) : state_(seed) {}
  float operator()(float lo, float hi) {
    state_ = state_ * 1664525u + 1013904223u;  // Numerical Recipes' LCG
    return lo + (hi - lo) * static_cast<float>(state_ >> 8) * 0x1p-24f;
  }

 private:
  std::uint32_t state_;
};

// [tutorial: line-data]
// n samples of y = 3 + 2x + noise: x uniform in [−1, 1), the noise uniform in [−0.1, 0.1).
ctnn::dataset<float, 1, 1> line_data(std::size_t n, std::uint32_t seed) {
  uniform random(seed);
  ctnn::dataset<float, 1, 1> data;
  for (std::size_t i = 0; i < n; ++i) {
    const float x = random(-1, 1);
    data.add(ctnn::vector<float, 1>{x}, ctnn::vector<float, 1>{3 + 2 * x + random(-0.1f, 0.1f)});
  }
  return data;
}
// [/tutorial]

// [tutorial: model]
// y = b + w x: one input, one neuron, no activation. Its two parameters are unknown.
using line = ctnn::network<ctnn::input<1>, ctnn::dense<1, ctnn::identity>>;
static_assert(line::parameter_count == 2);
// [/tutorial]

bool model_step() {
  // [tutorial: model-guess]
  line net;                    // parameters start at zero
  net.weight<0>(0, 0) = 0.5f;  // a guess: w = 0.5
  net.bias<0>(0) = 1.0f;       //           b = 1
  for (const float x : {-1.0f, 0.0f, 2.0f})
    std::printf("x = %4.1f  ->  y = %.2f\n", x, net(ctnn::vector<float, 1>{x})[0]);
  // [/tutorial]
  return check(net(ctnn::vector<float, 1>{2.0f})[0] == 2.0f, "y = 1 + 0.5 * 2");
}

bool loss_step() {
  // [tutorial: loss]
  const ctnn::dataset<float, 1, 1> data = line_data(100, 1);  // y = 3 + 2x + noise
  std::printf("%5s %5s %9s %9s\n", "w", "b", "MAE", "MSE");
  const float guesses[][2] = {{0, 0}, {0.5f, 1}, {1, 3}, {2, 2}, {2, 3}};
  for (const auto& [w, b] : guesses) {
    line net;
    net.weight<0>(0, 0) = w;
    net.bias<0>(0) = b;
    std::printf("%5.1f %5.1f %9.4f %9.4f\n", w, b, ctnn::evaluate(net, data, ctnn::mae{}).loss,
                ctnn::evaluate(net, data, ctnn::mse{}).loss);
  }
  // [/tutorial]
  line best;
  best.weight<0>(0, 0) = 2;
  best.bias<0>(0) = 3;
  return check(ctnn::evaluate(best, data, ctnn::mae{}).loss < 0.06, "MAE of the true line is about 0.05");
}

// [tutorial: learning-rate]
// Trains y = b + w x from w = b = 0 by gradient descent on all the samples at once (each epoch
// is then one update), and prints the loss after 0, 1, 10 and 30 updates.
double descend(const ctnn::dataset<float, 1, 1>& data, float rate) {
  line net;
  const ctnn::history h = ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{.learning_rate = rate},
                                    {.epochs = 30, .batch_size = data.size(), .shuffle = false});
  const double last = ctnn::evaluate(net, data, ctnn::mse{}).loss;
  std::printf("%13.2f %9.4f %9.4f %9.4f %12.4f\n", rate, h[0].loss, h[1].loss, h[10].loss, last);
  return last;
}
// [/tutorial]

bool learning_rate_step() {
  // [tutorial: learning-rate-run]
  const ctnn::dataset<float, 1, 1> data = line_data(100, 1);  // the data of the loss step
  std::printf("%13s %9s %9s %9s %12s\n", "learning rate", "0 updates", "1", "10", "30");
  const double slow = descend(data, 0.01f), good = descend(data, 0.1f), fast = descend(data, 0.9f),
               too_large = descend(data, 1.1f);
  // [/tutorial]
  return check(fast < good && good < slow && slow < too_large, "larger steps go faster, until they diverge") &&
         check(too_large > 1000, "rate 1.1 diverges");
}

bool stopping_step() {
  const ctnn::dataset<float, 1, 1> data = line_data(100, 1);
  // [tutorial: stopping]
  line net;
  // Stop when the gradient's norm falls below 1e-3 (or, at the latest, after 1000 updates).
  ctnn::history h = ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.5f},
                              {.epochs = 1000, .batch_size = 100, .shuffle = false, .gradient_tolerance = 1e-3});
  std::printf("stopped after %zu updates: |gradient| = %.1e, w = %.4f, b = %.4f\n", h.size(),
              h.back().gradient_norm, net.weight<0>(0, 0), net.bias<0>(0));
  line other;
  h = ctnn::fit(other, data, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.5f},
                {.epochs = 1000, .batch_size = 100, .shuffle = false, .max_updates = 5});
  std::printf("stopped after %zu updates: |gradient| = %.1e, w = %.4f, b = %.4f\n", h.size(),
              h.back().gradient_norm, other.weight<0>(0, 0), other.bias<0>(0));
  // [/tutorial]
  return check(h.size() == 5, "max_updates = 5 stops after 5 updates");
}

// The piecewise-linear target of examples/03_lee_model.cpp (on [−2, 2]: rises, falls, flat, rises).
float target(float x) {
  if (x < -1) return 1 + (x + 2);
  if (x < 0.5f) return 2 - 2 * (x + 1);
  if (x < 1.2f) return -1;
  return -1 + 1.5f * (x - 1.2f);
}

ctnn::dataset<float, 1, 1> target_data() {
  ctnn::dataset<float, 1, 1> data;
  for (int i = 0; i < 256; ++i) {
    const float x = -2 + 4 * float(i) / 255;
    data.add(ctnn::vector<float, 1>{x}, ctnn::vector<float, 1>{target(x)});
  }
  return data;
}

bool linear_limit_step() {
  const ctnn::dataset<float, 1, 1> data = target_data();  // 256 points of target(x)
  // [tutorial: linear-limit]
  line net;
  ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.3f},
            {.epochs = 500, .batch_size = 256, .shuffle = false});
  std::printf("the best line: w = %.3f, b = %.3f, loss %.4f\n", net.weight<0>(0, 0), net.bias<0>(0),
              ctnn::evaluate(net, data, ctnn::mse{}).loss);
  // [/tutorial]
  return check(ctnn::evaluate(net, data, ctnn::mse{}).loss > 0.3, "no line fits the red curve");
}

bool hard_sigmoid_step() {
  // [tutorial: hard-sigmoid]
  std::printf("%5s %13s %26s\n", "z", "hard_sigmoid", "(relu(z+3) - relu(z-3))/6");
  for (const float z : {-4.0f, -3.0f, -1.5f, 0.0f, 1.5f, 3.0f, 4.0f})
    std::printf("%5.1f %13.4f %26.4f\n", z, ctnn::hard_sigmoid(z), (ctnn::relu(z + 3) - ctnn::relu(z - 3)) / 6);
  // [/tutorial]
  float worst = 0;
  for (float z = -5; z <= 5; z += 0.25f)
    worst = std::max(worst, std::abs(ctnn::hard_sigmoid(z) - (ctnn::relu(z + 3) - ctnn::relu(z - 3)) / 6));
  return check(worst < 1e-6f, "a hard sigmoid is two ReLUs");
}

bool sum_of_hard_sigmoids_step() {
  const ctnn::dataset<float, 1, 1> data = target_data();
  // [tutorial: sum-of-hard-sigmoids]
  // target = 1 + 1·(ramp from x = −2 to −1) − 3·(ramp from −1 to 0.5) + 1.2·(ramp from 1.2 to 2)
  ctnn::network<ctnn::input<1>, ctnn::dense<3, ctnn::hard_sigmoid>, ctnn::dense<1, ctnn::identity>> net;
  const float from[] = {-2, -1, 1.2f}, to[] = {-1, 0.5f, 2}, height[] = {1, -3, 1.2f};
  for (std::size_t i = 0; i < 3; ++i) {
    const float w = 6 / (to[i] - from[i]);  // b_i + w_i x runs from −3 to 3 along the ramp
    net.weight<0>(i, 0) = w;
    net.bias<0>(i) = -3 - w * from[i];
    net.weight<1>(0, i) = height[i];  // c_i
  }
  net.bias<1>(0) = 1;  // b
  std::printf("1 + three hard sigmoids: loss %.1e\n", ctnn::evaluate(net, data, ctnn::mse{}).loss);
  // [/tutorial]
  return check(ctnn::evaluate(net, data, ctnn::mse{}).loss < 1e-10, "three hard sigmoids make the red curve");
}

bool matrix_form_step() {
  // [tutorial: matrix-form]
  using model = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::sigmoid>, ctnn::dense<1, ctnn::identity>>;
  model net;
  ctnn::initialize(net, 11);
  // The same parameters as matrices: y = b + cᵀ σ(b₁ + W x).
  ctnn::matrix<float, 4, 3> W;
  ctnn::vector<float, 4> b1, c;
  for (std::size_t o = 0; o < 4; ++o) {
    for (std::size_t i = 0; i < 3; ++i) W(o, i) = net.weight<0>(o, i);
    b1[o] = net.bias<0>(o);
    c[o] = net.weight<1>(0, o);
  }
  const float b = net.bias<1>(0);
  const ctnn::vector<float, 3> x{1.0f, -2.0f, 0.5f};
  const ctnn::vector<float, 4> a = ctnn::sigmoid(W * x + b1);
  const float y = b + ctnn::sum(c * a);
  std::printf("by hand: %.6f   net(x): %.6f\n", y, net(x)[0]);
  // [/tutorial]
  return check(std::abs(y - net(x)[0]) < 1e-5f, "the matrix form is the network");
}

bool theta_step() {
  using model = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::sigmoid>, ctnn::dense<1, ctnn::identity>>;
  uniform random(5);
  ctnn::dataset<float, 3, 1> data;
  for (int i = 0; i < 64; ++i) {
    const float a = random(-1, 1), b = random(-1, 1), c = random(-1, 1);
    data.add(ctnn::vector<float, 3>{a, b, c}, ctnn::vector<float, 1>{a * b - c});
  }
  // [tutorial: theta]
  model net;
  ctnn::initialize(net, 11);
  std::vector<float> theta = ctnn::flatten(net);  // W (row by row), b₁, c, b: 12 + 4 + 4 + 1
  std::printf("theta has %zu parameters; loss %.4f\n", theta.size(), ctnn::evaluate(net, data, ctnn::mse{}).loss);
  const float eta = 0.1f;
  for (int update = 1; update <= 3; ++update) {
    const std::vector<float> g = ctnn::gradient(net, data, ctnn::mse{});  // ∂L/∂θ at θ
    for (std::size_t k = 0; k < theta.size(); ++k) theta[k] -= eta * g[k];  // θ ← θ − η g
    ctnn::unflatten(net, theta);
    std::printf("update %d: loss %.4f\n", update, ctnn::evaluate(net, data, ctnn::mse{}).loss);
  }
  // fit does the same: three full-batch updates with learning rate 0.1.
  model same;
  ctnn::initialize(same, 11);
  ctnn::fit(same, data, ctnn::mse{}, ctnn::sgd{.learning_rate = eta},
            {.epochs = 3, .batch_size = data.size(), .shuffle = false});
  const std::vector<float> fitted = ctnn::flatten(same);
  float largest = 0;
  for (std::size_t k = 0; k < theta.size(); ++k) largest = std::max(largest, std::abs(theta[k] - fitted[k]));
  std::printf("largest difference from fit's parameters: %.1e\n", largest);
  // [/tutorial]
  return check(largest < 1e-5f, "three steps by hand are fit's three updates");
}

/// What `train_in_batches` counted.
struct counts {
  std::size_t per_epoch = 0, last_batch = 0, updates = 0;
};

// [tutorial: batches]
// Two epochs of y = b + w x in batches of batch_size, counting the updates with on_batch.
counts train_in_batches(const ctnn::dataset<float, 1, 1>& data, std::size_t batch_size) {
  line net;
  counts c;
  const ctnn::history h = ctnn::fit(
      net, data, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.1f},
      {.epochs = 2, .batch_size = batch_size, .seed = 3, .on_batch = [&](const ctnn::batch_record& r) {
         ++c.updates;
         c.per_epoch = r.batches;  // the number of batches of an epoch
         c.last_batch = r.samples;
         return true;
       }});
  std::printf("%zu samples, batch %zu: %zu updates an epoch, the last on %zu samples; "
              "%zu epochs: %zu updates, loss %.4f\n",
              data.size(), batch_size, c.per_epoch, c.last_batch, h.size(), c.updates, h.back().loss);
  return c;
}
// [/tutorial]

bool batches_step() {
  // [tutorial: batches-run]
  const ctnn::dataset<float, 1, 1> data = line_data(10000, 2);  // 10,000 samples of y = 3 + 2x + noise
  const counts ten = train_in_batches(data, 10);
  const counts other = train_in_batches(data, 32);
  // [/tutorial]
  return check(ten.per_epoch == 1000 && ten.updates == 2000, "1000 updates an epoch") &&
         check(other.per_epoch == 313 && other.last_batch == 16, "313 updates an epoch");
}

/// `n` samples of 16 features in 4 classes: feature j is uniform in [0, 1), plus 0.5 when
/// j % 4 is the sample's class. Targets are one-hot.
ctnn::dataset<float, 16, 4> four_classes(std::size_t n, std::uint32_t seed) {
  uniform random(seed);
  ctnn::dataset<float, 16, 4> data;
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t label = std::min<std::size_t>(3, static_cast<std::size_t>(random(0, 4)));
    ctnn::vector<float, 16> x;
    ctnn::vector<float, 4> y;
    for (std::size_t j = 0; j < 16; ++j) x[j] = random(0, 1) + (j % 4 == label ? 0.5f : 0.0f);
    y[label] = 1;
    data.add(x, y);
  }
  return data;
}

bool backpropagation_step() {
  // [tutorial: backpropagation]
  using model = ctnn::network<ctnn::input<16>, ctnn::dense<64, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                              ctnn::dense<4, ctnn::softmax>>;
  const ctnn::dataset<float, 16, 4> data = four_classes(300, 9);  // 16 features, 4 classes
  model fused_net;
  ctnn::initialize(fused_net, 1);
  model naive_net = fused_net;  // the same starting parameters
  const ctnn::fit_options<16, 4> options{.epochs = 5, .batch_size = 50, .seed = 5};  // 6 updates an epoch
  const auto f = ctnn::fit(fused_net, data, ctnn::cross_entropy{}, ctnn::sgd{.learning_rate = 0.1f}, options);
  const auto n =
      ctnn::fit<ctnn::naive>(naive_net, data, ctnn::cross_entropy{}, ctnn::sgd{.learning_rate = 0.1f}, options);
  const std::vector<float> a = ctnn::flatten(fused_net), b = ctnn::flatten(naive_net);
  float largest = 0, difference = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    largest = std::max(largest, std::abs(a[k]));
    difference = std::max(difference, std::abs(a[k] - b[k]));
  }
  // Each policy's fastest epoch: the one least disturbed by whatever else the machine runs.
  const auto fastest = [](const ctnn::history& h) {
    double seconds = h[0].seconds;
    for (const ctnn::epoch_record& r : h) seconds = std::min(seconds, r.seconds);
    return 1e3 * seconds;
  };
  std::printf("fused: loss %.6f in epoch 5; fastest epoch %.3f ms\n", f.back().loss, fastest(f));
  std::printf("naive: loss %.6f in epoch 5; fastest epoch %.3f ms\n", n.back().loss, fastest(n));
  std::printf("%zu parameters, the largest %.4f; largest difference %.1e\n", a.size(), largest, difference);
  // [/tutorial]
  return check(difference < 1e-5f * std::max(1.0f, largest), "fused and naive compute the same step");
}

bool softmax_step() {
  // [tutorial: softmax]
  const ctnn::vector<float, 3> z{3.0f, 1.0f, -3.0f};  // the logits of one sample
  const ctnn::vector<float, 3> p = ctnn::softmax(z);
  std::printf("p = softmax(z) = (%.4f, %.4f, %.4f)\n", p[0], p[1], p[2]);
  // A network whose output layer computes exactly these logits for the input x = 1.
  ctnn::network<ctnn::input<1>, ctnn::dense<3, ctnn::softmax>> net;
  for (std::size_t o = 0; o < 3; ++o) net.weight<0>(o, 0) = z[o];
  ctnn::dataset<float, 1, 3> one;
  one.add(ctnn::vector<float, 1>{1.0f}, ctnn::vector<float, 3>{1.0f, 0.0f, 0.0f});  // class 0
  std::printf("cross-entropy %.4f = -log p[0] = %.4f\n", ctnn::evaluate(net, one, ctnn::cross_entropy{}).loss,
              -std::log(p[0]));
  const std::vector<float> g = ctnn::gradient(net, one, ctnn::cross_entropy{});  // w₀ w₁ w₂ b₀ b₁ b₂
  std::printf("dL/db = (%.4f, %.4f, %.4f) = p - y\n", g[3], g[4], g[5]);
  // [/tutorial]
  return check(std::abs(g[3] - (p[0] - 1)) < 1e-6f && std::abs(g[4] - p[1]) < 1e-6f, "dL/dz = p - y");
}

/// The losses of `net` trained from zero with `optimizer`, full batch, after 0, 10, 30,
/// 100 and 300 updates.
template <class Optimizer>
std::vector<double> optimizer_run(const ctnn::dataset<float, 2, 1>& data, Optimizer optimizer) {
  ctnn::network<ctnn::input<2>, ctnn::dense<1, ctnn::identity>> net;
  std::vector<double> losses;
  ctnn::fit(net, data, ctnn::mse{}, optimizer,
            {.epochs = 300, .batch_size = data.size(), .shuffle = false,
             .on_epoch = [&](std::size_t epoch, const ctnn::epoch_record& r) {
               if (epoch == 0 || epoch == 10 || epoch == 30 || epoch == 100) losses.push_back(r.loss);
               return true;
             }});
  losses.push_back(ctnn::evaluate(net, data, ctnn::mse{}).loss);
  return losses;
}

bool optimizers_step() {
  // [tutorial: optimizers]
  // Two features on different scales: the loss is a long, narrow valley.
  uniform random(7);
  ctnn::dataset<float, 2, 1> data;
  for (int i = 0; i < 200; ++i) {
    const float x1 = random(-1, 1), x2 = random(-10, 10);
    data.add(ctnn::vector<float, 2>{x1, x2}, ctnn::vector<float, 1>{1 + 2 * x1 - 0.3f * x2});
  }
  std::printf("%-31s %9s %9s %9s %9s %9s\n", "loss after updates:", "0", "10", "30", "100", "300");
  const auto show = [](const char* name, const std::vector<double>& losses) {
    std::printf("%-31s", name);
    for (const double l : losses) std::printf(" %9.1e", l);
    std::printf("\n");
  };
  const auto sgd = optimizer_run(data, ctnn::sgd{.learning_rate = 0.02f});
  const auto momentum = optimizer_run(data, ctnn::momentum{.learning_rate = 0.02f, .beta = 0.9f});
  const auto adam = optimizer_run(data, ctnn::adam{.learning_rate = 0.1f});
  show("sgd (rate 0.02)", sgd);
  show("momentum (rate 0.02, beta 0.9)", momentum);
  show("adam (rate 0.1)", adam);
  // [/tutorial]
  return check(momentum.back() < sgd.back() && adam.back() < sgd.back(), "momentum and Adam beat sgd");
}

struct step {
  const char* name;
  bool (*run)();
};

constexpr step steps[] = {
    {"model", model_step},
    {"loss", loss_step},
    {"learning-rate", learning_rate_step},
    {"stopping", stopping_step},
    {"linear-limit", linear_limit_step},
    {"hard-sigmoid", hard_sigmoid_step},
    {"sum-of-hard-sigmoids", sum_of_hard_sigmoids_step},
    {"matrix-form", matrix_form_step},
    {"theta", theta_step},
    {"batches", batches_step},
    {"backpropagation", backpropagation_step},
    {"softmax", softmax_step},
    {"optimizers", optimizers_step},
};

}  // namespace

int main(int argc, char** argv) try {
  const char* only = argc > 1 ? argv[1] : nullptr;
  bool ok = true, found = false;
  for (const step& s : steps) {
    if (only && std::strcmp(only, s.name) != 0) continue;
    if (!only) std::printf("%s[%s]\n", found ? "\n" : "", s.name);
    found = true;
    ok = s.run() && ok;
  }
  if (!found) {
    std::fprintf(stderr, "no step named %s; the steps are:", only);
    for (const step& s : steps) std::fprintf(stderr, " %s", s.name);
    std::fprintf(stderr, "\n");
    return 2;
  }
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 2;
}
