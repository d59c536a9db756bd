// Compiled after export_generator has run, with only the headers it wrote: each exported
// network must compute, for the recorded inputs, the recorded outputs bit for bit.
#include "expected_outputs.hpp"
#include "model_a.hpp"
#include "model_b.hpp"
#include "model_c.hpp"
#include "model_d.hpp"

#include <cstdio>
#include <cstring>

namespace {

template <class Network, class T, std::size_t In, std::size_t Out, std::size_t Cases>
int mismatches(const char* name, const Network& net, const T (&inputs)[Cases][In], const T (&outputs)[Cases][Out]) {
  static_assert(In == Network::input_size && Out == Network::output_size);
  int wrong = 0;
  for (std::size_t c = 0; c < Cases; ++c) {
    ctnn::vector<T, In> x;
    for (std::size_t i = 0; i < In; ++i) x[i] = inputs[c][i];
    const auto y = net(x);
    for (std::size_t o = 0; o < Out; ++o)
      if (std::memcmp(&y[o], &outputs[c][o], sizeof(T)) != 0) {
        std::printf("%s: case %zu output %zu is %a, the exported network gave %a\n", name, c, o,
                    double(y[o]), double(outputs[c][o]));
        ++wrong;
      }
  }
  return wrong;
}

}  // namespace

int main() {
  const int wrong = mismatches("model_a", model_a::load(), model_a_inputs, model_a_outputs) +
                    mismatches("model_b", model_b::load(), model_b_inputs, model_b_outputs) +
                    mismatches("model_c", model_c::load(), model_c_inputs, model_c_outputs) +
                    mismatches("model_d", model_d::load(), model_d_inputs, model_d_outputs);
  std::printf("%s\n", wrong == 0 ? "every exported network computes the original outputs bit for bit"
                                 : "exported networks differ from the originals");
  return wrong == 0 ? 0 : 1;
}
