#pragma once
/// @file
/// `ctnn::load_safetensors` and `ctnn::save_safetensors`: a network's weights in the
/// safetensors format of PyTorch and Hugging Face, named as the `state_dict()` of the
/// `nn.Sequential` that mirrors the network (`0.weight`, `0.bias`, `2.weight`, ...).
///
/// The file is checked whole against the network's type before a parameter changes: the
/// header's length, its JSON, every dtype, shape and data offset against the file's size,
/// the pairing of weights with biases, and, when the file carries a sample and the output it
/// gave (`ctnn.check.*` in `__metadata__`, written by `python/ctnn_torch.py`), that the
/// loaded network reproduces it. An import either computes what the exported model computed
/// or fails with a message that says why. This header needs nlohmann-json
/// (`nlohmann-json3-dev`); `ctnn/ctnn.hpp` does not include it. docs/interop.md shows the
/// round trip with PyTorch.

#include <ctnn/error.hpp>
#include <ctnn/io/file.hpp>
#include <ctnn/io/model_file.hpp>
#include <ctnn/nn/network.hpp>
#include <ctnn/nn/spelling.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace ctnn {

/// A sample and the output that a network loaded from a file must give for it (within
/// `tolerance` · max(1, |expected|) per output), for `load_safetensors`' self-check.
struct import_check {
  std::vector<double> input;
  std::vector<double> output;
  double tolerance = 1e-5;
};

