// expect: left_operand_has<ctnn::shape<3>\s*>::but_right_operand_has<ctnn::shape<4>\s*>
// expect: element-wise operands must have the same shape
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::vector<float, 3> a;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 3> b;
#else
  ctnn::vector<float, 4> b;
#endif
  ctnn::vector<float, 3> c = a + b;
  (void)c;
}
