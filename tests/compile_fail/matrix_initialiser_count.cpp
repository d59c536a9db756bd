// expect: tensor_of_elements<4>::initialised_with_values<3>
// expect: a tensor initialised from values needs exactly one value per element
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::matrix<float, 2, 2> m{1, 2,
                              3, 4};
#else
  ctnn::matrix<float, 2, 2> m{1, 2,
                              3};
#endif
  (void)m;
}