namespace detail::safetensors {

/// No header that describes a ctnn network comes near this (a check sample of a few
/// thousand numbers is a few hundred KB).
inline constexpr std::size_t longest_header = std::size_t{1} << 24;

struct tensor {
  std::string name, dtype;
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0, end = 0;
};

struct contents {
  std::vector<tensor> tensors;
  std::map<std::string, std::string> metadata;
  const unsigned char* buffer = nullptr;
};

/// Bytes per element of a dtype that ctnn reads, 0 for any other.
inline std::size_t element_size(const std::string& dtype) noexcept {
  if (dtype == "F32") return 4;
  if (dtype == "F64") return 8;
  if (dtype == "F16" || dtype == "BF16") return 2;
  return 0;
}

/// IEEE binary16 to float (exact).
inline float half_to_float(std::uint16_t h) noexcept {
  const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
  if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  if (exponent != 0) return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
  const float magnitude = float(mantissa) * 0x1p-24f;  // subnormal or zero
  return sign ? -magnitude : magnitude;
}

/// Element `k` of a tensor of `dtype` at `p` (little-endian), as double (exact for every dtype).
inline double element(const unsigned char* p, const std::string& dtype, std::size_t k) noexcept {
  const std::size_t size = element_size(dtype);
  std::uint64_t u = 0;
  for (std::size_t b = 0; b < size; ++b) u |= std::uint64_t(p[k * size + b]) << (8 * b);
  if (dtype == "F32") return std::bit_cast<float>(static_cast<std::uint32_t>(u));
  if (dtype == "F64") return std::bit_cast<double>(u);
  if (dtype == "BF16") return std::bit_cast<float>(static_cast<std::uint32_t>(u << 16));
  return half_to_float(static_cast<std::uint16_t>(u));
}

/// Whether `a` sorts before `b` with runs of digits compared as numbers (`fc2` < `fc10`).
inline bool natural_less(const std::string& a, const std::string& b) noexcept {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t i_end = i, j_end = j;
      while (i_end < a.size() && digit(a[i_end])) ++i_end;
      while (j_end < b.size() && digit(b[j_end])) ++j_end;
      std::size_t i_start = i, j_start = j;  // leading zeros do not count
      while (i_start + 1 < i_end && a[i_start] == '0') ++i_start;
      while (j_start + 1 < j_end && b[j_start] == '0') ++j_start;
      if (i_end - i_start != j_end - j_start) return i_end - i_start < j_end - j_start;
      const int order = a.compare(i_start, i_end - i_start, b, j_start, j_end - j_start);
      if (order != 0) return order < 0;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

/// The JSON header and the tensors' byte ranges, every one checked against the file.
inline contents parse(const std::vector<unsigned char>& bytes, const std::string& path) {
  if (bytes.size() < 8)
    throw error(path + ": " + std::to_string(bytes.size()) +
                " bytes, too short for a safetensors file (8 bytes of header length first)");
  std::uint64_t header_length = 0;
  for (int b = 0; b < 8; ++b) header_length |= std::uint64_t(bytes[std::size_t(b)]) << (8 * b);
  if (header_length > bytes.size() - 8 || header_length > longest_header)
    throw error(path + ": the header length is " + std::to_string(header_length) + " bytes, but the file holds " +
                std::to_string(bytes.size() - 8) + " after it (a truncated or foreign file)");
  const char* text = reinterpret_cast<const char*>(bytes.data() + 8);
  const nlohmann::json header = nlohmann::json::parse(text, text + header_length, nullptr, false);
  if (header.is_discarded() || !header.is_object())
    throw error(path + ": the header is not a JSON object (not a safetensors file)");

  contents result;
  result.buffer = bytes.data() + 8 + header_length;
  const std::uint64_t buffer_size = bytes.size() - 8 - header_length;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw error(path + ": __metadata__ is not a JSON object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) throw error(path + ": __metadata__ value '" + key + "' is not a string");
        result.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    const auto where = path + ": tensor '" + name + "'";
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets") ||
        !entry["dtype"].is_string() || !entry["shape"].is_array() || !entry["data_offsets"].is_array() ||
        entry["data_offsets"].size() != 2)
      throw error(where + ": expected {\"dtype\": ..., \"shape\": [...], \"data_offsets\": [begin, end]}");
    tensor t;
    t.name = name;
    t.dtype = entry["dtype"].get<std::string>();
    if (element_size(t.dtype) == 0)
      throw error(where + ": dtype " + t.dtype + ", expected F32, F64, F16 or BF16");
    std::uint64_t count = 1;
    for (const auto& d : entry["shape"]) {
      if (!d.is_number_unsigned()) throw error(where + ": the shape holds something other than sizes");
      const auto size = d.get<std::uint64_t>();
      if (size != 0 && count > buffer_size / size)
        throw error(where + ": its shape holds more elements than the file has bytes");
      count *= size;
      t.shape.push_back(size);
    }
    for (const auto& o : entry["data_offsets"])
      if (!o.is_number_unsigned()) throw error(where + ": data_offsets are not byte offsets");
    t.begin = entry["data_offsets"][0].get<std::uint64_t>();
    t.end = entry["data_offsets"][1].get<std::uint64_t>();
    if (t.begin > t.end || t.end > buffer_size)
      throw error(where + ": data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                  "] lie outside the " + std::to_string(buffer_size) + " bytes of data");
    if (t.end - t.begin != count * element_size(t.dtype))
      throw error(where + ": " + std::to_string(t.end - t.begin) + " bytes of data for " + std::to_string(count) +
                  " elements of " + t.dtype + ", expected " + std::to_string(count * element_size(t.dtype)));
    result.tensors.push_back(std::move(t));
  }
  // The data: every byte belongs to exactly one tensor (the format's rule: no overlap, no hole).
  std::vector<const tensor*> by_offset;
  for (const auto& t : result.tensors) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(), [](const tensor* a, const tensor* b) { return a->begin < b->begin; });
  std::uint64_t covered = 0;
  for (const tensor* t : by_offset) {
    if (t->begin != covered)
      throw error(path + ": tensor '" + t->name + "' starts at byte " + std::to_string(t->begin) + " of the data, " +
                  (t->begin < covered ? "inside the tensor before it (overlapping data)" : "after a gap") +
                  ", expected " + std::to_string(covered));
    covered = t->end;
  }
  if (covered != buffer_size)
    throw error(path + ": " + std::to_string(buffer_size - covered) + " bytes of data belong to no tensor");
  return result;
}

