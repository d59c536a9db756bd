// expect: network_input_size_is<4>::but_given_input_has_size<5>
// expect: the input's size must equal the network's input_size
// gcc-lines: 12
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::dataset<float, 4, 2> data;
#else
  ctnn::dataset<float, 5, 2> data;
#endif
  ctnn::history h = ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{});
  (void)h;
}
