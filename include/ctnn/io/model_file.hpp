#pragma once
/// @file
/// `ctnn::save` and `ctnn::load`: a network's parameters in a file that records the shape
/// of the network it came from and a CRC-32, so that loading the wrong file, a damaged one
/// or a foreign one is an error that leaves the network as it was. docs/file-format.md
/// describes the format byte by byte.

#include <ctnn/error.hpp>
#include <ctnn/io/file.hpp>
#include <ctnn/nn/network.hpp>
#include <ctnn/nn/spelling.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace ctnn {

namespace detail {

/// The fixed fields of a model file (docs/file-format.md).
namespace model_file {
inline constexpr unsigned char magic[8] = {0x89, 'C', 'T', 'N', 'N', '\r', '\n', 0x1a};
inline constexpr std::uint32_t version = 1;
inline constexpr std::uint8_t float32 = 1, float64 = 2;
inline constexpr std::uint8_t little_endian = 1;
/// No network's signature comes near this; a longer one marks a damaged or foreign file.
inline constexpr std::uint32_t longest_signature = 1 << 16;
/// Bytes before the signature, and after the payload (the CRC).
inline constexpr std::size_t head_bytes = 20, tail_bytes = 4;

template <class T>
inline constexpr std::uint8_t scalar_code = std::is_same_v<T, float> ? float32 : float64;

inline std::string scalar_name(std::uint8_t code) {
  return code == float32 ? "float" : code == float64 ? "double" : "unknown scalar type " + std::to_string(code);
}
}  // namespace model_file

/// Which parameter θ[k] of `Network` is, in words: "layer 2 weight (3, 17)" (neuron 3, input
/// 17; layers count from 1 as in diagnostics) or "layer 1 bias 5".
template <class Network>
[[nodiscard]] std::string describe_parameter(std::size_t k) {
  std::string text;
  for_each_index<Network::layer_count>([&](auto l) {
    using layer = typename Network::template layer<l>;
    const std::size_t weights = layer::outputs * layer::inputs;
    if (!text.empty()) return;
    if (k < weights)
      text = "layer " + std::to_string(l + 1) + " weight (" + std::to_string(k / layer::inputs) + ", " +
             std::to_string(k % layer::inputs) + ")";
    else if (layer::has_bias && k - weights < layer::outputs)
      text = "layer " + std::to_string(l + 1) + " bias " + std::to_string(k - weights);
    else
      k -= layer::parameter_count;
  });
  return text;
}

/// Throws unless every value of θ is finite, naming the first one that is not.
template <class Network, class T>
void check_finite(const std::vector<T>& theta, const std::string& path, std::string_view context) {
  for (std::size_t k = 0; k < theta.size(); ++k)
    if (!std::isfinite(theta[k]))
      throw error(path + ": " + std::string(context) + ": parameter " + std::to_string(k) + " (" +
                  describe_parameter<Network>(k) + ") is " + (std::isnan(theta[k]) ? "NaN" : "infinite"));
}

/// Parses a model file's bytes for a network of type `Network`, checking every field, and
/// returns θ. Nothing outside is touched, so a failure leaves any network as it was.
template <class Network>
std::vector<typename Network::value_type> parse_model_file(const std::vector<unsigned char>& bytes,
                                                           const std::string& path) {
  using T = typename Network::value_type;
  namespace f = model_file;
  if (bytes.empty()) throw error(path + ": empty file, expected a ctnn model file");
  io::detail::byte_reader in(bytes, path);
  const unsigned char* magic = in.take(std::min(bytes.size(), sizeof f::magic), "magic bytes");
  if (bytes.size() < sizeof f::magic || std::memcmp(magic, f::magic, sizeof f::magic) != 0)
    throw error(path + ": not a ctnn model file (it does not start with the bytes 89 43 54 4E 4E 0D 0A 1A, "
                       "\"\\x89CTNN\\r\\n\\x1a\")");
  const auto version = in.integer<std::uint32_t>("format version");
  if (version != f::version)
    throw error(path + ": format version " + std::to_string(version) + ", expected " + std::to_string(f::version) +
                (version > f::version ? " (the file was written by a newer ctnn: update ctnn to read it)" : ""));
  const auto scalar = in.integer<std::uint8_t>("scalar type");
  const auto byte_order = in.integer<std::uint8_t>("byte order");
  const auto reserved = in.integer<std::uint16_t>("reserved field");
  if (scalar != f::float32 && scalar != f::float64)
    throw error(path + ": " + f::scalar_name(scalar) + ", expected 1 (float) or 2 (double)");
  if (byte_order != f::little_endian)
    throw error(path + ": byte order " + std::to_string(byte_order) + ", expected 1 (little-endian)");
  if (reserved != 0) throw error(path + ": reserved field is " + std::to_string(reserved) + ", expected 0");
  if (scalar == f::float64 && std::is_same_v<T, float>)
    throw error(path + ": holds double parameters, expected float: a float network would round them "
                       "(load the file into a ctnn::basic_network<double, ...>)");

  const auto signature_length = in.integer<std::uint32_t>("signature length");
  if (signature_length > f::longest_signature || signature_length > in.remaining())
    throw error(path + ": the header gives a shape signature of " + std::to_string(signature_length) +
                " bytes, but only " + std::to_string(in.remaining()) + " bytes follow (a truncated or damaged file)");
  const unsigned char* signature_bytes = in.take(signature_length, "shape signature");
  const std::string_view signature(reinterpret_cast<const char*>(signature_bytes), signature_length);
  const std::string expected_signature = shape_signature<Network>();
  if (signature != expected_signature)
    throw error(path + ": holds a network of shape '" + std::string(signature) + "', expected '" +
                expected_signature + "'");

  const auto count = in.integer<std::uint64_t>("parameter count");
  if (count != Network::parameter_count)
    throw error(path + ": holds " + std::to_string(count) + " parameters, expected " +
                std::to_string(Network::parameter_count) + " (a damaged file)");
  const std::size_t width = scalar == f::float32 ? 4 : 8;
  if (in.remaining() != count * width + f::tail_bytes)
    throw error(path + ": expected " + std::to_string(count * width + f::tail_bytes) +
                " bytes of parameters and CRC after the header, found " + std::to_string(in.remaining()) +
                (in.remaining() < count * width + f::tail_bytes ? " (a truncated file)" : " (trailing data)"));
  const unsigned char* payload = in.take(count * width, "parameters");
  const std::size_t covered = in.position();
  const auto stored_crc = in.integer<std::uint32_t>("CRC-32");
  const std::uint32_t crc = io::detail::crc32_of(bytes.data(), covered);
  if (crc != stored_crc)
    throw error(path + ": CRC-32 mismatch (the file records " + std::to_string(stored_crc) +
                ", its content gives " + std::to_string(crc) + "): the file is damaged");

  std::vector<T> theta(Network::parameter_count);
  for (std::size_t k = 0; k < theta.size(); ++k) {
    const unsigned char* p = payload + k * width;
    if (width == 4) {
      std::uint32_t u = 0;
      for (std::size_t b = 0; b < 4; ++b) u |= std::uint32_t(p[b]) << (8 * b);
      theta[k] = static_cast<T>(std::bit_cast<float>(u));  // float to double is exact
    } else {
      std::uint64_t u = 0;
      for (std::size_t b = 0; b < 8; ++b) u |= std::uint64_t(p[b]) << (8 * b);
      theta[k] = static_cast<T>(std::bit_cast<double>(u));
    }
  }
  check_finite<Network>(theta, path, "refused");
  return theta;
}

/// The bytes of the model file of `net`.
template <class Network>
std::vector<unsigned char> model_file_bytes(const Network& net) {
  using T = typename Network::value_type;
  namespace f = model_file;
  const std::vector<T> theta = flatten(net);
  const std::string signature = shape_signature<Network>();
  std::vector<unsigned char> out(std::begin(f::magic), std::end(f::magic));
  out.reserve(f::head_bytes + signature.size() + 8 + theta.size() * sizeof(T) + f::tail_bytes);
  io::detail::append_integer(out, f::version);
  io::detail::append_integer(out, f::scalar_code<T>);
  io::detail::append_integer(out, f::little_endian);
  io::detail::append_integer(out, std::uint16_t{0});
  io::detail::append_integer(out, static_cast<std::uint32_t>(signature.size()));
  out.insert(out.end(), signature.begin(), signature.end());
  io::detail::append_integer(out, static_cast<std::uint64_t>(theta.size()));
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  for (const T value : theta) io::detail::append_integer(out, std::bit_cast<U>(value));
  io::detail::append_integer(out, io::detail::crc32_of(out.data(), out.size()));
  return out;
}

}  // namespace detail

