// expect: ctnn::batch_matrix<float, 0>
// expect: a batch row needs at least one element
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::batch_matrix<float, 1> b(4);
#else
  ctnn::batch_matrix<float, 0> b(4);
#endif
  (void)b;
}
