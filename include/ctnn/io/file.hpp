#pragma once
/// @file
/// What every writer and reader of ctnn's files shares: little-endian fields, a reader that
/// stops at the end of the data it was given, and the write that replaces a file only once
/// the new one is complete.

#include <ctnn/error.hpp>

#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#if __has_include(<unistd.h>)
#include <unistd.h>
#endif

namespace ctnn::io::detail {

struct gz_closer {
  void operator()(gzFile f) const noexcept { gzclose(f); }
};

/// The content of a file, decompressed if it is gzip, up to `limit` bytes (a reader that
/// knows how long a valid file can be passes it, so a huge or endless stream cannot make it
/// allocate more).
/// @throws ctnn::error when the file does not exist, cannot be opened or is a corrupt or
/// truncated gzip stream.
inline std::vector<unsigned char> read_file(const std::string& path,
                                            std::size_t limit = static_cast<std::size_t>(-1)) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw error(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw error(path + ": is a folder, expected a file");
  std::unique_ptr<gzFile_s, gz_closer> file(gzopen(path.c_str(), "rb"));
  if (!file) throw error(path + ": cannot open the file (" + std::strerror(errno) + ")");
  std::vector<unsigned char> content;
  std::array<unsigned char, 1 << 16> chunk;
  while (content.size() < limit) {
    const std::size_t wanted = std::min<std::size_t>(chunk.size(), limit - content.size());
    const int n = gzread(file.get(), chunk.data(), static_cast<unsigned>(wanted));
    int status = Z_OK;
    if (n >= 0) gzerror(file.get(), &status);
    // zlib returns what it could decompress of a stream cut short, and flags the cut.
    if (n < 0 || status == Z_BUF_ERROR)
      throw error(path + ": not a readable gzip or plain file (truncated or corrupt gzip stream)");
    if (n == 0) break;
    content.insert(content.end(), chunk.begin(), chunk.begin() + n);
  }
  return content;
}

/// Reads little-endian fields from bytes in memory. Every read names the field it reads, so
/// that a file that ends too early is reported as "ends inside <field>".
class byte_reader {
 public:
  byte_reader(const std::vector<unsigned char>& bytes, const std::string& path) noexcept
      : bytes_(bytes), path_(path) {}

  /// `n` bytes, or ctnn::error when fewer remain.
  [[nodiscard]] const unsigned char* take(std::size_t n, std::string_view field) {
    if (n > remaining())
      throw error(path_ + ": truncated: the file ends inside the " + std::string(field) + " (" +
                  std::to_string(n) + " bytes needed at offset " + std::to_string(position_) + ", " +
                  std::to_string(remaining()) + " left)");
    const unsigned char* p = bytes_.data() + position_;
    position_ += n;
    return p;
  }
  template <class U>
  [[nodiscard]] U integer(std::string_view field) {
    const unsigned char* p = take(sizeof(U), field);
    U value = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) value |= static_cast<U>(U(p[i]) << (8 * i));
    return value;
  }
  [[nodiscard]] std::size_t position() const noexcept { return position_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return bytes_.size() - position_; }

 private:
  const std::vector<unsigned char>& bytes_;
  const std::string& path_;
  std::size_t position_ = 0;
};

/// Appends `value` in little-endian byte order.
template <class U>
void append_integer(std::vector<unsigned char>& out, U value) {
  for (std::size_t i = 0; i < sizeof(U); ++i) out.push_back(static_cast<unsigned char>(value >> (8 * i)));
}

/// CRC-32 (zlib's, the one of gzip and PNG) of `n` bytes.
[[nodiscard]] inline std::uint32_t crc32_of(const unsigned char* p, std::size_t n) noexcept {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {
    const auto part = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    crc = crc32(crc, p, part);
    p += part;
    n -= part;
  }
  return static_cast<std::uint32_t>(crc);
}

/// Writes `content` to `path` so that `path` is either its old self or the complete new
/// file: the bytes go to a new temporary file in the same folder, which is flushed to disk
/// and then renamed over `path` (an atomic replacement on POSIX file systems).
/// @throws ctnn::error naming the path when the folder does not exist or cannot be written;
/// an existing file at `path` is then left as it was.
inline void write_file_atomically(const std::string& path, const std::vector<unsigned char>& content) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec))
    throw error(path + ": cannot write the file: folder " + folder.string() + " does not exist");
  std::random_device entropy;
  const std::string temporary = path + ".tmp-" + std::to_string(entropy()) + std::to_string(entropy());
  std::FILE* file = std::fopen(temporary.c_str(), "wbx");  // x: never reuse an existing file
  if (file == nullptr)
    throw error(path + ": cannot write a file in folder " + folder.string() + " (" + std::strerror(errno) + ")");
  bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  written = std::fflush(file) == 0 && written;
#if __has_include(<unistd.h>)
  written = ::fsync(::fileno(file)) == 0 && written;
#endif
  const int saved_errno = errno;
  written = std::fclose(file) == 0 && written;
  if (written) std::filesystem::rename(temporary, target, ec);
  if (!written || ec) {
    std::filesystem::remove(temporary, ec);
    throw error(path + ": cannot write the file (" +
                (written ? ec.message() : std::string(std::strerror(saved_errno))) + "); any previous file is unchanged");
  }
}

}  // namespace ctnn::io::detail
