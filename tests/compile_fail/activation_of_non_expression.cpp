// expect: an activation is defined by an expression of ctnn::x
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::vector<float, 3> v;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 3> a = ctnn::activation<ctnn::sigmoid(ctnn::x)>(v);
#else
  ctnn::vector<float, 3> a = ctnn::activation<ctnn::sigmoid>(v);
#endif
  (void)a;
}
