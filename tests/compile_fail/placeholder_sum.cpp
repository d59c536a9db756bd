// expect: an expression of ctnn::x has no elements to sum
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::vector<float, 3> v;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  float s = ctnn::sum(v * 2.0f);
#else
  float s = ctnn::sum(ctnn::x * 2.0f);
#endif
  (void)v;
  (void)s;
}
