// expect: network_must_start_with_input_but_starts_with<ctnn::dense<8,
// expect: the first layer of a network must be ctnn::input<N>
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::relu>, ctnn::dense<2, ctnn::identity>> net;
#else
  ctnn::network<ctnn::dense<8, ctnn::relu>, ctnn::dense<2, ctnn::identity>> net;
#endif
  (void)net;
}
