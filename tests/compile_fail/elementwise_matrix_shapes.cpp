// expect: left_operand_has<ctnn::shape<2, 3>\s*>::but_right_operand_has<ctnn::shape<3, 2>\s*>
// expect: element-wise operands must have the same shape
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::matrix<float, 2, 3> a;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::matrix<float, 2, 3> b;
#else
  ctnn::matrix<float, 3, 2> b;
#endif
  ctnn::matrix<float, 2, 3> c = ctnn::max(a - b, 0.0f);
  (void)c;
}
