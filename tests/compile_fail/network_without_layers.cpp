// expect: a network needs at least one dense layer after input<N>
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
#else
  ctnn::network<ctnn::input<4>> net;
#endif
  (void)net;
}
