#pragma once
/// @file
/// `ctnn::export_header`: a trained network as a C++ header, so that an application compiles
/// the model in and needs no file at run time.

#include <ctnn/error.hpp>
#include <ctnn/io/file.hpp>
#include <ctnn/io/model_file.hpp>
#include <ctnn/nn/network.hpp>
#include <ctnn/nn/spelling.hpp>

#include <cctype>
#include <cstddef>
#include <string>
#include <vector>

namespace ctnn {

namespace detail {

/// True for a name that can be a C++ namespace (`digits`, `models::digits` is not one).
inline bool is_identifier(const std::string& name) noexcept {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  for (const char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

/// The text of the header that `export_header` writes.
template <class Network>
std::string exported_header_text(const Network& net, const std::string& name) {
  using T = typename Network::value_type;
  const std::vector<T> theta = flatten(net);
  const char* scalar = std::is_same_v<T, float> ? "float" : "double";
  std::string text;
  text.reserve(theta.size() * 18 + 1024);
  text += "// A trained ctnn network: " + shape_signature<Network>() + " (" + std::to_string(theta.size()) +
          " " + scalar + " parameters).\n"
          "// Written by ctnn::export_header; include it and call " + name + "::load().\n"
          "#pragma once\n\n#include <ctnn/ctnn.hpp>\n\n#include <span>\n\nnamespace " + name + " {\n\n"
          "/// The network's type, as it was trained.\n"
          "using network = " + cpp_type_name<Network>() + ";\n\n"
          "/// Its parameters in ctnn::flatten order, as exact hexadecimal literals.\n"
          "inline constexpr " + scalar + " parameters[] = {";
  for (std::size_t k = 0; k < theta.size(); ++k) {
    text += k % 6 == 0 ? "\n    " : " ";
    text += exact_literal(theta[k]);
    text += ',';
  }
  text += "\n};\nstatic_assert(sizeof parameters / sizeof parameters[0] == network::parameter_count);\n\n"
          "/// The trained network; its outputs equal those of the network that was exported, bit\n"
          "/// for bit, in a program compiled for the same instruction set.\n"
          "inline network load() {\n"
          "  network net;\n"
          "  ctnn::unflatten(net, std::span<const " + std::string(scalar) + ">(parameters));\n"
          "  return net;\n"
          "}\n\n}  // namespace " + name + "\n";
  return text;
}

}  // namespace detail

/// Writes `net` as a self-contained C++ header at `path`: in namespace `name`, the type
/// `network` (the network's exact type, a user-defined `ctnn::activation<expr>` spelled as its
/// expression), its parameters as exact hexadecimal constants, and `network load()`, which
/// returns a network equal to `net`. The header includes only `<ctnn/ctnn.hpp>`. It is
/// written as `ctnn::save` writes files: complete, or not at all.
/// @throws ctnn::error when `name` is not a C++ identifier, a parameter is NaN or infinite,
/// or the file cannot be written (naming the path).
///
/// @code
/// ctnn::export_header(net, "digits_model.hpp", "digits");
/// // in the application:
/// #include "digits_model.hpp"
/// digits::network net = digits::load();
/// @endcode
template <simd::scalar T, class... L>
void export_header(const basic_network<T, L...>& net, const std::string& path, const std::string& name) {
  using N = basic_network<T, L...>;
  if (!detail::is_identifier(name))
    throw error(path + ": the namespace name '" + name + "' is not a C++ identifier");
  detail::check_finite<N>(flatten(net), path, "not exported");
  const std::string text = detail::exported_header_text(net, name);
  io::detail::write_file_atomically(path, std::vector<unsigned char>(text.begin(), text.end()));
}

}  // namespace ctnn
