// libFuzzer target for ctnn::io::load_idx: an images file and a labels file cut from one
// input. Content that starts like gzip goes through the files and zlib, as load_idx reads
// it; the rest is parsed in memory (the same parser, without the file system in each run).
// A ctnn::error is the expected answer to bad input; anything else (a crash, a sanitizer
// report, another exception, a dataset that breaks the documented guarantees) is a finding.
//
// Input: byte 0 chooses the shape (bit 0: <784, 10, float>, the digits, or <4, 3, double>),
// bytes 1-2 are the length of the images file (little-endian, cut to what remains), then
// the images file, then the labels file.
#include <ctnn/io/idx.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace {

/// Two files per fuzzing process, removed when it exits normally.
struct scratch_files {
  std::string images, labels;
  scratch_files() {
    const auto base = std::filesystem::temp_directory_path() / ("ctnn-fuzz-" + std::to_string(::getpid()));
    images = base.string() + "-images";
    labels = base.string() + "-labels";
  }
  ~scratch_files() {
    std::remove(images.c_str());
    std::remove(labels.c_str());
  }
};

void write(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
  std::fclose(f);
}

bool is_gzip(const std::vector<unsigned char>& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

template <std::size_t In, std::size_t Out, class T>
void run(const std::vector<unsigned char>& images, const std::vector<unsigned char>& labels) {
  static const scratch_files files;
  const bool through_files = is_gzip(images) || is_gzip(labels);
  const std::string images_path = through_files ? files.images : "images.idx";
  const std::string labels_path = through_files ? files.labels : "labels.idx";
  try {
    ctnn::dataset<T, In, Out> data;
    if (through_files) {
      write(images_path, images);
      write(labels_path, labels);
      data = ctnn::io::load_idx<In, Out, T>(images_path, labels_path);
    } else {
      data = ctnn::io::detail::parse_idx<In, Out, T>(images, images_path, labels, labels_path);
    }
    // What a successful read promises: pixels in [0, 1], one-hot labels.
    for (std::size_t i = 0; i < data.size(); ++i) {
      for (const T p : data.input(i))
        if (!(p >= T(0) && p <= T(1))) std::abort();
      T ones = 0;
      for (const T v : data.target(i)) {
        if (v != T(0) && v != T(1)) std::abort();
        ones += v;
      }
      if (ones != T(1)) std::abort();
    }
  } catch (const ctnn::error& e) {
    // Every message names one of the two files first.
    const std::string_view message = e.what();
    if (!message.starts_with(images_path + ":") && !message.starts_with(labels_path + ":")) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 3) return 0;
  const std::size_t rest = size - 3;
  const std::size_t cut = std::min<std::size_t>(bytes[1] | std::size_t{bytes[2]} << 8, rest);
  const std::vector<unsigned char> images(bytes + 3, bytes + 3 + cut);
  const std::vector<unsigned char> labels(bytes + 3 + cut, bytes + size);
  if (bytes[0] & 1) run<4, 3, double>(images, labels);
  else run<784, 10, float>(images, labels);
  return 0;
}
