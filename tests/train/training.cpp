// Training: fused against naive, determinism, errors that lose nothing, convergence.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace {

using Catch::Matchers::Contains;

template <class T, std::size_t In, std::size_t Out>
ctnn::dataset<T, In, Out> classes(std::size_t rows, std::uint64_t seed) {
  ctnn::detail::random_bits random(seed);
  std::vector<T> x(rows * In), y(rows * Out, T(0));
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t label = random.below(Out);
    y[r * Out + label] = 1;
    for (std::size_t i = 0; i < In; ++i)
      x[r * In + i] = static_cast<T>(random.uniform() + (i % Out == label ? 0.5 : 0.0));
  }
  return {x, y};
}

template <class T>
double worst_relative_difference(const std::vector<T>& a, const std::vector<T>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(double(a[i]) - double(b[i])) / std::max(1.0, std::abs(double(b[i]))));
  return worst;
}

}  // namespace

TEST_CASE("fused and naive policies agree after one epoch", "[train]") {
  using model = ctnn::network<ctnn::input<37>, ctnn::dense<29, ctnn::relu>, ctnn::dense<17, ctnn::tanh>,
                              ctnn::dense<5, ctnn::softmax>>;
  const auto data = classes<float, 37, 5>(300, 1);
  model fused_net;
  ctnn::initialize(fused_net, 3);
  model naive_net = fused_net;
  const ctnn::fit_options<37, 5> options{.epochs = 1, .batch_size = 32, .shuffle = true, .seed = 9};
  SECTION("sgd") {
    ctnn::fit(fused_net, data, ctnn::cross_entropy{}, ctnn::sgd{.learning_rate = 0.1f}, options);
    ctnn::fit<ctnn::naive>(naive_net, data, ctnn::cross_entropy{}, ctnn::sgd{.learning_rate = 0.1f}, options);
  }
  SECTION("momentum") {
    ctnn::fit(fused_net, data, ctnn::cross_entropy{}, ctnn::momentum{.learning_rate = 0.05f}, options);
    ctnn::fit<ctnn::naive>(naive_net, data, ctnn::cross_entropy{}, ctnn::momentum{.learning_rate = 0.05f}, options);
  }
  SECTION("adam") {
    ctnn::fit(fused_net, data, ctnn::cross_entropy{}, ctnn::adam{}, options);
    ctnn::fit<ctnn::naive>(naive_net, data, ctnn::cross_entropy{}, ctnn::adam{}, options);
  }
  const auto a = ctnn::flatten(fused_net), b = ctnn::flatten(naive_net);
  CHECK(worst_relative_difference(a, b) <= 1e-5);
  CHECK(a != ctnn::flatten([] { model m; ctnn::initialize(m, 3); return m; }()));  // it trained
}

TEST_CASE("single-sample, batch and naive forward passes agree", "[train]") {
  using model = ctnn::network<ctnn::input<19>, ctnn::dense<40, ctnn::sigmoid>, ctnn::dense<3, ctnn::softmax>>;
  model net;
  ctnn::initialize(net, 4);
  const auto data = classes<float, 19, 3>(50, 2);
  const auto batch = net(data.inputs());
  for (std::size_t r = 0; r < data.size(); ++r) {
    ctnn::vector<float, 19> x;
    std::copy(data.input(r).begin(), data.input(r).end(), x.begin());
    const auto p = net(x);
    const auto slow = ctnn::forward<ctnn::naive>(net, x);
    // Reference: the textbook formula, written out.
    std::vector<double> h(40), z(3);
    for (std::size_t o = 0; o < 40; ++o) {
      double s = net.bias<0>(o);
      for (std::size_t i = 0; i < 19; ++i) s += double(net.weight<0>(o, i)) * x[i];
      h[o] = 1 / (1 + std::exp(-s));
    }
    double total = 0;
    for (std::size_t o = 0; o < 3; ++o) {
      double s = net.bias<1>(o);
      for (std::size_t i = 0; i < 40; ++i) s += double(net.weight<1>(o, i)) * h[i];
      total += z[o] = std::exp(s);
    }
    for (std::size_t o = 0; o < 3; ++o) {
      CHECK(p[o] == Approx(z[o] / total).epsilon(1e-5));
      CHECK(batch(r, o) == Approx(z[o] / total).epsilon(1e-5));
      CHECK(slow[o] == Approx(z[o] / total).epsilon(1e-5));
    }
  }
}

