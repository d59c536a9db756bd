// expect: dense_hessian_allows_parameters<4096>::but_network_has_parameters<4097>
// expect: a dense Hessian takes at most ctnn::dense_hessian_limit parameters
// expect: ctnn::hessian_extremes gives the extreme eigenvalues of a network of any size
// gcc-lines: 10
#include <ctnn/ctnn.hpp>
#include <ctnn/analysis/critical_points.hpp>

int main() {
  const ctnn::basic_network<double, ctnn::input<4096>, ctnn::dense<1, ctnn::identity>> net;  // 4097 parameters
  const ctnn::dataset<double, 4096, 1> data;
#ifdef CTNN_COMPILE_FAIL_CONTROL
  const auto result = ctnn::hessian_extremes(net, data, ctnn::mse{});
#else
  const auto result = ctnn::hessian(net, data, ctnn::mse{});
#endif
  (void)result;
}
