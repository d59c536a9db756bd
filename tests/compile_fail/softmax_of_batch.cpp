// expect: ctnn::softmax applies to a static vector or matrix expression
// expect: batch_shape<10>
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::matrix<float, 4, 10> logits;
  ctnn::matrix<float, 4, 10> p = ctnn::softmax(logits);
#else
  ctnn::batch_matrix<float, 10> logits(4);
  ctnn::batch_matrix<float, 10> p = ctnn::softmax(logits);
#endif
  (void)p;
}