/// Writes `net`'s parameters to the model file `path` (docs/file-format.md): its shape
/// signature, its scalar type, θ in `flatten` order and a CRC-32. The file is written under a
/// temporary name in the same folder and then renamed over `path`, so a crash or a full disk
/// during `save` never leaves a half-written model where the previous one was.
/// @throws ctnn::error naming the path when the folder does not exist or cannot be written,
/// or when a parameter is NaN or infinite (which no file should carry); an existing file at
/// `path` is then unchanged.
///
/// @code
/// ctnn::save(net, "digits.ctnn");
/// @endcode
template <simd::scalar T, class... L>
void save(const basic_network<T, L...>& net, const std::string& path) {
  using N = basic_network<T, L...>;
  detail::check_finite<N>(flatten(net), path, "not saved");
  io::detail::write_file_atomically(path, detail::model_file_bytes(net));
}

/// Reads the parameters of `net` from the model file `path` (plain, or compressed with gzip).
/// The whole file is read and checked first: magic, format version, scalar type, byte
/// order, the shape signature against `net`'s type, the parameter count, the file's length,
/// the CRC-32, and that every parameter is finite. Only then is `net` changed.
///
/// Scalar types: a file of float parameters loads into a float or a double network (widening
/// is exact); a file of double parameters loads only into a double network, since a float
/// network would round them.
/// @throws ctnn::error naming the file, what was expected and what was found; `net` is then
/// unchanged.
///
/// @code
/// model net;
/// ctnn::load(net, "digits.ctnn");   // e.g. "digits.ctnn: holds a network of shape '784 -> 10
///                                   //  softmax', expected '784 -> 128 relu -> 10 softmax'"
/// @endcode
template <simd::scalar T, class... L>
void load(basic_network<T, L...>& net, const std::string& path) {
  using N = basic_network<T, L...>;
  // Reading stops a byte after the longest file that could be N's (its double form, with
  // room for another network's signature to be read and named), so trailing data is seen,
  // and a huge or endless file is never held in memory.
  namespace f = detail::model_file;
  const std::size_t longest =
      f::head_bytes + f::longest_signature + 8 + N::parameter_count * sizeof(double) + f::tail_bytes;
  const auto theta = detail::parse_model_file<N>(io::detail::read_file(path, longest + 1), path);
  unflatten(net, theta);
}

}  // namespace ctnn
