// expect: an expression of ctnn::x is a function, not a value
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::vector<float, 3> v;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 3> a = ctnn::activation<ctnn::x * 2.0f>(v);
#else
  ctnn::vector<float, 3> a = ctnn::x * 2.0f;
#endif
  (void)v;
  (void)a;
}
