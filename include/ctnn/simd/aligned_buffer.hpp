#pragma once
/// @file
/// Runtime-sized, aligned, zero-initialised storage: the memory behind batch matrices,
/// large networks and training workspaces.

#include <ctnn/simd/pack.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace ctnn::simd {

/// A heap array of `T` aligned to `simd::alignment` bytes, zero-initialised, whose length is
/// rounded up to whole aligned blocks so that a full pack can be loaded at any multiple of
/// the pack width below `size()`. It allocates in its constructor and nowhere else (copy
/// allocates once; move never does).
///
/// @code
/// ctnn::simd::aligned_buffer<float> workspace(1000);   // 1008 floats, all zero
/// @endcode
template <scalar T>
class aligned_buffer {
 public:
  aligned_buffer() noexcept = default;

  /// Allocates `count` elements (rounded up to whole blocks), all zero.
  /// @throws std::bad_alloc when the memory is not available.
  explicit aligned_buffer(std::size_t count) : size_(padded<T>(count)) {
    if (size_ != 0) {
      data_.reset(static_cast<T*>(::operator new(size_ * sizeof(T), std::align_val_t{alignment})));
      std::fill_n(data_.get(), size_, T(0));
    }
  }

  aligned_buffer(const aligned_buffer& other) : aligned_buffer(other.size_) {
    std::copy_n(other.data(), size_, data());
  }
  aligned_buffer(aligned_buffer&& other) noexcept
      : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}
  aligned_buffer& operator=(const aligned_buffer& other) {
    if (this != &other) {
      if (size_ == other.size_)
        std::copy_n(other.data(), size_, data());
      else
        *this = aligned_buffer(other);
    }
    return *this;
  }
  aligned_buffer& operator=(aligned_buffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }
  ~aligned_buffer() = default;

  /// Number of elements, a multiple of `simd::block<T>`.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] T* data() noexcept { return data_.get(); }
  [[nodiscard]] const T* data() const noexcept { return data_.get(); }
  [[nodiscard]] T& operator[](std::size_t i) noexcept { return data_[i]; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }

 private:
  struct release {
    void operator()(T* p) const noexcept { ::operator delete(p, std::align_val_t{alignment}); }
  };
  std::unique_ptr<T[], release> data_;
  std::size_t size_ = 0;
};

}  // namespace ctnn::simd
