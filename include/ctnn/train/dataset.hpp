#pragma once
/// @file
/// `ctnn::dataset<T, In, Out>`: samples with `In` features and `Out` targets each, stored
/// row by row in padded, aligned rows (the layout the kernels read), and
/// `ctnn::dataset_view`, a non-owning range of its rows.

#include <ctnn/error.hpp>
#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/tensor/batch_matrix.hpp>
#include <ctnn/tensor/vector.hpp>

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>

namespace ctnn {

/// A non-owning view of `size()` consecutive samples of a dataset. Copying it copies two
/// pointers. Valid while the dataset it views is neither destroyed nor grown.
template <simd::scalar T, std::size_t In, std::size_t Out>
class dataset_view {
 public:
  static constexpr std::size_t input_size = In, output_size = Out;
  static constexpr std::size_t input_stride = simd::padded_size<T, In>;
  static constexpr std::size_t target_stride = simd::padded_size<T, Out>;

  constexpr dataset_view() noexcept = default;
  /// `rows` samples: inputs at `inputs` (rows `input_stride` apart), targets at `targets`.
  constexpr dataset_view(const T* inputs, const T* targets, std::size_t rows) noexcept
      : inputs_(inputs), targets_(targets), rows_(rows) {}

  /// Number of samples.
  [[nodiscard]] constexpr std::size_t size() const noexcept { return rows_; }
  /// Whether it has no sample.
  [[nodiscard]] constexpr bool empty() const noexcept { return rows_ == 0; }
  /// Features of sample `i`.
  [[nodiscard]] std::span<const T, In> input(std::size_t i) const noexcept {
    return std::span<const T, In>(inputs_ + i * input_stride, In);
  }
  /// Targets of sample `i`.
  [[nodiscard]] std::span<const T, Out> target(std::size_t i) const noexcept {
    return std::span<const T, Out>(targets_ + i * target_stride, Out);
  }
  /// Samples `[first, last)`, without copying.
  /// @throws ctnn::error when the range is not within the view.
  [[nodiscard]] dataset_view slice(std::size_t first, std::size_t last) const {
    if (first > last || last > rows_)
      throw error("dataset slice [" + std::to_string(first) + ", " + std::to_string(last) +
                  ") is outside a dataset of " + std::to_string(rows_) + " samples");
    return {inputs_ + first * input_stride, targets_ + first * target_stride, last - first};
  }
  /// The inputs as a batch (one sample per row), for `net(batch)`.
  [[nodiscard]] batch_view<const T, In> inputs() const noexcept { return {inputs_, rows_}; }
  /// The targets as a batch (one sample per row).
  [[nodiscard]] batch_view<const T, Out> targets() const noexcept { return {targets_, rows_}; }

 private:
  const T* inputs_ = nullptr;
  const T* targets_ = nullptr;
  std::size_t rows_ = 0;
};

/// Samples for training and evaluation: a runtime number of rows, each `In` inputs and `Out`
/// targets (one-hot for classification). Stored in two padded batches, so a slice of
/// consecutive samples is a batch the kernels read in place.
///
/// @code
/// std::vector<float> x = ..., y = ...;         // 100 × 2 inputs, 100 × 1 targets
/// ctnn::dataset<float, 2, 1> data(x, y);        // throws unless x.size() / 2 == y.size() / 1
/// auto first_batch = data.slice(0, 32);         // a ctnn::dataset_view, no copy
/// @endcode
template <simd::scalar T, std::size_t In, std::size_t Out>
class dataset {
 public:
  using view = dataset_view<T, In, Out>;
  static constexpr std::size_t input_size = In, output_size = Out;

  dataset() = default;

  /// Samples from row-major flat arrays: `inputs` holds n × In values, `targets` n × Out.
  /// @throws ctnn::error when a length is not a multiple of its width, or when the two
  /// arrays hold different numbers of samples.
  dataset(std::span<const T> inputs, std::span<const T> targets) {
    if (inputs.size() % In != 0)
      throw error("dataset: " + std::to_string(inputs.size()) +
                  " input values do not divide into rows of " + std::to_string(In));
    if (targets.size() % Out != 0)
      throw error("dataset: " + std::to_string(targets.size()) +
                  " target values do not divide into rows of " + std::to_string(Out));
    if (inputs.size() / In != targets.size() / Out)
      throw error("dataset: " + std::to_string(inputs.size() / In) + " input rows but " +
                  std::to_string(targets.size() / Out) + " target rows");
    reserve(inputs.size() / In);
    for (std::size_t i = 0; i < inputs.size() / In; ++i)
      add(inputs.subspan(i * In).template first<In>(), targets.subspan(i * Out).template first<Out>());
  }
  /// The same from two `std::vector`s, which also lets the values be braced lists.
  /// @throws ctnn::error as the span form does.
  dataset(const std::vector<T>& inputs, const std::vector<T>& targets)
      : dataset(std::span<const T>(inputs), std::span<const T>(targets)) {}

  /// Appends one sample.
  void add(std::span<const T, In> x, std::span<const T, Out> y) {
    if (rows_ == x_.rows()) reserve(std::max<std::size_t>(2 * rows_, 16));
    std::copy(x.begin(), x.end(), x_.data() + rows_ * view::input_stride);
    std::copy(y.begin(), y.end(), y_.data() + rows_ * view::target_stride);
    ++rows_;
  }
  /// Appends one sample held in `ctnn::vector`s.
  void add(const vector<T, In>& x, const vector<T, Out>& y) {
    add(std::span<const T, In>(x.data(), In), std::span<const T, Out>(y.data(), Out));
  }

  /// Makes room for `rows` samples without changing `size()`.
  void reserve(std::size_t rows) {
    if (rows <= x_.rows()) return;
    x_.resize(rows);
    y_.resize(rows);
  }

  /// Number of samples.
  [[nodiscard]] std::size_t size() const noexcept { return rows_; }
  /// Whether it has no sample.
  [[nodiscard]] bool empty() const noexcept { return rows_ == 0; }
  /// Features of sample `i` (unchecked: `i` < `size()`), in place; growing the dataset
  /// invalidates the span.
  [[nodiscard]] std::span<const T, In> input(std::size_t i) const noexcept { return all().input(i); }
  /// Targets of sample `i` (unchecked: `i` < `size()`), in place, as `input`.
  [[nodiscard]] std::span<const T, Out> target(std::size_t i) const noexcept { return all().target(i); }
  /// Samples `[first, last)` as a view (no copy).
  /// @throws ctnn::error when the range is not within the dataset.
  [[nodiscard]] view slice(std::size_t first, std::size_t last) const { return all().slice(first, last); }
  /// The whole dataset as a view.
  [[nodiscard]] view all() const noexcept { return {x_.data(), y_.data(), rows_}; }
  operator view() const noexcept { return all(); }  // NOLINT: a dataset is usable as a view
  /// The inputs as a batch of `size()` rows (no copy), for `net(batch)`.
  [[nodiscard]] batch_view<const T, In> inputs() const noexcept { return all().inputs(); }
  /// The targets as a batch of `size()` rows (no copy).
  [[nodiscard]] batch_view<const T, Out> targets() const noexcept { return all().targets(); }

 private:
  batch_matrix<T, In> x_;
  batch_matrix<T, Out> y_;
  detail::row_count rows_;
};

}  // namespace ctnn
