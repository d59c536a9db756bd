#pragma once
/// @file
/// `ctnn::io::load_csv`: a dataset from a text file of numbers, one sample per line, either
/// with an integer class label in one column (one-hot encoded) or with numeric target
/// columns. Every malformed row is an error naming the file, the line and what was expected.

#include <ctnn/error.hpp>
#include <ctnn/io/file.hpp>
#include <ctnn/simd/pack.hpp>
#include <ctnn/train/dataset.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace ctnn::io {

/// How `load_csv` reads a file. An aggregate, so a call names only what differs from the
/// defaults: `load_csv<4, 3>("iris.csv", {.header = true, .label_column = 4})`.
struct csv_options {
  /// The first line holds column names and is skipped unread (a blank first line is skipped
  /// as well: it is the header).
  bool header = false;
  /// The character between fields: `','`, `';'`, `'\t'`, `' '` or any other except a line
  /// break. Spaces and tabs around a number are ignored unless they are the separator, so
  /// with `' '` fields are separated by exactly one space.
  char separator = ',';
  /// The index, counting from 0, of the field that holds the class label: a whole number in
  /// [0, Out), one-hot encoded into the target (`label_column = 4` is the fifth field of
  /// iris.csv's rows). A row then has In + 1 fields, and the other In are the input, in
  /// order. Without it a row has In + Out fields: In inputs, then Out targets.
  std::optional<std::size_t> label_column{};
};

namespace detail {

/// How a field's text failed to be a number, for the caller's message.
enum class number_status { ok, not_a_number, not_finite, too_large };

/// For a decimal number (as `std::from_chars` accepts it) that `from_chars` found out of
/// range: whether its magnitude is below 1, i.e. it underflowed rather than overflowed. The
/// decimal exponent of the leading digit plus the written exponent decides; both saturate,
/// so a text of any length is classified without overflow.
[[nodiscard]] inline bool magnitude_below_one(std::string_view number) noexcept {
  constexpr long long cap = 1'000'000'000'000LL;
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0;
  if (i < number.size() && number[i] == '-') ++i;
  long long leading = 0;  // the exponent of the first nonzero digit, d.ddd × 10^leading
  bool nonzero = false;
  for (; i < number.size() && is_digit(number[i]); ++i) {
    if (nonzero) leading = std::min(leading + 1, cap);
    else if (number[i] != '0') nonzero = true;
  }
  if (i < number.size() && number[i] == '.') {
    ++i;
    for (; i < number.size() && is_digit(number[i]); ++i) {
      if (nonzero) continue;
      leading = std::max(leading - 1, -cap);
      if (number[i] != '0') nonzero = true;
    }
  }
  if (!nonzero) return true;  // zero is never out of range; classify it as small anyway
  long long exponent = 0;
  if (i < number.size() && (number[i] == 'e' || number[i] == 'E')) {
    ++i;
    const bool negative = i < number.size() && number[i] == '-';
    if (i < number.size() && (number[i] == '-' || number[i] == '+')) ++i;
    for (; i < number.size() && is_digit(number[i]); ++i) exponent = std::min(exponent * 10 + (number[i] - '0'), cap);
    if (negative) exponent = -exponent;
  }
  return leading + exponent < 0;
}

/// Parses all of `text` (already trimmed) as a `T`. Locale-independent (`std::from_chars`),
/// accepting an optional sign, decimals and an exponent (`-1.5e-3`, `+2`, `.5`). A value
/// too small for `T` reads as zero; one too large, NaN and infinity are refused.
template <simd::scalar T>
[[nodiscard]] number_status parse_number(std::string_view text, T& value) noexcept {
  const char* first = text.data();
  const char* const last = first + text.size();
  // from_chars takes no '+'; accept one directly before a digit or a point.
  if (last - first > 1 && *first == '+' && (first[1] == '.' || (first[1] >= '0' && first[1] <= '9'))) ++first;
  const auto [end, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ec == std::errc::invalid_argument || end != last) return number_status::not_a_number;
  if (ec == std::errc::result_out_of_range) {
    if (!magnitude_below_one(std::string_view(first, static_cast<std::size_t>(last - first))))
      return number_status::too_large;
    value = *first == '-' ? -T(0) : T(0);
    return number_status::ok;
  }
  return std::isfinite(value) ? number_status::ok : number_status::not_finite;
}

/// `text` in single quotes for a message: at most 40 characters, anything but printable
/// ASCII written as an escape, so a binary or very long field cannot garble the message.
[[nodiscard]] inline std::string quoted(std::string_view text) {
  constexpr std::size_t shown = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < std::min(text.size(), shown); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == '\\') out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  out += text.size() > shown ? "'..." : "'";
  return out;
}

