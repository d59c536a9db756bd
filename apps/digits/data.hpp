#pragma once
// The two datasets of ctnn-digits: where their IDX files live, how each splits into training
// and test images, and what their ten classes are called.

#include <ctnn/ctnn.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace ctnn_digits {

/// 28×28 grey images (pixels in [0, 1]) with one-hot labels of ten classes.
using images = ctnn::dataset<float, 784, 10>;
using images_view = ctnn::dataset_view<float, 784, 10>;
inline constexpr std::size_t image_side = 28;

struct dataset_kind {
  std::string_view name;  // the value of --dataset, and the stem of the output files' names
  std::string_view default_folder;
  std::string_view training_images, training_labels;
  // Empty when the test images follow the training images in the same files; those files
  // then hold `training_count` training images.
  std::string_view test_images, test_labels;
  std::size_t training_count;
  std::array<std::string_view, 10> classes;
};

#ifndef CTNN_DIGITS_DATA
#define CTNN_DIGITS_DATA "data"
#endif

// The vendored digits were shuffled once when they were made, so their first 8,000 are a
// mixed sample to train on and the last 2,000 one to test on (data/README.md).
inline constexpr dataset_kind digits{"digits",
                                     CTNN_DIGITS_DATA,
                                     "mnist10k-images-idx3-ubyte.gz",
                                     "mnist10k-labels-idx1-ubyte.gz",
                                     "",
                                     "",
                                     8000,
                                     {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}};

// Fashion-MNIST as Debian's dataset-fashion-mnist installs it.
inline constexpr dataset_kind fashion{
    "fashion",
    "/usr/share/datasets/fashion-mnist",
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    0,
    {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}};

struct split {
  images train, test;
};

/// The rows [first, first + count) of `from`, as a dataset of their own.
inline images rows(images_view from, std::size_t first, std::size_t count) {
  images out;
  out.reserve(count);
  for (std::size_t i = first; i < first + count; ++i) out.add(from.input(i), from.target(i));
  return out;
}

/// The first `count` rows of `all`: `all` itself when that is all of them (Fashion-MNIST's
/// training images take 188 MB).
inline images first_rows(images&& all, std::size_t count) {
  return count == all.size() ? std::move(all) : rows(all, 0, count);
}

/// The training and test images of `kind` read from `folder`; `limit` (0: none) keeps only
/// the first `limit` images of each.
/// @throws ctnn::error naming the file that is missing or not what the IDX reader expects.
inline split load(const dataset_kind& kind, const std::string& folder, std::size_t limit) {
  const auto path = [&](std::string_view file) { return folder + "/" + std::string(file); };
  const auto capped = [&](std::size_t n) { return limit == 0 ? n : std::min(n, limit); };
  images train = ctnn::io::load_idx<784, 10>(path(kind.training_images), path(kind.training_labels));
  if (kind.test_images.empty()) {
    if (train.size() <= kind.training_count)
      throw ctnn::error(path(kind.training_images) + ": expected more than " + std::to_string(kind.training_count) +
                        " images (training images, then test images), found " + std::to_string(train.size()));
    return {rows(train, 0, capped(kind.training_count)),
            rows(train, kind.training_count, capped(train.size() - kind.training_count))};
  }
  images test = ctnn::io::load_idx<784, 10>(path(kind.test_images), path(kind.test_labels));
  return {first_rows(std::move(train), capped(train.size())), first_rows(std::move(test), capped(test.size()))};
}

}  // namespace ctnn_digits
