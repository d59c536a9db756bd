// The embedding guarantee that nothing allocates on the hot paths: net(x) for one sample, and a
// trainer step once the trainer exists and has run one step. Every form of the global
// operator new is replaced by one that counts its calls, so an allocation anywhere in the
// program (the library, the standard library, Catch2) is seen.
//
// Replacing operator new is allowed under AddressSanitizer: the replacements allocate with
// malloc, which ASan intercepts, and release with free.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>
#include <type_traits>
#include <vector>

namespace {

// Relaxed: a test reads it from the thread that allocates, so program order is enough, and
// another thread's allocation can only make a test fail, never pass.
std::atomic<std::size_t> allocation_count{0};

void* counted(std::size_t size) noexcept {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}

void* counted(std::size_t size, std::align_val_t alignment) noexcept {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  const auto a = static_cast<std::size_t>(alignment);
  // aligned_alloc needs a size that is a multiple of the alignment (and not 0).
  return std::aligned_alloc(a, (size + a - 1) / a * a + (size == 0 ? a : 0));
}

void* counted_or_throw(void* p) {
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// Out of line: where g++ inlines a replaced operator delete next to the operator new of the
// same pointer, it would see free() of memory from operator new and warn
// (-Wmismatched-new-delete), not knowing that both are these malloc-based replacements.
[[gnu::noinline]] void release(void* p) noexcept { std::free(p); }

}  // namespace

void* operator new(std::size_t size) { return counted_or_throw(counted(size)); }
void* operator new[](std::size_t size) { return counted_or_throw(counted(size)); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted(size); }
void* operator new(std::size_t size, std::align_val_t a) { return counted_or_throw(counted(size, a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return counted_or_throw(counted(size, a)); }
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept { return counted(size, a); }
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted(size, a);
}

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }

namespace {

/// The number of calls to any operator new while `f` runs.
template <class F>
std::size_t allocations_during(F&& f) {
  const std::size_t before = allocation_count.load(std::memory_order_relaxed);
  f();
  return allocation_count.load(std::memory_order_relaxed) - before;
}

// Keeps a pointer alive as far as the optimiser knows: a new-expression whose result is
// never used may be elided, and the counter would then miss it.
void* volatile escaped = nullptr;

using small_model = ctnn::network<ctnn::input<16>, ctnn::dense<32, ctnn::relu>, ctnn::dense<32, ctnn::relu>,
                                  ctnn::dense<1, ctnn::identity>>;
using mlp_model = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                                ctnn::dense<10, ctnn::softmax>>;

/// `rows` samples with inputs in [-1, 1] and, with one output, a smooth target, else a
/// one-hot class.
template <class Model>
ctnn::dataset<float, Model::input_size, Model::output_size> make_data(std::size_t rows, std::uint64_t seed) {
  constexpr std::size_t in = Model::input_size, out = Model::output_size;
  ctnn::detail::random_bits random(seed);
  std::vector<float> x(rows * in), y(rows * out, 0.0f);
  for (std::size_t r = 0; r < rows; ++r) {
    float s = 0;
    for (std::size_t i = 0; i < in; ++i) s += x[r * in + i] = static_cast<float>(2 * random.uniform() - 1);
    if constexpr (out == 1)
      y[r] = std::sin(s);
    else
      y[r * out + random.below(out)] = 1.0f;
  }
  return {x, y};
}

/// Allocations during `count` inferences of `net` on rows of `data`, one sample at a time:
/// with `ctnn::fused`, net(x) of a ctnn::vector and of the span that `dataset::input`
/// returns; with `ctnn::naive`, forward<naive>(net, x).
template <class Policy, class Model>
std::size_t inference_allocations(const Model& net, const ctnn::dataset<float, Model::input_size, Model::output_size>& data,
                                  std::size_t count) {
  std::vector<ctnn::vector<float, Model::input_size>> inputs;
  for (std::size_t r = 0; r < data.size(); ++r) inputs.push_back(ctnn::vector<float, Model::input_size>(data.input(r)));
  double total = 0;
  const std::size_t n = allocations_during([&] {
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t r = k % data.size();
      if constexpr (std::is_same_v<Policy, ctnn::naive>) {
        total += double(ctnn::forward<ctnn::naive>(net, inputs[r])[0]);
      } else {
        total += double(net(inputs[r])[0]);
        total += double(net(data.input(r))[0]);
      }
    }
  });
  CHECK(std::isfinite(total));  // the results are used, so no call is optimised away
  return n;
}

/// Allocations during `steps` trainer steps on batches of at most `batch` rows from `data`,
/// counted from the trainer's construction on. The first step takes one row and every fourth
/// step fewer than `batch` (as the last batch of an epoch does), so a buffer sized by the
/// first batch, or grown by a larger one later, is seen.
template <class Policy, class Model, class Loss, class Optimizer>
std::size_t step_allocations(Model& net, const ctnn::dataset<float, Model::input_size, Model::output_size>& data,
                             Loss loss, Optimizer optimizer, std::size_t batch, std::size_t steps) {
  ctnn::trainer<Model, Loss, Optimizer, Policy> step(net, loss, optimizer, batch);
  const std::size_t batches = data.size() / batch;
  double total = 0;
  const std::size_t n = allocations_during([&] {
    for (std::size_t k = 0; k < steps; ++k) {
      const std::size_t first = (k % batches) * batch;
      const std::size_t rows = k == 0 ? 1 : k % 4 == 3 ? 1 + k % batch : batch;
      total += double(step(data.slice(first, first + rows)));
    }
  });
  CHECK(std::isfinite(total));
  return n;
}

}  // namespace

