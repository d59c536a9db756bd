// expect: matrix_product_of<ctnn::shape<3, 4>\s*>::with<ctnn::shape<5>\s*>::needs_columns_of_left_equal_to_rows_of_right<4, 5>
// expect: A's column count must equal B's row count
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::matrix<float, 3, 4> W;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 4> a;
#else
  ctnn::vector<float, 5> a;
#endif
  ctnn::vector<float, 3> z = W * a;
  (void)z;
}
