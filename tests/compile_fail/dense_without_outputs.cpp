// expect: dense_layer_needs_at_least_one_output<0>
// expect: a dense layer needs at least one output
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::network<ctnn::input<4>, ctnn::dense<1, ctnn::relu>, ctnn::dense<2, ctnn::identity>> net;
#else
  ctnn::network<ctnn::input<4>, ctnn::dense<0, ctnn::relu>, ctnn::dense<2, ctnn::identity>> net;
#endif
  (void)net;
}
