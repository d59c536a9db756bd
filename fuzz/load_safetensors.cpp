// libFuzzer target for ctnn::load_safetensors' parser: the bytes of a safetensors file for
// two network types (byte 0 chooses, mod 2). A ctnn::error is the expected answer to bad
// input; anything else (a crash, a sanitizer report, another exception) is a finding. An
// accepted file must give a network whose parameters are all finite.
#include <ctnn/io/safetensors.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

using small = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::relu>, ctnn::dense<2, ctnn::softmax>>;
using course = ctnn::basic_network<double, ctnn::input<2>, ctnn::dense<3, ctnn::identity, ctnn::no_bias>,
                                   ctnn::dense<1, ctnn::tanh>>;

template <class Network>
void run(const std::vector<unsigned char>& bytes) {
  namespace st = ctnn::detail::safetensors;
  Network net;
  try {
    const st::contents file = st::parse(bytes, "model.safetensors");
    ctnn::unflatten(net, st::parameters_of<Network>(file, "model.safetensors"));
    if (const auto check = st::stored_check(file, "model.safetensors")) st::run_check(net, *check, "model.safetensors");
  } catch (const ctnn::error&) {
    return;
  }
  for (const auto value : ctnn::flatten(net))
    if (!std::isfinite(value)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::vector<unsigned char> bytes(data + 1, data + size);
  if (data[0] % 2 == 0)
    run<small>(bytes);
  else
    run<course>(bytes);
  return 0;
}
