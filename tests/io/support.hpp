#pragma once
// Shared by the tests of ctnn's file readers: a scratch folder, whole files as bytes, and the
// check that a refused file leaves the network it was loaded into as it was.
#include <ctnn/error.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace ctnn_test {

/// A folder of its own under the temporary folder, removed with everything in it. The name
/// holds the process id: test cases run in parallel processes.
struct scratch_folder {
  std::filesystem::path path;
  explicit scratch_folder(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("ctnn-test-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~scratch_folder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  [[nodiscard]] std::string file(const std::string& name) const { return (path / name).string(); }
};

inline std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Writes `bytes` to `path` and returns `path`.
inline std::string write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

/// `load(target, path)` into a copy of `net` must throw a ctnn::error whose message contains
/// the path and each of `words`, and leave the copy equal to `net`.
template <class Network, class Load>
void require_refused(const Network& net, const std::string& path, std::initializer_list<const char*> words,
                     Load load) {
  Network target = net;
  try {
    load(target, path);
    FAIL("the reader accepted " << path);
  } catch (const ctnn::error& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK_THAT(message, Catch::Matchers::Contains(path));
    for (const char* w : words) CHECK_THAT(message, Catch::Matchers::Contains(w));
  }
  CHECK(target == net);
}

}  // namespace ctnn_test