TEST_CASE("training is deterministic", "[train]") {
  using model = ctnn::network<ctnn::input<10>, ctnn::dense<16, ctnn::relu>, ctnn::dense<4, ctnn::softmax>>;
  const auto data = classes<float, 10, 4>(200, 5);
  const auto run = [&] {
    model net;
    ctnn::initialize(net, 77);
    ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::adam{}, {.epochs = 3, .batch_size = 16, .seed = 3});
    return ctnn::flatten(net);
  };
  CHECK(run() == run());
  model a, b;
  ctnn::initialize(a, 1);
  ctnn::initialize(b, 2);
  CHECK(ctnn::flatten(a) != ctnn::flatten(b));
}

TEST_CASE("fit's history, validation and stop rules", "[train]") {
  using model = ctnn::network<ctnn::input<10>, ctnn::dense<16, ctnn::relu>, ctnn::dense<4, ctnn::softmax>>;
  const auto data = classes<float, 10, 4>(200, 6);
  model net;
  ctnn::initialize(net, 1);
  SECTION("validation and epochs") {
    const auto h = ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::sgd{.learning_rate = 0.5f},
                             {.epochs = 20, .batch_size = 20, .validation = data.slice(0, 100)});
    REQUIRE(h.size() == 20);
    CHECK(h.back().loss < h.front().loss);
    CHECK(h.back().validation_accuracy > 0.9);
    const auto e = ctnn::evaluate(net, data.slice(0, 100), ctnn::cross_entropy{});
    CHECK(e.accuracy == h.back().validation_accuracy);
    CHECK(e.loss == Approx(h.back().validation_loss));
  }
  SECTION("without validation the fields are NaN") {
    const auto h = ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::sgd{}, {.epochs = 1});
    CHECK(std::isnan(h[0].validation_loss));
  }
  SECTION("max_updates stops within an epoch") {
    const auto h = ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::sgd{},
                             {.epochs = 10, .batch_size = 20, .max_updates = 25});
    CHECK(h.size() == 3);  // 10 updates per epoch
  }
  SECTION("the epoch callback can stop training") {
    std::size_t calls = 0;
    const auto h = ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::sgd{},
                             {.epochs = 10, .on_epoch = [&](std::size_t, const ctnn::epoch_record&) {
                                return ++calls < 4;
                              }});
    CHECK(h.size() == 4);
  }
  SECTION("the batch callback sees every step, its loss, and can stop training") {
    std::vector<ctnn::batch_record> seen;
    const auto h = ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::sgd{},
                             {.epochs = 3, .batch_size = 64, .on_batch = [&](const ctnn::batch_record& b) {
                                seen.push_back(b);
                                return true;
                              }});
    REQUIRE(seen.size() == 12);  // 200 samples in batches of 64: 4 a epoch, the last of 8
    for (std::size_t i = 0; i < seen.size(); ++i) {
      CHECK(seen[i].epoch == i / 4);
      CHECK(seen[i].batch == i % 4);
      CHECK(seen[i].batches == 4);
      CHECK(seen[i].samples == (i % 4 == 3 ? 8 : 64));
    }
    for (std::size_t e = 0; e < 3; ++e) {  // the epoch's loss is the batches' sample-weighted mean
      double total = 0;
      for (std::size_t b = 0; b < 4; ++b) total += seen[e * 4 + b].loss * double(seen[e * 4 + b].samples);
      CHECK(h[e].loss == Approx(total / 200));
    }
    std::size_t calls = 0;
    const auto stopped = ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::sgd{},
                                   {.epochs = 3, .batch_size = 64,
                                    .on_batch = [&](const ctnn::batch_record&) { return ++calls < 6; }});
    CHECK(calls == 6);
    REQUIRE(stopped.size() == 2);  // stopped in the second epoch, after its second batch
  }
}

TEST_CASE("a non-finite loss stops fit with the epoch and batch, keeping finite parameters", "[train]") {
  using model = ctnn::network<ctnn::input<2>, ctnn::dense<1, ctnn::identity>>;
  std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8}, y{1, 2, 3, std::numeric_limits<float>::quiet_NaN()};
  const ctnn::dataset<float, 2, 1> data(x, y);
  model net;
  ctnn::initialize(net, 1);
  std::vector<float> after_first_batch;
  REQUIRE_THROWS_WITH(ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.01f},
                                {.epochs = 1, .batch_size = 2, .shuffle = false,
                                 .on_epoch = {}}),
                      Contains("epoch 1, batch 2") && Contains("not finite"));
  for (float v : ctnn::flatten(net)) CHECK(std::isfinite(v));
  // The first batch was applied: the parameters are those of the last finite step.
  model reference;
  ctnn::initialize(reference, 1);
  ctnn::trainer step(reference, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.01f}, 2);
  step(data.slice(0, 2));
  CHECK(ctnn::flatten(net) == ctnn::flatten(reference));
}

