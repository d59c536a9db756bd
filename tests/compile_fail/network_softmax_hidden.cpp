// expect: dense_layer<1>::uses_softmax_but_is_not_the_output_layer<false>
// expect: softmax can only be the activation of the last layer
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::relu>, ctnn::dense<2, ctnn::softmax>> net;
#else
  ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::softmax>, ctnn::dense<2, ctnn::identity>> net;
#endif
  (void)net;
}