[[nodiscard]] inline std::string separator_name(char separator) {
  return separator == '\t' ? "'\\t'" : quoted(std::string_view(&separator, 1));
}

[[nodiscard]] inline std::string count_of(std::size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

/// Rejects options that no file could satisfy, before any line is read.
/// @throws ctnn::error naming the option and the path.
template <std::size_t In>
void check_csv_options(const std::string& path, const csv_options& options) {
  if (options.separator == '\n' || options.separator == '\r')
    throw error(path + ": csv_options::separator cannot be a line break");
  if (options.label_column && *options.label_column > In)
    throw error(path + ": csv_options::label_column is " + std::to_string(*options.label_column) +
                ", but a row of " + count_of(In, "input") + " and a label has fields 0 to " + std::to_string(In));
}

/// The rows of `text`, the content of the file `path` (named in messages), as `load_csv`
/// reads them. The parser of `load_csv`, separate so that it can be tested and fuzzed on
/// text in memory.
/// @throws ctnn::error as `load_csv` does.
template <std::size_t In, std::size_t Out, simd::scalar T>
dataset<T, In, Out> parse_csv(std::string_view text, const std::string& path, const csv_options& options) {
  check_csv_options<In>(path, options);
  const char separator = options.separator;
  const std::optional<std::size_t> label = options.label_column;
  const std::size_t expected = label ? In + 1 : In + Out;
  // Spaces and tabs around a number are padding, except the one that separates fields.
  const std::string_view padding = separator == ' ' ? "\t" : separator == '\t' ? " " : " \t";
  const auto trim = [&](std::string_view s) {
    const std::size_t first = s.find_first_not_of(padding);
    if (first == std::string_view::npos) return std::string_view{};
    return s.substr(first, s.find_last_not_of(padding) - first + 1);
  };
  const bool empty_file = text.empty();
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark (Excel)

  dataset<T, In, Out> data;
  std::array<T, In> x{};
  std::array<T, Out> y{};
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);  // CRLF
    if (line_number == 1 && options.header) continue;
    if (line.find_first_not_of(padding) == std::string_view::npos) continue;  // blank line

    // Messages are built only when thrown: a valid row allocates nothing.
    const auto where = [&] { return path + ":" + std::to_string(line_number) + ": "; };
    const auto fields = static_cast<std::size_t>(std::count(line.begin(), line.end(), separator)) + 1;
    if (fields != expected) {
      std::string message = where() + "expected " + count_of(expected, "field") + " (" + count_of(In, "input") +
                            (label ? " and a label" : " and " + count_of(Out, "target")) + "), found " +
                            std::to_string(fields);
      // The two mistakes behind most wrong counts: another separator, a separator at the end.
      for (const char other : {',', ';', '\t'})
        if (fields == 1 && other != separator && line.find(other) != std::string_view::npos) {
          message += "; the line contains " + separator_name(other) + ": is csv_options::separator " +
                     separator_name(other) + "?";
          break;
        }
      if (fields > 1 && trim(line.substr(line.rfind(separator) + 1)).empty())
        message += "; the line ends with a separator";
      throw error(message);
    }

    std::size_t value_index = 0;  // among the fields that are not the label
    for (std::size_t field = 0; field < expected; ++field) {
      const std::size_t end = line.find(separator);
      const std::string_view text_of_field = trim(line.substr(0, end));
      line.remove_prefix(end == std::string_view::npos ? line.size() : end + 1);
      const auto at = [&] { return where() + "field " + std::to_string(field + 1) + ": "; };
      if (label && field == *label) {
        double value = 0;
        // Whole-valued numbers ("2", "2.0") are labels; range is checked before the cast.
        if (text_of_field.empty() || parse_number(text_of_field, value) != number_status::ok || value < 0 ||
            value >= static_cast<double>(Out) || value != std::floor(value))
          throw error(at() + "expected a class label, a whole number from 0 to " + std::to_string(Out - 1) +
                      ", found " + (text_of_field.empty() ? std::string("an empty field") : quoted(text_of_field)));
        y.fill(T(0));
        y[static_cast<std::size_t>(value)] = T(1);
        continue;
      }
      T value = 0;
      const number_status status = text_of_field.empty() ? number_status::not_a_number
                                                         : parse_number(text_of_field, value);
      switch (status) {
        case number_status::ok: break;
        case number_status::not_a_number:
          throw error(at() + "expected a number, found " +
                      (text_of_field.empty() ? std::string("an empty field") : quoted(text_of_field)) +
                      (separator != ',' && text_of_field.find(',') != std::string_view::npos
                           ? " (numbers are read with a decimal point, not a comma)"
                           : ""));
        case number_status::not_finite:
          throw error(at() + "expected a finite number, found " + quoted(text_of_field) +
                      " (NaN and infinity would make training diverge)");
        case number_status::too_large:
          throw error(at() + "expected a number within the range of " +
                      (std::is_same_v<T, float> ? "float" : "double") + ", found " + quoted(text_of_field));
      }
      if (value_index < In) x[value_index] = value;
      else y[value_index - In] = value;
      ++value_index;
    }
    data.add(std::span<const T, In>(x), std::span<const T, Out>(y));
  }
  if (data.empty())
    throw error(path + ": no data rows (" +
                (empty_file       ? std::string("the file is empty")
                 : options.header ? std::string("only a header line and blank lines")
                                  : std::string("only blank lines")) +
                "); expected rows of " + count_of(expected, "field"));
  return data;
}

}  // namespace detail

