#pragma once
/// @file
/// Batches: a runtime number of rows of a static width, the data that training moves
/// through a network (one sample per row).

#include <ctnn/error.hpp>
#include <ctnn/fwd.hpp>
#include <ctnn/simd/aligned_buffer.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/tensor/shape.hpp>
#include <ctnn/tensor/tensor_base.hpp>

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

namespace ctnn {

namespace detail {

/// The row count of an owning batch or dataset: a move leaves it at zero, as it leaves the
/// storage empty, so a moved-from object is empty and usable instead of claiming rows it no
/// longer holds.
class row_count {
 public:
  constexpr row_count(std::size_t n = 0) noexcept : n_(n) {}  // NOLINT: a count is a number
  constexpr row_count(const row_count&) noexcept = default;
  constexpr row_count& operator=(const row_count&) noexcept = default;
  constexpr row_count(row_count&& other) noexcept : n_(std::exchange(other.n_, 0)) {}
  constexpr row_count& operator=(row_count&& other) noexcept {
    n_ = std::exchange(other.n_, 0);
    return *this;
  }
  constexpr ~row_count() = default;
  constexpr row_count& operator++() noexcept {
    ++n_;
    return *this;
  }
  constexpr operator std::size_t() const noexcept { return n_; }  // NOLINT: reads as the count

 private:
  std::size_t n_;
};

}  // namespace detail

namespace detail {
[[noreturn]] inline void throw_row_range(std::size_t first, std::size_t last, std::size_t rows) {
  throw error("batch rows [" + std::to_string(first) + ", " + std::to_string(last) +
              ") are outside a batch of " + std::to_string(rows) + " rows");
}
}  // namespace detail

/// A non-owning view of `rows()` consecutive rows of a batch, each of `Cols` elements of
/// `T` (`const float` for a read-only view) stored in `simd::padded_size<T, Cols>` elements
/// whose padding is zero. Copying a view copies the pointer, never the data.
///
/// A view is an expression and, when `T` is not const, a destination: assigning an
/// expression whose row count differs throws `ctnn::error` naming both counts.
///
/// @code
/// ctnn::batch_matrix<float, 784> images(1000);
/// ctnn::batch_view<float, 784> first64 = images.view(0, 64);
/// first64 = first64 * 2.0f;                   // rows 0..63 of images, in place
/// @endcode
template <class T, std::size_t Cols>
class batch_view : public detail::tensor_base<batch_view<T, Cols>, T, batch_shape<Cols>> {
  static_assert(simd::scalar<std::remove_const_t<T>>, "a batch holds float or double");
  static_assert(Cols > 0, "a batch row needs at least one element");

 public:
  using value_type = std::remove_const_t<T>;
  using shape_type = batch_shape<Cols>;
  /// Stored length of a row.
  static constexpr std::size_t row_stride = simd::padded_size<value_type, Cols>;

  constexpr batch_view() noexcept = default;
  /// `rows` rows starting at `data`, which is 64-byte aligned with rows `row_stride` apart.
  constexpr batch_view(T* data, std::size_t rows) noexcept : data_(data), rows_(rows) {}
  /// A read-only view of a writable one.
  template <class U>
    requires(std::is_const_v<T> && std::is_same_v<const U, T>)
  constexpr batch_view(const batch_view<U, Cols>& other) noexcept  // NOLINT: widening
      : data_(other.data()), rows_(other.rows()) {}

  constexpr batch_view(const batch_view&) noexcept = default;
  /// Rebinds the view (copies the pointer, not the rows).
  constexpr batch_view& operator=(const batch_view&) noexcept = default;

  /// Evaluates `e` into the viewed rows.
  /// @throws ctnn::error when `e` has a different number of rows (nothing is written).
  template <detail::expression_type E>
    requires(!std::is_const_v<T> && !std::is_same_v<std::remove_cvref_t<E>, batch_view>)
  batch_view& operator=(const E& e) {
    detail::evaluate(*this, e);
    return *this;
  }

  [[nodiscard]] constexpr std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] static constexpr std::size_t columns() noexcept { return Cols; }
  [[nodiscard]] constexpr T* data() const noexcept { return data_; }

  /// Element at row `r` < rows(), column `c` < Cols.
  [[nodiscard]] constexpr T& operator()(std::size_t r, std::size_t c) const noexcept {
    return data_[r * row_stride + c];
  }
  /// The `Cols` elements of row `r`.
  [[nodiscard]] constexpr std::span<T, Cols> row(std::size_t r) const noexcept {
    return std::span<T, Cols>(data_ + r * row_stride, Cols);
  }
  /// Rows `[first, last)` of this view.
  /// @throws ctnn::error when the range is not within the view.
  [[nodiscard]] batch_view view(std::size_t first, std::size_t last) const {
    if (first > last || last > rows_) detail::throw_row_range(first, last, rows_);
    return batch_view(data_ + first * row_stride, last - first);
  }

 private:
  T* data_ = nullptr;
  std::size_t rows_ = 0;
};