namespace {
// y = w2 (w1 x + b1) + b2: with w1 x = 1 the loss is finite while ∂L/∂w1 = sign · w2 · x is not.
using two_identities = ctnn::network<ctnn::input<1>, ctnn::dense<1, ctnn::identity>, ctnn::dense<1, ctnn::identity>>;

template <class Policy>
void check_overflowing_gradient_changes_nothing() {
  two_identities net;
  const std::vector<float> theta{1e-30f, 0, 1e30f, 0}, x{1e30f}, y{0};
  ctnn::unflatten(net, theta);
  const ctnn::dataset<float, 1, 1> data(x, y);
  ctnn::trainer<two_identities, ctnn::mae, ctnn::adam, Policy> step(net, ctnn::mae{}, ctnn::adam{}, 1);
  CHECK_THROWS_WITH(step(data), Contains("gradient is not finite") && Contains("no parameter was changed"));
  CHECK(ctnn::flatten(net) == theta);
  // The optimizer's state did not move either: a finite step afterwards is Adam's first step.
  const std::vector<float> small_x{1}, small_y{3};
  const ctnn::dataset<float, 1, 1> fine(small_x, small_y);
  const std::vector<float> start{0.5f, 0.25f, 2, 0};
  ctnn::unflatten(net, start);
  step(fine);
  two_identities fresh;
  ctnn::unflatten(fresh, start);
  ctnn::trainer<two_identities, ctnn::mae, ctnn::adam, Policy> first(fresh, ctnn::mae{}, ctnn::adam{}, 1);
  first(fine);
  CHECK(ctnn::flatten(net) == ctnn::flatten(fresh));
}
}  // namespace

TEST_CASE("a non-finite gradient under a finite loss changes nothing", "[train]") {
  SECTION("fused") { check_overflowing_gradient_changes_nothing<ctnn::fused>(); }
  SECTION("naive") { check_overflowing_gradient_changes_nothing<ctnn::naive>(); }
  SECTION("fit names the epoch and batch") {
    two_identities net;
    const std::vector<float> theta{1e-30f, 0, 1e30f, 0}, x{1, 1e30f}, y{0, 0};
    ctnn::unflatten(net, theta);
    const ctnn::dataset<float, 1, 1> data(x, y);
    CHECK_THROWS_WITH(ctnn::fit(net, data, ctnn::mae{}, ctnn::sgd{.learning_rate = 0},
                                {.epochs = 1, .batch_size = 1, .shuffle = false}),
                      Contains("epoch 1, batch 2") && Contains("gradient is not finite"));
    CHECK(ctnn::flatten(net) == theta);  // the first step moved nothing (learning rate 0)
  }
}

TEST_CASE("huge but finite gradients take the checked path and match the naive policy", "[train]") {
  // ∂L/∂w1 = w2 · x = 1e30: beyond the bound under which the fused policy updates in the
  // kernels' epilogues, still finite.
  const std::vector<float> theta{1e-20f, 0, 1e10f, 0}, x{1e20f, -1e20f}, y{0, 0};
  const ctnn::dataset<float, 1, 1> data(x, y);
  two_identities fused_net, naive_net;
  ctnn::unflatten(fused_net, theta);
  ctnn::unflatten(naive_net, theta);
  ctnn::trainer<two_identities, ctnn::mae, ctnn::sgd, ctnn::fused> fused_step(fused_net, ctnn::mae{},
                                                                            ctnn::sgd{.learning_rate = 1e-30f}, 2);
  ctnn::trainer<two_identities, ctnn::mae, ctnn::sgd, ctnn::naive> naive_step(naive_net, ctnn::mae{},
                                                                            ctnn::sgd{.learning_rate = 1e-30f}, 2);
  CHECK(fused_step(data) == Approx(naive_step(data)));
  CHECK(fused_step.gradient_norm() == Approx(naive_step.gradient_norm()).epsilon(1e-6));
  CHECK(fused_step.gradient_norm() > 1e29);
  CHECK(worst_relative_difference(ctnn::flatten(fused_net), ctnn::flatten(naive_net)) <= 1e-6);
  CHECK(ctnn::flatten(fused_net) != theta);
}

