// net(x) on one sample: every form of input a user may hold it in, read in place, gives the
// vector form's output bit for bit; which forms are accepted, and that all are noexcept.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

template <class T>
using small_model = ctnn::basic_network<T, ctnn::input<16>, ctnn::dense<32, ctnn::relu>, ctnn::dense<32, ctnn::relu>,
                                        ctnn::dense<1, ctnn::identity>>;
template <class T>
using mlp_model = ctnn::basic_network<T, ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                                      ctnn::dense<10, ctnn::softmax>>;
// Odd sizes: no layer fills whole packs, so padding is exercised everywhere.
template <class T>
using odd_model = ctnn::basic_network<T, ctnn::input<19>, ctnn::dense<40, ctnn::sigmoid>, ctnn::dense<3, ctnn::softmax>>;

template <class Model>
Model make_model(std::uint64_t seed) {
  Model net;
  ctnn::initialize(net, seed);
  // initialize leaves the biases at zero; non-zero ones make the bias add observable.
  ctnn::detail::random_bits random(seed + 1);
  ctnn::detail::for_each_index<Model::layer_count>([&](auto l) {
    for (std::size_t o = 0; o < Model::template layer<l>::outputs; ++o)
      net.template bias<l>(o) = static_cast<typename Model::value_type>(random.uniform() - 0.5);
  });
  return net;
}

template <class T, std::size_t N>
std::vector<T> random_values(std::uint64_t seed) {
  ctnn::detail::random_bits random(seed);
  std::vector<T> values(N);
  for (auto& v : values) v = static_cast<T>(2 * random.uniform() - 1);
  return values;
}

// Every element, padding lanes included, has the same bits in both.
template <class T, std::size_t N>
bool same_bits(const ctnn::vector<T, N>& a, const ctnn::vector<T, N>& b) {
  using bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  for (std::size_t i = 0; i < ctnn::simd::padded_size<T, N>; ++i)
    if (std::bit_cast<bits>(a.data()[i]) != std::bit_cast<bits>(b.data()[i])) return false;
  return true;
}

template <class Model>
void check_every_form(const Model& net, std::uint64_t seed) {
  using T = typename Model::value_type;
  constexpr std::size_t n = Model::input_size;
  std::vector<T> values = random_values<T, n>(seed);
  const auto x = ctnn::vector<T, n>::from(values);
  const auto expected = net(x);

  std::array<T, n> array{};
  std::copy(values.begin(), values.end(), array.begin());
  const std::array<T, n>& const_array = array;
  T c_array[n];
  std::copy(values.begin(), values.end(), c_array);
  const std::span<T, n> mutable_span(values.data(), n);
  const std::span<const T, n> const_span(values.data(), n);

  CHECK(same_bits(net(const_span), expected));
  CHECK(same_bits(net(mutable_span), expected));
  CHECK(same_bits(net(array), expected));
  CHECK(same_bits(net(const_array), expected));
  CHECK(same_bits(net(std::move(array)), expected));
  CHECK(same_bits(net(c_array), expected));
  CHECK(same_bits(net(std::span(values).template first<n>()), expected));
}

}  // namespace

TEMPLATE_TEST_CASE("one sample in a span, an array or a C array gives the vector's output bit for bit",
                   "[nn][inference]", float, double) {
  SECTION("16-32-32-1, parameters inline") { check_every_form(make_model<small_model<TestType>>(1), 2); }
  SECTION("784-128-64-10 softmax, parameters on the heap") { check_every_form(make_model<mlp_model<TestType>>(3), 4); }
  SECTION("19-40-3 softmax, odd sizes") { check_every_form(make_model<odd_model<TestType>>(5), 6); }
}

TEMPLATE_TEST_CASE("an input read in place needs no alignment and no padding", "[nn][inference]", float, double) {
  using T = TestType;
  const auto net = make_model<odd_model<T>>(7);
  constexpr std::size_t n = odd_model<T>::input_size;
  const std::vector<T> values = random_values<T, n>(8);
  const auto expected = net(ctnn::vector<T, n>::from(values));

  SECTION("one element past an aligned address, followed by NaN") {
    // A kernel that loaded whole packs of x, or read past its n values, would meet the NaN
    // (and give NaN: 0 · NaN is NaN), or fault on an aligned load from this address.
    alignas(ctnn::simd::alignment) T storage[1 + ctnn::simd::padded_size<T, n> + ctnn::simd::block<T>];
    std::fill(std::begin(storage), std::end(storage), std::numeric_limits<T>::quiet_NaN());
    std::copy(values.begin(), values.end(), storage + 1);
    CHECK(same_bits(net(std::span<const T, n>(storage + 1, n)), expected));
  }
  SECTION("a heap block of exactly n values") {
    // Under AddressSanitizer, a read of one value past the block is reported.
    const auto block = std::make_unique<T[]>(n);
    std::copy(values.begin(), values.end(), block.get());
    CHECK(same_bits(net(std::span<const T, n>(block.get(), n)), expected));
  }
}

TEMPLATE_TEST_CASE("a dataset's row is an input", "[nn][inference]", float, double) {
  using T = TestType;
  using model = odd_model<T>;
  constexpr std::size_t in = model::input_size, out = model::output_size;
  const auto net = make_model<model>(9);
  const std::vector<T> inputs = random_values<T, 5 * in>(10), targets(5 * out, T(0));
  const ctnn::dataset<T, in, out> data(inputs, targets);
  const auto view = data.slice(2, 5);
  for (std::size_t r = 0; r < data.size(); ++r) {
    const auto expected = net(ctnn::vector<T, in>::from(std::span(inputs).subspan(r * in, in)));
    CHECK(same_bits(net(data.input(r)), expected));
    if (r >= 2) CHECK(same_bits(net(view.input(r - 2)), expected));
  }
}