/// An owning batch: `rows()` rows of `Cols` elements of `T`, in one 64-byte aligned heap
/// block allocated by the constructor (or by `resize` beyond the capacity, or by an
/// assignment that needs more rows), zero-initialised, with zero padding. One row is one
/// sample. Element-wise expressions over batches check row counts at run time.
///
/// @code
/// ctnn::batch_matrix<float, 10> logits(64), probabilities(64);
/// probabilities = ctnn::exp(logits);          // one loop over 64 rows
/// auto head = probabilities.view(0, 8);       // rows 0..7, no copy
/// @endcode
template <simd::scalar T, std::size_t Cols>
class batch_matrix : public detail::tensor_base<batch_matrix<T, Cols>, T, batch_shape<Cols>> {
  static_assert(Cols > 0, "a batch row needs at least one element");

 public:
  using value_type = T;
  using shape_type = batch_shape<Cols>;
  /// Stored length of a row.
  static constexpr std::size_t row_stride = simd::padded_size<T, Cols>;

  /// `rows` rows, all zero.
  explicit batch_matrix(std::size_t rows = 0) : storage_(rows * row_stride), rows_(rows) {}

  /// Evaluates `e` (a batch expression) into a new batch of `e`'s row count.
  template <detail::expression_type E>
    requires(!std::is_same_v<std::remove_cvref_t<E>, batch_matrix>)
  batch_matrix(const E& e)  // NOLINT(google-explicit-constructor)
      : batch_matrix(e.rows()) {
    detail::evaluate(*this, e);
  }

  /// Evaluates `e` into this batch, first resizing it to `e`'s row count (allocating only
  /// beyond the capacity). `e` may read it.
  template <detail::expression_type E>
    requires(!std::is_same_v<std::remove_cvref_t<E>, batch_matrix>)
  batch_matrix& operator=(const E& e) {
    if (e.rows() != rows_) {
      if (e.rows() > capacity() || e.reads(this->storage())) {
        batch_matrix result(e);  // e may read *this: evaluate before replacing the storage
        return *this = std::move(result);
      }
      resize(e.rows());  // within the capacity: no allocation
    }
    detail::evaluate(*this, e);
    return *this;
  }

  /// Sets the row count; allocates only when `rows` exceeds the capacity. Rows added are zero.
  void resize(std::size_t rows) {
    if (rows * row_stride > storage_.size()) {
      simd::aligned_buffer<T> larger(rows * row_stride);
      std::copy_n(storage_.data(), rows_ * row_stride, larger.data());
      storage_ = std::move(larger);
    } else if (rows > rows_) {
      std::fill(data() + rows_ * row_stride, data() + rows * row_stride, T(0));
    }
    rows_ = rows;
  }

  /// Number of rows (samples).
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  /// Rows that fit without allocating.
  [[nodiscard]] std::size_t capacity() const noexcept { return storage_.size() / row_stride; }
  /// Elements of a row, `Cols` (padding excluded; `row_stride` is the stored length).
  [[nodiscard]] static constexpr std::size_t columns() noexcept { return Cols; }
  /// The storage: row `r` starts at `data() + r * row_stride`, 64-byte aligned, padding
  /// zero; null when nothing was ever allocated. Growing beyond the capacity moves it.
  [[nodiscard]] T* data() noexcept { return storage_.data(); }
  [[nodiscard]] const T* data() const noexcept { return storage_.data(); }

  /// Element at row `r` < rows(), column `c` < Cols (unchecked).
  [[nodiscard]] T& operator()(std::size_t r, std::size_t c) noexcept {
    return data()[r * row_stride + c];
  }
  [[nodiscard]] const T& operator()(std::size_t r, std::size_t c) const noexcept {
    return data()[r * row_stride + c];
  }
  /// The `Cols` elements of row `r` < rows() (unchecked), in place: sample `r`.
  [[nodiscard]] std::span<T, Cols> row(std::size_t r) noexcept {
    return std::span<T, Cols>(data() + r * row_stride, Cols);
  }
  [[nodiscard]] std::span<const T, Cols> row(std::size_t r) const noexcept {
    return std::span<const T, Cols>(data() + r * row_stride, Cols);
  }

  /// All rows, as a view.
  [[nodiscard]] batch_view<T, Cols> view() noexcept { return {data(), rows_}; }
  [[nodiscard]] batch_view<const T, Cols> view() const noexcept { return {data(), rows_}; }
  /// Rows `[first, last)`, as a view (no copy).
  /// @throws ctnn::error when the range is not within the batch.
  [[nodiscard]] batch_view<T, Cols> view(std::size_t first, std::size_t last) {
    return view().view(first, last);
  }
  [[nodiscard]] batch_view<const T, Cols> view(std::size_t first, std::size_t last) const {
    return view().view(first, last);
  }

 private:
  simd::aligned_buffer<T> storage_;
  detail::row_count rows_;
};

}  // namespace ctnn
