// expect: assignment_target_has<ctnn::shape<4>\s*>::but_expression_has<ctnn::shape<3>\s*>
// expect: an expression can only be assigned to a tensor of the same shape
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::matrix<float, 3, 4> W;
  ctnn::vector<float, 4> a;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 3> z;
#else
  ctnn::vector<float, 4> z;
#endif
  z = W * a;
}
