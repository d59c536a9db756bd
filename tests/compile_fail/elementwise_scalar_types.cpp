// expect: left_operand_holds<float>::but_right_operand_holds<double>
// expect: operands must hold the same scalar type
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::vector<float, 3> a;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 3> b;
#else
  ctnn::vector<double, 3> b;
#endif
  ctnn::vector<float, 3> c = a * b;
  (void)c;
}
