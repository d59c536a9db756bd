// expect: loss<ctnn::cross_entropy>::needs_output_activation<ctnn::activations::softmax>::but_output_layer_has<ctnn::activations::sigmoid>
// expect: this loss does not fit the output layer's activation
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::softmax>> net;
#else
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::sigmoid>> net;
#endif
  ctnn::dataset<float, 4, 2> data;
  ctnn::history h = ctnn::fit(net, data, ctnn::cross_entropy{}, ctnn::sgd{});
  (void)h;
}
