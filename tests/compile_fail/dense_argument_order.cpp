// expect: dense_arguments_must_be_size_then_activation_but_are<false,
// expect: write dense<N, activation> or dense<In, N, activation>, optionally followed by ctnn::no_bias
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::relu>, ctnn::dense<2, ctnn::identity>> net;
#else
  ctnn::network<ctnn::input<4>, ctnn::dense<ctnn::relu, 8>, ctnn::dense<2, ctnn::identity>> net;
#endif
  (void)net;
}
