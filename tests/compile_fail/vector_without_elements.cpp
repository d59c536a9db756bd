// expect: ctnn::vector<float, 0>
// expect: a ctnn::vector needs at least one element
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 1> v;
#else
  ctnn::vector<float, 0> v;
#endif
  (void)v;
}
