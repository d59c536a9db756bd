// Reading IDX files: the real digits, and files that are truncated, foreign or of the wrong
// size, each rejected with a message naming the file and the expected and found values.
#include <ctnn/io/idx.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#ifndef CTNN_DATA_DIR
#error "CTNN_DATA_DIR must name the folder of the digits"
#endif

namespace {

using Catch::Matchers::Contains;
const std::string images = std::string(CTNN_DATA_DIR) + "/mnist10k-images-idx3-ubyte.gz";
const std::string labels = std::string(CTNN_DATA_DIR) + "/mnist10k-labels-idx1-ubyte.gz";

/// A file in the temporary folder, removed at the end of the test.
struct temporary_file {
  std::string path;
  explicit temporary_file(const std::string& name, const std::vector<unsigned char>& bytes)
      : path((std::filesystem::temp_directory_path() / name).string()) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
  }
  ~temporary_file() { std::remove(path.c_str()); }
};

std::vector<unsigned char> idx(unsigned dims, std::vector<unsigned> sizes, std::size_t payload) {
  std::vector<unsigned char> b{0, 0, 8, static_cast<unsigned char>(dims)};
  for (unsigned s : sizes)
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<unsigned char>(s >> shift));
  b.resize(b.size() + payload, 3);
  return b;
}

}  // namespace

TEST_CASE("load_idx reads the digits: scaled pixels, one-hot labels", "[io]") {
  const auto digits = ctnn::io::load_idx<784, 10>(images, labels);
  REQUIRE(digits.size() == 10000);
  std::size_t per_class[10] = {};
  float brightest = 0, darkest = 1;
  std::size_t not_one_hot = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const auto y = digits.target(i);
    float ones = 0;
    for (std::size_t c = 0; c < 10; ++c) {
      ones += y[c];
      if (y[c] == 1) ++per_class[c];
    }
    not_one_hot += ones != 1;
    for (float p : digits.input(i)) {
      brightest = std::max(brightest, p);
      darkest = std::min(darkest, p);
    }
  }
  CHECK(not_one_hot == 0);
  CHECK(darkest == 0);
  CHECK(brightest == 1);
  for (std::size_t c = 0; c < 10; ++c) CHECK(per_class[c] > 800);  // every digit is present
}

TEST_CASE("load_idx rejects wrong files with the file and both values", "[io]") {
  SECTION("missing") {
    CHECK_THROWS_WITH((ctnn::io::load_idx<784, 10>("/nonexistent/images", labels)),
                      Contains("/nonexistent/images") && Contains("no such file"));
  }
  SECTION("images of another size") {
    CHECK_THROWS_WITH((ctnn::io::load_idx<783, 10>(images, labels)),
                      Contains("783 pixels") && Contains("28×28"));
  }
  SECTION("a label beyond the classes") {
    CHECK_THROWS_WITH((ctnn::io::load_idx<784, 5>(images, labels)), Contains("expected less than 5"));
  }
  SECTION("truncated") {
    auto bytes = idx(3, {2, 2, 2}, 8);
    bytes.resize(bytes.size() - 3);
    const temporary_file file("ctnn_truncated.idx", bytes);
    CHECK_THROWS_WITH((ctnn::io::load_idx<4, 10>(file.path, labels)),
                      Contains(file.path) && Contains("expected 24 bytes") && Contains("found 21"));
  }
  SECTION("foreign") {
    const temporary_file file("ctnn_foreign.idx", {'P', 'K', 3, 4, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8});
    CHECK_THROWS_WITH((ctnn::io::load_idx<4, 10>(file.path, labels)), Contains(file.path) && Contains("magic"));
  }
  SECTION("counts differ") {
    const temporary_file image_file("ctnn_images.idx", idx(3, {2, 2, 2}, 8));
    const temporary_file label_file("ctnn_labels.idx", [] {
      auto b = idx(1, {3}, 3);
      b.back() = 1;
      return b;
    }());
    CHECK_THROWS_WITH((ctnn::io::load_idx<4, 10>(image_file.path, label_file.path)),
                      Contains("expected 2 labels") && Contains("found 3"));
  }
}
