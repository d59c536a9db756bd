#pragma once
// Distorted copies of training images, after Simard, Steinkraus and Platt (2003, "Best
// practices for convolutional neural networks applied to visual document analysis"): every
// pixel moves by a smooth random displacement, and the image is resampled. 8,000 digits are
// too few for the network to learn the many ways one digit is written; with copies of each
// digit written slightly differently it learns the digits rather than the images by heart.

#include "data.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace ctnn_digits {

namespace detail {

inline constexpr std::size_t pixels = image_side * image_side;
using field = std::array<float, pixels>;

// The paper's values for 28×28 digits: the noise is smoothed by a Gaussian of σ = 4 pixels
// and scaled by α = 34, which moves a pixel by 1.3 pixels (standard deviation; 4 at most).
inline constexpr double smoothing = 4.0;
inline constexpr double strength = 34.0;
// Besides the distortion, each copy moves as a whole by up to one pixel each way.
inline constexpr double largest_shift = 1.0;
// Smoothing a field costs 40,000 multiplications, and a copy needs two (across and down),
// so the copies draw their fields from a pool (256² pairs) instead of smoothing their own;
// the accuracy after training is the same (measured over five seeds).
inline constexpr std::size_t pool_size = 256;

class random_source {
 public:
  explicit random_source(std::uint64_t seed) : engine_(seed) {}
  /// Uniform in [-1, 1]. std::mt19937_64's output is the same everywhere, unlike the
  /// standard distributions'.
  double symmetric() { return double(engine_() >> 11) * 0x1.0p-52 - 1.0; }
  /// Uniform in [0, pool_size): the low bits of a 64-bit draw, unbiased for a power of two.
  std::size_t pool_index() { return std::size_t(engine_() % pool_size); }

 private:
  std::mt19937_64 engine_;
};

/// Uniform noise smoothed by a Gaussian along rows, then along columns (the kernel is
/// separable), scaled to displacements in pixels. Beyond the border the noise is zero.
inline field smooth_random_field(random_source& random) {
  constexpr int reach = int(3 * smoothing);  // the kernel's weight beyond 3σ is negligible
  constexpr int side = int(image_side);
  std::array<double, 2 * reach + 1> kernel{};
  double total = 0;
  for (int k = -reach; k <= reach; ++k) total += kernel[k + reach] = std::exp(-k * k / (2 * smoothing * smoothing));
  for (double& w : kernel) w *= 1 / total;
  std::array<double, pixels> noise{}, along_rows{};
  for (double& v : noise) v = random.symmetric();
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c)
      for (int k = std::max(-reach, -c); k <= std::min(reach, side - 1 - c); ++k)
        along_rows[r * side + c] += kernel[k + reach] * noise[r * side + c + k];
  field out{};
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) {
      double sum = 0;
      for (int k = std::max(-reach, -r); k <= std::min(reach, side - 1 - r); ++k)
        sum += kernel[k + reach] * along_rows[(r + k) * side + c];
      out[r * side + c] = float(strength * sum);
    }
  return out;
}

/// The image `source` with pixel (r, c) read at (r + dy(r, c) − shift_y, c + dx(r, c) − shift_x),
/// interpolated bilinearly between its four neighbours; outside the image is black.
inline std::array<float, pixels> resample(const float* source, const field& dx, const field& dy, double shift_x,
                                          double shift_y) {
  constexpr int side = int(image_side);
  const auto at = [&](int r, int c) { return r < 0 || r >= side || c < 0 || c >= side ? 0.0f : source[r * side + c]; };
  std::array<float, pixels> out{};
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) {
      const double y = r + dy[r * side + c] - shift_y, x = c + dx[r * side + c] - shift_x;
      const int r0 = int(std::floor(y)), c0 = int(std::floor(x));
      const float fy = float(y - r0), fx = float(x - c0);
      out[r * side + c] = (1 - fy) * ((1 - fx) * at(r0, c0) + fx * at(r0, c0 + 1)) +
                          fy * ((1 - fx) * at(r0 + 1, c0) + fx * at(r0 + 1, c0 + 1));
    }
  return out;
}

}  // namespace detail

/// The images of `from`, each followed by `copies` randomly distorted copies with its label;
/// the same `seed` gives the same copies.
inline images with_distorted_copies(images_view from, std::size_t copies, std::uint64_t seed) {
  detail::random_source random(seed);
  std::vector<detail::field> pool(detail::pool_size);
  for (detail::field& f : pool) f = detail::smooth_random_field(random);
  images out;
  out.reserve(from.size() * (1 + copies));
  for (std::size_t i = 0; i < from.size(); ++i) {
    out.add(from.input(i), from.target(i));
    for (std::size_t k = 0; k < copies; ++k) {
      const detail::field& dx = pool[random.pool_index()];
      const detail::field& dy = pool[random.pool_index()];
      const double shift_x = detail::largest_shift * random.symmetric();
      const double shift_y = detail::largest_shift * random.symmetric();
      const auto copy = detail::resample(from.input(i).data(), dx, dy, shift_x, shift_y);
      out.add(std::span<const float, detail::pixels>(copy), from.target(i));
    }
  }
  return out;
}

}  // namespace ctnn_digits