TEST_CASE("the step's gradient norm and the gradient-norm stop rule", "[train]") {
  using model = ctnn::network<ctnn::input<3>, ctnn::dense<1, ctnn::identity>>;
  std::vector<float> x, y;
  for (int i = 0; i < 40; ++i) {
    const float a = float(i % 7) / 7, b = float(i % 5) / 5, c = float(i % 3) / 3;
    x.insert(x.end(), {a, b, c});
    y.push_back(1 + 2 * a - b + 0.5f * c);
  }
  const ctnn::dataset<float, 3, 1> data(x, y);
  model net;
  ctnn::initialize(net, 4);
  SECTION("the norm of the gradient the step applied") {
    double expected = 0;
    for (float g : ctnn::gradient(net, data, ctnn::mse{})) expected += double(g) * g;
    ctnn::trainer fused_step(net, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.1f}, 40);
    fused_step(data);
    CHECK(fused_step.gradient_norm() == Approx(std::sqrt(expected)).epsilon(1e-5));
  }
  SECTION("full-batch gradient descent stops when the norm is below the tolerance") {
    const auto h = ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.5f},
                             {.epochs = 100000, .batch_size = 40, .gradient_tolerance = 1e-3});
    REQUIRE(h.size() < 100000);
    CHECK(h.back().gradient_norm < 1e-3);
    CHECK(h[h.size() - 2].gradient_norm >= 1e-3);
    CHECK(net.weight<0>(0, 0) == Approx(2).margin(0.01));
  }
}

TEST_CASE("a network over 64 KiB keeps its parameters in one heap block, and trains", "[train]") {
  using model = ctnn::network<ctnn::input<128>, ctnn::dense<160, ctnn::relu>, ctnn::dense<4, ctnn::softmax>>;
  static_assert(model::parameter_count * sizeof(float) > ctnn::detail::inline_parameter_bytes);
  static_assert(sizeof(model) < 256, "the parameters are not inside the object");
  const auto data = classes<float, 128, 4>(64, 9);
  model net;
  ctnn::initialize(net, 3);
  model copy = net;  // a deep copy
  CHECK(copy.parameters() != net.parameters());
  CHECK(copy == net);
  const double before = ctnn::evaluate(net, data, ctnn::cross_entropy{}).loss;
  ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::sgd{.learning_rate = 0.05f}, {.epochs = 5, .batch_size = 16});
  CHECK(ctnn::evaluate(net, data, ctnn::cross_entropy{}).loss < before);
  CHECK(ctnn::flatten(copy) != ctnn::flatten(net));
  ctnn::fit<ctnn::naive>(copy, data, ctnn::cross_entropy{}, ctnn::sgd{.learning_rate = 0.05f},
                         {.epochs = 5, .batch_size = 16});
  CHECK(worst_relative_difference(ctnn::flatten(net), ctnn::flatten(copy)) <= 1e-4);
}

TEST_CASE("trainer and dataset errors name both sizes", "[train]") {
  using model = ctnn::network<ctnn::input<3>, ctnn::dense<2, ctnn::sigmoid>>;
  model net;
  std::vector<float> x(30), y(20);
  const ctnn::dataset<float, 3, 2> data(x, y);
  ctnn::trainer step(net, ctnn::binary_cross_entropy{}, ctnn::sgd{}, 4);
  CHECK_THROWS_WITH(step(data.slice(0, 5)), Contains("5") && Contains("max_batch of 4"));
  CHECK_THROWS_WITH(step(data.slice(0, 0)), Contains("empty"));
  CHECK_THROWS_WITH(data.slice(3, 11), Contains("[3, 11)") && Contains("10 samples"));
  std::vector<float> bad(31);
  CHECK_THROWS_WITH((ctnn::dataset<float, 3, 2>(bad, y)), Contains("31") && Contains("rows of 3"));
  std::vector<float> fewer(18);
  CHECK_THROWS_WITH((ctnn::dataset<float, 3, 2>(x, fewer)), Contains("10 input rows but 9 target rows"));
  const auto before = ctnn::flatten(net);
  std::vector<float> short_theta(before.size() - 1);
  CHECK_THROWS_WITH(ctnn::unflatten(net, short_theta),
                    Contains("expected " + std::to_string(before.size())) && Contains(std::to_string(before.size() - 1)));
  CHECK(ctnn::flatten(net) == before);
}

