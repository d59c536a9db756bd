// Model files: save and load give back the same network, and every broken, foreign or hostile
// file is refused with a message naming the file and what was wrong, the network unchanged.
#include "support.hpp"

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <zlib.h>

#if __has_include(<sys/resource.h>)
#include <csignal>
#include <sys/resource.h>
#endif

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace {

using Catch::Matchers::Contains;
using ctnn_test::read_bytes, ctnn_test::scratch_folder, ctnn_test::write_bytes;
namespace fs = std::filesystem;

constexpr auto swish = ctnn::x * ctnn::sigmoid(ctnn::x);
using small_model = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::activation<swish>>,
                                  ctnn::dense<2, ctnn::softmax>>;
using small_model_64 = ctnn::basic_network<double, ctnn::input<3>, ctnn::dense<4, ctnn::activation<swish>>,
                                           ctnn::dense<2, ctnn::softmax>>;
using other_model = ctnn::network<ctnn::input<3>, ctnn::dense<5, ctnn::relu>, ctnn::dense<2, ctnn::softmax>>;

/// The CRC-32 of a model file recomputed over its content, so that a test can change a field
/// and still get past the CRC check (that check has its own test).
void fix_crc(std::vector<unsigned char>& bytes) {
  const auto crc = static_cast<std::uint32_t>(crc32(0L, bytes.data(), static_cast<uInt>(bytes.size() - 4)));
  for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = static_cast<unsigned char>(crc >> (8 * i));
}

template <class Network>
Network trained(std::uint64_t seed) {
  Network net;
  ctnn::initialize(net, seed);
  return net;
}

/// The bytes of the model file of a small_model initialised with `seed`.
std::vector<unsigned char> saved_bytes(const scratch_folder& folder, std::uint64_t seed) {
  ctnn::save(trained<small_model>(seed), folder.file("good.ctnn"));
  return read_bytes(folder.file("good.ctnn"));
}

template <class Network>
void require_refused(const Network& net, const std::string& path, std::initializer_list<const char*> words) {
  ctnn_test::require_refused(net, path, words, [](auto& target, const std::string& p) { ctnn::load(target, p); });
}

}  // namespace

TEST_CASE("save then load gives back the same parameters, bit for bit", "[io][model_file]") {
  scratch_folder folder("round-trip");
  const auto net = trained<small_model>(5);
  ctnn::save(net, folder.file("a.ctnn"));
  small_model loaded;
  ctnn::load(loaded, folder.file("a.ctnn"));
  CHECK(loaded == net);
  const ctnn::vector<float, 3> x{0.25f, -1.5f, 2.0f};
  CHECK(loaded(x) == net(x));

  const auto net64 = trained<small_model_64>(6);
  ctnn::save(net64, folder.file("b.ctnn"));
  small_model_64 loaded64;
  ctnn::load(loaded64, folder.file("b.ctnn"));
  CHECK(loaded64 == net64);
}

TEST_CASE("a model file holds the documented fields", "[io][model_file]") {
  scratch_folder folder("fields");
  const auto net = trained<small_model>(7);
  ctnn::save(net, folder.file("a.ctnn"));
  const auto bytes = read_bytes(folder.file("a.ctnn"));
  const std::string signature = "3 -> 4 activation<(x * sigmoid(x))> -> 2 softmax";
  const std::vector<unsigned char> head = {0x89, 'C', 'T', 'N', 'N', '\r', '\n', 0x1a, 1, 0, 0, 0, 1, 1, 0, 0,
                                           static_cast<unsigned char>(signature.size()), 0, 0, 0};
  REQUIRE(bytes.size() == head.size() + signature.size() + 8 + small_model::parameter_count * 4 + 4);
  CHECK(std::vector<unsigned char>(bytes.begin(), bytes.begin() + 20) == head);
  CHECK(std::string(bytes.begin() + 20, bytes.begin() + 20 + std::ptrdiff_t(signature.size())) == signature);
  const std::size_t count_at = 20 + signature.size();
  CHECK(bytes[count_at] == small_model::parameter_count);
  // θ[0] is W(0, 0) of the first layer, little-endian.
  std::uint32_t first = 0;
  for (int i = 0; i < 4; ++i) first |= std::uint32_t(bytes[count_at + 8 + i]) << (8 * i);
  CHECK(std::bit_cast<float>(first) == net.weight<0>(0, 0));
  const auto crc = static_cast<std::uint32_t>(crc32(0L, bytes.data(), static_cast<uInt>(bytes.size() - 4)));
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= std::uint32_t(bytes[bytes.size() - 4 + i]) << (8 * i);
  CHECK(stored == crc);
}

TEST_CASE("a float file loads into a double network exactly; a double file is refused by a float one",
          "[io][model_file]") {
  scratch_folder folder("scalars");
  const auto net = trained<small_model>(8);
  ctnn::save(net, folder.file("float.ctnn"));
  small_model_64 wide;
  ctnn::load(wide, folder.file("float.ctnn"));
  const auto narrow_theta = ctnn::flatten(net);
  const auto wide_theta = ctnn::flatten(wide);
  REQUIRE(wide_theta.size() == narrow_theta.size());
  for (std::size_t k = 0; k < wide_theta.size(); ++k) CHECK(wide_theta[k] == double(narrow_theta[k]));

  ctnn::save(trained<small_model_64>(9), folder.file("double.ctnn"));
  require_refused(net, folder.file("double.ctnn"), {"double", "float"});
}

