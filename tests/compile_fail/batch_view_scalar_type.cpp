// expect: ctnn::batch_view<int, 3>
// expect: a batch holds float or double
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::batch_view<const float, 3> v;
#else
  ctnn::batch_view<int, 3> v;
#endif
  (void)v;
}
