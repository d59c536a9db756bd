// expect: left_operand_holds<double>::but_right_operand_holds<float>
// expect: operands must hold the same scalar type
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::vector<float, 3> a;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 3> z = a * 2.0f;
#else
  ctnn::vector<double, 3> z = a * 2.0f;
#endif
  (void)z;
}
