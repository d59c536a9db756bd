// expect: left_operand_holds<float>::but_right_operand_holds<double>
// expect: operands must hold the same scalar type
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::matrix<float, 3, 4> W;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 4> a;
#else
  ctnn::vector<double, 4> a;
#endif
  ctnn::vector<float, 3> z = W * a;
  (void)z;
}
