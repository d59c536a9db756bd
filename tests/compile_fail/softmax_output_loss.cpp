// expect: a softmax output layer is trained with ctnn::cross_entropy
// expect: check_loss_fits<ctnn::mse, ctnn::activations::softmax>
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::softmax>> net;
  ctnn::dataset<float, 4, 2> data;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::history h = ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::sgd{});
#else
  ctnn::history h = ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{});
#endif
  (void)h;
}
