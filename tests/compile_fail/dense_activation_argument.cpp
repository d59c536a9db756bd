// expect: dense_activation_argument_is_not_an_activation<ctnn::detail::node<
// expect: the last argument of dense<N, f> must be an activation such as ctnn::relu
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

constexpr auto swish = ctnn::x * ctnn::sigmoid(ctnn::x);

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::activation<swish>>,
                ctnn::dense<2, ctnn::identity>> net;
#else
  ctnn::network<ctnn::input<4>, ctnn::dense<8, swish>, ctnn::dense<2, ctnn::identity>> net;
#endif
  (void)net;
}
