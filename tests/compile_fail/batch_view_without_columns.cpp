// expect: ctnn::batch_view<float, 0>
// expect: a batch row needs at least one element
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::batch_view<float, 1> v;
#else
  ctnn::batch_view<float, 0> v;
#endif
  (void)v;
}
