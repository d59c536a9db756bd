// expect: network_input_size_is<4>::but_given_input_has_size<5>
// expect: the input's size must equal the network's input_size
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 4> x;
#else
  ctnn::vector<float, 5> x;
#endif
  ctnn::vector<float, 2> y = net(x);
  (void)y;
}
