#pragma once
/// @file
/// `ctnn::io::load_idx`: images and labels in the IDX format of MNIST and Fashion-MNIST,
/// gzip-compressed or plain (zlib reads both).

#include <ctnn/error.hpp>
#include <ctnn/io/file.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/train/dataset.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ctnn::io {

namespace detail {

inline std::uint32_t big_endian(const unsigned char* p) noexcept {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

/// Checks the header of an IDX file of unsigned bytes with `dimensions` dimensions and
/// returns them.
inline std::vector<std::size_t> idx_dimensions(const std::vector<unsigned char>& content,
                                               const std::string& path, unsigned dimensions) {
  const std::size_t header = 4 + 4 * std::size_t{dimensions};
  if (content.size() < header)
    throw error(path + ": too short for an IDX header (" + std::to_string(content.size()) + " bytes)");
  const std::uint32_t magic = big_endian(content.data());
  if (magic != (0x0800u | dimensions))
    throw error(path + ": expected an IDX file of bytes with " + std::to_string(dimensions) +
                " dimensions (magic " + std::to_string(0x0800u | dimensions) + "), found magic " +
                std::to_string(magic));
  std::vector<std::size_t> dims(dimensions);
  std::size_t total = 1;
  for (unsigned d = 0; d < dimensions; ++d) {
    dims[d] = big_endian(content.data() + 4 + 4 * d);
    total *= dims[d];
  }
  if (content.size() != header + total)
    throw error(path + ": expected " + std::to_string(header + total) + " bytes for its header's sizes, found " +
                std::to_string(content.size()));
  return dims;
}

/// The dataset of the IDX contents `images` and `labels` (read from the files named in
/// messages), as `load_idx` builds it: separate so that it can be tested and fuzzed on
/// bytes in memory.
/// @throws ctnn::error as `load_idx` does for content that is not what it expects.
template <std::size_t In, std::size_t Out, simd::scalar T>
dataset<T, In, Out> parse_idx(const std::vector<unsigned char>& images, const std::string& images_path,
                              const std::vector<unsigned char>& labels, const std::string& labels_path) {
  const auto image_dims = idx_dimensions(images, images_path, 3);
  const auto label_dims = idx_dimensions(labels, labels_path, 1);
  if (image_dims[1] * image_dims[2] != In)
    throw error(images_path + ": expected images of " + std::to_string(In) + " pixels, found " +
                std::to_string(image_dims[1]) + "×" + std::to_string(image_dims[2]));
  if (image_dims[0] != label_dims[0])
    throw error(labels_path + ": expected " + std::to_string(image_dims[0]) + " labels (one per image), found " +
                std::to_string(label_dims[0]));
  dataset<T, In, Out> data;
  data.reserve(image_dims[0]);
  std::array<T, In> x;
  std::array<T, Out> y;
  for (std::size_t i = 0; i < image_dims[0]; ++i) {
    const unsigned char* pixels = images.data() + 16 + i * In;
    for (std::size_t p = 0; p < In; ++p) x[p] = static_cast<T>(pixels[p]) / T(255);
    const unsigned label = labels[8 + i];
    if (label >= Out)
      throw error(labels_path + ": label " + std::to_string(i) + " is " + std::to_string(label) +
                  ", expected less than " + std::to_string(Out));
    y.fill(T(0));
    y[label] = T(1);
    data.add(std::span<const T, In>(x), std::span<const T, Out>(y));
  }
  return data;
}

}  // namespace detail

/// Reads images (`images_path`, IDX with 3 dimensions: count × rows × cols, rows · cols =
/// `In`) and labels (`labels_path`, IDX with 1 dimension, each label < `Out`) into a dataset:
/// pixels scaled to [0, 1], labels one-hot encoded.
/// @throws ctnn::error naming the file and the expected and found value when a file cannot
/// be read, is not IDX, is truncated, has images of another size, a label ≥ `Out`, or a
/// different count of images and labels.
///
/// @code
/// auto digits = ctnn::io::load_idx<784, 10>("data/mnist10k-images-idx3-ubyte.gz",
///                                           "data/mnist10k-labels-idx1-ubyte.gz");
/// @endcode
template <std::size_t In, std::size_t Out, simd::scalar T = float>
dataset<T, In, Out> load_idx(const std::string& images_path, const std::string& labels_path) {
  const auto images = detail::read_file(images_path);
  const auto labels = detail::read_file(labels_path);
  return detail::parse_idx<In, Out, T>(images, images_path, labels, labels_path);
}

}  // namespace ctnn::io
