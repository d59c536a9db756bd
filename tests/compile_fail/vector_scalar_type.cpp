// expect: constraint.*vector.*T = int.*scalar
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<double, 3> v;
#else
  ctnn::vector<int, 3> v;
#endif
  (void)v;
}
