// expect: matrix_product_of<ctnn::shape<2, 3>\s*>::with<ctnn::shape<4, 5>\s*>::needs_columns_of_left_equal_to_rows_of_right<3, 4>
// expect: A's column count must equal B's row count
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::matrix<float, 2, 3> A;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::matrix<float, 3, 5> B;
#else
  ctnn::matrix<float, 4, 5> B;
#endif
  ctnn::matrix<float, 2, 5> C = A * B;
  (void)C;
}