/// The values of the file's layers as θ of `Network`, in `flatten` order, after checking that
/// the tensors are exactly the network's: one `X.weight` (out × in) per layer, ordered by
/// natural sort of `X`, each with its `X.bias` (out) unless the layer has none.
template <class Network>
std::vector<typename Network::value_type> parameters_of(const contents& file, const std::string& path) {
  using T = typename Network::value_type;
  struct pair {
    const tensor* weight = nullptr;
    const tensor* bias = nullptr;
  };
  std::map<std::string, pair, decltype(&natural_less)> layers(&natural_less);
  for (const auto& t : file.tensors) {
    const auto ends_with = [&](const char* suffix) {
      const std::size_t n = std::strlen(suffix);
      return t.name.size() > n && t.name.compare(t.name.size() - n, n, suffix) == 0;
    };
    if (ends_with(".weight"))
      layers[t.name.substr(0, t.name.size() - 7)].weight = &t;
    else if (ends_with(".bias"))
      layers[t.name.substr(0, t.name.size() - 5)].bias = &t;
    else
      throw error(path + ": tensor '" + t.name + "' is neither a layer's weight nor its bias");
  }
  const auto written_for = [&] {
    const auto type = file.metadata.find("ctnn.type");
    return type == file.metadata.end() ? std::string() : " (the file was written for " + type->second + ")";
  };
  for (const auto& [prefix, p] : layers)
    if (p.weight == nullptr) throw error(path + ": tensor '" + prefix + ".bias' has no '" + prefix + ".weight'");
  if (layers.size() != Network::layer_count)
    throw error(path + ": holds " + std::to_string(layers.size()) + " layers, expected " +
                std::to_string(Network::layer_count) + ", for the network " + shape_signature<Network>() +
                written_for());

  std::vector<T> theta;
  theta.reserve(Network::parameter_count);
  auto next = layers.begin();
  for_each_index<Network::layer_count>([&](auto l) {
    using layer = typename Network::template layer<l>;
    const auto& [prefix, p] = *next++;
    const std::string layer_name = "layer " + std::to_string(l + 1) + " ('" + prefix + "')";
    const std::vector<std::uint64_t> weight_shape{layer::outputs, layer::inputs}, bias_shape{layer::outputs};
    const auto shape_text = [](const std::vector<std::uint64_t>& s) {
      std::string text = "[";
      for (std::size_t i = 0; i < s.size(); ++i) text += (i ? ", " : "") + std::to_string(s[i]);
      return text + "]";
    };
    if (p.weight->shape != weight_shape)
      throw error(path + ": " + layer_name + ": weight of shape " + shape_text(p.weight->shape) + ", expected " +
                  shape_text(weight_shape) + " (outputs × inputs)" + written_for());
    if constexpr (layer::has_bias) {
      if (p.bias == nullptr) throw error(path + ": " + layer_name + ": no '" + prefix + ".bias', expected one");
      if (p.bias->shape != bias_shape)
        throw error(path + ": " + layer_name + ": bias of shape " + shape_text(p.bias->shape) + ", expected " +
                    shape_text(bias_shape));
    } else if (p.bias != nullptr) {
      throw error(path + ": " + layer_name + ": has a bias '" + prefix + ".bias', but the network's layer has none");
    }
    for (const tensor* t : {p.weight, p.bias}) {
      if (t == nullptr) continue;
      const std::size_t count = t->shape.size() == 2 ? t->shape[0] * t->shape[1] : t->shape[0];
      for (std::size_t k = 0; k < count; ++k) {
        const double value = element(file.buffer + t->begin, t->dtype, k);
        const T stored = static_cast<T>(value);
        if (!std::isfinite(stored))
          throw error(path + ": tensor '" + t->name + "' element " + std::to_string(k) + " is " +
                      (std::isnan(value) ? "NaN" : std::isfinite(value) ? "beyond the range of float" : "infinite"));
        theta.push_back(stored);
      }
    }
  });
  return theta;
}