TEMPLATE_TEST_CASE("net(x) on a span agrees with the naive policy", "[nn][inference]", float, double) {
  // An independent reference: the naive policy's scalar loops. The tolerance is rounding:
  // the kernels sum in another order (a few ulps per layer, well below 1e-5 relative).
  using T = TestType;
  using model = mlp_model<T>;
  const auto net = make_model<model>(11);
  const std::vector<T> values = random_values<T, model::input_size>(12);
  const auto x = ctnn::vector<T, model::input_size>::from(values);
  const auto p = net(std::span<const T, model::input_size>(values.data(), values.size()));
  const auto reference = ctnn::forward<ctnn::naive>(net, x);
  for (std::size_t o = 0; o < model::output_size; ++o) CHECK(p[o] == Approx(reference[o]).epsilon(1e-5).margin(1e-7));
}

namespace {

// Accepted forms: each is noexcept (the guarantee of an embedded model's hot path), and the
// trait says so. Checked for a float and a double network, lvalues and rvalues alike.
template <class Model, class Input>
constexpr bool call_is_noexcept = noexcept(std::declval<const Model&>()(std::declval<Input>()));

template <class Model>
constexpr bool every_accepted_form_is_noexcept() {
  using T = typename Model::value_type;
  constexpr std::size_t n = Model::input_size, out = Model::output_size;
  using row = decltype(std::declval<const ctnn::dataset<T, n, out>&>().input(0));
  using view_row = decltype(std::declval<const ctnn::dataset_view<T, n, out>&>().input(0));
  static_assert(call_is_noexcept<Model, const ctnn::vector<T, n>&>);
  static_assert(call_is_noexcept<Model, ctnn::vector<T, n>&>);
  static_assert(call_is_noexcept<Model, ctnn::vector<T, n>>);
  static_assert(call_is_noexcept<Model, std::span<const T, n>>);
  static_assert(call_is_noexcept<Model, std::span<T, n>>);
  static_assert(call_is_noexcept<Model, const std::array<T, n>&>);
  static_assert(call_is_noexcept<Model, std::array<T, n>&>);
  static_assert(call_is_noexcept<Model, std::array<T, n>>);
  static_assert(call_is_noexcept<Model, const T (&)[n]>);
  static_assert(call_is_noexcept<Model, T (&)[n]>);
  static_assert(call_is_noexcept<Model, row> && call_is_noexcept<Model, view_row>);
  // The output is the same type whatever the form.
  static_assert(std::is_same_v<decltype(std::declval<const Model&>()(std::declval<row>())),
                               ctnn::vector<T, out>>);
  return true;
}
static_assert(every_accepted_form_is_noexcept<small_model<float>>());
static_assert(every_accepted_form_is_noexcept<small_model<double>>());
static_assert(every_accepted_form_is_noexcept<mlp_model<float>>());
static_assert(every_accepted_form_is_noexcept<mlp_model<double>>());

template <class Model>
constexpr bool trait_sorts_inputs() {
  using T = typename Model::value_type;
  using other = std::conditional_t<std::is_same_v<T, float>, double, float>;
  constexpr std::size_t n = Model::input_size;
  static_assert(ctnn::input_compatible_v<Model, ctnn::vector<T, n>>);
  static_assert(ctnn::input_compatible_v<Model, const ctnn::vector<T, n>&>);
  static_assert(ctnn::input_compatible_v<Model, std::span<const T, n>>);
  static_assert(ctnn::input_compatible_v<Model, std::span<T, n>>);
  static_assert(ctnn::input_compatible_v<Model, std::array<T, n>>);
  static_assert(ctnn::input_compatible_v<Model, const std::array<T, n>>);
  static_assert(ctnn::input_compatible_v<Model, T[n]>);
  // Rejected: each has a compile-fail test (tests/compile_fail/network_input_*.cpp).
  static_assert(!ctnn::input_compatible_v<Model, std::vector<T>>);
  static_assert(!ctnn::input_compatible_v<Model, std::span<const T>>);
  static_assert(!ctnn::input_compatible_v<Model, std::span<T>>);
  static_assert(!ctnn::input_compatible_v<Model, std::span<const T, n + 1>>);
  static_assert(!ctnn::input_compatible_v<Model, std::array<T, n - 1>>);
  static_assert(!ctnn::input_compatible_v<Model, ctnn::vector<T, n + 1>>);
  static_assert(!ctnn::input_compatible_v<Model, T[n + 1]>);
  static_assert(!ctnn::input_compatible_v<Model, std::array<other, n>>);
  static_assert(!ctnn::input_compatible_v<Model, std::span<const other, n>>);
  static_assert(!ctnn::input_compatible_v<Model, ctnn::vector<other, n>>);
  static_assert(!ctnn::input_compatible_v<Model, std::array<int, n>>);
  return true;
}
static_assert(trait_sorts_inputs<small_model<float>>());
static_assert(trait_sorts_inputs<small_model<double>>());
static_assert(trait_sorts_inputs<odd_model<float>>());
static_assert(trait_sorts_inputs<odd_model<double>>());

}  // namespace
