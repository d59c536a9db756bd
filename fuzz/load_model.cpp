// libFuzzer target for ctnn::load: model files for three network types. Content that starts
// like gzip goes through a file and zlib, as load reads it; the rest is parsed in memory by
// the same parser. A ctnn::error is the expected answer to bad input; anything else (a crash,
// a sanitizer report, another exception) is a finding, and so is an accepted file that does
// not read back as itself: a file load accepts must be exactly what save writes for the
// loaded network.
//
// Input: byte 0 chooses the network (mod 3), the rest is the file.
#include <ctnn/io/model_file.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

constexpr auto swish = ctnn::x * ctnn::sigmoid(ctnn::x);
using small = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::activation<swish>>, ctnn::dense<2, ctnn::softmax>>;
using small_double = ctnn::basic_network<double, ctnn::input<3>, ctnn::dense<4, ctnn::activation<swish>>,
                                         ctnn::dense<2, ctnn::softmax>>;
using course = ctnn::basic_network<double, ctnn::input<1>, ctnn::dense<1, ctnn::identity, ctnn::no_bias>,
                                   ctnn::dense<1, ctnn::identity, ctnn::no_bias>>;

const std::string& scratch_path() {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("ctnn-fuzz-" + std::to_string(::getpid()) + "-model")).string();
  return path;
}

/// Removes the scratch file after each run, so that nothing is left behind however the
/// fuzzing process ends.
struct removed_after_run {
  ~removed_after_run() { std::remove(scratch_path().c_str()); }
};

template <class Network>
void run(const std::vector<unsigned char>& bytes) {
  Network net;
  try {
    if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
      const removed_after_run cleanup;
      std::FILE* f = std::fopen(scratch_path().c_str(), "wb");
      if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
      std::fclose(f);
      ctnn::load(net, scratch_path());
      return;
    }
    ctnn::unflatten(net, ctnn::detail::parse_model_file<Network>(bytes, "model.ctnn"));
  } catch (const ctnn::error&) {
    return;
  }
  const bool same_scalar = bytes[12] == ctnn::detail::model_file::scalar_code<typename Network::value_type>;
  if (same_scalar && ctnn::detail::model_file_bytes(net) != bytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::vector<unsigned char> bytes(data + 1, data + size);
  switch (data[0] % 3) {
    case 0: run<small>(bytes); break;
    case 1: run<small_double>(bytes); break;
    default: run<course>(bytes); break;
  }
  return 0;
}