/// Reads a dataset of `In` inputs and `Out` targets per sample from a CSV file (plain or
/// gzip-compressed): one sample per line, fields separated by `options.separator`.
///
/// - With `options.label_column`, a row has In + 1 fields: the class label (a whole number
///   in [0, Out), one-hot encoded into the target) and the In inputs, in order.
/// - Without it, a row has In + Out fields: the inputs, then the targets.
///
/// Numbers are read independently of the locale (`std::from_chars`): an optional sign,
/// decimals with a point, an optional exponent (`-1.5e-3`), with spaces or tabs around
/// them. A value too small for `T` reads as 0. Fields are not quoted. Lines end with LF or
/// CRLF, the last one with or without a line break; blank lines (empty, or only spaces and
/// tabs) are skipped anywhere; a UTF-8 byte order mark at the start is ignored. Lines are
/// counted from 1 in messages, fields from 1.
///
/// @throws ctnn::error naming the file, and for a bad row `path:line:` with the expected
/// and the found value: a row with too few or too many fields ("expected 5 fields (4 inputs
/// and a label), found 4"), a field that is not a number (quoted), NaN or infinity, a
/// number beyond the range of `T`, a label that is not a whole number in [0, Out); a file
/// that cannot be opened or read; a file without data rows; a `label_column` ≥ In + 1 or a
/// line break as `separator`.
///
/// @code
/// // iris.csv: a header, then "5.1,3.5,1.4,0.2,0" ... with the species as 0, 1 or 2.
/// auto iris = ctnn::io::load_csv<4, 3>("iris.csv", {.header = true, .label_column = 4});
/// // A regression table: two inputs, then one target, separated by semicolons.
/// auto table = ctnn::io::load_csv<2, 1, double>("table.csv", {.separator = ';'});
/// @endcode
template <std::size_t In, std::size_t Out, simd::scalar T = float>
dataset<T, In, Out> load_csv(const std::string& path, const csv_options& options = {}) {
  static_assert(In > 0 && Out > 0, "load_csv reads samples with at least one input and one target");
  detail::check_csv_options<In>(path, options);  // a wrong option is reported before the file
  const std::vector<unsigned char> content = detail::read_file(path);
  return detail::parse_csv<In, Out, T>(
      std::string_view(reinterpret_cast<const char*>(content.data()), content.size()), path, options);
}

}  // namespace ctnn::io
