// expect: execution_policy_must_be_fused_or_naive_but_is<fast, false>
// expect: the execution policy must be ctnn::fused \(the default\) or ctnn::naive
// gcc-lines: 12
#include <ctnn/ctnn.hpp>

struct fast {};

int main() {
  const ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
  ctnn::dataset<float, 4, 2> data;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  const auto e = ctnn::evaluate<ctnn::fused>(net, data, ctnn::mse{});
  const auto g = ctnn::gradient<ctnn::naive>(net, data, ctnn::mse{});
  const auto y = ctnn::forward<ctnn::naive>(net, ctnn::vector<float, 4>{});
#else
  const auto e = ctnn::evaluate<fast>(net, data, ctnn::mse{});
  const auto g = ctnn::gradient<fast>(net, data, ctnn::mse{});
  const auto y = ctnn::forward<fast>(net, ctnn::vector<float, 4>{});
#endif
  (void)e, (void)g, (void)y;
}
