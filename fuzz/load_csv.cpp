// libFuzzer target for ctnn::io::load_csv: the parser on arbitrary text, with options and
// row shapes chosen by the first byte. A ctnn::error is the expected answer to bad input;
// anything else (a crash, a sanitizer report, another exception, a dataset that breaks
// the documented guarantees) is a finding.
//
// Input: byte 0 chooses the configuration, the rest is the file's content.
//   bits 0-1  shape: <2, 1, float> targets, <4, 3, float> label, <1, 2, double> targets,
//             <3, 2, double> label
//   bit 2     csv_options::header
//   bits 3-4  csv_options::separator: ',' ';' '\t' ' '
//   bits 5-7  label column, modulo In + 2 (so In + 1, an invalid column, is tried too)
#include <ctnn/io/csv.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

const std::string path = "fuzz.csv";

template <std::size_t In, std::size_t Out, class T>
void run(std::string_view text, ctnn::io::csv_options options, bool labelled, unsigned column) {
  if (labelled) options.label_column = column % (In + 2);
  try {
    const auto data = ctnn::io::detail::parse_csv<In, Out, T>(text, path, options);
    // What a successful read promises: at least one row, finite values, one-hot labels.
    if (data.empty()) std::abort();
    for (std::size_t i = 0; i < data.size(); ++i) {
      for (const T v : data.input(i))
        if (!std::isfinite(v)) std::abort();
      T ones = 0;
      for (const T v : data.target(i)) {
        if (!std::isfinite(v)) std::abort();
        if (labelled && v != T(0) && v != T(1)) std::abort();
        ones += v;
      }
      if (labelled && ones != T(1)) std::abort();
    }
  } catch (const ctnn::error& e) {
    // Every message names the file first.
    if (std::string_view(e.what()).substr(0, path.size() + 1) != path + ":") std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  const unsigned config = bytes[0];
  const std::string_view text(reinterpret_cast<const char*>(bytes + 1), size - 1);
  ctnn::io::csv_options options;
  options.header = (config & 4) != 0;
  options.separator = ",;\t "[(config >> 3) & 3];
  const unsigned column = config >> 5;
  switch (config & 3) {
    case 0: run<2, 1, float>(text, options, false, column); break;
    case 1: run<4, 3, float>(text, options, true, column); break;
    case 2: run<1, 2, double>(text, options, false, column); break;
    default: run<3, 2, double>(text, options, true, column); break;
  }
  return 0;
}
