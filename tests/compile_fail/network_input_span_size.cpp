// expect: network_input_size_is<4>::but_given_input_has_size<5>
// expect: the input's size must equal the network's input_size
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  const ctnn::dataset<float, 4, 2> data;
#else
  const ctnn::dataset<float, 5, 2> data;
#endif
  ctnn::vector<float, 2> y = net(data.input(0));  // a std::span<const float, 5>
  (void)y;
}