/// The numbers of a JSON array held in a metadata string.
inline std::vector<double> numbers(const std::string& text, const std::string& path, const std::string& key) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array())
    throw error(path + ": __metadata__ '" + key + "' is not a JSON array of numbers");
  std::vector<double> values;
  for (const auto& v : parsed) {
    if (!v.is_number()) throw error(path + ": __metadata__ '" + key + "' holds something other than numbers");
    values.push_back(v.get<double>());
  }
  return values;
}

/// The file's own self-check, when its metadata holds one.
inline std::optional<import_check> stored_check(const contents& file, const std::string& path) {
  const auto input = file.metadata.find("ctnn.check.input"), output = file.metadata.find("ctnn.check.output");
  if (input == file.metadata.end() && output == file.metadata.end()) return std::nullopt;
  if (input == file.metadata.end() || output == file.metadata.end())
    throw error(path + ": __metadata__ holds only one of ctnn.check.input and ctnn.check.output");
  import_check check{numbers(input->second, path, input->first), numbers(output->second, path, output->first)};
  if (const auto t = file.metadata.find("ctnn.check.tolerance"); t != file.metadata.end()) {
    const nlohmann::json parsed = nlohmann::json::parse(t->second, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_number() || !(parsed.get<double>() >= 0))
      throw error(path + ": __metadata__ 'ctnn.check.tolerance' is not a number of at least 0");
    check.tolerance = parsed.get<double>();
  }
  return check;
}

/// `value` in the shortest decimal form that reads back as the same double.
inline std::string shortest(double value) {
  char text[32];
  const auto [end, status] = std::to_chars(text, text + sizeof text, value);
  return status == std::errc{} ? std::string(text, end) : std::to_string(value);
}

/// Throws unless `net` gives `check.output` for `check.input`.
template <class Network>
void run_check(const Network& net, const import_check& check, const std::string& path) {
  using T = typename Network::value_type;
  if (check.input.size() != Network::input_size || check.output.size() != Network::output_size)
    throw error(path + ": the self-check has " + std::to_string(check.input.size()) + " inputs and " +
                std::to_string(check.output.size()) + " outputs, expected " + std::to_string(Network::input_size) +
                " and " + std::to_string(Network::output_size));
  vector<T, Network::input_size> x;
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(check.input[i]);
  const auto y = net(x);
  for (std::size_t o = 0; o < Network::output_size; ++o) {
    const double expected = check.output[o], found = double(y[o]);
    if (!(std::abs(found - expected) <= check.tolerance * std::max(1.0, std::abs(expected))))
      throw error(path + ": self-check failed: output " + std::to_string(o) + " is " + shortest(found) +
                  " where the exporting model gave " + shortest(expected) + " (tolerance " + shortest(check.tolerance) +
                  "): the file's layers do not compute what that model computed (a layer order, a transposed "
                  "weight or an activation that differs)");
  }
}

template <class Network>
void load(Network& net, const std::string& path, const std::optional<import_check>& given) {
  // A valid file is its header (bounded above) and at most 8 bytes per parameter.
  const auto bytes = io::detail::read_file(path, 8 + longest_header + Network::parameter_count * 8 + 1);
  const contents file = parse(bytes, path);
  Network candidate;
  unflatten(candidate, parameters_of<Network>(file, path));
  if (const auto stored = stored_check(file, path)) run_check(candidate, *stored, path);
  if (given) run_check(candidate, *given, path);
  net = std::move(candidate);
}

}  // namespace detail::safetensors

