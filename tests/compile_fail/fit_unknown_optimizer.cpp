// expect: optimizer_must_be_sgd_momentum_or_adam_but_is<float, false>
// expect: the optimizer must be ctnn::sgd\{...\}, ctnn::momentum\{...\} or ctnn::adam\{...\}
// gcc-lines: 12
#include <ctnn/ctnn.hpp>

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
  ctnn::dataset<float, 4, 2> data;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::history h = ctnn::fit(net, data, ctnn::mse{}, ctnn::sgd{.learning_rate = 0.1f});
#else
  ctnn::history h = ctnn::fit(net, data, ctnn::mse{}, 0.1f);  // a learning rate, not an optimizer
#endif
  (void)h;
}
