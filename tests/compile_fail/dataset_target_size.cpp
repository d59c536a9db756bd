// expect: network_output_size_is<2>::but_dataset_targets_have_size<3>
// expect: the dataset's targets must have the network's output_size columns
// gcc-lines: 12
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::dataset<float, 4, 2> data;
#else
  ctnn::dataset<float, 4, 3> data;
#endif
  ctnn::history h = ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{});
  (void)h;
}