/// Loads `net`'s weights from the safetensors file `path` (plain or gzip). The tensors are
/// paired by name, `X.weight` with `X.bias` (a layer without bias: the weight alone), and
/// ordered by `X` with numbers compared as numbers, so the `state_dict()` of an
/// `nn.Sequential` (`0.weight`, `2.weight`, ...) and of a module with named layers (`fc1`,
/// `fc2`, ..., `fc10`) both load; each weight must be outputs × inputs, as `nn.Linear`
/// stores it. dtypes F32 and F64 load into float and double networks (F64 into float rounds
/// each value to the nearest float), F16 and BF16 are widened exactly; any other dtype is
/// refused with its name. When the file's metadata holds a sample and its output
/// (`ctnn.check.input`, `ctnn.check.output`, optionally `ctnn.check.tolerance`, written by
/// `python/ctnn_torch.py`), the loaded network must reproduce that output, or the file is
/// refused.
/// @throws ctnn::error naming the file and what was expected and found: a truncated file, a
/// header length beyond the file, a header that is not JSON, data offsets outside the data or
/// overlapping, a dtype ctnn does not read, a tensor that is no layer's, a missing or extra
/// bias, a layer count or shape that does not fit, a NaN or infinite weight, a failed
/// self-check. `net` is then unchanged.
///
/// @code
/// model net;
/// ctnn::load_safetensors(net, "from_pytorch.safetensors");
/// @endcode
template <simd::scalar T, class... L>
void load_safetensors(basic_network<T, L...>& net, const std::string& path) {
  detail::safetensors::load(net, path, std::nullopt);
}

/// The same, and `net` must then give `check.output` for `check.input` (within
/// `check.tolerance` · max(1, |expected|) per output): for example PyTorch's output on one
/// sample, so that an import that loads but computes something else is an error.
template <simd::scalar T, class... L>
void load_safetensors(basic_network<T, L...>& net, const std::string& path, const import_check& check) {
  detail::safetensors::load(net, path, check);
}

/// Writes `net`'s weights to `path` as safetensors in the network's own dtype (F32 or F64),
/// named as the `state_dict()` of the mirroring `nn.Sequential`: each layer an `nn.Linear`
/// (`<i>.weight`, outputs × inputs, and `<i>.bias`), followed by its activation module
/// unless the activation is identity, so 784 → 128 relu → 64 relu → 10 softmax writes
/// `0.weight`, `0.bias`, `2.weight`, `2.bias`, `4.weight`, `4.bias`. `__metadata__` holds the
/// network's C++ type (`ctnn.type`). Written as `ctnn::save` writes: complete, or not at all.
/// @throws ctnn::error when a parameter is NaN or infinite, or the file cannot be written.
template <simd::scalar T, class... L>
void save_safetensors(const basic_network<T, L...>& net, const std::string& path) {
  using N = basic_network<T, L...>;
  const std::vector<T> theta = flatten(net);
  detail::check_finite<N>(theta, path, "not saved");
  const char* dtype = std::is_same_v<T, float> ? "F32" : "F64";
  nlohmann::json header;
  header["__metadata__"] = {{"ctnn.type", detail::cpp_type_name<N>()}, {"format", "pt"}};
  std::size_t offset = 0, module = 0;
  detail::for_each_index<N::layer_count>([&](auto l) {
    using layer = typename N::template layer<l>;
    const auto add = [&](const std::string& name, std::vector<std::size_t> shape, std::size_t count) {
      header[name] = {{"dtype", dtype}, {"shape", shape}, {"data_offsets", {offset, offset + count * sizeof(T)}}};
      offset += count * sizeof(T);
    };
    add(std::to_string(module) + ".weight", {layer::outputs, layer::inputs}, layer::outputs * layer::inputs);
    if constexpr (layer::has_bias) add(std::to_string(module) + ".bias", {layer::outputs}, layer::outputs);
    module += std::is_same_v<typename layer::activation, activations::identity> ? 1 : 2;
  });
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned
  std::vector<unsigned char> bytes;
  bytes.reserve(8 + text.size() + offset);
  io::detail::append_integer(bytes, static_cast<std::uint64_t>(text.size()));
  bytes.insert(bytes.end(), text.begin(), text.end());
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  for (const T value : theta) io::detail::append_integer(bytes, std::bit_cast<U>(value));
  io::detail::write_file_atomically(path, bytes);
}

}  // namespace ctnn
