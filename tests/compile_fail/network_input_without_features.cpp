// expect: a network's input needs at least one feature
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::network<ctnn::input<1>, ctnn::dense<2, ctnn::identity>> net;
#else
  ctnn::network<ctnn::input<0>, ctnn::dense<2, ctnn::identity>> net;
#endif
  (void)net;
}
