// expect: tensor_of_elements<3>::initialised_with_values<2>
// expect: a tensor initialised from values needs exactly one value per element
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 3> v{1.0f, 2.0f, 3.0f};
#else
  ctnn::vector<float, 3> v{1.0f, 2.0f};
#endif
  (void)v;
}