TEST_CASE("the counting operator new sees every form of allocation", "[embedding][allocations]") {
  // Without this, a replacement that the program does not use would let every test pass.
  CHECK(allocations_during([] { escaped = new float(1.0f); }) == 1);
  delete static_cast<float*>(escaped);
  CHECK(allocations_during([] { escaped = new float[3]; }) == 1);
  delete[] static_cast<float*>(escaped);
  CHECK(allocations_during([] { escaped = new (std::nothrow) double(2.0); }) == 1);
  operator delete(escaped, std::nothrow);
  struct alignas(128) wide {
    float values[32];
  };
  CHECK(allocations_during([] { escaped = new wide; }) == 1);
  delete static_cast<wide*>(escaped);
  CHECK(allocations_during([] { escaped = new wide[2]; }) == 1);
  delete[] static_cast<wide*>(escaped);
  CHECK(allocations_during([] { escaped = new (std::nothrow) wide; }) == 1);
  operator delete(escaped, std::align_val_t{alignof(wide)}, std::nothrow);
  CHECK(allocations_during([] { std::vector<float> v(100); escaped = v.data(); }) == 1);
  CHECK(allocations_during([] { ctnn::simd::aligned_buffer<float> b(100); escaped = b.data(); }) == 1);
}

TEMPLATE_TEST_CASE("net(x) and forward<naive>(net, x) allocate nothing", "[embedding][allocations]", ctnn::fused,
                   ctnn::naive) {
  using policy = TestType;
  SECTION("16-32-32-1, parameters inline") {
    small_model net;
    ctnn::initialize(net, 1);
    CHECK(inference_allocations<policy>(net, make_data<small_model>(64, 2), 10000) == 0);
  }
  SECTION("784-128-64-10, parameters on the heap") {
    const std::size_t construction = allocations_during([] {
      mlp_model net;
      escaped = net.parameters();
    });
    CHECK(construction == 1);  // the parameter block: once, in the constructor
    mlp_model net;
    ctnn::initialize(net, 3);
    CHECK(inference_allocations<policy>(net, make_data<mlp_model>(16, 4), 1000) == 0);
  }
}

TEMPLATE_TEST_CASE("a trainer step allocates nothing after construction", "[embedding][allocations]", ctnn::fused,
                   ctnn::naive) {
  using policy = TestType;
  SECTION("16-32-32-1, mse, batch 32") {
    const auto data = make_data<small_model>(128, 5);
    small_model net;
    ctnn::initialize(net, 6);
    CHECK(step_allocations<policy>(net, data, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.01f}, 32, 100) == 0);
    CHECK(step_allocations<policy>(net, data, ctnn::mse{}, ctnn::adam{.learning_rate = 1e-3f}, 32, 100) == 0);
  }
  SECTION("784-128-64-10, cross_entropy, batch 16") {
    const auto data = make_data<mlp_model>(64, 7);
    mlp_model net;
    ctnn::initialize(net, 8);
    CHECK(step_allocations<policy>(net, data, ctnn::cross_entropy{}, ctnn::sgd{.learning_rate = 0.01f}, 16, 100) ==
          0);
    CHECK(step_allocations<policy>(net, data, ctnn::cross_entropy{}, ctnn::adam{.learning_rate = 1e-3f}, 16, 100) ==
          0);
  }
}
