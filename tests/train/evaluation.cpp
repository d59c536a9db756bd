// evaluate and fit's validation records: the loss, and an accuracy that depends on the output
// activation (softmax: the largest output; sigmoid: each output against 0.5; otherwise NaN),
// each compared with a count made here from the network's own outputs.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>

namespace {

/// Points on a spiral-free but overlapping pattern: two features, a label from a rule that a
/// small network only partly learns in one epoch.
ctnn::dataset<float, 2, 1> two_clouds(std::size_t n, std::uint64_t seed) {
  ctnn::detail::random_bits random(seed);
  ctnn::dataset<float, 2, 1> data;
  for (std::size_t i = 0; i < n; ++i) {
    const float x0 = float(4 * random.uniform() - 2), x1 = float(4 * random.uniform() - 2);
    data.add(ctnn::vector<float, 2>{x0, x1}, ctnn::vector<float, 1>{x0 * x1 + 0.3f * x0 > 0 ? 1.0f : 0.0f});
  }
  return data;
}

/// The fraction of outputs on the same side of 0.5 as their target, counted from net(x).
template <class Network, class Data>
double thresholded_accuracy(const Network& net, const Data& data) {
  std::size_t right = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto p = net(data.input(i));
    for (std::size_t o = 0; o < Network::output_size; ++o) right += (p[o] > 0.5f) == (data.target(i)[o] > 0.5f);
  }
  return double(right) / double(data.size() * Network::output_size);
}

}  // namespace

TEST_CASE("a sigmoid classifier's accuracy thresholds its output at 0.5", "[train][accuracy]") {
  // With one output, comparing the positions of the largest output and target always agrees:
  // the accuracy must count p > 0.5 against y > 0.5 instead.
  using model = ctnn::network<ctnn::input<2>, ctnn::dense<16, ctnn::tanh>, ctnn::dense<1, ctnn::sigmoid>>;
  const auto train = two_clouds(400, 1), validation = two_clouds(200, 2);
  model net;
  ctnn::initialize(net, 3);
  const ctnn::evaluation before = ctnn::evaluate(net, validation, ctnn::binary_cross_entropy{});
  CHECK(before.accuracy == Approx(thresholded_accuracy(net, validation)).epsilon(1e-12));
  CHECK(before.accuracy < 0.9);

  std::vector<double> expected;
  const auto history = ctnn::fit(net, train, ctnn::binary_cross_entropy{}, ctnn::sgd{.learning_rate = 0.5f},
                                 {.epochs = 3, .batch_size = 20, .seed = 4, .validation = validation.all(),
                                  .on_epoch = [&](std::size_t, const ctnn::epoch_record&) {
                                    expected.push_back(thresholded_accuracy(net, validation));
                                    return true;
                                  }});
  REQUIRE(history.size() == 3);
  for (std::size_t e = 0; e < history.size(); ++e) {
    INFO("epoch " << e + 1);
    CHECK(history[e].validation_accuracy == Approx(expected[e]).epsilon(1e-12));
    CHECK(history[e].validation_accuracy < 1.0);
  }
  // The validation loss is evaluate's, after the epoch.
  CHECK(history.back().validation_loss ==
        Approx(ctnn::evaluate(net, validation, ctnn::binary_cross_entropy{}).loss).epsilon(1e-6));
}

