// expect: network_input_size_is<4>::but_given_input_has_size<3>
// expect: the input's size must equal the network's input_size
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

#include <array>

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  const std::array<float, 4> x{0.5f, 1.0f, -1.0f, 2.0f};
#else
  const std::array<float, 3> x{0.5f, 1.0f, -1.0f};
#endif
  ctnn::vector<float, 2> y = net(x);
  (void)y;
}
