// expect: execution_policy_must_be_fused_or_naive_but_is<turbo, false>
// expect: the execution policy must be ctnn::fused \(the default\) or ctnn::naive
// gcc-lines: 12
#include <ctnn/ctnn.hpp>

struct turbo {};  // not a policy: fit must not run it as naive or fused

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
  ctnn::dataset<float, 4, 2> data;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::history h = ctnn::fit<ctnn::naive>(net, data, ctnn::mse{}, ctnn::sgd{});
#else
  ctnn::history h = ctnn::fit<turbo>(net, data, ctnn::mse{}, ctnn::sgd{});
#endif
  (void)h;
}
