// expect: loss_must_be_mae_mse_cross_entropy_or_binary_cross_entropy_but_is<huber, false>
// expect: the loss must be ctnn::mae\{\}, ctnn::mse\{\}, ctnn::cross_entropy\{\} or ctnn::binary_cross_entropy\{\}
// gcc-lines: 12
#include <ctnn/ctnn.hpp>

struct huber {};  // not one of ctnn's losses

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
  ctnn::dataset<float, 4, 2> data;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::history h = ctnn::fit(net, data, ctnn::mae{}, ctnn::sgd{});
#else
  ctnn::history h = ctnn::fit(net, data, huber{}, ctnn::sgd{});
#endif
  (void)h;
}
