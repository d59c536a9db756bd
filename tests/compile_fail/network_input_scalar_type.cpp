// expect: network_holds<float>::but_given_input_holds<double>
// expect: the input must hold the network's scalar type
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

#include <array>

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  const std::array<float, 4> x{0.5f, 1.0f, -1.0f, 2.0f};
#else
  const std::array<double, 4> x{0.5, 1.0, -1.0, 2.0};
#endif
  ctnn::vector<float, 2> y = net(x);
  (void)y;
}