TEST_CASE("several sigmoid outputs: the accuracy averages over samples and outputs", "[train][accuracy]") {
  using model = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::sigmoid>>;
  model net;
  // Output o is positive for x0 > o - 1: on the four points below, outputs 0, 1, 2 are right
  // for 4, 3 and 2 of the targets (all targets are 1 but the last point's).
  for (std::size_t o = 0; o < 3; ++o) {
    net.weight<0>(o, 0) = 1.0f;
    net.bias<0>(o) = 1.0f - float(o) - 0.5f;
  }
  ctnn::dataset<float, 2, 3> data;
  data.add(ctnn::vector<float, 2>{2, 0}, ctnn::vector<float, 3>{1, 1, 1});    // 1, 1, 1 predicted: 3 right
  data.add(ctnn::vector<float, 2>{1, 0}, ctnn::vector<float, 3>{1, 1, 1});    // 1, 1, 0: 2 right
  data.add(ctnn::vector<float, 2>{0, 0}, ctnn::vector<float, 3>{1, 1, 1});    // 1, 0, 0: 1 right
  data.add(ctnn::vector<float, 2>{-1, 0}, ctnn::vector<float, 3>{0, 0, 0});   // 0, 0, 0: 3 right
  const auto result = ctnn::evaluate(net, data, ctnn::mse{});
  CHECK(result.accuracy == Approx(9.0 / 12.0).epsilon(1e-12));
  CHECK(result.accuracy == Approx(thresholded_accuracy(net, data)).epsilon(1e-12));
  CHECK(ctnn::evaluate<ctnn::naive>(net, data, ctnn::mse{}).accuracy == result.accuracy);
}

TEST_CASE("a softmax classifier's accuracy compares the largest output with the class", "[train][accuracy]") {
  using model = ctnn::network<ctnn::input<3>, ctnn::dense<3, ctnn::softmax>>;
  model net;
  for (std::size_t o = 0; o < 3; ++o) net.weight<0>(o, o) = 1.0f;  // predicts the largest input
  ctnn::dataset<float, 3, 3> data;
  data.add(ctnn::vector<float, 3>{3, 1, 0}, ctnn::vector<float, 3>{1, 0, 0});  // right
  data.add(ctnn::vector<float, 3>{0, 2, 1}, ctnn::vector<float, 3>{0, 1, 0});  // right
  data.add(ctnn::vector<float, 3>{0, 2, 1}, ctnn::vector<float, 3>{0, 0, 1});  // wrong
  data.add(ctnn::vector<float, 3>{5, 0, 9}, ctnn::vector<float, 3>{0, 1, 0});  // wrong
  data.add(ctnn::vector<float, 3>{0, 0, 4}, ctnn::vector<float, 3>{0, 0, 1});  // right
  for (const double accuracy : {ctnn::evaluate(net, data, ctnn::cross_entropy{}).accuracy,
                                ctnn::evaluate<ctnn::naive>(net, data, ctnn::cross_entropy{}).accuracy})
    CHECK(accuracy == Approx(3.0 / 5.0).epsilon(1e-12));
}

TEST_CASE("a regression has no accuracy: NaN in evaluate and in fit's records", "[train][accuracy]") {
  using model = ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>, ctnn::dense<1, ctnn::identity>>;
  model net;
  ctnn::initialize(net, 5);
  const auto data = two_clouds(64, 6);
  CHECK(std::isnan(ctnn::evaluate(net, data, ctnn::mse{}).accuracy));
  const auto history = ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{}, {.epochs = 2, .validation = data.all()});
  for (const auto& record : history) {
    CHECK(std::isfinite(record.validation_loss));
    CHECK(std::isnan(record.validation_accuracy));
  }
}

TEST_CASE("evaluate and gradient read a const network; fit refuses empty validation data", "[train]") {
  using model = ctnn::network<ctnn::input<2>, ctnn::dense<1, ctnn::sigmoid>>;
  model net;
  ctnn::initialize(net, 7);
  const model& view = net;
  const auto data = two_clouds(32, 8);
  const model before = net;
  const auto result = ctnn::evaluate(view, data, ctnn::binary_cross_entropy{});
  const auto g = ctnn::gradient(view, data, ctnn::binary_cross_entropy{});
  CHECK(std::isfinite(result.loss));
  CHECK(g.size() == model::parameter_count);
  CHECK(net == before);
  const ctnn::dataset<float, 2, 1> empty;
  CHECK_THROWS_WITH(ctnn::fit(net, data, ctnn::binary_cross_entropy{}, ctnn::sgd{}, {.validation = empty.all()}),
                    Catch::Contains("validation data is empty"));
}