TEST_CASE("flatten and unflatten: layer by layer, W row-major, then b", "[train]") {
  using model = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::relu>, ctnn::dense<1, ctnn::identity, ctnn::no_bias>>;
  static_assert(model::parameter_count == 2 * 3 + 3 + 3);
  model net;
  std::vector<float> theta(model::parameter_count);
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] = float(i + 1);
  ctnn::unflatten(net, theta);
  CHECK(net.weight<0>(0, 1) == 2);  // neuron 0, input 1
  CHECK(net.weight<0>(1, 0) == 3);
  CHECK(net.bias<0>(2) == 9);
  CHECK(net.weight<1>(0, 2) == 12);
  CHECK(ctnn::flatten(net) == theta);
}

TEST_CASE("course models converge", "[train]") {
  SECTION("y = b + w x") {
    using model = ctnn::network<ctnn::input<1>, ctnn::dense<1, ctnn::identity>>;
    std::vector<float> x, y;
    for (int i = 0; i < 50; ++i) {
      x.push_back(float(i) / 25 - 1);
      y.push_back(3 + 2 * x.back());
    }
    model net;
    ctnn::fit(net, ctnn::dataset<float, 1, 1>(x, y), ctnn::mse{}, ctnn::sgd{.learning_rate = 0.1f},
              {.epochs = 200, .batch_size = 50});
    CHECK(net.weight<0>(0, 0) == Approx(2).epsilon(1e-3));
    CHECK(net.bias<0>(0) == Approx(3).epsilon(1e-3));
  }
  SECTION("logistic regression with binary cross-entropy") {
    using model = ctnn::network<ctnn::input<2>, ctnn::dense<1, ctnn::sigmoid>>;
    const auto data = [] {
      ctnn::detail::random_bits random(8);
      std::vector<float> x, y;
      for (int i = 0; i < 400; ++i) {
        const float a = float(random.uniform() * 4 - 2), b = float(random.uniform() * 4 - 2);
        x.insert(x.end(), {a, b});
        y.push_back(a + b > 0.5f ? 1.0f : 0.0f);
      }
      return ctnn::dataset<float, 2, 1>(x, y);
    }();
    model net;
    ctnn::fit(net, data, ctnn::binary_cross_entropy{}, ctnn::adam{.learning_rate = 0.05f}, {.epochs = 100});
    std::size_t right = 0;
    for (std::size_t i = 0; i < data.size(); ++i) {
      const auto p = net(ctnn::vector<float, 2>{data.input(i)[0], data.input(i)[1]});
      right += (p[0] > 0.5f) == (data.target(i)[0] > 0.5f);
    }
    CHECK(double(right) / double(data.size()) > 0.97);
  }
}

TEST_CASE("trainer::gradient writes to memory of any alignment", "[train]") {
  using model = ctnn::network<ctnn::input<5>, ctnn::dense<19, ctnn::tanh>, ctnn::dense<3, ctnn::softmax>>;
  const auto data = classes<float, 5, 3>(24, 2);
  model net;
  ctnn::initialize(net, 6);
  ctnn::trainer step(net, ctnn::cross_entropy{}, ctnn::sgd{}, 24);
  constexpr std::size_t n = model::stored_parameter_count;
  ctnn::simd::aligned_buffer<float> aligned(n);
  // One float past an aligned address: never aligned to a pack of two or more floats.
  ctnn::simd::aligned_buffer<float> shifted(n + ctnn::simd::alignment / sizeof(float));
  const double loss = step.gradient(data, aligned.data());
  CHECK(step.gradient(data, shifted.data() + 1) == loss);
  CHECK(std::equal(aligned.data(), aligned.data() + n, shifted.data() + 1));
  CHECK(std::any_of(aligned.data(), aligned.data() + n, [](float g) { return g != 0; }));
}

TEST_CASE("a moved-from dataset is empty and usable", "[train]") {
  ctnn::dataset<float, 2, 1> a({1, 2, 3, 4}, {5, 6});
  ctnn::dataset<float, 2, 1> b(std::move(a));
  CHECK(b.size() == 2);
  CHECK(b.target(1)[0] == 6);
  CHECK(a.size() == 0);  // NOLINT(bugprone-use-after-move): the state after a move is the point
  CHECK(a.empty());
  a.add(std::array<float, 2>{7, 8}, std::array<float, 1>{9});
  REQUIRE(a.size() == 1);
  CHECK(a.input(0)[1] == 8);
  ctnn::dataset<float, 2, 1> c;
  c = std::move(b);
  CHECK(c.size() == 2);
  CHECK(b.size() == 0);  // NOLINT(bugprone-use-after-move)
}
