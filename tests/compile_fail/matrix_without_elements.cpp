// expect: ctnn::matrix<float, 0, 3>
// expect: a ctnn::matrix needs at least one row and one column
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::matrix<float, 1, 3> m;
#else
  ctnn::matrix<float, 0, 3> m;
#endif
  (void)m;
}
