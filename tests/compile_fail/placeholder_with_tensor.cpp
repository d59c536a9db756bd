// expect: ctnn::x stands for the input of an activation \(ctnn::activation<expr>\); it cannot be combined with a tensor
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::vector<float, 3> v;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 3> a = ctnn::activation<ctnn::x + 1.0f>(v);
#else
  ctnn::vector<float, 3> a = ctnn::x + v;
#endif
  (void)a;
}
