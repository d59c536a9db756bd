// expect: execution_policy_must_be_fused_or_naive_but_is<parallel, false>
// expect: the execution policy must be ctnn::fused \(the default\) or ctnn::naive
// gcc-lines: 12
#include <ctnn/ctnn.hpp>

struct parallel {};

int main() {
  using model = ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>>;
  model net;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::trainer<model, ctnn::mse, ctnn::sgd, ctnn::naive> step(net, ctnn::mse{}, ctnn::sgd{}, 8);
#else
  ctnn::trainer<model, ctnn::mse, ctnn::sgd, parallel> step(net, ctnn::mse{}, ctnn::sgd{}, 8);
#endif
  (void)step;
}
