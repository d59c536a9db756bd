// expect: every layer after ctnn::input<N> must be a ctnn::dense<...>
// expect: input<3>
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::network<ctnn::input<4>, ctnn::dense<3, ctnn::relu>, ctnn::dense<2, ctnn::identity>> net;
#else
  ctnn::network<ctnn::input<4>, ctnn::input<3>, ctnn::dense<2, ctnn::identity>> net;
#endif
  (void)net;
}