TEST_CASE("missing, empty, foreign and random files are refused", "[io][model_file]") {
  scratch_folder folder("foreign");
  const auto net = trained<small_model>(10);
  require_refused(net, folder.file("missing.ctnn"), {"no such file"});
  require_refused(net, folder.path.string(), {"folder"});
  write_bytes(folder.file("empty.ctnn"), {});
  require_refused(net, folder.file("empty.ctnn"), {"empty"});
  write_bytes(folder.file("text.ctnn"), {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n'});
  require_refused(net, folder.file("text.ctnn"), {"not a ctnn model file"});
  ctnn::detail::random_bits random(11);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<unsigned char> noise(random.below(400));
    for (auto& b : noise) b = static_cast<unsigned char>(random.below(256));
    write_bytes(folder.file("noise.ctnn"), noise);
    require_refused(net, folder.file("noise.ctnn"), {});
  }
}

TEST_CASE("every prefix of a valid file is refused as truncated", "[io][model_file]") {
  scratch_folder folder("prefixes");
  const auto net = trained<small_model>(12);
  const auto bytes = saved_bytes(folder, 13);
  for (std::size_t n = 1; n < bytes.size(); ++n) {
    write_bytes(folder.file("prefix.ctnn"), std::vector<unsigned char>(bytes.begin(), bytes.begin() + std::ptrdiff_t(n)));
    INFO(n << " of " << bytes.size() << " bytes");
    require_refused(net, folder.file("prefix.ctnn"), {n < 8 ? "not a ctnn model file" : "trunc"});
  }
  auto longer = bytes;
  longer.push_back(0);
  write_bytes(folder.file("longer.ctnn"), longer);
  require_refused(net, folder.file("longer.ctnn"), {"trailing data"});
}

TEST_CASE("header fields that do not fit are refused", "[io][model_file]") {
  scratch_folder folder("header");
  const auto net = trained<small_model>(14);
  const auto good = saved_bytes(folder, 15);
  const auto variant = [&](std::size_t offset, std::vector<unsigned char> value) {
    auto bytes = good;
    std::copy(value.begin(), value.end(), bytes.begin() + std::ptrdiff_t(offset));
    fix_crc(bytes);
    write_bytes(folder.file("variant.ctnn"), bytes);
    return folder.file("variant.ctnn");
  };
  require_refused(net, variant(0, {'P', 'K'}), {"not a ctnn model file"});
  require_refused(net, variant(8, {2, 0, 0, 0}), {"format version 2", "newer"});
  require_refused(net, variant(12, {7}), {"scalar type 7"});
  require_refused(net, variant(13, {2}), {"byte order 2"});
  require_refused(net, variant(14, {1}), {"reserved"});
  // A signature length far beyond the file: refused before anything of that size is read.
  require_refused(net, variant(16, {0xff, 0xff, 0xff, 0x7f}), {"signature of 2147483647 bytes"});
  // A parameter count beyond the network's.
  const std::size_t count_at = 20 + good[16];
  require_refused(net, variant(count_at, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
                  {"18446744073709551615 parameters, expected 26"});
}

TEST_CASE("a file of another network's shape is refused, naming both shapes", "[io][model_file]") {
  scratch_folder folder("shape");
  const auto net = trained<small_model>(16);
  ctnn::save(trained<other_model>(17), folder.file("other.ctnn"));
  require_refused(net, folder.file("other.ctnn"),
                  {"'3 -> 5 relu -> 2 softmax'", "expected '3 -> 4 activation<(x * sigmoid(x))> -> 2 softmax'"});
  ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::relu, ctnn::no_bias>, ctnn::dense<2, ctnn::softmax>> no_bias;
  ctnn::save(no_bias, folder.file("no_bias.ctnn"));
  require_refused(net, folder.file("no_bias.ctnn"), {"4 relu no_bias"});
}

TEST_CASE("a flipped bit anywhere is refused", "[io][model_file]") {
  scratch_folder folder("crc");
  const auto net = trained<small_model>(18);
  const auto good = saved_bytes(folder, 19);
  const std::size_t payload_at = 20 + good[16] + 8;
  for (std::size_t at : {payload_at, payload_at + 37, good.size() - 5, good.size() - 1}) {
    auto bytes = good;
    bytes[at] ^= 0x10;
    write_bytes(folder.file("flipped.ctnn"), bytes);
    require_refused(net, folder.file("flipped.ctnn"), {"CRC-32 mismatch", "damaged"});
  }
}

TEST_CASE("NaN or infinite parameters are refused, naming the layer and the parameter", "[io][model_file]") {
  scratch_folder folder("nan");
  const auto net = trained<small_model>(20);
  const auto good = saved_bytes(folder, 21);
  const std::size_t payload_at = 20 + good[16] + 8;
  const auto with_value = [&](std::size_t k, float value) {
    auto bytes = good;
    const auto u = std::bit_cast<std::uint32_t>(value);
    for (int i = 0; i < 4; ++i) bytes[payload_at + 4 * k + i] = static_cast<unsigned char>(u >> (8 * i));
    fix_crc(bytes);
    write_bytes(folder.file("nan.ctnn"), bytes);
    return folder.file("nan.ctnn");
  };
  // θ: layer 1 has 4 × 3 weights then 4 biases; layer 2 has 2 × 4 weights then 2 biases.
  require_refused(net, with_value(5, std::numeric_limits<float>::quiet_NaN()),
                  {"parameter 5 (layer 1 weight (1, 2)) is NaN"});
  require_refused(net, with_value(13, std::numeric_limits<float>::infinity()),
                  {"parameter 13 (layer 1 bias 1) is infinite"});
  require_refused(net, with_value(16 + 7, -std::numeric_limits<float>::quiet_NaN()),
                  {"parameter 23 (layer 2 weight (1, 3)) is NaN"});

  auto broken = net;
  broken.bias<1>(1) = std::numeric_limits<float>::quiet_NaN();
  REQUIRE_THROWS_WITH(ctnn::save(broken, folder.file("broken.ctnn")), Contains("layer 2 bias 1") && Contains("NaN"));
  CHECK_FALSE(fs::exists(folder.file("broken.ctnn")));
}

TEST_CASE("gzip-compressed model files load; a truncated gzip stream is refused", "[io][model_file]") {
  scratch_folder folder("gzip");
  const auto saved = trained<small_model>(22);
  ctnn::save(saved, folder.file("plain.ctnn"));
  const auto plain = read_bytes(folder.file("plain.ctnn"));
  gzFile gz = gzopen(folder.file("packed.ctnn.gz").c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, plain.data(), static_cast<unsigned>(plain.size())) == int(plain.size()));
  gzclose(gz);
  small_model loaded;
  ctnn::load(loaded, folder.file("packed.ctnn.gz"));
  CHECK(loaded == saved);

  const auto packed = read_bytes(folder.file("packed.ctnn.gz"));
  const auto net = trained<small_model>(23);
  for (std::size_t n : {std::size_t{12}, packed.size() / 2, packed.size() - 6}) {
    write_bytes(folder.file("cut.ctnn.gz"), std::vector<unsigned char>(packed.begin(), packed.begin() + std::ptrdiff_t(n)));
    INFO(n << " of " << packed.size() << " bytes");
    require_refused(net, folder.file("cut.ctnn.gz"), {});
  }
}

TEST_CASE("save replaces a file whole, and refuses a folder that does not exist", "[io][model_file]") {
  scratch_folder folder("save");
  const auto first = trained<small_model>(24), second = trained<small_model>(25);
  ctnn::save(first, folder.file("model.ctnn"));
  ctnn::save(second, folder.file("model.ctnn"));
  small_model loaded;
  ctnn::load(loaded, folder.file("model.ctnn"));
  CHECK(loaded == second);
  // Nothing but the model is left in the folder: the temporary file was renamed.
  CHECK(std::distance(fs::directory_iterator(folder.path), fs::directory_iterator()) == 1);

  REQUIRE_THROWS_WITH(ctnn::save(first, folder.file("missing/model.ctnn")),
                      Contains(folder.file("missing/model.ctnn")) && Contains("does not exist"));
  // A target that cannot be replaced (a folder in its place) leaves what is there.
  fs::create_directories(folder.path / "occupied.ctnn");
  CHECK_THROWS_AS(ctnn::save(first, folder.file("occupied.ctnn")), ctnn::error);
  CHECK(fs::is_directory(folder.path / "occupied.ctnn"));
  CHECK(std::distance(fs::directory_iterator(folder.path), fs::directory_iterator()) == 2);
}

#if __has_include(<sys/resource.h>)
TEST_CASE("a save that fails while writing leaves the previous file whole", "[io][model_file]") {
  scratch_folder folder("full-disk");
  using big_model = ctnn::network<ctnn::input<64>, ctnn::dense<64, ctnn::relu>, ctnn::dense<2, ctnn::softmax>>;
  const auto first = trained<big_model>(26), second = trained<big_model>(27);
  ctnn::save(first, folder.file("model.ctnn"));
  // A file-size limit below the file's size: the write fails part way, as on a full disk.
  rlimit previous{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &previous) == 0);
  rlimit small = previous;
  small.rlim_cur = 4096;
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  bool refused = false;
  try {
    ctnn::save(second, folder.file("model.ctnn"));
  } catch (const ctnn::error& e) {
    refused = true;
    CHECK_THAT(e.what(), Contains(folder.file("model.ctnn")) && Contains("unchanged"));
  }
  setrlimit(RLIMIT_FSIZE, &previous);
  std::signal(SIGXFSZ, previous_handler);
  CHECK(refused);
  big_model loaded;
  ctnn::load(loaded, folder.file("model.ctnn"));
  CHECK(loaded == first);
  CHECK(std::distance(fs::directory_iterator(folder.path), fs::directory_iterator()) == 1);
}
#endif
